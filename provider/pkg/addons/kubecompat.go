package addons

import (
	"fmt"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Which Kubernetes versions each chart version the platform installs runs on, as
// upstream states it at the chart's release tag, is data in each add-on's file (its
// provenance's kube and otherKube); this file holds the type, the rules and the table
// derived from the catalogue (policies/SOURCES.md, "Kubernetes compatibility of the
// charts", records how each fact was read). Two kinds of fact, kept apart because they
// act differently:
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
// support (cert-manager v1.20.3 for 1.32). Derived from each add-on's own provenance
// (its file), in charts order.
var KubeCompats = kubeCompats(charts())

// kubeCompats lists the add-ons' facts: each pin's (with the add-on's key, chart name
// and version), then the other versions it names.
func kubeCompats(charts []Addon) KubeCompatTable {
	var out KubeCompatTable
	for _, a := range charts {
		pin := a.sources.kube
		pin.Version = a.Version
		for _, k := range append(KubeCompatTable{pin}, a.sources.otherKube...) {
			k.Key, k.Chart = a.Key, path.Base(a.Chart)
			out = append(out, k)
		}
	}
	return out
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

// kubeVersionMinMinor is the lowest minor the chart's kubeVersion admits; ok is false
// when the chart has no constraint or it is not of the known form.
func (k KubeCompat) kubeVersionMinMinor() (minor int, ok bool) {
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
	lowest, ok := k.kubeVersionMinMinor()
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
