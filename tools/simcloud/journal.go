package simcloud

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"strings"
)

// Entry is one journal line. Field order is part of the format (tests and
// tools read the journal as JSON lines): op, type, urn, name, start_ms, end_ms,
// then the optional fields. ID and Cluster let a later process (or a re-run of
// `pulumi up`) rebuild what exists in the simulated cloud from the journal alone.
type Entry struct {
	Op      string `json:"op"`
	Type    string `json:"type"`
	URN     string `json:"urn"`
	Name    string `json:"name"`
	StartMS int64  `json:"start_ms"`
	EndMS   int64  `json:"end_ms"`
	Error   string `json:"error,omitempty"`
	Warning string `json:"warning,omitempty"`
	ID      string `json:"id,omitempty"`
	Cluster string `json:"cluster,omitempty"`
	// Detail says what an out-of-band change did ("scalingConfig.desiredSize=5")
	// or why a read found nothing (drift.go).
	Detail string `json:"detail,omitempty"`
}

// maxLine keeps every line below PIPE_BUF-sized writes so that O_APPEND writes
// from the three plugin processes never interleave.
const maxLine = 4000

// encodeLine renders e as one JSON line, shortening free-text fields if needed.
func encodeLine(e Entry) []byte {
	for {
		b, _ := json.Marshal(e)
		if len(b)+1 <= maxLine || (len(e.Error) < 64 && len(e.Warning) < 64) {
			return append(b, '\n')
		}
		e.Error = shorten(e.Error)
		e.Warning = shorten(e.Warning)
	}
}

func shorten(s string) string {
	if len(s) < 64 {
		return s
	}
	return s[:len(s)/2] + "…"
}

// appendLine appends one line with a single write on an O_APPEND descriptor.
func appendLine(path string, e Entry) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.Write(encodeLine(e)); err != nil {
		_ = f.Close()
		return err
	}
	return f.Close()
}

// ReadJournal parses a journal file; a missing file is an empty journal and
// lines that do not parse (a torn write after a crash) are skipped.
func ReadJournal(path string) ([]Entry, error) {
	b, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []Entry
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		var e Entry
		if json.Unmarshal([]byte(line), &e) == nil {
			out = append(out, e)
		}
	}
	return out, sc.Err()
}

// world is what exists in the simulated cloud, replayed from journal entries:
// successful creates add a resource, successful deletes remove it. Counting
// (rather than a set) keeps create-before-replace of the same id right.
type world struct {
	count   map[string]int    // type + "\x00" + id → live instances
	cluster map[string]string // type + "\x00" + id → cluster it belongs to
	creates map[string]int    // type → creates ever journaled (failed ones too)
}

func replay(entries []Entry) *world {
	w := &world{count: map[string]int{}, cluster: map[string]string{}, creates: map[string]int{}}
	for _, e := range entries {
		if e.Type == typTag { // one value per key, however many stacks wrote it (ec2tags.go)
			replayTag(w, e)
			continue
		}
		k := e.Type + "\x00" + e.ID
		switch e.Op {
		case OpLaunch: // an instance Karpenter launched (karpenter.go)
			w.count[k]++
			w.cluster[k] = e.Cluster
		case OpTerminate:
			if w.count[k] > 0 {
				w.count[k]--
			}
		case "create":
			w.creates[e.Type]++
			if e.Error == "" {
				w.count[k]++
				w.cluster[k] = e.Cluster
			}
		case "delete", opDriftDelete: // deleted by the engine, or out of band (drift.go)
			if e.Error == "" && w.count[k] > 0 {
				w.count[k]--
			}
		}
	}
	return w
}

func (w *world) exists(typ, id string) bool { return w.count[typ+"\x00"+id] > 0 }

// clusterHas reports whether a resource of one of types, belonging to
// cluster, exists (its create completed and it was not deleted since).
func (w *world) clusterHas(cluster string, types ...string) bool {
	for k, n := range w.count {
		if n <= 0 || w.cluster[k] != cluster {
			continue
		}
		for _, t := range types {
			if strings.HasPrefix(k, t+"\x00") {
				return true
			}
		}
	}
	return false
}

// ids lists the live ids of typ (used to map a kubeconfig back to its cluster).
func (w *world) ids(typ string) []string {
	var out []string
	for k, n := range w.count {
		if n > 0 && strings.HasPrefix(k, typ+"\x00") {
			out = append(out, strings.TrimPrefix(k, typ+"\x00"))
		}
	}
	return out
}
