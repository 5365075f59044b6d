package platform

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/eksplatform/pulumi-eksplatform/provider/internal/mocktest"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/internals"
)

// barrierPlatform has something in every barrier: API_AND_CONFIG_MAP (entries and
// aws-auth), a node group, two Fargate profiles, an admin, Helm add-ons (one whose
// webhook guards its own kinds), a chart of the user's, and extra EKS add-ons of both
// placements.
func barrierPlatform() *Args {
	a := minimalArgs()
	a.AuthenticationMode = pulumi.String("API_AND_CONFIG_MAP")
	a.Admins = pulumi.ToStringArray([]string{"arn:aws:iam::123456789012:role/team"})
	a.NodeGroups = []NodeGroupArgs{{Name: pulumi.String("general")}}
	a.FargateProfiles = []FargateProfileArgs{
		{Name: pulumi.String("system"), Selectors: []FargateSelectorArgs{{Namespace: pulumi.String("kube-system")}}},
		{Name: pulumi.String("apps"), Selectors: []FargateSelectorArgs{{Namespace: pulumi.String("apps")}}},
	}
	a.Addons = &HelmAddonsArgs{MetricsServer: &HelmAddonArgs{Enabled: pulumi.Bool(true)},
		AwsLoadBalancerController: &HelmAddonArgs{Enabled: pulumi.Bool(true)},
		CertManager:               &CertManagerAddonArgs{Enabled: pulumi.Bool(true)}}
	a.HelmReleases = []HelmReleaseArgs{{Name: pulumi.String("app"), Chart: pulumi.String("app"), Namespace: pulumi.String("apps")}}
	a.EksAddons = &EksAddonsArgs{Extra: []ExtraEksAddonArgs{
		{Name: pulumi.String("eks-node-monitoring-agent")}, {Name: pulumi.String("amazon-cloudwatch-observability")}}}
	// A rule on the cluster security group, which the nodes wait for (rule 11).
	a.ClusterSecurityGroupRules = []SecurityGroupRuleArgs{httpsRule("vpn")}
	return a
}

// barrierNames reads the resource names of a barrier, sorted.
func barrierNames(t *testing.T, rs []pulumi.Resource) []string {
	t.Helper()
	var out []string
	for _, r := range rs {
		res, err := internals.UnsafeAwaitOutput(context.Background(), r.URN())
		if err != nil {
			t.Fatal(err)
		}
		urn, _ := res.Value.(pulumi.URN)
		out = append(out, string(urn)[strings.LastIndex(string(urn), "::")+2:])
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// TestBarriers pins what each of New's barriers holds, so a change to the ordering is a
// change to this table (docs/ordering.md gives the rules by number).
func TestBarriers(t *testing.T) {
	m := mocktest.New()
	var w *barriers
	err := m.Run(func(ctx *pulumi.Context) error {
		var err error
		_, w, err = newPlatform(ctx, "demo", barrierPlatform())
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	roleParts := func(prefix string, policies ...string) []string {
		out := []string{prefix}
		for _, p := range policies {
			out = append(out, prefix+"-"+p)
		}
		return out
	}
	subnetTags := []string{}
	for _, id := range []string{pub1, pub2} {
		subnetTags = append(subnetTags, "demo-"+id+"-cluster-tag", "demo-"+id+"-elb-tag")
	}
	for _, id := range []string{priv1, priv2} {
		subnetTags = append(subnetTags, "demo-"+id+"-cluster-tag", "demo-"+id+"-internal-elb-tag")
	}
	workers := append(roleParts("demo-node-role", nodeRolePolicies...),
		roleParts("demo-fargate-role", "AmazonEKSFargatePodExecutionRolePolicy")...)
	access := []string{"demo-access-caller", "demo-access-caller-AmazonEKSClusterAdminPolicy",
		"demo-access-role-team", "demo-access-role-team-AmazonEKSClusterAdminPolicy"}
	nodeAddons := []string{"demo-vpc-cni", "demo-kube-proxy", "demo-eks-pod-identity-agent"}

	cases := []struct {
		name string
		got  []pulumi.Resource
		want [][]string
	}{
		{"beforeCluster (rule 1)", w.beforeCluster, [][]string{subnetTags,
			roleParts("demo-cluster-role", "AmazonEKSClusterPolicy"),
			{"demo-secrets-key", "demo-cluster-role-kms", "demo-cluster-logs"}}},
		{"beforeAwsAuth (rule 3)", w.beforeAwsAuth, [][]string{access, workers}},
		{"beforeCompute (rule 3)", w.beforeCompute, [][]string{access, {"demo-aws-auth"}, workers}},
		// Nodes become Ready only with the CNI and the Service rules its daemon reaches
		// the API server through, so node groups wait for those two add-ons, whatever
		// the engine's parallelism (not the pod identity agent, which nothing reads at
		// join); they start with the security group rules declared (rule 11).
		{"beforeNodes (rules 3, 4, 11)", w.beforeNodes, [][]string{access, {"demo-aws-auth"}, workers,
			{"demo-vpc-cni", "demo-kube-proxy"}, {"demo-cluster-sg-rule-vpn"}}},
		{"beforeSystemAddons (rule 4)", w.beforeSystemAddons, [][]string{nodeAddons, {"demo-ng-general"}}},
		// Plus, for each, the compute that schedules its namespace.
		{"beforeLateEksAddons (rule 4)", w.beforeLateEksAddons, [][]string{nodeAddons}},
		// A node group exists, so coredns runs on it (annotated for EC2), not on the
		// kube-system profile.
		{"systemAddonsSchedulable (rule 4)", w.systemAddonsSchedulable, [][]string{{"demo-ng-general"}}},
		{"beforeWorkloads (rule 6)", w.beforeWorkloads, [][]string{access, {"demo-aws-auth"}, nodeAddons}},
		{"beforeOtherReleases (rule 9)", w.beforeOtherReleases, [][]string{{"demo-aws-load-balancer-controller"}}},
		// cert-manager's webhook guards only its own kinds, which a user's chart may make.
		{"beforeUserReleases (rule 9)", w.beforeUserReleases, [][]string{{"demo-aws-load-balancer-controller", "demo-cert-manager"}}},
		{"beforeCRDs (rule 6)", w.beforeCRDs, [][]string{access, {"demo-aws-auth"}}},
		// Auto Mode's NodeClass and NodePools are Kubernetes objects: the API server and
		// the component's access to it, nothing else (the built-in pools need no node).
		{"beforeAutoModePools (rules 3, 4)", w.beforeAutoModePools, [][]string{access, {"demo-aws-auth"}}},
		{"beforePodIdentity", w.beforePodIdentity, [][]string{nodeAddons}},
	}
	for _, c := range cases {
		want := slices.Concat(c.want...)
		slices.Sort(want)
		want = slices.Compact(want)
		if got := barrierNames(t, c.got); !slices.Equal(got, want) {
			t.Errorf("%s:\n got %v\nwant %v", c.name, got, want)
		}
	}
	// And the stages obey them: the recorded dependencies (rule numbers as above).
	m.RequireOrder(t, "rule 1", []mocktest.Resource{m.Find(t, "demo-cluster-logs"), m.Find(t, "demo-secrets-key")},
		[]mocktest.Resource{m.Find(t, "demo-cluster")})
	m.RequireOrder(t, "rule 3", []mocktest.Resource{m.Find(t, "demo-aws-auth"), m.Find(t, "demo-access-role-team")},
		[]mocktest.Resource{m.Find(t, "demo-ng-general"), m.Find(t, "demo-fargate-system")})
	m.RequireOrder(t, "rule 11", []mocktest.Resource{m.Find(t, "demo-cluster-sg-rule-vpn")}, []mocktest.Resource{m.Find(t, "demo-ng-general")})
	m.RequireOrder(t, "rule 4", []mocktest.Resource{m.Find(t, "demo-vpc-cni"), m.Find(t, "demo-kube-proxy")}, []mocktest.Resource{m.Find(t, "demo-ng-general")})
	if m.DependsOn("demo-ng-general", "demo-eks-pod-identity-agent") {
		t.Error("rule 8: the node group waits for the pod identity agent, which nothing reads when nodes join")
	}
	if m.DependsOn("demo-fargate-system", "demo-cluster-sg-rule-vpn") {
		t.Error("rule 8: a Fargate profile waits for the security group rules")
	}
	// metrics-server runs in kube-system, which the system profile selects: its pods go
	// to Fargate, so it waits for that profile, not for the node group.
	m.RequireOrder(t, "rule 4", []mocktest.Resource{m.Find(t, "demo-fargate-system")},
		[]mocktest.Resource{m.Find(t, "demo-metrics-server")})
	// Directly, it names no other compute (it reaches the node group only through the
	// ALB controller, rule 9).
	if direct := m.Find(t, "demo-metrics-server").DependsOn; slices.Contains(direct, "demo-ng-general") || slices.Contains(direct, "demo-fargate-apps") {
		t.Errorf("rule 4: metrics-server waits for compute that will not run it: %v", direct)
	}
	m.RequireOrder(t, "rule 9", []mocktest.Resource{m.Find(t, "demo-coredns")}, []mocktest.Resource{m.Find(t, "demo-aws-load-balancer-controller")})
	m.RequireOrder(t, "rule 9", []mocktest.Resource{m.Find(t, "demo-aws-load-balancer-controller")}, []mocktest.Resource{m.Find(t, "demo-metrics-server")})
	m.RequireOrder(t, "rule 4", []mocktest.Resource{m.Find(t, "demo-ng-general")}, []mocktest.Resource{m.Find(t, "demo-coredns")})
	m.RequireOrder(t, "rule 9", []mocktest.Resource{m.Find(t, "demo-cert-manager")}, []mocktest.Resource{m.Find(t, "demo-release-apps-app")})
	if m.DependsOn("demo-metrics-server", "demo-cert-manager") {
		t.Error("rule 8: metrics-server waits for cert-manager")
	}
	// The CloudWatch add-on (a Deployment, in amazon-cloudwatch, which no profile
	// selects) after the node add-ons and the node group; the node monitoring agent
	// (a DaemonSet) with the node add-ons, waiting for no compute; both before the ALB
	// controller (rule 9).
	cw, nm := m.Find(t, "demo-amazon-cloudwatch-observability"), m.Find(t, "demo-eks-node-monitoring-agent")
	m.RequireOrder(t, "rule 4", []mocktest.Resource{m.Find(t, "demo-ng-general"), m.Find(t, "demo-kube-proxy")}, []mocktest.Resource{cw})
	if m.DependsOn(nm.Name, "demo-ng-general") || m.DependsOn(nm.Name, "demo-fargate-system") {
		t.Error("rule 8: the node monitoring agent waits for compute")
	}
	m.RequireOrder(t, "rule 9", []mocktest.Resource{cw, nm}, []mocktest.Resource{m.Find(t, "demo-aws-load-balancer-controller")})
}
