package platform

import (
	"fmt"
	"strings"
	"time"

	"github.com/eksplatform/pulumi-eksplatform/provider/pkg/addons"
)

// installedChart is one chart the platform installs, for the compatibility check.
type installedChart struct {
	// key is the add-on's key in the table; path its input path ("addons.certManager").
	key, path string
	chart     string
	// version is the version installed; pin the platform's own.
	version, pin string
	// given: the user set path.version to another version than the pin.
	given bool
	// versionInput: the chart version is an input (Karpenter's is not).
	versionInput bool
}

// checkChartKubeCompat checks every chart the platform installs (the enabled catalogue
// add-ons at their pinned or given version, and the Karpenter controller) against the
// Kubernetes version the cluster is to run: kubernetesVersion, which on a bump is the
// new minor (a bump changes no chart version, and the charts already run on the old
// minor). It reads the facts of table (addons.KubeCompats, upstream's at the charts'
// tags):
//
//   - a chart whose kubeVersion excludes the minor (Helm would refuse the install), or
//     whose release upstream documents for other minors, is refused, naming the input
//     to change and the chart versions of the table that fit;
//   - a minor outside the only ones upstream tests on is a warning;
//   - a version of the user's the table does not know is a warning saying it was not
//     checked: Helm checks that chart's kubeVersion at install and refuses it there.
//
// At preview an unknown kubernetesVersion or version is left to the update, which runs
// this with both known before anything is registered. The warnings are for
// ctx.Log.Warn.
func checkChartKubeCompat(p *problems, cfg *config, table addons.KubeCompatTable) []string {
	if p.unknown["kubernetesVersion"] || !versionPattern.MatchString(cfg.Cluster.Version) {
		return nil // unknown until the update, or invalid (validateCluster reported it)
	}
	minor, ok := minorOf(cfg.Cluster.Version)
	if !ok {
		return nil
	}
	var charts []installedChart
	for _, c := range cfg.HelmAddons.Addons {
		path := "addons." + c.Addon.Key
		if p.unknown[path+".version"] {
			continue
		}
		charts = append(charts, installedChart{key: c.Addon.Key, path: path, chart: c.Addon.Chart,
			version: c.Version, pin: c.Addon.Version, given: !addons.SameChartVersion(c.Version, c.Addon.Version), versionInput: true})
	}
	if cfg.Karpenter.Enabled {
		charts = append(charts, installedChart{key: "karpenter", path: "karpenter", chart: "karpenter",
			version: addons.KarpenterVersion, pin: addons.KarpenterVersion})
	}
	var warnings []string
	for _, ch := range charts {
		k, known := table.For(ch.key, ch.version)
		if !known {
			var versions []string
			for _, e := range table.Versions(ch.key) {
				versions = append(versions, e.Version)
			}
			warnings = append(warnings, fmt.Sprintf("%s.version: chart %s %s is not a version the platform has Kubernetes compatibility facts for (it has %s), so it was not checked against Kubernetes %s; Helm refuses the install if the chart's kubeVersion excludes the cluster's version, and only the chart's documentation says which versions it supports",
				ch.path, ch.chart, ch.version, strings.Join(versions, ", "), cfg.Cluster.Version))
			continue
		}
		// The input to change: the user's version, or the cluster's for a pin.
		input, what := "kubernetesVersion", fmt.Sprintf("chart %s %s (%s, the platform's pin)", ch.chart, ch.version, ch.path)
		if ch.given {
			input, what = ch.path+".version", fmt.Sprintf("chart %s %s", ch.chart, ch.version)
		}
		switch {
		case !k.AdmitsMinor(minor):
			p.addf("%s: %s requires kubeVersion %s (%s), which excludes Kubernetes %s, so Helm would refuse to install it; %s",
				input, what, k.KubeVersion, k.KubeVersionSource, cfg.Cluster.Version, kubeCompatFix(table, ch, minor, cfg.Cluster.Today))
		case !k.Supports(minor):
			p.addf("%s: %s is documented for Kubernetes %s (%s), not %s; %s",
				input, what, k.SupportedRange(), k.SupportedSource, cfg.Cluster.Version, kubeCompatFix(table, ch, minor, cfg.Cluster.Today))
		case !k.Tested(minor):
			warnings = append(warnings, fmt.Sprintf("%s: chart %s %s is tested upstream on Kubernetes %s only, not %s (%s); its kubeVersion %s admits %s, so it installs",
				ch.path, ch.chart, ch.version, k.TestedRange(), cfg.Cluster.Version, k.TestedSource, k.KubeVersion, cfg.Cluster.Version))
		}
	}
	return warnings
}

// kubeCompatFix says how to get a chart that fits the minor: for a pin, a Kubernetes
// version the pin fits; a chart version of the table that fits (for a version of the
// user's that is the pin, by removing the version); or disabling the add-on.
func kubeCompatFix(table addons.KubeCompatTable, ch installedChart, minor int, today time.Time) string {
	var ways []string
	if !ch.given {
		var minors []string
		if pin, ok := table.For(ch.key, ch.pin); ok {
			for _, v := range acceptedVersions(today) {
				if m, _ := minorOf(v); pin.Fits(m) {
					minors = append(minors, v)
				}
			}
		}
		if len(minors) > 0 {
			ways = append(ways, fmt.Sprintf("set kubernetesVersion to one it fits (%s; EKS moves one minor per run)", strings.Join(minors, ", ")))
		}
	}
	if ch.versionInput {
		var fits []string
		for _, k := range table.Versions(ch.key) {
			if !k.Fits(minor) {
				continue
			}
			if ch.given && addons.SameChartVersion(k.Version, ch.pin) {
				ways = append(ways, fmt.Sprintf("remove %s.version to install the platform's pin %s (Kubernetes %s)", ch.path, k.Version, k.SupportedRange()))
				continue
			}
			fits = append(fits, fmt.Sprintf("%s (Kubernetes %s)", k.Version, k.SupportedRange()))
		}
		if len(fits) > 0 {
			ways = append(ways, fmt.Sprintf("set %s.version to %s", ch.path, strings.Join(fits, " or ")))
		}
	}
	ways = append(ways, "or disable "+ch.path)
	return strings.Join(ways, ", ")
}
