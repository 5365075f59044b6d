package platform

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/eksplatform/pulumi-eksplatform/provider/internal/mocktest"
	"github.com/eksplatform/pulumi-eksplatform/provider/pkg/addons"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// karpenterArgs is scenario 9: a two-node system group tainted CriticalAddonsOnly for
// the controller and add-ons, Karpenter with a general and a GPU NodePool, the ALB
// controller and ExternalDNS.
func karpenterArgs() *Args {
	a := minimalArgs()
	a.NodeGroups = []NodeGroupArgs{{
		Name:    strIn("system"),
		Scaling: &NodeGroupScalingArgs{MinSize: intIn(2), DesiredSize: intIn(2), MaxSize: intIn(3)},
		Taints:  []TaintArgs{{Key: strIn("CriticalAddonsOnly"), Value: strIn("true"), Effect: strIn("NO_SCHEDULE")}},
	}}
	a.Karpenter = &KarpenterArgs{
		Enabled: boolIn(true),
		NodePools: []KarpenterNodePoolArgs{
			{
				Name: strIn("general"), InstanceCategories: strsIn("c", "m", "r"), CapacityTypes: strsIn("on-demand", "spot"),
				Limits:     strMapIn(map[string]string{"cpu": "1000", "memory": "4000Gi"}),
				Disruption: &KarpenterDisruptionArgs{ConsolidationPolicy: strIn("WhenEmptyOrUnderutilized"), ConsolidateAfter: strIn("5m")},
			},
			{
				Name: strIn("gpu"), InstanceFamilies: strsIn("g5", "g6"), Weight: intIn(10),
				Taints: []TaintArgs{{Key: strIn("nvidia.com/gpu"), Value: strIn("true"), Effect: strIn("NO_SCHEDULE")}},
				Labels: strMapIn(map[string]string{"accelerator": "nvidia"}),
				Disruption: &KarpenterDisruptionArgs{ConsolidationPolicy: strIn("WhenEmpty"), Budgets: []KarpenterBudgetArgs{
					{Nodes: strIn("0"), Schedule: strIn("0 9 * * mon-fri"), Duration: strIn("8h"), Reasons: strsIn("Underutilized")},
				}},
			},
		},
	}
	a.Addons = &HelmAddonsArgs{
		AwsLoadBalancerController: &HelmAddonArgs{Enabled: boolIn(true)},
		ExternalDns:               &ExternalDnsAddonArgs{Enabled: boolIn(true), DomainFilters: strsIn("example.com"), HostedZoneIds: strsIn("Z0123456789ABCDEFGHIJ")},
	}
	return a
}

func findType(t *testing.T, m *mocktest.Mocks, typ string) []mocktest.Resource {
	t.Helper()
	var out []mocktest.Resource
	for _, r := range m.Resources() {
		if r.Type == typ {
			out = append(out, r)
		}
	}
	return out
}

func specOf(t *testing.T, r mocktest.Resource) map[string]any {
	t.Helper()
	v, ok := r.Inputs["spec"]
	if !ok {
		t.Fatalf("%s has no spec: %v", r.Name, r.Inputs)
	}
	return v.Mappable().(map[string]any)
}

// The controller's policies are upstream's, one IAM policy each, every one attached to
// the controller's role, all within IAM's size limit.
func TestKarpenterControllerPoliciesAttached(t *testing.T) {
	m, _ := deploy(t, "demo", karpenterArgs())
	var policies []string
	for _, key := range []string{"NodeLifecycle", "IAMIntegration", "EKSIntegration", "Interruption", "ZonalShift", "ResourceDiscovery"} {
		p := m.Find(t, "demo-karpenter-"+key+"-policy")
		doc := str(p, "policy")
		if len(doc) == 0 || len(doc) > addons.IAMManagedPolicyMaxChars {
			t.Errorf("%s: %d characters", key, len(doc))
		}
		policies = append(policies, doc)
		att := m.Find(t, "demo-karpenter-"+key+"-policy-attachment")
		if str(att, "role") != "demo-karpenter" {
			t.Errorf("%s attached to %q", key, str(att, "role"))
		}
	}
	all := strings.Join(policies, "")
	for _, want := range []string{
		`"Resource":"arn:aws:iam::123456789012:role/demo-karpenter-node"`,
		`"aws:ResourceTag/kubernetes.io/cluster/demo":"owned"`,
		`arn:aws:sqs:`,
	} {
		if !strings.Contains(all, want) {
			t.Errorf("policies do not contain %s", want)
		}
	}
}

// Pod Identity by default: the role trusts pods.eks.amazonaws.com and the association
// names exactly kube-system/karpenter; with irsa the trust names exactly that service
// account of this cluster's OIDC provider.
func TestKarpenterTrustIsExactlyItsServiceAccount(t *testing.T) {
	m, _ := deploy(t, "demo", karpenterArgs())
	role := m.Find(t, "demo-karpenter-controller-role")
	if trust := str(role, "assumeRolePolicy"); !strings.Contains(trust, `"Service":"pods.eks.amazonaws.com"`) {
		t.Errorf("trust %s", trust)
	}
	assoc := m.Find(t, "demo-karpenter-pod-identity")
	if str(assoc, "namespace") != "kube-system" || str(assoc, "serviceAccount") != "karpenter" || str(assoc, "roleArn") != "arn:aws:iam::123456789012:role/demo-karpenter" {
		t.Errorf("association %v", assoc.Inputs)
	}
	a := karpenterArgs()
	a.Karpenter.Identity = strIn("irsa")
	m, _ = deploy(t, "demo", a)
	trust := str(m.Find(t, "demo-karpenter-controller-role"), "assumeRolePolicy")
	if !strings.Contains(trust, `:sub":"system:serviceaccount:kube-system:karpenter"`) || !strings.Contains(trust, `:aud":"sts.amazonaws.com"`) {
		t.Errorf("irsa trust %s", trust)
	}
	if slices.Contains(m.Names(), "demo-karpenter-pod-identity") {
		t.Error("irsa: a pod identity association was made")
	}
	values := obj(m.Find(t, "demo-karpenter"), "values")
	sa := values["serviceAccount"].Mappable().(map[string]any)
	if sa["name"] != "karpenter" || sa["annotations"].(map[string]any)[addons.RoleArnAnnotation] != "arn:aws:iam::123456789012:role/demo-karpenter" {
		t.Errorf("irsa service account values %v", sa)
	}
}

// Nodes: their own role (worker, ECR pull-only; SSM only with nodeSsmAccess; no CNI
// policy, vpc-cni has its own role), an EC2_LINUX access entry in the API modes, an
// aws-auth mapping in CONFIG_MAP mode, and no instance profile (Karpenter v1 makes it).
func TestKarpenterNodeRoleAndAccess(t *testing.T) {
	m, _ := deploy(t, "demo", karpenterArgs())
	var attached []string
	for _, r := range findType(t, m, "aws:iam/rolePolicyAttachment:RolePolicyAttachment") {
		if str(r, "role") == "demo-karpenter-node" {
			attached = append(attached, str(r, "policyArn"))
		}
	}
	slices.Sort(attached)
	if want := []string{"arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryPullOnly", "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy"}; !slices.Equal(attached, want) {
		t.Errorf("node role policies %v, want %v", attached, want)
	}
	entry := m.Find(t, "demo-karpenter-node-access")
	if str(entry, "type") != "EC2_LINUX" || str(entry, "principalArn") != "arn:aws:iam::123456789012:role/demo-karpenter-node" {
		t.Errorf("access entry %v", entry.Inputs)
	}
	if n := len(findType(t, m, "aws:iam/instanceProfile:InstanceProfile")); n != 0 {
		t.Errorf("%d instance profiles; Karpenter v1 makes its own from the EC2NodeClass role", n)
	}
	if role := specOf(t, m.Find(t, "demo-karpenter-nodeclass-default"))["role"]; role != "demo-karpenter-node" {
		t.Errorf("EC2NodeClass role %v", role)
	}

	a := karpenterArgs()
	a.NodeSsmAccess = boolIn(true)
	a.AuthenticationMode = strIn("CONFIG_MAP")
	m, _ = deploy(t, "demo", a)
	if slices.Contains(m.Names(), "demo-karpenter-node-access") {
		t.Error("CONFIG_MAP: an access entry was made")
	}
	if !slices.Contains(m.Names(), "demo-karpenter-node-role-AmazonSSMManagedInstanceCore") {
		t.Error("nodeSsmAccess: no SSM policy on the Karpenter node role")
	}
	cm := m.Find(t, "demo-aws-auth")
	roles := obj(cm, "data")["mapRoles"].StringValue()
	if !strings.Contains(roles, `- rolearn: "arn:aws:iam::123456789012:role/demo-karpenter-node"
  username: "system:node:{{EC2PrivateDNSName}}"
  groups:
    - "system:bootstrappers"
    - "system:nodes"`) {
		t.Errorf("aws-auth does not map the Karpenter node role:\n%s", roles)
	}
	m.RequireOrder(t, "rule 3", []mocktest.Resource{cm}, []mocktest.Resource{m.Find(t, "demo-karpenter-nodepool-general")})
}

// Discovery: karpenter.sh/discovery=<cluster> on each private subnet (not the public
// ones) and on the cluster security group, as tags the platform owns; the EC2NodeClass
// selects by it.
func TestKarpenterDiscoveryTags(t *testing.T) {
	m, _ := deploy(t, "demo", karpenterArgs())
	var tagged []string
	for _, r := range findType(t, m, "aws:ec2/tag:Tag") {
		if str(r, "key") == "karpenter.sh/discovery" {
			if str(r, "value") != "demo" {
				t.Errorf("%s: value %q", r.Name, str(r, "value"))
			}
			tagged = append(tagged, r.Name)
		}
	}
	slices.Sort(tagged)
	want := []string{"demo-cluster-sg-karpenter-tag", "demo-" + priv1 + "-karpenter-tag", "demo-" + priv2 + "-karpenter-tag"}
	slices.Sort(want)
	if !slices.Equal(tagged, want) {
		t.Errorf("discovery tags %v, want %v", tagged, want)
	}
	sg := m.Find(t, "demo-cluster-sg-karpenter-tag")
	if !strings.HasPrefix(str(sg, "resourceId"), "sg-") {
		t.Errorf("cluster security group tag on %q", str(sg, "resourceId"))
	}
	spec := specOf(t, m.Find(t, "demo-karpenter-nodeclass-default"))
	sel := []any{map[string]any{"tags": map[string]any{"karpenter.sh/discovery": "demo"}}}
	for _, k := range []string{"subnetSelectorTerms", "securityGroupSelectorTerms"} {
		if b, _ := json.Marshal(spec[k]); string(b) != mustJSON(sel) {
			t.Errorf("%s %s", k, b)
		}
	}
	m.RequireOrder(t, "discovery", []mocktest.Resource{sg, m.Find(t, "demo-"+priv1+"-karpenter-tag")}, []mocktest.Resource{m.Find(t, "demo-karpenter-nodeclass-default")})
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// Interruption handling: an SSE queue with upstream's retention, its policy, and one
// EventBridge rule with the queue as target per upstream rule; the chart gets the
// queue's name. Off: none of them, no interruption policy, no queue setting.
func TestKarpenterInterruptionQueue(t *testing.T) {
	m, _ := deploy(t, "demo", karpenterArgs())
	q := m.Find(t, "demo-karpenter-queue")
	if str(q, "name") != "demo-karpenter" || q.Inputs["sqsManagedSseEnabled"].BoolValue() != true || q.Inputs["messageRetentionSeconds"].NumberValue() != 300 {
		t.Errorf("queue %v", q.Inputs)
	}
	if pol := str(m.Find(t, "demo-karpenter-queue-policy"), "policy"); !strings.Contains(pol, "events.amazonaws.com") || !strings.Contains(pol, "aws:SecureTransport") {
		t.Errorf("queue policy %s", pol)
	}
	rules := findType(t, m, "aws:cloudwatch/eventRule:EventRule")
	targets := findType(t, m, "aws:cloudwatch/eventTarget:EventTarget")
	if len(rules) != 5 || len(targets) != 5 {
		t.Errorf("%d rules, %d targets, want 5 each", len(rules), len(targets))
	}
	for _, tg := range targets {
		if !strings.HasPrefix(str(tg, "arn"), "arn:aws:sqs:") {
			t.Errorf("%s: target %q", tg.Name, str(tg, "arn"))
		}
	}
	settings := obj(m.Find(t, "demo-karpenter"), "values")["settings"].ObjectValue()
	if settings["interruptionQueue"].StringValue() != "demo-karpenter" || settings["clusterName"].StringValue() != "demo" ||
		!strings.HasPrefix(settings["clusterEndpoint"].StringValue(), "https://") {
		t.Errorf("settings %v", settings)
	}

	a := karpenterArgs()
	a.Karpenter.InterruptionHandling = boolIn(false)
	m, _ = deploy(t, "demo", a)
	for _, n := range m.Names() {
		if strings.Contains(n, "queue") || strings.Contains(n, "Interruption") || strings.Contains(n, "Rebalance") {
			t.Errorf("interruption handling off, but %s was made", n)
		}
	}
	if _, ok := obj(m.Find(t, "demo-karpenter"), "values")["settings"].ObjectValue()["interruptionQueue"]; ok {
		t.Error("interruption handling off, but the chart gets a queue")
	}
}

// The chart: from its OCI registry at the pinned version, CRDs applied by the platform
// (skipCrds), two replicas and a PodDisruptionBudget, the user's settings merged.
func TestKarpenterRelease(t *testing.T) {
	a := karpenterArgs()
	a.Karpenter.Values = pulumi.Map{"settings": pulumi.Map{"batchMaxDuration": pulumi.String("30s"),
		"featureGates": pulumi.Map{"spotToSpotConsolidation": pulumi.Bool(true)}}}
	m, _ := deploy(t, "demo", a)
	rel := m.Find(t, "demo-karpenter")
	if str(rel, "chart") != "oci://public.ecr.aws/karpenter/karpenter" || str(rel, "version") != "1.14.1" ||
		str(rel, "namespace") != "kube-system" || !rel.Inputs["skipCrds"].BoolValue() {
		t.Errorf("release %v", rel.Inputs)
	}
	values := obj(rel, "values").Mappable()
	if values["replicas"] != float64(2) || mustJSON(values["podDisruptionBudget"]) != `{"maxUnavailable":1,"name":"karpenter"}` {
		t.Errorf("replicas/PDB %v", values)
	}
	settings := values["settings"].(map[string]any)
	if settings["batchMaxDuration"] != "30s" || settings["featureGates"].(map[string]any)["spotToSpotConsolidation"] != true || settings["clusterName"] != "demo" {
		t.Errorf("settings %v", settings)
	}
	var crds []string
	for _, r := range findType(t, m, crdType) {
		if strings.HasPrefix(r.Name, "demo-crd-") && strings.Contains(r.Name, "karpenter") {
			crds = append(crds, r.Name)
			m.RequireOrder(t, "CRDs", []mocktest.Resource{r}, []mocktest.Resource{rel})
		}
	}
	if len(crds) != 4 { // capacitybuffers.autoscaling.x-k8s.io is the fifth
		t.Errorf("Karpenter CRDs %v", crds)
	}
	m.Find(t, "demo-crd-capacitybuffers.autoscaling.x-k8s.io")
}

// The default EC2NodeClass and the NodePools as the inputs say.
func TestKarpenterNodeClassAndNodePools(t *testing.T) {
	a := karpenterArgs()
	a.Tags = strMapIn(map[string]string{"team": "platform"})
	m, _ := deploy(t, "demo", a)
	nc := m.Find(t, "demo-karpenter-nodeclass-default")
	if nc.Inputs["apiVersion"].StringValue() != "karpenter.k8s.aws/v1" || nc.Inputs["kind"].StringValue() != "EC2NodeClass" {
		t.Errorf("nodeclass %v", nc.Inputs)
	}
	spec := specOf(t, nc)
	if got := mustJSON(spec["amiSelectorTerms"]); got != `[{"alias":"al2023@latest"}]` {
		t.Errorf("ami %s", got)
	}
	if got := mustJSON(spec["blockDeviceMappings"]); got != `[{"deviceName":"/dev/xvda","ebs":{"deleteOnTermination":true,"encrypted":true,"volumeSize":"20Gi","volumeType":"gp3"}}]` {
		t.Errorf("block devices %s", got)
	}
	if got := mustJSON(spec["metadataOptions"]); got != `{"httpEndpoint":"enabled","httpProtocolIPv6":"disabled","httpPutResponseHopLimit":1,"httpTokens":"required"}` {
		t.Errorf("metadata %s", got)
	}
	if got := mustJSON(spec["tags"]); got != `{"team":"platform"}` {
		t.Errorf("tags %s", got)
	}
	gen := specOf(t, m.Find(t, "demo-karpenter-nodepool-general"))
	want := `{"disruption":{"consolidateAfter":"5m","consolidationPolicy":"WhenEmptyOrUnderutilized"},"limits":{"cpu":"1000","memory":"4000Gi"},` +
		`"template":{"spec":{"expireAfter":"720h","nodeClassRef":{"group":"karpenter.k8s.aws","kind":"EC2NodeClass","name":"default"},"requirements":[` +
		`{"key":"kubernetes.io/os","operator":"In","values":["linux"]},{"key":"kubernetes.io/arch","operator":"In","values":["amd64"]},` +
		`{"key":"karpenter.sh/capacity-type","operator":"In","values":["on-demand","spot"]},{"key":"karpenter.k8s.aws/instance-category","operator":"In","values":["c","m","r"]}]}}}`
	if got := mustJSON(gen); got != want {
		t.Errorf("general NodePool\n got %s\nwant %s", got, want)
	}
	gpu := specOf(t, m.Find(t, "demo-karpenter-nodepool-gpu"))
	if gpu["weight"] != float64(10) || mustJSON(gpu["template"].(map[string]any)["spec"].(map[string]any)["taints"]) != `[{"effect":"NoSchedule","key":"nvidia.com/gpu","value":"true"}]` ||
		mustJSON(gpu["template"].(map[string]any)["metadata"]) != `{"labels":{"accelerator":"nvidia"}}` ||
		mustJSON(gpu["disruption"]) != `{"budgets":[{"duration":"8h","nodes":"0","reasons":["Underutilized"],"schedule":"0 9 * * mon-fri"}],"consolidateAfter":"1m","consolidationPolicy":"WhenEmpty"}` {
		t.Errorf("gpu NodePool %s", mustJSON(gpu))
	}
	// Without nodePools: one default NodePool.
	a = karpenterArgs()
	a.Karpenter.NodePools = nil
	m, _ = deploy(t, "demo", a)
	var pools []string
	for _, r := range m.Resources() {
		if r.Type == "kubernetes:karpenter.sh/v1:NodePool" {
			pools = append(pools, r.Name)
		}
	}
	if !slices.Equal(pools, []string{"demo-karpenter-nodepool-default"}) {
		t.Errorf("default NodePools %v", pools)
	}
}

// Rules 4, 9 and 10: the controller after its role, queue, CRDs, coredns and the
// system group (not after its own capacity); the EC2NodeClass and NodePools after the
// release (so they are deleted while it runs); the ALB controller after Karpenter's
// release (its chart makes Services), and ALB and ExternalDNS, which the tainted system
// group does not take, on the general NodePool.
func TestKarpenterBarriers(t *testing.T) {
	m := mocktest.New()
	var w *barriers
	err := m.Run(func(ctx *pulumi.Context) error {
		var err error
		_, w, err = newPlatform(ctx, "demo", karpenterArgs())
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := barrierNames(t, w.karpenterControllerSchedulable); !slices.Equal(got, []string{"demo-ng-system"}) {
		t.Errorf("karpenterControllerSchedulable %v", got)
	}
	access := []string{"demo-access-caller", "demo-access-caller-AmazonEKSClusterAdminPolicy"}
	nodeAddons := []string{"demo-vpc-cni", "demo-kube-proxy", "demo-eks-pod-identity-agent"}
	want := slices.Concat(access, nodeAddons, []string{"demo-coredns", "demo-ng-system"})
	slices.Sort(want)
	if got := barrierNames(t, w.beforeKarpenter); !slices.Equal(got, want) {
		t.Errorf("beforeKarpenter\n got %v\nwant %v", got, want)
	}
	if got := barrierNames(t, w.beforeServiceBlockers); !slices.Contains(got, "demo-karpenter") || !slices.Contains(got, "demo-coredns") {
		t.Errorf("beforeServiceBlockers %v", got)
	}
	node := func(n string) []mocktest.Resource { return []mocktest.Resource{m.Find(t, n)} }
	rel := node("demo-karpenter")
	m.RequireOrder(t, "rule 6", append(node("demo-karpenter-pod-identity"), m.Find(t, "demo-karpenter-NodeLifecycle-policy-attachment"), m.Find(t, "demo-karpenter-queue"), m.Find(t, "demo-karpenter-Rebalance-target")), rel)
	m.RequireOrder(t, "rule 4", node("demo-ng-system"), rel)
	m.RequireOrder(t, "rule 10", rel, node("demo-karpenter-nodeclass-default"))
	m.RequireOrder(t, "rule 10", append(rel, m.Find(t, "demo-karpenter-nodeclass-default"), m.Find(t, "demo-karpenter-node-access")),
		node("demo-karpenter-nodepool-general"))
	m.RequireOrder(t, "rule 9", rel, node("demo-aws-load-balancer-controller"))
	// Karpenter's nodes join like a node group's: the NodePools that launch them follow
	// the CNI and kube-proxy (through the controller's release).
	m.RequireOrder(t, "rule 4", append(node("demo-vpc-cni"), m.Find(t, "demo-kube-proxy")),
		append(node("demo-karpenter-nodepool-general"), m.Find(t, "demo-karpenter-nodepool-gpu")))
	m.RequireOrder(t, "rule 4", node("demo-karpenter-nodepool-general"), node("demo-aws-load-balancer-controller"))
	m.RequireOrder(t, "rule 4", node("demo-karpenter-nodepool-general"), node("demo-external-dns"))
	if deps := m.Find(t, "demo-external-dns").DependsOn; slices.Contains(deps, "demo-karpenter-nodepool-gpu") {
		t.Error("rule 4: ExternalDNS waits for the tainted GPU NodePool it does not tolerate")
	}
	// Rule 8: the node role and the queue start with the cluster, not after it.
	for _, n := range []string{"demo-karpenter-node-role", "demo-karpenter-queue"} {
		if slices.Contains(m.Find(t, n).DependsOn, "demo-cluster") {
			t.Errorf("rule 8: %s waits for the cluster", n)
		}
	}
}

// Validation: every problem names its input and the fix, and nothing is registered.
func TestKarpenterValidation(t *testing.T) {
	cases := []struct {
		name  string
		edit  func(a *Args)
		wants []string
	}{
		{"with the Cluster Autoscaler", func(a *Args) { a.Addons.ClusterAutoscaler = &HelmAddonArgs{Enabled: boolIn(true)} },
			[]string{"addons.clusterAutoscaler: enabled together with karpenter", "disable addons.clusterAutoscaler"}},
		{"with Auto Mode", func(a *Args) { a.AutoMode = &AutoModeArgs{Enabled: boolIn(true)} },
			[]string{"karpenter: enabled together with autoMode", "disable karpenter, or disable autoMode"}},
		{"no compute for the controller", func(a *Args) {
			a.NodeGroups[0].Taints = []TaintArgs{{Key: strIn("dedicated"), Value: strIn("x"), Effect: strIn("NO_SCHEDULE")}}
		}, []string{"karpenter: the controller needs compute Karpenter does not manage"}},
		{"one node for two replicas", func(a *Args) {
			a.NodeGroups[0].Scaling = &NodeGroupScalingArgs{MinSize: intIn(1), DesiredSize: intIn(1), MaxSize: intIn(2)}
		}, []string{"nodeGroups[0].scaling.desiredSize: the Karpenter controller runs 2 replicas"}},
		{"podIdentity without the agent", func(a *Args) {
			a.EksAddons = &EksAddonsArgs{PodIdentityAgent: &EksAddonArgs{Enabled: boolIn(false)}}
		}, []string{"karpenter.identity: podIdentity needs the eks-pod-identity-agent add-on"}},
		{"unknown identity", func(a *Args) { a.Karpenter.Identity = strIn("keys") }, []string{`karpenter.identity: unknown identity "keys"`}},
		{"service account renamed", func(a *Args) {
			a.Karpenter.Values = pulumi.Map{"serviceAccount": pulumi.Map{"name": pulumi.String("other")}}
		}, []string{"karpenter.values.serviceAccount.name"}},
		{"cluster name nulled", func(a *Args) {
			a.Karpenter.Values = pulumi.Map{"settings": pulumi.Map{"clusterName": nil}}
		}, []string{"karpenter.values"}},
		{"bad alias", func(a *Args) { a.Karpenter.NodeClass = &KarpenterNodeClassArgs{AmiAlias: strIn("bottlerocket@latest")} },
			[]string{`karpenter.nodeClass.amiAlias: "bottlerocket@latest" is not an AL2023 alias`}},
		{"hop limit", func(a *Args) { a.Karpenter.NodeClass = &KarpenterNodeClassArgs{MetadataHopLimit: intIn(0)} },
			[]string{"karpenter.nodeClass.metadataHopLimit: 0 is outside"}},
		{"duplicate pool", func(a *Args) { a.Karpenter.NodePools[1].Name = strIn("general") },
			[]string{`karpenter.nodePools[1].name: "general" is also the name of karpenter.nodePools[0]`}},
		{"bad pool fields", func(a *Args) {
			np := &a.Karpenter.NodePools[0]
			np.Name = strIn("General")
			np.CapacityTypes = strsIn("preemptible")
			np.Architectures = strsIn("x86")
			np.Weight = intIn(101)
			np.Limits = strMapIn(map[string]string{"cpu": "lots"})
			np.Taints = []TaintArgs{{Key: strIn("k"), Effect: strIn("NoSchedule")}}
			np.Disruption = &KarpenterDisruptionArgs{ConsolidationPolicy: strIn("Always"), ConsolidateAfter: strIn("5 minutes"),
				Budgets: []KarpenterBudgetArgs{{Nodes: strIn("110%"), Schedule: strIn("@daily"), Reasons: strsIn("Bored")}}}
		}, []string{
			`karpenter.nodePools[0].name: "General" is not a Kubernetes name`,
			`karpenter.nodePools[0].capacityTypes[0]: "preemptible"`,
			`karpenter.nodePools[0].architectures[0]: "x86"`,
			`karpenter.nodePools[0].weight: 101 is outside 1-100`,
			`karpenter.nodePools[0].limits.cpu: "lots"`,
			`karpenter.nodePools[0].taints[0].effect: "NoSchedule"`,
			`karpenter.nodePools[0].disruption.consolidationPolicy: "Always"`,
			`karpenter.nodePools[0].disruption.consolidateAfter: "5 minutes"`,
			`karpenter.nodePools[0].disruption.budgets[0].nodes: "110%"`,
			`karpenter.nodePools[0].disruption.budgets[0]: schedule and duration go together`,
			`karpenter.nodePools[0].disruption.budgets[0].reasons[0]: "Bored"`,
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := karpenterArgs()
			c.edit(a)
			requireInvalid(t, a, c.wants...)
		})
	}
}

// A Fargate profile may run the controller (then it must use IRSA: Fargate has no Pod
// Identity), and it waits for that profile.
func TestKarpenterControllerOnFargate(t *testing.T) {
	a := karpenterArgs()
	a.FargateProfiles = []FargateProfileArgs{{Name: strIn("karpenter"), Selectors: []FargateSelectorArgs{{
		Namespace: strIn("kube-system"), Labels: strMapIn(map[string]string{"app.kubernetes.io/name": "karpenter"})}}}}
	requireInvalid(t, a, "karpenter.identity: podIdentity, but the controller runs on Fargate")
	a.Karpenter.Identity = strIn("irsa")
	m, _ := deploy(t, "demo", a)
	m.RequireOrder(t, "rule 4", []mocktest.Resource{m.Find(t, "demo-fargate-karpenter")}, []mocktest.Resource{m.Find(t, "demo-karpenter")})
	if slices.Contains(m.Find(t, "demo-karpenter").DependsOn, "demo-ng-system") {
		t.Error("rule 4: the controller on Fargate waits for the node group")
	}
}

// Karpenter's limits are the CRD's own (the patterns are copied from the vendored CRD).
func TestKarpenterPatternsAreTheCRDs(t *testing.T) {
	crds, err := addons.KarpenterChartAddon().CRDs()
	if err != nil {
		t.Fatal(err)
	}
	var nodePools []byte
	for _, c := range crds {
		if c.Name == "nodepools.karpenter.sh" {
			nodePools, _ = json.Marshal(c.Object)
		}
	}
	for _, p := range []string{karpenterDurationPattern.String(), karpenterBudgetNodesPattern.String(), karpenterBudgetDurationPattern.String(),
		karpenterBudgetSchedulePattern.String(), karpenterQuantityPattern.String()} {
		quoted, _ := json.Marshal(p)
		if !strings.Contains(string(nodePools), `"pattern":`+string(quoted)) {
			t.Errorf("pattern %s is not in the NodePool CRD", p)
		}
	}
	for _, enum := range [][]string{karpenterConsolidationPolicies} {
		b, _ := json.Marshal(enum)
		if !strings.Contains(string(nodePools), `"enum":`+string(b)) {
			t.Errorf("enum %s is not in the NodePool CRD", b)
		}
	}
}

var _ = resource.PropertyKey("")
