// Package kubeobjects checks every Kubernetes object the platform makes directly (the
// aws-auth ConfigMap, CRDs, Karpenter's and Auto Mode's NodePools and NodeClasses,
// StorageClasses, IngressClasses) against a real kube-apiserver (tools/internal/kubeapi):
// the platform is constructed through the plugin's Construct path under mocks
// (provider/constructtest), and each registered kubernetes:* resource other than a Helm
// release is applied with server-side apply as the pulumi-kubernetes provider would, after
// the vendored CRDs. Each registered Helm release is rendered with Helm's engine from its
// chart's archive under tools/charts (tools/internal/helmrender) with the values the
// platform computed, applied too, and read for the service accounts the IAM side names
// (charts_test.go, identities_test.go). The simulated cloud's kubernetes provider does
// not use the API server yet. The package has tests only; it needs bin/kube-apiserver and
// bin/etcd (`make tools`).
package kubeobjects
