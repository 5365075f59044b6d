// Package kubeobjects checks every Kubernetes object the platform makes directly (the
// aws-auth ConfigMap, CRDs, Karpenter's and Auto Mode's NodePools and NodeClasses,
// StorageClasses, IngressClasses) against a real kube-apiserver (tools/internal/kubeapi):
// the platform is constructed through the plugin's Construct path under mocks
// (provider/constructtest), and each registered kubernetes:* resource other than a Helm
// release is applied with server-side apply as the pulumi-kubernetes provider would, after
// the vendored CRDs. Charts are not rendered here yet (issue 25's next slices). End to end,
// the simulated cloud's kubernetes provider applies the same objects to each simulated
// cluster's own API server (tools/simcloud/kubeobjects.go). The package has tests only;
// it needs bin/kube-apiserver and bin/etcd (`make tools`).
package kubeobjects
