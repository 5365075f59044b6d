package platform

import (
	"encoding/json"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/eksplatform/pulumi-eksplatform/provider/pkg/iampolicy"

	"github.com/eksplatform/pulumi-eksplatform/provider/internal/mocktest"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

const (
	typeNodeGroup   = "aws:eks/nodeGroup:NodeGroup"
	typeFargate     = "aws:eks/fargateProfile:FargateProfile"
	typeAccessEntry = "aws:eks/accessEntry:AccessEntry"
	typeAssociation = "aws:eks/accessPolicyAssociation:AccessPolicyAssociation"
	typeConfigMap   = "kubernetes:core/v1:ConfigMap"
	typeAddon       = "aws:eks/addon:Addon"
	typeLaunchTmpl  = "aws:ec2/launchTemplate:LaunchTemplate"
	typeRole        = "aws:iam/role:Role"
)

// computeArgs are the "done when" platform of issue 3: two node groups and two Fargate
// profiles.
func computeArgs(mode string) *Args {
	a := minimalArgs()
	if mode != "" {
		a.AuthenticationMode = pulumi.String(mode)
	}
	a.NodeGroups = []NodeGroupArgs{
		{Name: pulumi.String("general")},
		{
			Name:          pulumi.String("batch"),
			CapacityType:  pulumi.String("SPOT"),
			InstanceTypes: pulumi.ToStringArray([]string{"m5.large", "m6i.large"}),
			Scaling:       &NodeGroupScalingArgs{MinSize: pulumi.Int(0), MaxSize: pulumi.Int(10)},
			Labels:        pulumi.StringMap{"workload": pulumi.String("batch")},
			Taints:        []TaintArgs{{Key: pulumi.String("batch"), Value: pulumi.String("true"), Effect: pulumi.String("NO_SCHEDULE")}},
		},
	}
	a.FargateProfiles = []FargateProfileArgs{
		{Name: pulumi.String("kube-system"), Selectors: []FargateSelectorArgs{{Namespace: pulumi.String("kube-system")}}},
		{Name: pulumi.String("apps"), Selectors: []FargateSelectorArgs{{
			Namespace: pulumi.String("apps"),
			Labels:    pulumi.StringMap{"fargate": pulumi.String("true")},
		}}},
	}
	return a
}

// computeResources are every node group and Fargate profile.
func computeResources(m *mocktest.Mocks) []mocktest.Resource {
	return append(m.OfType(typeNodeGroup), m.OfType(typeFargate)...)
}

// The "done when" of issue 3: CONFIG_MAP mode, 2 node groups, 2 Fargate profiles.
func TestDoneWhenConfigMapBeforeComputeAndProfilesChained(t *testing.T) {
	m, _ := deploy(t, "demo", computeArgs("CONFIG_MAP"))
	if n := len(m.OfType(typeNodeGroup)); n != 2 {
		t.Fatalf("want 2 node groups, got %d", n)
	}
	if n := len(m.OfType(typeFargate)); n != 2 {
		t.Fatalf("want 2 Fargate profiles, got %d", n)
	}
	cms := m.OfType(typeConfigMap)
	if len(cms) != 1 {
		t.Fatalf("want one aws-auth ConfigMap, got %d", len(cms))
	}
	m.RequireOrder(t, "rule 3: aws-auth before compute", cms, computeResources(m))
	if !m.DependsOn("demo-fargate-apps", "demo-fargate-kube-system") {
		t.Errorf("rule 5: the second Fargate profile does not depend on the first")
	}
	if len(m.OfType(typeAccessEntry)) != 0 {
		t.Errorf("CONFIG_MAP mode has no access entries, got %v", m.OfType(typeAccessEntry))
	}
}

func TestAccessEntriesBeforeCompute(t *testing.T) {
	a := computeArgs("API_AND_CONFIG_MAP")
	a.Admins = pulumi.ToStringArray([]string{"arn:aws:iam::123456789012:role/PlatformAdmins"})
	a.RoleMappings = []RoleMappingArgs{{RoleArn: pulumi.String("arn:aws:iam::123456789012:role/Legacy"), Username: pulumi.String("legacy")}}
	m, _ := deploy(t, "demo", a)
	access := append(m.OfType(typeAccessEntry), m.OfType(typeAssociation)...)
	if len(access) != 4 { // caller + admin, each with one association
		t.Fatalf("want 2 entries and 2 associations, got %d: %v", len(access), m.Names())
	}
	access = append(access, m.OfType(typeConfigMap)...)
	m.RequireOrder(t, "rule 3: access before compute", access, computeResources(m))
	// The component's Kubernetes provider may only be authorized by those entries.
	m.RequireOrder(t, "aws-auth after the access entries", m.OfType(typeAccessEntry), m.OfType(typeConfigMap))
}

func TestLaunchTemplateRequiresIMDSv2(t *testing.T) {
	m, _ := deploy(t, "demo", computeArgs(""))
	lts := m.OfType(typeLaunchTmpl)
	if len(lts) != 2 {
		t.Fatalf("want a launch template per node group, got %d", len(lts))
	}
	for _, lt := range lts {
		md := obj(lt, "metadataOptions")
		if got := md["httpTokens"]; !got.IsString() || got.StringValue() != "required" {
			t.Errorf("%s: httpTokens = %v, want required", lt.Name, got)
		}
		// 1 by default (was 2): pods off the host network cannot reach IMDS, so they
		// cannot use the node role's credentials.
		if got := md["httpPutResponseHopLimit"]; !got.IsNumber() || got.NumberValue() != 1 {
			t.Errorf("%s: httpPutResponseHopLimit = %v, want 1", lt.Name, got)
		}
		if got := md["httpEndpoint"]; !got.IsString() || got.StringValue() != "enabled" {
			t.Errorf("%s: httpEndpoint = %v, want enabled", lt.Name, got)
		}
	}
	ng := m.Find(t, "demo-ng-general")
	tmpl := obj(ng, "launchTemplate")
	if !tmpl["id"].IsString() || !strings.HasPrefix(tmpl["id"].StringValue(), "lt-") {
		t.Errorf("node group launchTemplate.id = %v, want the component's template", tmpl["id"])
	}
	if v := tmpl["version"]; !v.IsString() || v.StringValue() != "1" {
		t.Errorf("node group launchTemplate.version = %v, want the template's latest version", v)
	}
	if _, ok := ng.Inputs["diskSize"]; ok {
		t.Errorf("diskSize must be in the launch template, EKS rejects it beside one")
	}
}

func TestNodeGroupDefaults(t *testing.T) {
	m, _ := deploy(t, "demo", computeArgs(""))
	ng := m.Find(t, "demo-ng-general")
	if got := str(ng, "nodeGroupName"); !generationName.MatchString(got) || !strings.HasPrefix(got, "demo-general-") {
		t.Errorf("nodeGroupName = %q, want demo-general-<8 hex digits>", got)
	}
	if rep := obj(ng, "nodeRepairConfig"); !rep["enabled"].IsBool() || !rep["enabled"].BoolValue() {
		t.Errorf("nodeRepairConfig = %v, want enabled (node auto repair on by default)", rep)
	}
	if got := str(ng, "amiType"); got != "AL2023_x86_64_STANDARD" {
		t.Errorf("amiType = %q", got)
	}
	if got := str(ng, "capacityType"); got != "ON_DEMAND" {
		t.Errorf("capacityType = %q", got)
	}
	sc := obj(ng, "scalingConfig")
	if sc["minSize"].NumberValue() != 1 || sc["desiredSize"].NumberValue() != 2 || sc["maxSize"].NumberValue() != 3 {
		t.Errorf("scalingConfig = %v, want 1/2/3", sc)
	}
	if got := strs(ng, "subnetIds"); !slices.Equal(got, []string{priv1, priv2}) {
		t.Errorf("subnetIds = %v, want the private subnets", got)
	}
	if got := str(ng, "nodeRoleArn"); got != "arn:aws:iam::123456789012:role/demo-node" {
		t.Errorf("nodeRoleArn = %q, want the shared node role", got)
	}
	batch := m.Find(t, "demo-ng-batch")
	sc = obj(batch, "scalingConfig")
	if sc["minSize"].NumberValue() != 0 || sc["desiredSize"].NumberValue() != 2 || sc["maxSize"].NumberValue() != 10 {
		t.Errorf("batch scalingConfig = %v, want 0/2/10", sc)
	}
	if got := strs(batch, "instanceTypes"); !slices.Equal(got, []string{"m5.large", "m6i.large"}) {
		t.Errorf("batch instanceTypes = %v", got)
	}
	taints := batch.Inputs["taints"].ArrayValue()
	if len(taints) != 1 || taints[0].ObjectValue()["effect"].StringValue() != "NO_SCHEDULE" {
		t.Errorf("batch taints = %v", taints)
	}
}

func TestNodeGroupNameFitsEks(t *testing.T) {
	// At the limit, "<cluster>-<name>" takes 54 characters and the EKS name, with "-"
	// and the 8-character generation, exactly 63.
	a := computeArgs("")
	a.ClusterName = pulumi.String(strings.Repeat("c", 54-len("-general")))
	a.NodeGroups = a.NodeGroups[:1]
	m, _ := deploy(t, "demo", a)
	if got := str(m.Find(t, "demo-ng-general"), "nodeGroupName"); len(got) != 63 || !strings.Contains(got, "-general-") || !generationName.MatchString(got) {
		t.Errorf("nodeGroupName = %q, want <cluster>-general-<generation> in 63 characters", got)
	}
	// Over it, the name is rejected rather than cut (two cut names could collide, and
	// the group would not bear the name the user wrote); the message counts the suffix.
	a.ClusterName = pulumi.String(strings.Repeat("c", 54-len("-general")+1))
	requireInvalid(t, a, `nodeGroups[0].name: "general" makes the EKS node group name`,
		"plus a 9-character generation suffix", "64 characters, over EKS's 63", `"<clusterName>-<name>" has at most 54 characters`)
}

func TestNodeRolePolicies(t *testing.T) {
	a := computeArgs("")
	a.NodeSsmAccess = pulumi.Bool(true)
	m, _ := deploy(t, "demo", a)
	role := m.Find(t, "demo-node-role")
	requireServiceTrust(t, str(role, "assumeRolePolicy"), "ec2.amazonaws.com")
	// AmazonEKS_CNI_Policy is no longer on the node role: vpc-cni has its own role.
	for _, r := range m.Resources() {
		if r.Name == "demo-node-role-AmazonEKS_CNI_Policy" {
			t.Errorf("the shared node role still has AmazonEKS_CNI_Policy; pods that reach the node's credentials could manage ENIs")
		}
	}
	for _, p := range []string{"AmazonEKSWorkerNodePolicy", "AmazonEC2ContainerRegistryReadOnly", "AmazonSSMManagedInstanceCore"} {
		att := m.Find(t, "demo-node-role-"+p)
		if got := str(att, "policyArn"); got != "arn:aws:iam::aws:policy/"+p {
			t.Errorf("policyArn = %q", got)
		}
		m.RequireOrder(t, "node groups after the node role's policies", []mocktest.Resource{att}, m.OfType(typeNodeGroup))
	}
	m2, _ := deploy(t, "demo", computeArgs(""))
	for _, r := range m2.Resources() {
		if strings.HasSuffix(r.Name, "AmazonSSMManagedInstanceCore") {
			t.Errorf("SSM policy attached without nodeSsmAccess")
		}
	}
}

func TestSharedNodeRoleNotMadeWhenEveryGroupBringsItsOwn(t *testing.T) {
	own := "arn:aws:iam::123456789012:role/my-nodes"
	a := computeArgs("CONFIG_MAP")
	for i := range a.NodeGroups {
		a.NodeGroups[i].NodeRoleArn = pulumi.String(own)
	}
	m, p := deploy(t, "demo", a)
	for _, r := range m.OfType(typeRole) {
		if r.Name == "demo-node-role" {
			t.Fatalf("shared node role made although every group brings its own")
		}
	}
	for _, ng := range m.OfType(typeNodeGroup) {
		if got := str(ng, "nodeRoleArn"); got != own {
			t.Errorf("%s: nodeRoleArn = %q, want %q", ng.Name, got, own)
		}
	}
	if got := awaitString(t, p.NodeRoleArn); got != "" {
		t.Errorf("nodeRoleArn output = %q, want empty", got)
	}
	// The own role is mapped once, although two groups use it.
	roles := mapRoles(t, m)
	if n := countArn(roles, own); n != 1 {
		t.Errorf("own node role mapped %d times, want once: %v", n, roles)
	}
}

func TestWorkerRolesOnlyForTheComputeGiven(t *testing.T) {
	m, p := deploy(t, "demo", minimalArgs())
	for _, r := range m.OfType(typeRole) {
		if r.Name == "demo-fargate-role" {
			t.Errorf("%s made without a Fargate profile", r.Name)
		}
	}
	if got := awaitString(t, p.FargatePodExecutionRoleArn); got != "" {
		t.Errorf("fargatePodExecutionRoleArn = %q, want empty", got)
	}
	m, p = deploy(t, "demo", fargateOnlyArgs(FargateProfileArgs{Name: pulumi.String("apps"),
		Selectors: []FargateSelectorArgs{{Namespace: pulumi.String("apps")}}}))
	for _, r := range m.OfType(typeRole) {
		if r.Name == "demo-node-role" {
			t.Errorf("%s made without a node group", r.Name)
		}
	}
	if got := awaitString(t, p.NodeRoleArn); got != "" {
		t.Errorf("nodeRoleArn = %q, want empty", got)
	}
}

func TestNoComputeIsRejected(t *testing.T) {
	// coredns and every add-on would have nowhere to run, and coredns would be left out
	// without a word: the platform says so instead.
	requireInvalid(t, fargateOnlyArgs(), "nodeGroups, fargateProfiles: the platform has no node group and no Fargate profile", "add a node group")
}

func TestNodeGroupOptions(t *testing.T) {
	rec := deployRecording(t, computeArgs(""))
	for _, name := range []string{"demo-ng-general", "demo-ng-batch"} {
		if got := rec.ignore[name]; !slices.Equal(got, []string{"scalingConfig.desiredSize"}) {
			t.Errorf("%s: ignoreChanges = %v, want [scalingConfig.desiredSize] (the autoscaler owns it)", name, got)
		}
		// Zero-gap replacement: the new group (a new generation, so a new EKS name) is
		// created before the old one is deleted, Pulumi's default.
		if rec.dbr[name] {
			t.Errorf("%s: deleteBeforeReplace is set; a replaced node group must be created before the old one is deleted", name)
		}
	}
	if rec.dbr["demo-cluster"] {
		t.Errorf("the cluster must never be deleted before replacement")
	}
	for name, on := range rec.protect {
		if on {
			t.Errorf("%s is protected without protectCluster", name)
		}
	}
}

// recorder records the resource options the shared mocks do not.
type recorder struct {
	*mocktest.Mocks
	mu      sync.Mutex
	ignore  map[string][]string
	dbr     map[string]bool
	protect map[string]bool
}

func (r *recorder) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	if rpc := args.RegisterRPC; rpc != nil {
		r.mu.Lock()
		r.ignore[args.Name] = rpc.GetIgnoreChanges()
		r.dbr[args.Name] = rpc.GetDeleteBeforeReplace()
		r.protect[args.Name] = rpc.GetProtect()
		r.mu.Unlock()
	}
	return r.Mocks.NewResource(args)
}

func deployRecording(t *testing.T, args *Args) *recorder {
	t.Helper()
	rec := &recorder{Mocks: mocktest.New(), ignore: map[string][]string{}, dbr: map[string]bool{}, protect: map[string]bool{}}
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		_, err := New(ctx, "demo", args)
		return err
	}, pulumi.WithMocks("project", "stack", rec))
	if err != nil {
		t.Fatalf("deploy: %v", err)
	}
	return rec
}

// strs reads a string array input.
func strs(r mocktest.Resource, key string) []string {
	v, ok := r.Inputs[resource.PropertyKey(key)]
	if !ok || !v.IsArray() {
		return nil
	}
	var out []string
	for _, e := range v.ArrayValue() {
		out = append(out, e.StringValue())
	}
	return out
}

// awaitString resolves a string output after the program ran.
func awaitString(t *testing.T, o pulumi.StringOutput) string {
	t.Helper()
	ch := make(chan string, 1)
	o.ApplyT(func(s string) string { ch <- s; return s })
	return <-ch
}

// requireServiceTrust parses a trust policy and checks its one statement's service.
func requireServiceTrust(t *testing.T, doc, service string) iampolicy.Document {
	t.Helper()
	var p iampolicy.Document
	if err := json.Unmarshal([]byte(doc), &p); err != nil {
		t.Fatalf("trust policy %q: %v", doc, err)
	}
	if len(p.Statement) != 1 || p.Statement[0].Principal == nil || p.Statement[0].Principal.Service != service {
		t.Fatalf("trust policy %s does not trust %s", doc, service)
	}
	if !slices.Equal(p.Statement[0].Action, []string{"sts:AssumeRole"}) || p.Statement[0].Effect != "Allow" {
		t.Fatalf("trust policy %s: want Allow sts:AssumeRole", doc)
	}
	return p
}
