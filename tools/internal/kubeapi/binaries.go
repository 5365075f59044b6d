// Package kubeapi runs a real Kubernetes control plane, etcd and kube-apiserver, on
// 127.0.0.1 for tests, and talks to it with plain HTTP: server-side apply as the
// pulumi-kubernetes provider does it, CRD installation, reads. The binaries are built by
// `make tools` from Go modules (tools/kubeapi: k8s.io/kubernetes v1.36.3, etcd v3.6.8);
// nothing is downloaded at test time. No controller-manager or scheduler runs, so what
// controllers do (namespace deletion, garbage collection, default ServiceAccounts, a
// Service's load balancer status) does not happen (docs/design.md, "The test bed").
package kubeapi

import (
	"fmt"
	"os"
	"path/filepath"
)

// KubernetesVersion is the version the binaries are built at and report on /version
// (Makefile KUBE_VERSION, tools/kubeapi/go.mod).
const KubernetesVersion = "v1.36.3"

// The binaries in the repository's bin/.
const (
	APIServerBinary = "kube-apiserver"
	EtcdBinary      = "etcd"
)

// RequireBinaries returns the paths of kube-apiserver and etcd in bin, or an error that
// says how to build them. A test that needs a control plane fails with it, never skips:
// CI builds them (`make unit` and `make tools` do).
func RequireBinaries(bin string) (apiserver, etcd string, err error) {
	apiserver, etcd = filepath.Join(bin, APIServerBinary), filepath.Join(bin, EtcdBinary)
	var missing []string
	for _, p := range []string{apiserver, etcd} {
		st, err := os.Stat(p)
		if err != nil || st.IsDir() || st.Mode()&0o111 == 0 {
			missing = append(missing, filepath.Base(p))
		}
	}
	if len(missing) > 0 {
		return "", "", fmt.Errorf("kubeapi: %v missing in %s: run `make tools` (it builds them from tools/kubeapi once per version)", missing, bin)
	}
	return apiserver, etcd, nil
}
