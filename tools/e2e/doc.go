// Package e2e holds the end-to-end tests: the real Pulumi engine (bin/pulumi)
// runs Go, TypeScript and Python Automation API inline programs that use the
// generated SDKs — for the full platform of each language, the shipped example
// (examples/go, examples/ts, examples/python) unchanged —
// against the simulated cloud (bin/pulumi-resource-{aws,kubernetes,tls}), whose
// every simulated EKS cluster has a real kube-apiserver (bin/kube-apiserver, bin/etcd)
// that each Kubernetes object is applied to, and the component plugin
// (bin/pulumi-resource-eksplatform). Ordering is read
// from the simulator's journal. Run with `make e2e`.
package e2e
