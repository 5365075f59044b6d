package addons

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// This file is the one place in code that says which Kubernetes versions each chart
// version the platform installs runs on, as upstream states it at the chart's release
// tag (policies/SOURCES.md, "Kubernetes compatibility of the charts", records how each
// fact was read). Two kinds of fact, kept apart because they act differently:
//
//   - the chart's own `kubeVersion` constraint in Chart.yaml, which Helm enforces: an
//     install or upgrade on a cluster outside it fails with "chart requires
//     kubeVersion: <c> which is incompatible with Kubernetes <v>" (helm
//     pkg/action/action.go, renderResources). The platform refuses such a combination
//     before anything is registered, and the simulator refuses the release as Helm does;
//   - the Kubernetes versions upstream documents for the release (a supported-releases
//     page, a compatibility matrix), which nothing enforces at install but which say
//     whether the add-on is meant to run there. The platform refuses a combination
//     outside a documented range too, naming a chart version that fits where upstream
//     has one. Where upstream only lists the versions its tests run on (external-secrets),
//     running elsewhere is a warning, not a refusal.

// KubeCompat is what upstream says about the Kubernetes versions one chart version runs
// on. Minors are the N of Kubernetes 1.N.
type KubeCompat struct {
	// Key is the add-on's key under `addons` ("certManager"), or "karpenter" for the
	// platform's Karpenter controller.
	Key string
	// Chart is the chart's name (the last segment of the release's chart reference) and
	// Version the chart version, as the platform passes them to Helm.
	Chart, Version string
	// KubeVersion is Chart.yaml's kubeVersion constraint ("" when the chart has none);
	// KubeVersionSource where it was read (repository@tag:path).
	KubeVersion       string
	KubeVersionSource string
	// MinMinor and MaxMinor bound the Kubernetes minors upstream documents the release
	// for; MaxMinor 0 means no upper bound is documented. SupportedSource is the
	// document (repository@tag-or-commit:path) and what it says.
	MinMinor, MaxMinor int
	SupportedSource    string
	// TestedMinors, when set, are the only minors upstream says its tests run on, where
	// that is all it documents besides the chart's constraint: outside them is a warning.
	TestedMinors []int
	TestedSource string
}

// KubeCompats are the facts, one entry per chart version: every catalogue pin, the
// Karpenter pin, and chart versions the messages recommend for a minor a pin does not
// support (cert-manager v1.20.3 for 1.32).
var KubeCompats = KubeCompatTable{
	{
		Key: "awsLoadBalancerController", Chart: "aws-load-balancer-controller", Version: "3.5.0",
		// The chart the repository serves is aws/eks-charts' copy (5239609, "aws-load-balancer-controller: v3.5.0"), which has none either.
		KubeVersionSource: "kubernetes-sigs/aws-load-balancer-controller@v3.5.0:helm/aws-load-balancer-controller/Chart.yaml (no kubeVersion)",
		MinMinor:          22,
		SupportedSource:   `kubernetes-sigs/aws-load-balancer-controller@v3.5.0:docs/deploy/installation.md, "Supported Kubernetes versions": "AWS Load Balancer Controller v2.5.0+ requires Kubernetes 1.22+"`,
	},
	{
		Key: "externalDns", Chart: "external-dns", Version: "1.21.1",
		KubeVersionSource: "kubernetes-sigs/external-dns@external-dns-helm-chart-1.21.1:charts/external-dns/Chart.yaml (no kubeVersion)",
		MinMinor:          21,
		SupportedSource:   `kubernetes-sigs/external-dns@external-dns-helm-chart-1.21.1:README.md, "Kubernetes version compatibility": ExternalDNS >= 0.18.x (the chart ships v0.21.0) on Kubernetes 1.21, 1.22-1.32 and >= 1.33; not on 1.20 and older`,
	},
	{
		Key: "clusterAutoscaler", Chart: "cluster-autoscaler", Version: "9.59.0",
		KubeVersionSource: "kubernetes/autoscaler@cluster-autoscaler-chart-9.59.0:cluster-autoscaler/charts/cluster-autoscaler/Chart.yaml (no kubeVersion)",
		MinMinor:          8,
		// The autoscaler itself supports the minor it is built for: the platform sets the
		// image per minor (ClusterAutoscalerImageTags) and refuses a minor without one.
		SupportedSource: `kubernetes/autoscaler@cluster-autoscaler-chart-9.59.0:cluster-autoscaler/charts/cluster-autoscaler/README.md, "Prerequisites": "Kubernetes 1.8+"`,
	},
	{
		Key: "metricsServer", Chart: "metrics-server", Version: "3.13.1",
		KubeVersionSource: "kubernetes-sigs/metrics-server@metrics-server-helm-chart-3.13.1:charts/metrics-server/Chart.yaml (no kubeVersion)",
		MinMinor:          31,
		SupportedSource:   `kubernetes-sigs/metrics-server@metrics-server-helm-chart-3.13.1:README.md, "Compatibility Matrix": Metrics Server 0.8.x (the chart ships v0.8.1), Kubernetes 1.31+`,
	},
	{
		Key: "certManager", Chart: "cert-manager", Version: "v1.21.1",
		KubeVersion:       ">= 1.22.0-0",
		KubeVersionSource: "cert-manager/cert-manager@v1.21.1:deploy/charts/cert-manager/Chart.yaml",
		MinMinor:          33, MaxMinor: 36,
		SupportedSource: `cert-manager/website@776e5dba56510fc9de84206b806b568447077f25:content/docs/releases/README.md, "Currently supported releases": 1.21, Supported Kubernetes 1.33 → 1.36`,
	},
	{
		Key: "certManager", Chart: "cert-manager", Version: "v1.20.3",
		KubeVersion:       ">= 1.22.0-0",
		KubeVersionSource: "cert-manager/cert-manager@v1.20.3:deploy/charts/cert-manager/Chart.template.yaml (packaged as Chart.yaml by make/manifests.mk)",
		MinMinor:          32, MaxMinor: 35,
		SupportedSource: `cert-manager/website@776e5dba56510fc9de84206b806b568447077f25:content/docs/releases/README.md, "Currently supported releases": 1.20, Supported Kubernetes 1.32 → 1.35`,
	},
	{
		Key: "externalSecrets", Chart: "external-secrets", Version: "2.9.0",
		KubeVersion:       ">= 1.19.0-0",
		KubeVersionSource: "external-secrets/external-secrets@helm-chart-2.9.0:deploy/charts/external-secrets/Chart.yaml",
		// Nothing but the chart's constraint bounds it; the page below lists the tested
		// version only.
		MinMinor:        19,
		SupportedSource: "the chart's kubeVersion (no other bound is documented)",
		TestedMinors:    []int{36},
		TestedSource:    `external-secrets/external-secrets@helm-chart-2.9.0:docs/introduction/stability-support.md: ESO 2.9, Kubernetes Version 1.36; "We do not do test coverage for any other kubernetes version than the ones running on our test suites"`,
	},
	{
		Key: "karpenter", Chart: "karpenter", Version: KarpenterVersion,
		// The release script (hack/release/common.sh) sets only version and appVersion.
		KubeVersionSource: "aws/karpenter-provider-aws@v1.14.1:charts/karpenter/Chart.yaml (no kubeVersion)",
		MinMinor:          26, MaxMinor: 36,
		SupportedSource: "aws/karpenter-provider-aws@v1.14.1:hack/docs/compatibilitymatrix_gen/compatibility.yaml (the compatibility matrix's source): appVersion 1.14.x, minK8sVersion 1.26, maxK8sVersion 1.36",
	},
}

// KubeCompatTable is a list of KubeCompat, one entry per chart version.
type KubeCompatTable []KubeCompat

// For is the entry for an add-on's chart version ("v" or not: the catalogue's pins and
// users write either).
func (t KubeCompatTable) For(key, version string) (KubeCompat, bool) {
	for _, k := range t {
		if k.Key == key && SameChartVersion(k.Version, version) {
			return k, true
		}
	}
	return KubeCompat{}, false
}

// ForChart is the entry for a chart name and version, for the simulator, which sees
// only a release's chart reference.
func (t KubeCompatTable) ForChart(chart, version string) (KubeCompat, bool) {
	for _, k := range t {
		if k.Chart == chart && SameChartVersion(k.Version, version) {
			return k, true
		}
	}
	return KubeCompat{}, false
}

// Versions are the entries of an add-on, in table order.
func (t KubeCompatTable) Versions(key string) []KubeCompat {
	var out []KubeCompat
	for _, k := range t {
		if k.Key == key {
			out = append(out, k)
		}
	}
	return out
}

// SameChartVersion compares chart versions with or without their "v".
func SameChartVersion(a, b string) bool {
	return strings.TrimPrefix(a, "v") == strings.TrimPrefix(b, "v")
}

// Fits reports whether Helm installs the chart on Kubernetes 1.minor and upstream
// documents the release for it.
func (k KubeCompat) Fits(minor int) bool { return k.AdmitsMinor(minor) && k.Supports(minor) }

// kubeVersionPattern is the one constraint form the table holds: a lower bound with
// the "-0" that lets pre-release versions (an API server's gitVersion carries a
// suffix) match. Another form must be added here, and to AdmitsMinor, with its Helm
// semantics (tools/simcloud checks AdmitsMinor against Helm's semver library).
var kubeVersionPattern = regexp.MustCompile(`^>=\s*1\.([0-9]+)\.0-0$`)

// KubeVersionMinMinor is the lowest minor the chart's kubeVersion admits; ok is false
// when the chart has no constraint or it is not of the known form.
func (k KubeCompat) KubeVersionMinMinor() (minor int, ok bool) {
	m := kubeVersionPattern.FindStringSubmatch(k.KubeVersion)
	if m == nil {
		return 0, false
	}
	n, err := strconv.Atoi(m[1])
	return n, err == nil
}

// AdmitsMinor reports whether Helm would install the chart on Kubernetes 1.minor (its
// kubeVersion admits every patch of it).
func (k KubeCompat) AdmitsMinor(minor int) bool {
	if k.KubeVersion == "" {
		return true
	}
	lowest, ok := k.KubeVersionMinMinor()
	return ok && minor >= lowest
}

// Supports reports whether upstream documents the release for Kubernetes 1.minor.
func (k KubeCompat) Supports(minor int) bool {
	return minor >= k.MinMinor && (k.MaxMinor == 0 || minor <= k.MaxMinor)
}

// Tested reports whether upstream's tests run on 1.minor (true when it lists none).
func (k KubeCompat) Tested(minor int) bool {
	return len(k.TestedMinors) == 0 || slices.Contains(k.TestedMinors, minor)
}

// SupportedRange says the documented range in words: "1.33 to 1.36", "1.31 and newer".
func (k KubeCompat) SupportedRange() string {
	if k.MaxMinor == 0 {
		return fmt.Sprintf("1.%d and newer", k.MinMinor)
	}
	return fmt.Sprintf("1.%d to 1.%d", k.MinMinor, k.MaxMinor)
}

// TestedRange lists the tested minors: "1.36".
func (k KubeCompat) TestedRange() string {
	var out []string
	for _, m := range k.TestedMinors {
		out = append(out, fmt.Sprintf("1.%d", m))
	}
	return strings.Join(out, ", ")
}
