package platform

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// upgrade is what this run does to the Kubernetes version of a running platform
// (docs/upgrading.md, "Bump the Kubernetes version by one minor").
type upgrade struct {
	live liveCluster
	// Bump: the control plane moves one minor up this run.
	Bump bool
	// Following: the EKS add-ons without a pinned version move to the default version
	// for kubernetesVersion this run. True on a bump, and on the run after a bump that
	// stopped after the control plane (a node group still on the older minor); otherwise
	// the version they were installed with is kept (AWS moves default versions within a
	// minor, and following that would change add-ons on unrelated runs).
	Following bool
	// Warnings are version-skew findings that do not stop the run, for ctx.Log.Warn.
	Warnings []string
}

// minorOf is the minor of a "1.NN" Kubernetes version (or of a "v1.NN.p-eksbuild.b"
// kube-proxy version), and whether it parsed.
func minorOf(v string) (int, bool) {
	parts := strings.SplitN(strings.TrimPrefix(v, "v"), ".", 3)
	if len(parts) < 2 || parts[0] != "1" {
		return 0, false
	}
	n, err := strconv.Atoi(parts[1])
	return n, err == nil
}

func version(minor int) string { return "1." + strconv.Itoa(minor) }

// planUpgrade checks the version step against the running cluster and the version
// skew rules, before any child is registered, so a step EKS would refuse changes
// nothing. The rules are EKS's and Kubernetes's (docs/upgrading.md cites them):
//   - EKS updates a control plane one minor version at a time, and never down
//     ("Unsupported Kubernetes minor version update from 1.34 to 1.36");
//   - UpdateClusterVersion requires every managed node group to run the cluster's
//     version before the control plane moves on;
//   - kube-proxy must not be newer than kube-apiserver and may be up to three minor
//     versions older (the Kubernetes version skew policy; the kubelet likewise).
//
// pinned are the add-on versions the user gives, by input path, read as values (an
// unknown one at preview is skipped: the update checks it).
func planUpgrade(c clusterConfig, compute computeConfig, live liveCluster, kubeProxyPin string, pinned map[string]string) (upgrade, error) {
	u := upgrade{live: live}
	p := &problems{}
	want, ok := minorOf(c.Version)
	if !ok {
		return u, nil // resolve has reported it
	}
	if live.Exists {
		have, haveOK := minorOf(live.Version)
		switch {
		case !haveOK:
			p.addf("kubernetesVersion: EKS reports version %q for cluster %s, which is not a Kubernetes version; check the cluster with aws eks describe-cluster --name %s",
				live.Version, c.Name, c.Name)
		case want < have:
			next := ""
			if slices.Contains(acceptedVersions(c.Today), version(have+1)) {
				next = " (or " + version(have+1) + " to upgrade)"
			}
			p.addf("kubernetesVersion: %s is older than the %s cluster %s runs, and EKS cannot downgrade a control plane; set %s%s",
				c.Version, live.Version, c.Name, live.Version, next)
		case want > have+1:
			p.addf("kubernetesVersion: %s is more than one minor version above the %s cluster %s runs, and EKS upgrades a control plane one minor version at a time; set %s, run pulumi up, and move on one minor per run",
				c.Version, live.Version, c.Name, version(have+1))
		case want == have+1:
			u.Bump, u.Following = true, true
		}
		for _, ng := range sortedKeys(live.NodeGroups) {
			ngMinor, ok := minorOf(live.NodeGroups[ng])
			if !ok || !haveOK {
				continue
			}
			g := compute.groupOf(ng)
			switch {
			case ngMinor < have && u.Bump:
				p.addf("nodeGroups[%d]: EKS node group %s runs Kubernetes %s, behind the %s control plane, and EKS updates a control plane only when every managed node group runs its version; set kubernetesVersion %s and run pulumi up first (it updates the node group), then %s",
					g, ng, live.NodeGroups[ng], live.Version, live.Version, c.Version)
			case ngMinor < have:
				// A bump that stopped after the control plane: this run finishes it.
				u.Following = true
				u.Warnings = append(u.Warnings, fmt.Sprintf("nodeGroups[%d]: EKS node group %s runs Kubernetes %s, behind the %s control plane; this run updates it, and the EKS add-ons without a version move to the default for %s",
					g, ng, live.NodeGroups[ng], live.Version, c.Version))
			}
		}
	}
	if kubeProxyPin != "" {
		if m, ok := minorOf(kubeProxyPin); ok {
			switch {
			case m > want:
				p.addf("eksAddons.kubeProxy.version: %s is newer than kubernetesVersion %s, and kube-proxy must not be newer than the control plane; use a v%s build (aws eks describe-addon-versions --addon-name kube-proxy --kubernetes-version %s)",
					kubeProxyPin, c.Version, c.Version, c.Version)
			case m < want-3:
				p.addf("eksAddons.kubeProxy.version: %s is more than three minor versions older than kubernetesVersion %s, beyond the Kubernetes version skew policy; use a v%s build (aws eks describe-addon-versions --addon-name kube-proxy --kubernetes-version %s)",
					kubeProxyPin, c.Version, c.Version, c.Version)
			case m < want && u.Bump:
				u.Warnings = append(u.Warnings, fmt.Sprintf("eksAddons.kubeProxy.version: %s stays pinned on the %s control plane (within the skew policy: up to three minor versions older); move the pin to a v%s build when ready",
					kubeProxyPin, c.Version, c.Version))
			}
		}
	}
	// What EKS will do to the running cluster at the next support deadline of the
	// version it runs after this run (support_calendar.go).
	u.Warnings = append(u.Warnings, deadlineWarnings(c, live)...)
	if u.Bump {
		for _, path := range sortedKeys(pinned) {
			u.Warnings = append(u.Warnings, fmt.Sprintf("%s: %s stays pinned across the upgrade to %s; EKS rejects an add-on version the cluster's version does not support (check with aws eks describe-addon-versions --kubernetes-version %s)",
				path, pinned[path], c.Version, c.Version))
		}
	}
	return u, p.err()
}
