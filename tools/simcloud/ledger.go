package simcloud

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"syscall"
)

// op is an operation in flight. Rules such as "one Fargate profile at a time
// per cluster" and "fail the n-th create" need to see operations that have
// started but not yet been journaled, including those of the other plugin
// processes (aws, kubernetes, tls, and one process per explicit provider).
type op struct {
	Op      string `json:"op"`
	Type    string `json:"type"`
	Name    string `json:"name"`
	Cluster string `json:"cluster,omitempty"`
	// ID is the identity the journal keys the resource by once it exists (an add-on's
	// is "<cluster>:<addon>"), so a rule can tell what is being made, not only its type.
	ID  string `json:"id,omitempty"`
	PID int    `json:"pid"`
}

// view is the state a rule is checked against: the replayed journal plus the
// operations in flight (not including the one being checked).
type view struct {
	*world
	inflight []op
	// l reads the stored objects (what a rule needs of a resource's configuration,
	// such as a cluster's Auto Mode); nil in tests that build a view by hand.
	l *ledger
}

// ledger serialises check-and-register and finish-and-journal, within the
// process with a mutex and across processes with flock on "<journal>.lock".
// In-flight operations are files in "<journal>.inflight/" so other processes
// see them; a file whose pid is dead is stale and ignored. Without a journal
// everything stays in memory.
type ledger struct {
	path string // journal; "" means memory only

	mu       sync.Mutex
	entries  []Entry           // memory journal, used when path == ""
	inflight map[string]op     // this ledger's operations in flight, by ticket
	objects  map[string]object // memory object store (objects.go), used when path == ""
}

var ticketSeq atomic.Int64

func newLedger(path string) *ledger {
	return &ledger{path: path, inflight: map[string]op{}}
}

// ticket names one registered operation; "" means it was not registered
// (preview, or its rule check failed).
type ticket string

// locked runs fn holding both the in-process mutex and the cross-process flock.
func (l *ledger) locked(fn func() error) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.path == "" {
		return fn()
	}
	f, err := os.OpenFile(l.path+".lock", os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return err
	}
	defer func() { _ = f.Close() }() // closing the descriptor releases the flock
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		return err
	}
	return fn()
}

// load builds the view; it must run under locked.
func (l *ledger) load() (view, error) {
	if l.path == "" {
		v := view{world: replay(l.entries), l: l}
		for _, o := range l.inflight {
			v.inflight = append(v.inflight, o)
		}
		return v, nil
	}
	entries, err := ReadJournal(l.path)
	if err != nil {
		return view{}, err
	}
	v := view{world: replay(entries), l: l}
	dir := l.path + ".inflight"
	files, _ := os.ReadDir(dir)
	for _, fi := range files {
		b, err := os.ReadFile(filepath.Join(dir, fi.Name()))
		if err != nil {
			continue
		}
		var o op
		if json.Unmarshal(b, &o) != nil {
			continue
		}
		if !alive(o.PID) { // left behind by a killed plugin: it never happened
			_ = os.Remove(filepath.Join(dir, fi.Name()))
			continue
		}
		v.inflight = append(v.inflight, o)
	}
	return v, nil
}

func alive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}

// begin runs check against the current view and, if it passes, registers the
// operation it returns as in flight, atomically with respect to every other simcloud process
// sharing the journal. check's error is the operation's failure.
func (l *ledger) begin(check func(view) (op, error)) (ticket, error) {
	var t ticket
	var checkErr error
	err := l.locked(func() error {
		v, err := l.load()
		if err != nil {
			return err
		}
		var o op
		if o, checkErr = check(v); checkErr != nil {
			return nil
		}
		o.PID = os.Getpid()
		t = ticket(fmt.Sprintf("%d-%d", o.PID, ticketSeq.Add(1)))
		l.inflight[string(t)] = o
		if l.path == "" {
			return nil
		}
		dir := l.path + ".inflight"
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		b, _ := json.Marshal(o)
		return os.WriteFile(filepath.Join(dir, string(t)+".json"), b, 0o644)
	})
	if err != nil {
		return "", err
	}
	return t, checkErr
}

// peek runs fn against the current view (the journal as it is now, with what is in
// flight), for checks at the end of an operation.
func (l *ledger) peek(fn func(view) error) error {
	var fnErr error
	err := l.locked(func() error {
		v, err := l.load()
		if err != nil {
			return err
		}
		fnErr = fn(v)
		return nil
	})
	if err != nil {
		return err
	}
	return fnErr
}

// finish journals e and retires the ticket in one step, so no observer sees
// the operation both in flight and journaled, or neither.
func (l *ledger) finish(t ticket, e Entry) error {
	return l.locked(func() error {
		if t != "" {
			delete(l.inflight, string(t))
			if l.path != "" {
				_ = os.Remove(filepath.Join(l.path+".inflight", string(t)+".json"))
			}
		}
		if l.path == "" {
			l.entries = append(l.entries, e)
			return nil
		}
		return appendLine(l.path, e)
	})
}

// record journals an entry that had no in-flight phase (reads, provider diffs).
func (l *ledger) record(e Entry) error { return l.finish("", e) }

// inflightOf lists in-flight operations on typ for cluster.
func (v view) inflightOf(typ, cluster string) []op {
	var out []op
	for _, o := range v.inflight {
		if o.Type == typ && o.Cluster == cluster {
			out = append(out, o)
		}
	}
	return out
}

// creating reports whether the create of the typ resource with identity id is in flight.
func (v view) creating(typ, id string) bool {
	for _, o := range v.inflight {
		if o.Op == "create" && o.Type == typ && o.ID == id {
			return true
		}
	}
	return false
}

// ordinal is the 1-based number the next create of typ will have in the journal.
func (v view) ordinal(typ string) int {
	n := v.creates[typ] + 1
	for _, o := range v.inflight {
		if o.Op == "create" && o.Type == typ {
			n++
		}
	}
	return n
}
