package simcloud

import (
	"fmt"

	"github.com/Masterminds/semver/v3"
	"github.com/eksplatform/pulumi-eksplatform/provider/pkg/addons"
)

// Helm refuses to install or upgrade a chart whose Chart.yaml kubeVersion constraint
// excludes the cluster's Kubernetes version, before it renders anything (helm
// pkg/action/action.go, renderResources):
//
//	chart requires kubeVersion: %s which is incompatible with Kubernetes %s
//
// with the API server's gitVersion, matched by chartutil.IsCompatibleRange with
// Masterminds semver (the library Helm uses). The simulator cannot download a chart,
// so it reads the constraint from the platform's table of upstream facts
// (addons.KubeCompats: every chart version the platform installs, read at its tag); a
// chart the table does not know (a team's own) is installed unchecked, as its
// constraint is not known here. A release created or upgraded on a cluster its chart
// excludes fails, so a test that installed such a chart fails too.

// simGitVersion is the gitVersion the simulated API server reports for a control
// plane on version (MAJOR.MINOR): the simulator does not model patch releases or EKS's
// build suffix, so it reports patch 0.
func simGitVersion(version string) string { return "v" + version + ".0" }

// checkChartKubeVersion applies Helm's check to a release on cluster, whose control
// plane runs clusterVersion ("" when unknown: nothing is checked).
func checkChartKubeVersion(r *res, clusterVersion string) error {
	if clusterVersion == "" {
		return nil
	}
	k, ok := addons.KubeCompats.ForChart(chartName(str(r.Inputs, "chart")), str(r.Inputs, "version"))
	if !ok || k.KubeVersion == "" {
		return nil
	}
	if git := simGitVersion(clusterVersion); !isCompatibleRange(k.KubeVersion, git) {
		return fmt.Errorf("chart requires kubeVersion: %s which is incompatible with Kubernetes %s", k.KubeVersion, git)
	}
	return nil
}

// isCompatibleRange is Helm's chartutil.IsCompatibleRange: false when either side does
// not parse.
func isCompatibleRange(constraint, version string) bool {
	v, err := semver.NewVersion(version)
	if err != nil {
		return false
	}
	c, err := semver.NewConstraint(constraint)
	if err != nil {
		return false
	}
	return c.Check(v)
}
