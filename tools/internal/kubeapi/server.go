package kubeapi

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Server is a running control plane: etcd and kube-apiserver on 127.0.0.1.
type Server struct {
	// Client is the administrator's: Endpoint, CAPEM (the certificate the API server
	// serves with and the CA that signed it, cert-dir/apiserver.crt, which covers
	// 127.0.0.1: a kubeconfig's certificate-authority-data) and Token (a user in
	// system:masters). Nil until the API server has written its certificate.
	*Client

	dir       string
	keepDir   bool
	ports     Ports
	etcd      *exec.Cmd
	apiserver *exec.Cmd
	// exited is closed when the API server process has ended.
	exited   chan struct{}
	stopOnce sync.Once
	stopErr  error
}

// Options say where the binaries are and, for a control plane that outlives one
// process (the simulated cloud's, which every plugin run restarts on the same data),
// where it keeps its state.
type Options struct {
	// Bin is the folder holding kube-apiserver and etcd (the repository's bin/).
	Bin string
	// ReadyTimeout bounds the start; zero means two minutes (a busy 2-core machine
	// takes 3 s idle, much longer when every core is compiling).
	ReadyTimeout time.Duration
	// Dir keeps etcd's data, the certificates, the token file and the service-account
	// key; Stop leaves it, and a later Start on it serves the same objects with the same
	// certificate. Empty: a temporary folder that Stop removes.
	Dir string
	// Ports are the loopback ports to listen on; zero ones are chosen free.
	Ports Ports
	// Token is the administrator's bearer token; empty draws a random one.
	Token string
	// DieWithParent puts etcd and the API server in a process group of their own
	// (an engine's SIGTERM to its plugin's group does not reach them: the owner stops
	// them in order) and has the kernel kill them when the starting process dies.
	DieWithParent bool
}

// Ports are a control plane's loopback ports.
type Ports struct {
	EtcdClient int `json:"etcdClient"`
	EtcdPeer   int `json:"etcdPeer"`
	APIServer  int `json:"apiServer"`
}

// fill chooses a free port for each zero one.
func (p *Ports) fill() error {
	for _, q := range []*int{&p.EtcdClient, &p.EtcdPeer, &p.APIServer} {
		if *q != 0 {
			continue
		}
		port, err := freePort()
		if err != nil {
			return err
		}
		*q = port
	}
	return nil
}

// Start launches etcd, then kube-apiserver against it, and returns once /readyz
// answers ok. The caller must Stop it.
func Start(ctx context.Context, o Options) (s *Server, err error) {
	apiserverBin, etcdBin, err := RequireBinaries(o.Bin)
	if err != nil {
		return nil, err
	}
	if o.ReadyTimeout == 0 {
		o.ReadyTimeout = 2 * time.Minute
	}
	ctx, cancel := context.WithTimeout(ctx, o.ReadyTimeout)
	defer cancel()

	dir, keep := o.Dir, o.Dir != ""
	if keep {
		err = os.MkdirAll(dir, 0o700)
	} else {
		dir, err = os.MkdirTemp("", "eksplatform-kubeapi-")
	}
	if err != nil {
		return nil, err
	}
	s = &Server{dir: dir, keepDir: keep, ports: o.Ports, exited: make(chan struct{})}
	defer func() {
		if err != nil {
			_ = s.Stop()
			s = nil
		}
	}()
	if err := s.ports.fill(); err != nil {
		return s, err
	}
	if err := s.startEtcd(ctx, etcdBin, o.DieWithParent); err != nil {
		return s, err
	}
	if err := s.startAPIServer(ctx, apiserverBin, o); err != nil {
		return s, err
	}
	return s, nil
}

// Ports are the ports the control plane listens on.
func (s *Server) Ports() Ports { return s.ports }

// Dir is the folder holding the control plane's state and logs.
func (s *Server) Dir() string { return s.dir }

// startEtcd runs our embed main (tools/kubeapi/cmd/etcd) and waits for its ready line.
func (s *Server) startEtcd(ctx context.Context, bin string, dieWithParent bool) error {
	logFile, err := os.OpenFile(filepath.Join(s.dir, "etcd.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return err
	}
	s.etcd = exec.Command(bin, "-data-dir", filepath.Join(s.dir, "etcd"),
		"-client-port", strconv.Itoa(s.ports.EtcdClient), "-peer-port", strconv.Itoa(s.ports.EtcdPeer))
	s.etcd.Stderr = logFile
	out, err := s.etcd.StdoutPipe()
	if err != nil {
		return err
	}
	if err := startProcess(s.etcd, dieWithParent); err != nil {
		return fmt.Errorf("kubeapi: starting etcd: %w", err)
	}
	ready := make(chan bool, 1)
	go func() {
		sc := bufio.NewScanner(out)
		ok := false
		for sc.Scan() {
			if !ok && sc.Text() == "etcd ready" {
				ok = true
				ready <- true
			}
		}
		if !ok {
			ready <- false
		}
	}()
	select {
	case ok := <-ready:
		if !ok {
			return fmt.Errorf("kubeapi: etcd exited before it was ready: %s", tail(filepath.Join(s.dir, "etcd.log")))
		}
	case <-ctx.Done():
		return fmt.Errorf("kubeapi: etcd not ready: %w", ctx.Err())
	}
	return nil
}

// startAPIServer writes the token file and service-account key (once, in a kept
// folder) and runs kube-apiserver with the flags checked on this machine
// (../shared DESIGN §5).
func (s *Server) startAPIServer(ctx context.Context, bin string, o Options) error {
	token := o.Token
	if token == "" {
		b := make([]byte, 16)
		if _, err := rand.Read(b); err != nil {
			return err
		}
		token = hex.EncodeToString(b)
	}
	// token,user,uid,"groups": the test bed's administrator, as EKS's cluster creator is.
	tokenFile := filepath.Join(s.dir, "tokens.csv")
	if err := os.WriteFile(tokenFile, []byte(token+`,eksplatform-admin,eksplatform-admin,"system:masters"`+"\n"), 0o600); err != nil {
		return err
	}
	saKey := filepath.Join(s.dir, "sa.key")
	if _, err := os.Stat(saKey); err != nil {
		if err := writeServiceAccountKey(saKey); err != nil {
			return err
		}
	}
	certDir := filepath.Join(s.dir, "certs")
	logFile, err := os.OpenFile(filepath.Join(s.dir, "apiserver.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return err
	}
	s.apiserver = exec.Command(bin,
		"--etcd-servers="+fmt.Sprintf("http://127.0.0.1:%d", s.ports.EtcdClient),
		"--bind-address=127.0.0.1",
		"--advertise-address=127.0.0.1",
		"--secure-port="+strconv.Itoa(s.ports.APIServer),
		// A kept cert-dir keeps its certificate: the API server generates one only
		// when none is there, so a restarted control plane keeps its CA data.
		"--cert-dir="+certDir,
		"--token-auth-file="+tokenFile,
		"--authorization-mode=Node,RBAC",
		"--service-account-issuer=https://kubernetes.default.svc.cluster.local",
		"--service-account-key-file="+saKey,
		"--service-account-signing-key-file="+saKey,
		"--service-cluster-ip-range=10.96.0.0/16",
		// Without it, a loopback advertise address logs an error every 10 s.
		"--endpoint-reconciler-type=none",
	)
	s.apiserver.Stdout, s.apiserver.Stderr = logFile, logFile
	if err := startProcess(s.apiserver, o.DieWithParent); err != nil {
		return fmt.Errorf("kubeapi: starting kube-apiserver: %w", err)
	}
	go func() { _ = s.apiserver.Wait(); close(s.exited) }()
	endpoint := fmt.Sprintf("https://127.0.0.1:%d", s.ports.APIServer)

	// The certificate is written at start; until then, and until /readyz says ok, poll.
	crt := filepath.Join(certDir, "apiserver.crt")
	for {
		if s.Client == nil {
			if pem, err := os.ReadFile(crt); err == nil && len(pem) > 0 {
				if c, err := NewClient(endpoint, pem, token); err == nil {
					s.Client = c
				}
			}
		}
		if s.Client != nil {
			if code, body, err := s.get(ctx, "/readyz"); err == nil && code == http.StatusOK && string(body) == "ok" {
				return nil
			}
		}
		select {
		case <-s.exited:
			return fmt.Errorf("kubeapi: kube-apiserver exited before it was ready: %s", tail(filepath.Join(s.dir, "apiserver.log")))
		case <-ctx.Done():
			return fmt.Errorf("kubeapi: kube-apiserver not ready: %w; log: %s", ctx.Err(), tail(filepath.Join(s.dir, "apiserver.log")))
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// Stop ends the API server, then etcd (the other order hangs the API server's
// shutdown), and removes the temporary folder.
func (s *Server) Stop() error {
	s.stopOnce.Do(func() {
		var errs []error
		if s.apiserver != nil && s.apiserver.Process != nil {
			errs = append(errs, terminate(s.apiserver, s.exited))
		}
		errs = append(errs, s.stopEtcd()...)
		s.stopErr = errors.Join(errs...)
	})
	return s.stopErr
}

// stopEtcd ends etcd cleanly (SIGTERM, so it closes its data) once the API server is
// gone, and removes the folder unless it is kept: the second half of Stop and Kill.
func (s *Server) stopEtcd() []error {
	var errs []error
	if s.etcd != nil && s.etcd.Process != nil {
		done := make(chan struct{})
		go func() { _ = s.etcd.Wait(); close(done) }()
		errs = append(errs, terminate(s.etcd, done))
	}
	if !s.keepDir {
		errs = append(errs, os.RemoveAll(s.dir))
	}
	return errs
}

// Kill ends a control plane fast, for a process that is being told to exit: the API
// server holds no state of its own, so it is killed (SIGKILL); etcd gets SIGTERM and
// closes its data cleanly. A kept folder stays, to start again on.
func (s *Server) Kill() error {
	var errs []error
	s.stopOnce.Do(func() {
		if s.apiserver != nil && s.apiserver.Process != nil {
			_ = s.apiserver.Process.Kill()
			<-s.exited
		}
		errs = append(errs, s.stopEtcd()...)
		s.stopErr = errors.Join(errs...)
	})
	return s.stopErr
}

// terminate sends SIGTERM and waits up to 30 s before killing.
func terminate(cmd *exec.Cmd, done <-chan struct{}) error {
	_ = cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-done:
		return nil
	case <-time.After(30 * time.Second):
		_ = cmd.Process.Kill()
		<-done
		return fmt.Errorf("kubeapi: %s did not stop within 30s of SIGTERM; killed", filepath.Base(cmd.Path))
	}
}

// Version is the API server's /version gitVersion.
func (s *Server) Version(ctx context.Context) (string, error) {
	var v struct {
		GitVersion string `json:"gitVersion"`
	}
	if err := s.getJSON(ctx, "/version", &v); err != nil {
		return "", err
	}
	return v.GitVersion, nil
}

// freePort asks the kernel for a free loopback port. Another process could take it
// before the server binds it; on this test bed nothing else races for ports.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer func() { _ = l.Close() }()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// tail is the end of a log file, for errors.
func tail(path string) string {
	b, _ := os.ReadFile(path)
	b = bytes.TrimSpace(b)
	if len(b) > 2000 {
		b = b[len(b)-2000:]
	}
	return strings.TrimSpace(string(b))
}

// drain reads a response body to the end so the connection is reused.
func drain(r io.ReadCloser) {
	_, _ = io.Copy(io.Discard, r)
	_ = r.Close()
}
