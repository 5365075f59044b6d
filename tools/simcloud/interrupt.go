package simcloud

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Interrupted runs: the engine dies (a CI job killed at its timeout, a laptop
// closed, kill -9) while AWS carries on. SIMCLOUD_KILL_AFTER_CREATE_OF=
// "<type>[#<n>],..." makes the n-th create of a type (default the first,
// counted over the whole journal like SIMCLOUD_FAIL_CREATE, so a re-run is not
// killed again) complete in the simulated cloud, journalled, and then kills
// the engine before it hears of it: the state keeps a pending create. The
// other operations this plugin process has in flight were already sent to AWS,
// so they complete too (journalled with the detail "completed after the
// engine died"); operations that arrive afterwards never reach it. The engine
// (the parent process, which must be `pulumi`) and every plugin it started are
// sent SIGKILL, then this process exits.
//
// Recovery must then never create a second EKS object: creating a cluster,
// node group, Fargate profile, access entry or add-on whose physical name
// already exists fails with the ResourceInUseException EKS answers
// (checkUnique).

// parseKills reads SIMCLOUD_KILL_AFTER_CREATE_OF; "<type>" alone means "#1".
func parseKills(spec string) (faults, error) {
	var items []string
	for _, item := range strings.Split(spec, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		if !strings.Contains(item, "#") {
			item += "#1"
		}
		items = append(items, item)
	}
	f, err := parseFaults(strings.Join(items, ","))
	if err != nil {
		return nil, fmt.Errorf("SIMCLOUD_KILL_AFTER_CREATE_OF: %w", err)
	}
	return f, nil
}

// dying is closed when the engine is about to be killed: sleeping operations
// wake and complete, new ones wait for the end.
type dying struct {
	once sync.Once
	ch   chan struct{}
}

func (s *Server) dyingCh() <-chan struct{} {
	s.dying.once.Do(func() { s.dying.ch = make(chan struct{}) })
	return s.dying.ch
}

func (s *Server) isDying() bool {
	select {
	case <-s.dyingCh():
		return true
	default:
		return false
	}
}

// halt blocks forever once the engine is being killed: an operation that
// arrives now never reaches AWS, and one that completed is never reported.
func (s *Server) halt() {
	if s.isDying() {
		select {}
	}
}

// settle runs after an operation completed in the cloud, before the engine
// hears of it: it kills the engine if this create is the one to interrupt.
func (s *Server) settle(typ string, createOrdinal int) {
	if createOrdinal > 0 && s.kills.fails(typ, createOrdinal) {
		s.interrupt()
	}
	s.halt()
}

// interrupt lets this process's operations in flight complete, then kills the
// engine and its plugins, and this process (s.killEngine). It does not return.
func (s *Server) interrupt() {
	s.dying.once.Do(func() { s.dying.ch = make(chan struct{}) })
	select {
	case <-s.dying.ch:
		select {} // another operation is already killing the engine
	default:
		close(s.dying.ch)
	}
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		s.ledger.mu.Lock()
		n := len(s.ledger.inflight)
		s.ledger.mu.Unlock()
		if n == 0 {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	s.killEngine()
	select {}
}

// killEngineTree sends SIGKILL to the parent process if it is the Pulumi CLI,
// then to every other process (and its process group: plugins run in groups
// of their own) that the engine started, and exits. Linux only (it reads /proc).
func killEngineTree() {
	engine := os.Getppid()
	comm, _ := os.ReadFile(fmt.Sprintf("/proc/%d/comm", engine))
	if strings.TrimSpace(string(comm)) != "pulumi" {
		fmt.Fprintf(os.Stderr, "simcloud: not killing parent %d (%q): it is not the pulumi CLI\n", engine, strings.TrimSpace(string(comm)))
		os.Exit(1)
	}
	children := childrenOf(engine)
	_ = syscall.Kill(engine, syscall.SIGKILL) // best effort: it may be gone already
	for _, c := range children {
		if c == os.Getpid() {
			continue
		}
		if pgid, err := syscall.Getpgid(c); err == nil && pgid == c {
			_ = syscall.Kill(-c, syscall.SIGKILL)
		}
		_ = syscall.Kill(c, syscall.SIGKILL)
	}
	os.Exit(1)
}

// childrenOf lists the processes whose parent is pid.
func childrenOf(pid int) []int {
	var out []int
	dirs, _ := filepath.Glob("/proc/[0-9]*/stat")
	for _, d := range dirs {
		b, err := os.ReadFile(d)
		if err != nil {
			continue
		}
		// pid (comm) state ppid ...; comm may hold spaces and parentheses.
		s := string(b)
		i := strings.LastIndexByte(s, ')')
		if i < 0 {
			continue
		}
		f := strings.Fields(s[i+1:])
		if len(f) < 2 {
			continue
		}
		if ppid, err := strconv.Atoi(f[1]); err == nil && ppid == pid {
			if c, err := strconv.Atoi(filepath.Base(filepath.Dir(d))); err == nil {
				out = append(out, c)
			}
		}
	}
	return out
}

// checkUnique fails a create whose physical name is taken, with the error EKS
// answers: the guard that makes a wrong recovery (a second create of an object
// that completed while the engine died) fail instead of duplicating it.
func checkUnique(r *res, id string, v view) error {
	if !v.exists(r.Type, id) {
		return nil
	}
	cluster := str(r.Inputs, "clusterName")
	switch r.Type {
	case typCluster:
		return fmt.Errorf("ResourceInUseException: Cluster already exists with name: %s", r.Named("name"))
	case typNodeGroup:
		return fmt.Errorf("ResourceInUseException: NodeGroup already exists with name %s and cluster name %s",
			r.Named("nodeGroupName"), cluster)
	case typFargate:
		return fmt.Errorf("ResourceInUseException: A Fargate Profile already exists with this name in this cluster (%s in %s)",
			r.Named("fargateProfileName"), cluster)
	case typAccessEnt:
		return fmt.Errorf("ResourceInUseException: The specified access entry resource is already in use on this cluster (%s in %s)",
			str(r.Inputs, "principalArn"), cluster)
	case typAddon:
		return fmt.Errorf("ResourceInUseException: Addon already exists (%s in %s)", str(r.Inputs, "addonName"), cluster)
	}
	return nil
}
