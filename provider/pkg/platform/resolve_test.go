package platform

import (
	"strings"
	"testing"
)

// The error lists problems section by section, whichever pass of resolve found them: the
// second pass's cross-section checks (Auto Mode in CONFIG_MAP mode, an EKS add-on that
// is also a Helm add-on, Karpenter beside another node autoscaler) land where the first
// pass read those inputs, so the first problem still names the first cause (Karpenter
// under Auto Mode before the controller's placement that follows from it).
func TestProblemsListedBySection(t *testing.T) {
	on := boolIn(true)
	args := minimalArgs()
	args.NodeGroups = []NodeGroupArgs{{Name: strIn("g"), Scaling: &NodeGroupScalingArgs{DesiredSize: intIn(1), MinSize: intIn(1), MaxSize: intIn(2)}}}
	args.AuthenticationMode = strIn("CONFIG_MAP")
	args.AutoMode = &AutoModeArgs{Enabled: on, BuiltInNodePools: strsIn("bogus")}
	args.Addons = &HelmAddonsArgs{MetricsServer: &HelmAddonArgs{Enabled: on}, ClusterAutoscaler: &HelmAddonArgs{Enabled: on}}
	args.EksAddons = &EksAddonsArgs{Extra: []ExtraEksAddonArgs{{Name: strIn("metrics-server")}}}
	args.Karpenter = &KarpenterArgs{Enabled: on}
	args.NodeSecurityGroup = &NodeSecurityGroupArgs{Enabled: on, Tags: strMapIn(map[string]string{"aws:x": "1"})}
	for _, preview := range []bool{false, true} {
		_, err := resolve(preview, "demo", args)
		if err == nil {
			t.Fatalf("preview %v: no error", preview)
		}
		// In the order of the sections: autoMode (pass 1, then pass 2), helmAddons (pass
		// 2), node autoscalers (pass 2), karpenter and securityGroups (pass 1).
		at := 0
		for _, want := range []string{
			`autoMode.builtInNodePools[0]: "bogus" is not a built-in node pool`,
			"authenticationMode: CONFIG_MAP has no access entries, and EKS Auto Mode's nodes join through access entries",
			"eksAddons.extra[0].name: metrics-server is also installed by addons.metricsServer (Helm)",
			"addons.clusterAutoscaler: enabled together with karpenter",
			"karpenter: enabled together with autoMode",
			"nodeGroups[0].scaling.desiredSize: the Karpenter controller runs 2 replicas",
			`nodeSecurityGroup.tags: key "aws:x" uses the reserved prefix 'aws:'`,
		} {
			i := strings.Index(err.Error()[at:], want)
			if i < 0 {
				t.Fatalf("preview %v: %q missing or out of order in:\n%v", preview, want, err)
			}
			at += i + len(want)
		}
	}
}

// A problem reported in an earlier section than the last one reported is listed after
// that section's problems and before the later ones; within a section, in the order
// reported.
func TestProblemsInsertBySection(t *testing.T) {
	p := &problems{}
	p.in(inCluster).addf("a")
	p.in(inKarpenter).addf("d")
	p.in(inHelmAddons).addf("b")
	p.in(inHelmAddons).addf("c")
	p.in(inChartKubeCompat).addf("e")
	if got := strings.Join(p.list, ""); got != "abcde" {
		t.Errorf("listed %q, want abcde", got)
	}
}
