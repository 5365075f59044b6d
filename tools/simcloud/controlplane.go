package simcloud

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/eksplatform/pulumi-eksplatform/tools/internal/kubeapi"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// Each simulated EKS cluster has a real control plane: etcd and kube-apiserver
// (tools/internal/kubeapi, Kubernetes v1.36.3), started when the cluster is created and
// again by whichever plugin process needs it in a later run, on the same data, ports and
// certificate, kept beside the journal in "<journal>.kubeapi/<cluster>/". The cluster's
// endpoint and certificateAuthority.data are that server's, so the kubeconfig the
// platform builds from them reaches it; the token the simulated `aws eks get-token` and
// getClusterAuth give for the cluster (eksToken) is in its token file as a member of
// system:masters, as EKS's cluster creator is (who else may do what, access entries
// mapped to RBAC, is not modelled).
//
// The process that starts a control plane owns it and stops it when it exits (Close);
// the kernel kills it if the process is killed (kubeapi DieWithParent), so nothing is
// left running after a plugin ends. Other processes of the same run connect to it.

// controlPlaneState is what "<dir>/control-plane.json" records: the ports (stable for
// the cluster's life, since its endpoint names one) and the process running it.
type controlPlaneState struct {
	Ports    kubeapi.Ports `json:"ports"`
	OwnerPID int           `json:"ownerPid"`
	// Bin is where the binaries were when it first started, so a test process, which
	// is not in bin/, can start it again to read it.
	Bin string `json:"bin"`
}

// controlPlanes are this process's: those it started, and admin clients of the others.
type controlPlanes struct {
	mu      sync.Mutex
	owned   map[string]*kubeapi.Server
	clients map[string]*kubeapi.Client
	tmp     string // the folder of an in-memory simulated cloud's control planes
}

// eksToken is the bearer token the simulated `aws eks get-token --cluster-name <c>` and
// aws:eks/getClusterAuth give for a cluster: the API server accepts it.
func eksToken(cluster string) string { return "k8s-aws-v1." + hexOf(48, "token", cluster) }

// kubeBin is where kube-apiserver and etcd are: SIMCLOUD_KUBE_BIN, else the folder of
// this plugin (bin/, beside them).
func kubeBin() string {
	if b := os.Getenv("SIMCLOUD_KUBE_BIN"); b != "" {
		return b
	}
	exe, err := os.Executable()
	if err != nil {
		return "bin"
	}
	if r, err := filepath.EvalSymlinks(exe); err == nil {
		exe = r
	}
	return filepath.Dir(exe)
}

// controlPlaneDir is the cluster's folder.
func (s *Server) controlPlaneDir(cluster string) (string, error) {
	if s.opts.Journal != "" {
		return filepath.Join(s.opts.Journal+".kubeapi", cluster), nil
	}
	s.planes.mu.Lock()
	defer s.planes.mu.Unlock()
	if s.planes.tmp == "" {
		d, err := os.MkdirTemp("", "simcloud-kubeapi-")
		if err != nil {
			return "", err
		}
		s.planes.tmp = d
	}
	return filepath.Join(s.planes.tmp, cluster), nil
}

// controlPlane returns an administrator's client of the cluster's API server, starting
// it when no live process serves it. create says the cluster is being created now; a
// cluster whose control plane was never started (not created yet, or created before the
// test bed had one) is otherwise an error.
func (s *Server) controlPlane(ctx context.Context, cluster string, create bool) (*kubeapi.Client, error) {
	if s.opts.NoKubeAPI {
		return nil, errors.New("simcloud: SIMCLOUD_KUBE_API=off: this simulated cloud runs no Kubernetes API server")
	}
	s.planes.mu.Lock()
	if c, ok := s.planes.clients[cluster]; ok {
		s.planes.mu.Unlock()
		if c.Ready(ctx) {
			return c, nil
		}
		s.planes.mu.Lock()
		delete(s.planes.clients, cluster) // its owner ended: start it again below
	}
	s.planes.mu.Unlock()

	dir, err := s.controlPlaneDir(cluster)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	unlock, err := flock(dir + ".lock")
	if err != nil {
		return nil, err
	}
	defer unlock()

	st, known := readControlPlaneState(dir)
	if !known && !create {
		return nil, fmt.Errorf("simcloud: cluster %q has no control plane (it was not created by this simulated cloud)", cluster)
	}
	if known && st.OwnerPID != 0 && processAlive(st.OwnerPID) {
		if c, err := adminClient(dir, st, cluster); err == nil && c.Ready(ctx) {
			s.rememberClient(cluster, c)
			return c, nil
		}
	}
	if !known {
		if st.Ports, err = loopbackPorts(); err != nil {
			return nil, err
		}
		st.Bin = kubeBin()
	}
	t0 := time.Now()
	srv, err := kubeapi.Start(ctx, kubeapi.Options{Bin: orDefault(st.Bin, kubeBin()), Dir: dir, Ports: st.Ports,
		Token: eksToken(cluster), DieWithParent: true})
	if err != nil {
		return nil, fmt.Errorf("simcloud: the control plane of cluster %q: %w", cluster, err)
	}
	st.OwnerPID = os.Getpid()
	// A state or baseline that cannot be written fails the start: a later run would
	// otherwise restart a control plane it cannot find, or report leftovers it cannot
	// tell from EKS's own objects.
	err = writeControlPlaneState(dir, st)
	if err == nil && !known {
		err = writeBaseline(ctx, dir, srv.Client)
	}
	if err != nil {
		_ = srv.Stop()
		return nil, err
	}
	logStart(dir, srv.Endpoint, time.Since(t0))
	s.planes.mu.Lock()
	if s.planes.owned == nil {
		s.planes.owned = map[string]*kubeapi.Server{}
	}
	s.planes.owned[cluster] = srv
	s.planes.mu.Unlock()
	s.rememberClient(cluster, srv.Client)
	return srv.Client, nil
}

func (s *Server) rememberClient(cluster string, c *kubeapi.Client) {
	s.planes.mu.Lock()
	defer s.planes.mu.Unlock()
	if s.planes.clients == nil {
		s.planes.clients = map[string]*kubeapi.Client{}
	}
	s.planes.clients[cluster] = c
}

// clusterAddress is the endpoint and base64 CA data EKS reports for the cluster: its
// control plane's (started if need be).
func (s *Server) clusterAddress(ctx context.Context, cluster string) (endpoint, caData string, err error) {
	c, err := s.controlPlane(ctx, cluster, true)
	if err != nil {
		return "", "", err
	}
	return c.Endpoint, base64.StdEncoding.EncodeToString(c.CAPEM), nil
}

// knownClusterAddress is the endpoint and CA data of a control plane that was started
// before, read from its folder without starting it (a preview starts nothing).
func (s *Server) knownClusterAddress(cluster string) (endpoint, caData string, ok bool) {
	dir, err := s.controlPlaneDir(cluster)
	if err != nil {
		return "", "", false
	}
	st, known := readControlPlaneState(dir)
	pem, err := os.ReadFile(filepath.Join(dir, "certs", "apiserver.crt"))
	if !known || err != nil {
		return "", "", false
	}
	return endpointOf(st), base64.StdEncoding.EncodeToString(pem), true
}

// dropControlPlane stops the cluster's control plane and deletes its data: EKS deleted
// the cluster. The folder's objects are listed first into "<dir>.deleted.json"
// (deletedObjects), so a test can see what the platform left in the cluster.
func (s *Server) dropControlPlane(ctx context.Context, cluster string) error {
	if s.opts.NoKubeAPI {
		return nil
	}
	dir, err := s.controlPlaneDir(cluster)
	if err != nil {
		return err
	}
	if _, known := readControlPlaneState(dir); !known {
		return nil
	}
	c, err := s.controlPlane(ctx, cluster, false)
	if err != nil {
		return err
	}
	left, err := objectsLeft(ctx, dir, c)
	if err != nil {
		return err
	}
	b, err := json.Marshal(left)
	if err != nil {
		return err
	}
	if err := os.WriteFile(dir+".deleted.json", b, 0o644); err != nil {
		return err
	}
	unlock, err := flock(dir + ".lock")
	if err != nil {
		return err
	}
	defer unlock()
	s.planes.mu.Lock()
	srv := s.planes.owned[cluster]
	delete(s.planes.owned, cluster)
	delete(s.planes.clients, cluster)
	s.planes.mu.Unlock()
	if srv != nil {
		if err := srv.Stop(); err != nil {
			return err
		}
	} else if st, _ := readControlPlaneState(dir); st.OwnerPID != 0 {
		return fmt.Errorf("simcloud: cluster %q's control plane is run by process %d; it cannot be deleted from this one", cluster, st.OwnerPID)
	}
	return os.RemoveAll(dir)
}

// Close stops the control planes this process started (the API server killed, then
// etcd stopped cleanly), so nothing outlives the plugin. The engine ends a plugin with SIGTERM; cmd/simcloud
// calls Close then.
func (s *Server) Close() error {
	s.planes.mu.Lock()
	owned := s.planes.owned
	s.planes.owned, s.planes.clients = nil, nil
	tmp := s.planes.tmp
	s.planes.mu.Unlock()
	var errs []error
	for _, srv := range owned {
		errs = append(errs, srv.Kill()) // the engine waits for its plugins' exit
	}
	if tmp != "" {
		errs = append(errs, os.RemoveAll(tmp))
	}
	return errors.Join(errs...)
}

func endpointOf(st controlPlaneState) string {
	return "https://127.0.0.1:" + strconv.Itoa(st.Ports.APIServer)
}

// adminClient connects to a control plane another process runs.
func adminClient(dir string, st controlPlaneState, cluster string) (*kubeapi.Client, error) {
	pem, err := os.ReadFile(filepath.Join(dir, "certs", "apiserver.crt"))
	if err != nil {
		return nil, err
	}
	return kubeapi.NewClient(endpointOf(st), pem, eksToken(cluster))
}

func readControlPlaneState(dir string) (controlPlaneState, bool) {
	var st controlPlaneState
	b, err := os.ReadFile(filepath.Join(dir, "control-plane.json"))
	if err != nil || json.Unmarshal(b, &st) != nil || st.Ports.APIServer == 0 {
		return controlPlaneState{}, false
	}
	return st, true
}

func writeControlPlaneState(dir string, st controlPlaneState) error {
	b, err := json.Marshal(st)
	if err != nil {
		return err
	}
	tmp := filepath.Join(dir, "control-plane.json.tmp")
	if err := os.WriteFile(tmp, b, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, filepath.Join(dir, "control-plane.json"))
}

// loopbackPorts draws three free ports below Linux's ephemeral range (32768+), so the
// ports a cluster keeps for its life are not taken by outgoing connections between runs.
func loopbackPorts() (kubeapi.Ports, error) {
	var ps []int
	for tries := 0; len(ps) < 3 && tries < 200; tries++ {
		p := 20000 + rand.IntN(12000)
		l, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(p))
		if err != nil {
			continue
		}
		_ = l.Close()
		ps = append(ps, p)
	}
	if len(ps) < 3 {
		return kubeapi.Ports{}, errors.New("simcloud: no free loopback ports in 20000-31999")
	}
	return kubeapi.Ports{EtcdClient: ps[0], EtcdPeer: ps[1], APIServer: ps[2]}, nil
}

func processAlive(pid int) bool { return syscall.Kill(pid, 0) == nil }

// flock takes an exclusive lock on path, across processes.
func flock(path string) (func(), error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		_ = f.Close()
		return nil, err
	}
	return func() { _ = f.Close() }, nil
}

// writeBaseline records the objects a fresh control plane holds (its namespaces, RBAC
// defaults, priority classes...): EKS's own, not the platform's.
func writeBaseline(ctx context.Context, dir string, c *kubeapi.Client) error {
	refs, err := c.ListAll(ctx)
	if err != nil {
		return err
	}
	b, err := json.Marshal(refs)
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "baseline.json"), b, 0o644)
}

// objectsLeft lists the objects that are neither the fresh control plane's nor written
// by EKS or the API server alone (aws-auth when a node group joined; the APIService the
// server registers for each CRD's group).
func objectsLeft(ctx context.Context, dir string, c *kubeapi.Client) ([]kubeapi.ObjectRef, error) {
	refs, err := c.ListAll(ctx)
	if err != nil {
		return nil, err
	}
	var base []kubeapi.ObjectRef
	if b, err := os.ReadFile(filepath.Join(dir, "baseline.json")); err == nil {
		_ = json.Unmarshal(b, &base)
	}
	seen := map[string]bool{}
	for _, r := range base {
		seen[r.Key()] = true
	}
	left := []kubeapi.ObjectRef{}
	for _, r := range refs {
		if seen[r.Key()] || controlPlanesOwn(r) {
			continue
		}
		left = append(left, r)
	}
	return left, nil
}

// ObjectsLeftAtDelete reads, for each cluster of the simulated cloud journalled at
// journal that EKS deleted, what its API server held then beyond the control plane's own
// objects and EKS's (objectsLeft). For tests.
func ObjectsLeftAtDelete(journal string) (map[string][]kubeapi.ObjectRef, error) {
	files, err := filepath.Glob(filepath.Join(journal+".kubeapi", "*.deleted.json"))
	if err != nil {
		return nil, err
	}
	out := map[string][]kubeapi.ObjectRef{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		var left []kubeapi.ObjectRef
		if err := json.Unmarshal(b, &left); err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		out[strings.TrimSuffix(filepath.Base(f), ".deleted.json")] = left
	}
	return out, nil
}

// logStart appends the start's duration to "<dir>/starts.log" (the journal's lock may be
// held by the caller, so it is not journalled): the test bed's startup cost, measured.
func logStart(dir, endpoint string, d time.Duration) {
	f, err := os.OpenFile(filepath.Join(dir, "starts.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return
	}
	defer func() { _ = f.Close() }()
	_, _ = fmt.Fprintf(f, "%s pid %d started %s in %s\n", time.Now().UTC().Format(time.RFC3339), os.Getpid(), endpoint, d.Round(time.Millisecond))
}

// withControlPlaneAddress sets a cluster's endpoint and CA data in its computed outputs
// to its control plane's; with start false (a preview) only when it was started before.
func (s *Server) withControlPlaneAddress(ctx context.Context, cluster string, computed resource.PropertyMap, start bool) error {
	if s.opts.NoKubeAPI {
		return nil
	}
	var endpoint, ca string
	if start {
		var err error
		if endpoint, ca, err = s.clusterAddress(ctx, cluster); err != nil {
			return err
		}
	} else {
		var ok bool
		if endpoint, ca, ok = s.knownClusterAddress(cluster); !ok {
			return nil
		}
	}
	data := resource.NewObjectProperty(resource.PropertyMap{"data": resource.NewProperty(ca)})
	computed["endpoint"] = resource.NewProperty(endpoint)
	computed["certificateAuthority"] = data
	computed["certificateAuthorities"] = resource.NewArrayProperty([]resource.PropertyValue{data})
	return nil
}

// controlPlanesOwn: every manager of the object is EKS or the API server itself.
func controlPlanesOwn(r kubeapi.ObjectRef) bool {
	for _, m := range r.Managers {
		if m != eksManager && m != "kube-apiserver" {
			return false
		}
	}
	return len(r.Managers) > 0
}

// ControlPlaneInfo describes one simulated cluster's API server, for reports.
type ControlPlaneInfo struct {
	Cluster  string
	Endpoint string
	// Version is the kube-apiserver's (the binaries' pin).
	Version string
	// Starts are the lines of "<dir>/starts.log": when, by which process, how long.
	Starts []string
}

// ControlPlanes lists the API servers of the clusters of the simulated cloud journalled
// at journal that still exist.
func ControlPlanes(journal string) ([]ControlPlaneInfo, error) {
	dirs, err := filepath.Glob(filepath.Join(journal+".kubeapi", "*", "control-plane.json"))
	if err != nil {
		return nil, err
	}
	var out []ControlPlaneInfo
	for _, f := range dirs {
		dir := filepath.Dir(f)
		st, ok := readControlPlaneState(dir)
		if !ok {
			continue
		}
		info := ControlPlaneInfo{Cluster: filepath.Base(dir), Endpoint: endpointOf(st), Version: kubeapi.KubernetesVersion}
		if b, err := os.ReadFile(filepath.Join(dir, "starts.log")); err == nil {
			info.Starts = strings.Split(strings.TrimSpace(string(b)), "\n")
		}
		out = append(out, info)
	}
	return out, nil
}
