package kubeapi

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
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
	// Endpoint is the API server's URL (https://127.0.0.1:<port>).
	Endpoint string
	// CAPEM is the certificate the API server serves with and the CA that signed it
	// (cert-dir/apiserver.crt, which covers 127.0.0.1): a kubeconfig's
	// certificate-authority-data.
	CAPEM []byte
	// Token is a bearer token of a user in system:masters.
	Token string

	dir       string
	etcd      *exec.Cmd
	apiserver *exec.Cmd
	// exited is closed when the API server process has ended.
	exited    chan struct{}
	client    *http.Client
	resources *resourceCache
	stopOnce  sync.Once
	stopErr   error
}

// Options say where the binaries are.
type Options struct {
	// Bin is the folder holding kube-apiserver and etcd (the repository's bin/).
	Bin string
	// ReadyTimeout bounds the start; zero means two minutes (a busy 2-core machine
	// takes 3 s idle, much longer when every core is compiling).
	ReadyTimeout time.Duration
}

// Start launches etcd in a temporary folder, then kube-apiserver against it, and
// returns once /readyz answers ok. The caller must Stop it.
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

	dir, err := os.MkdirTemp("", "eksplatform-kubeapi-")
	if err != nil {
		return nil, err
	}
	s = &Server{dir: dir, exited: make(chan struct{}), resources: newResourceCache()}
	defer func() {
		if err != nil {
			_ = s.Stop()
			s = nil
		}
	}()

	etcdURL, err := s.startEtcd(ctx, etcdBin)
	if err != nil {
		return s, err
	}
	if err := s.startAPIServer(ctx, apiserverBin, etcdURL); err != nil {
		return s, err
	}
	return s, nil
}

// startEtcd runs our embed main (tools/kubeapi/cmd/etcd) and waits for its ready line.
func (s *Server) startEtcd(ctx context.Context, bin string) (string, error) {
	clientPort, err := freePort()
	if err != nil {
		return "", err
	}
	peerPort, err := freePort()
	if err != nil {
		return "", err
	}
	logFile, err := os.Create(filepath.Join(s.dir, "etcd.log"))
	if err != nil {
		return "", err
	}
	s.etcd = exec.Command(bin, "-data-dir", filepath.Join(s.dir, "etcd"),
		"-client-port", strconv.Itoa(clientPort), "-peer-port", strconv.Itoa(peerPort))
	s.etcd.Stderr = logFile
	out, err := s.etcd.StdoutPipe()
	if err != nil {
		return "", err
	}
	if err := s.etcd.Start(); err != nil {
		return "", fmt.Errorf("kubeapi: starting etcd: %w", err)
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
			return "", fmt.Errorf("kubeapi: etcd exited before it was ready: %s", tail(filepath.Join(s.dir, "etcd.log")))
		}
	case <-ctx.Done():
		return "", fmt.Errorf("kubeapi: etcd not ready: %w", ctx.Err())
	}
	return fmt.Sprintf("http://127.0.0.1:%d", clientPort), nil
}

// startAPIServer writes the token file and service-account keys and runs
// kube-apiserver with the flags checked on this machine (../shared DESIGN §5).
func (s *Server) startAPIServer(ctx context.Context, bin, etcdURL string) error {
	port, err := freePort()
	if err != nil {
		return err
	}
	token := make([]byte, 16)
	if _, err := rand.Read(token); err != nil {
		return err
	}
	s.Token = hex.EncodeToString(token)
	// token,user,uid,"groups": the test bed's administrator, as EKS's cluster creator is.
	tokenFile := filepath.Join(s.dir, "tokens.csv")
	if err := os.WriteFile(tokenFile, []byte(s.Token+`,eksplatform-admin,eksplatform-admin,"system:masters"`+"\n"), 0o600); err != nil {
		return err
	}
	saKey := filepath.Join(s.dir, "sa.key")
	if err := writeServiceAccountKey(saKey); err != nil {
		return err
	}
	certDir := filepath.Join(s.dir, "certs")
	logFile, err := os.Create(filepath.Join(s.dir, "apiserver.log"))
	if err != nil {
		return err
	}
	s.apiserver = exec.Command(bin,
		"--etcd-servers="+etcdURL,
		"--bind-address=127.0.0.1",
		"--advertise-address=127.0.0.1",
		"--secure-port="+strconv.Itoa(port),
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
	if err := s.apiserver.Start(); err != nil {
		return fmt.Errorf("kubeapi: starting kube-apiserver: %w", err)
	}
	go func() { _ = s.apiserver.Wait(); close(s.exited) }()
	s.Endpoint = fmt.Sprintf("https://127.0.0.1:%d", port)

	// The certificate is written at start; until then, and until /readyz says ok, poll.
	crt := filepath.Join(certDir, "apiserver.crt")
	for {
		if s.client == nil {
			if pem, err := os.ReadFile(crt); err == nil && len(pem) > 0 {
				pool := x509.NewCertPool()
				if pool.AppendCertsFromPEM(pem) {
					s.CAPEM = pem
					s.client = &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{
						TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12},
					}}
				}
			}
		}
		if s.client != nil {
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
		if s.etcd != nil && s.etcd.Process != nil {
			done := make(chan struct{})
			go func() { _ = s.etcd.Wait(); close(done) }()
			errs = append(errs, terminate(s.etcd, done))
		}
		errs = append(errs, os.RemoveAll(s.dir))
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
