package simcloud

import (
	"strconv"
	"strings"
	"testing"

	"github.com/eksplatform/pulumi-eksplatform/provider/pkg/addons"
)

// TestHelmRefusesAChartItsClusterVersionExcludes: Helm's kubeVersion check, on install
// and on upgrade, with the constraint of the platform's table. On 1.18, cert-manager
// v1.21.1 (>= 1.22.0-0) and external-secrets 2.9.0 (>= 1.19.0-0) are refused with
// Helm's message; a chart without a constraint and one the table does not know
// install; once the control plane is on 1.19, the external-secrets upgrade succeeds.
func TestHelmRefusesAChartItsClusterVersionExcludes(t *testing.T) {
	j := tempJournal(t)
	a, k := newServer(t, "aws", j, ""), kubeServer(t, j, "demo")
	cin := withKeys(clusterInputs("demo"), "version", "1.18")
	cid, _ := mustCreate(t, a, typCluster, "demo", cin)
	mustCreate(t, a, typAddon, "vpc-cni", map[string]any{"clusterName": "demo", "addonName": "vpc-cni"}) // nodes need a CNI to join
	mustCreate(t, a, typNodeGroup, "ng", map[string]any{"clusterName": "demo", "nodeGroupName": "demo-general"})

	_, _, err := create(t, k, typRelease, "cert-manager", map[string]any{"chart": "cert-manager", "version": "v1.21.1"})
	if want := "chart requires kubeVersion: >= 1.22.0-0 which is incompatible with Kubernetes v1.18.0"; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("cert-manager v1.21.1 on 1.18: %v, want %q", err, want)
	}
	mustCreate(t, k, typRelease, "metrics-server", map[string]any{"chart": "metrics-server", "version": "3.13.1"}) // no kubeVersion
	eso := map[string]any{"chart": "external-secrets", "version": "2.8.0"}                                         // not in the table: unchecked
	id, _ := mustCreate(t, k, typRelease, "external-secrets", eso)
	upgraded := withKeys(eso, "version", "2.9.0")
	if err := update(t, k, typRelease, "external-secrets", id, eso, upgraded); err == nil ||
		!strings.Contains(err.Error(), "chart requires kubeVersion: >= 1.19.0-0 which is incompatible with Kubernetes v1.18.0") {
		t.Errorf("external-secrets upgraded to 2.9.0 on 1.18: %v", err)
	}
	if err := update(t, a, typCluster, "demo", cid, cin, withKeys(cin, "version", "1.19")); err != nil {
		t.Fatal(err)
	}
	if err := update(t, k, typRelease, "external-secrets", id, eso, upgraded); err != nil {
		t.Errorf("external-secrets upgraded to 2.9.0 on 1.19: %v", err)
	}
	// The OCI reference of Karpenter's chart is matched by its name (no kubeVersion).
	mustCreate(t, k, typRelease, "karpenter", map[string]any{"chart": addons.KarpenterChart, "version": addons.KarpenterVersion})
}

// The platform evaluates the table's constraints by minor (addons.KubeCompat.AdmitsMinor);
// Helm evaluates them with Masterminds semver against the API server's version. They
// agree on every minor, for every constraint the table holds.
func TestKubeCompatAdmitsMinorAgreesWithHelm(t *testing.T) {
	n := 0
	for _, k := range addons.KubeCompats {
		if k.KubeVersion == "" {
			continue
		}
		n++
		for m := 0; m <= 60; m++ {
			v := simGitVersion("1." + strconv.Itoa(m))
			if helm, platform := isCompatibleRange(k.KubeVersion, v), k.AdmitsMinor(m); helm != platform {
				t.Errorf("%s %s, kubeVersion %q, on %s: Helm %v, the platform %v", k.Chart, k.Version, k.KubeVersion, v, helm, platform)
			}
		}
	}
	if n == 0 {
		t.Fatal("no constraint in the table to compare")
	}
}
