package kubeapi

import (
	"os/exec"
	"runtime"
	"sync"
	"syscall"
)

// Linux delivers a child's parent-death signal when the thread that forked it ends,
// not the process (prctl PR_SET_PDEATHSIG), and Go moves goroutines between threads
// and may end a thread. So processes that must die with this one are forked from one
// goroutine locked to its thread for the life of the process.
var spawner struct {
	once sync.Once
	jobs chan func()
}

// startProcess starts cmd; with dieWithParent, in a process group of its own and
// killed by the kernel when this process dies (a SIGKILLed plugin leaks nothing).
func startProcess(cmd *exec.Cmd, dieWithParent bool) error {
	if !dieWithParent {
		return cmd.Start()
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	spawner.once.Do(func() {
		spawner.jobs = make(chan func())
		go func() {
			runtime.LockOSThread() // never unlocked: the thread lives as long as the process
			for job := range spawner.jobs {
				job()
			}
		}()
	})
	errc := make(chan error, 1)
	spawner.jobs <- func() { errc <- cmd.Start() }
	return <-errc
}
