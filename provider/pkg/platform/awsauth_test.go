package platform

import (
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/eksplatform/pulumi-eksplatform/provider/internal/mocktest"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// authMapping is one parsed mapRoles / mapUsers entry.
type authMapping struct {
	Arn, Username string
	Groups        []string
}

// parseAwsAuth reads the YAML list renderAwsAuth writes, failing on anything else.
func parseAwsAuth(t *testing.T, text, arnKey string) []authMapping {
	t.Helper()
	unquote := func(s string) string {
		var v string
		if err := json.Unmarshal([]byte(s), &v); err != nil {
			t.Fatalf("aws-auth scalar %s is not double-quoted: %v", s, err)
		}
		return v
	}
	var out []authMapping
	if text == "[]\n" {
		return nil
	}
	for _, line := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
		switch {
		case strings.HasPrefix(line, "- "+arnKey+": "):
			out = append(out, authMapping{Arn: unquote(strings.TrimPrefix(line, "- "+arnKey+": "))})
		case len(out) == 0:
			t.Fatalf("aws-auth %s: unexpected line %q in\n%s", arnKey, line, text)
		case strings.HasPrefix(line, "  username: "):
			out[len(out)-1].Username = unquote(strings.TrimPrefix(line, "  username: "))
		case line == "  groups:" || line == "  groups: []":
		case strings.HasPrefix(line, "    - "):
			out[len(out)-1].Groups = append(out[len(out)-1].Groups, unquote(strings.TrimPrefix(line, "    - ")))
		default:
			t.Fatalf("aws-auth %s: unexpected line %q in\n%s", arnKey, line, text)
		}
	}
	return out
}

func awsAuthData(t *testing.T, m *mocktest.Mocks) (cm mocktest.Resource, mapRoles, mapUsers string) {
	t.Helper()
	cms := m.OfType(typeConfigMap)
	if len(cms) != 1 {
		t.Fatalf("want one aws-auth ConfigMap, got %d", len(cms))
	}
	data := obj(cms[0], "data")
	if v, ok := data["mapRoles"]; ok {
		mapRoles = v.StringValue()
	}
	if v, ok := data["mapUsers"]; ok {
		mapUsers = v.StringValue()
	}
	return cms[0], mapRoles, mapUsers
}

func mapRoles(t *testing.T, m *mocktest.Mocks) []authMapping {
	t.Helper()
	_, roles, _ := awsAuthData(t, m)
	return parseAwsAuth(t, roles, "rolearn")
}

func countArn(ms []authMapping, arn string) int {
	n := 0
	for _, m := range ms {
		if m.Arn == arn {
			n++
		}
	}
	return n
}

func findMapping(t *testing.T, ms []authMapping, arn string) authMapping {
	t.Helper()
	for _, m := range ms {
		if m.Arn == arn {
			return m
		}
	}
	t.Fatalf("%s is not mapped in aws-auth: %v", arn, ms)
	return authMapping{}
}

func TestAwsAuthConfigMap(t *testing.T) {
	a := computeArgs("CONFIG_MAP")
	a.RoleMappings = []RoleMappingArgs{
		{RoleArn: pulumi.String("arn:aws:iam::123456789012:role/Ops"), Username: pulumi.String("ops"), Groups: pulumi.ToStringArray([]string{"system:masters"})},
		{RoleArn: pulumi.String("arn:aws:iam::123456789012:role/Dev"), Username: pulumi.String("dev")},
	}
	a.UserMappings = []UserMappingArgs{{UserArn: pulumi.String("arn:aws:iam::123456789012:user/alice"), Username: pulumi.String("alice"), Groups: pulumi.ToStringArray([]string{"viewers"})}}
	m, _ := deploy(t, "demo", a)
	cm, roles, users := awsAuthData(t, m)

	meta := obj(cm, "metadata")
	if meta["name"].StringValue() != "aws-auth" || meta["namespace"].StringValue() != "kube-system" {
		t.Errorf("metadata = %v, want kube-system/aws-auth", meta)
	}
	// Not forced: a mapping another manager wrote is a field conflict, never dropped.
	if a := meta["annotations"]; a.IsObject() && a.ObjectValue().HasValue("pulumi.com/patchForce") {
		t.Errorf("aws-auth must not carry pulumi.com/patchForce (it would drop mappings others wrote): %v", a)
	}
	if !strings.Contains(cm.Provider, "::demo-k8s-aws-auth::") {
		t.Errorf("aws-auth provider = %q, want aws-auth's own provider demo-k8s-aws-auth", cm.Provider)
	}

	parsed := parseAwsAuth(t, roles, "rolearn")
	node := findMapping(t, parsed, "arn:aws:iam::123456789012:role/demo-node")
	if node.Username != "system:node:{{EC2PrivateDNSName}}" || !slices.Equal(node.Groups, []string{"system:bootstrappers", "system:nodes"}) {
		t.Errorf("node role mapping = %+v", node)
	}
	fargate := findMapping(t, parsed, "arn:aws:iam::123456789012:role/demo-fargate")
	if fargate.Username != "system:node:{{SessionName}}" || !slices.Equal(fargate.Groups, []string{"system:bootstrappers", "system:nodes", "system:node-proxier"}) {
		t.Errorf("Fargate role mapping = %+v", fargate)
	}
	// Workers first, then the user's mappings in the order given.
	var order []string
	for _, p := range parsed {
		order = append(order, p.Arn)
	}
	want := []string{
		"arn:aws:iam::123456789012:role/demo-node", "arn:aws:iam::123456789012:role/demo-fargate",
		"arn:aws:iam::123456789012:role/Ops", "arn:aws:iam::123456789012:role/Dev",
	}
	if !slices.Equal(order, want) {
		t.Errorf("mapRoles order = %v, want %v", order, want)
	}
	ops := findMapping(t, parsed, "arn:aws:iam::123456789012:role/Ops")
	if ops.Username != "ops" || !slices.Equal(ops.Groups, []string{"system:masters"}) {
		t.Errorf("Ops mapping = %+v", ops)
	}
	if dev := findMapping(t, parsed, "arn:aws:iam::123456789012:role/Dev"); len(dev.Groups) != 0 {
		t.Errorf("Dev mapping = %+v, want no groups", dev)
	}
	u := parseAwsAuth(t, users, "userarn")
	if len(u) != 1 || u[0].Arn != "arn:aws:iam::123456789012:user/alice" || u[0].Username != "alice" || !slices.Equal(u[0].Groups, []string{"viewers"}) {
		t.Errorf("mapUsers = %+v", u)
	}
	// The node role exists (with its policies) before it is mapped.
	workers := []mocktest.Resource{
		m.Find(t, "demo-node-role"), m.Find(t, "demo-node-role-AmazonEKSWorkerNodePolicy"),
		m.Find(t, "demo-fargate-role"), m.Find(t, "demo-fargate-role-AmazonEKSFargatePodExecutionRolePolicy"),
	}
	m.RequireOrder(t, "worker roles before aws-auth", workers, m.OfType(typeConfigMap))
}

func TestAwsAuthSameBytesEveryRun(t *testing.T) {
	_, first, _ := awsAuthData(t, must(deploy(t, "demo", computeArgs("CONFIG_MAP"))))
	_, second, _ := awsAuthData(t, must(deploy(t, "demo", computeArgs("CONFIG_MAP"))))
	if first != second {
		t.Errorf("mapRoles differs between runs:\n%s\n---\n%s", first, second)
	}
}

func must(m *mocktest.Mocks, _ *EksPlatform) *mocktest.Mocks { return m }

func TestAwsAuthWindowsNodeRole(t *testing.T) {
	a := minimalArgs()
	a.AuthenticationMode = pulumi.String("CONFIG_MAP")
	a.NodeGroups = []NodeGroupArgs{{Name: pulumi.String("linux")}, {Name: pulumi.String("win"), AmiType: pulumi.String("WINDOWS_CORE_2022_x86_64")}}
	m, _ := deploy(t, "demo", a)
	node := findMapping(t, mapRoles(t, m), "arn:aws:iam::123456789012:role/demo-node")
	if !slices.Contains(node.Groups, "eks:kube-proxy-windows") {
		t.Errorf("a role used by Windows nodes needs eks:kube-proxy-windows: %+v", node)
	}
	if lt := m.Find(t, "demo-ng-win-lt"); lt.Inputs["blockDeviceMappings"].ArrayValue()[0].ObjectValue()["deviceName"].StringValue() != "/dev/sda1" {
		t.Errorf("Windows root device is /dev/sda1")
	}
}

func TestNoAwsAuthInApiMode(t *testing.T) {
	m, _ := deploy(t, "demo", computeArgs("API"))
	if n := len(m.OfType(typeConfigMap)); n != 0 {
		t.Errorf("API mode does not read aws-auth, but %d ConfigMaps were made", n)
	}
}

func TestNodeRolesGetNoAccessEntryFromThePlatform(t *testing.T) {
	// EKS creates the EC2_LINUX / FARGATE_LINUX entries of managed node group and
	// profile roles itself; one made here would conflict with it.
	m, _ := deploy(t, "demo", computeArgs("API"))
	for _, e := range m.OfType(typeAccessEntry) {
		if typ := str(e, "type"); typ != "STANDARD" {
			t.Errorf("%s: type %s; the platform must not make node or Fargate entries", e.Name, typ)
		}
		if p := str(e, "principalArn"); strings.HasSuffix(p, "role/demo-node") || strings.HasSuffix(p, "role/demo-fargate") {
			t.Errorf("%s: access entry for worker role %s", e.Name, p)
		}
	}
}

func TestKubernetesProviderMutableConfigMaps(t *testing.T) {
	// Without enableConfigMapMutable the provider replaces (deletes, then recreates)
	// aws-auth on every mapping change, locking nodes out in between.
	m, _ := deploy(t, "demo", computeArgs("CONFIG_MAP"))
	for _, r := range m.Resources() {
		if r.Type == "pulumi:providers:kubernetes" {
			if v := r.Inputs["enableConfigMapMutable"]; !v.IsBool() || !v.BoolValue() {
				if !v.IsString() || v.StringValue() != "true" {
					t.Errorf("the Kubernetes provider must set enableConfigMapMutable, got %v", v)
				}
			}
			return
		}
	}
	t.Fatalf("no Kubernetes provider registered")
}

// aws-auth may exist before the platform writes it (EKS, a killed run, another tool):
// its own provider upserts (a create is a server-side apply), with the component's
// configuration; the component's provider never does, so no other object is adopted.
func TestAwsAuthProviderUpsertsAwsAuthAlone(t *testing.T) {
	m, _ := deploy(t, "demo", computeArgs("CONFIG_MAP"))
	providers := map[string]mocktest.Resource{}
	for _, r := range m.Resources() {
		if r.Type == "pulumi:providers:kubernetes" {
			providers[r.Name] = r
		}
	}
	own, main := providers["demo-k8s-aws-auth"], providers["demo-k8s"]
	if own.Name == "" || main.Name == "" {
		t.Fatalf("want providers demo-k8s and demo-k8s-aws-auth, got %v", slices.Sorted(maps.Keys(providers)))
	}
	truthy := func(v resource.PropertyValue) bool {
		return (v.IsBool() && v.BoolValue()) || (v.IsString() && v.StringValue() == "true")
	}
	for _, k := range []resource.PropertyKey{"upsertExistingObjects", "enableServerSideApply", "enableConfigMapMutable"} {
		if !truthy(own.Inputs[k]) {
			t.Errorf("demo-k8s-aws-auth: %s = %v, want true", k, own.Inputs[k])
		}
	}
	if truthy(main.Inputs["upsertExistingObjects"]) {
		t.Errorf("demo-k8s must not upsert: every other object would adopt whatever has its name")
	}
	if !own.Inputs["kubeconfig"].DeepEquals(main.Inputs["kubeconfig"]) {
		t.Errorf("aws-auth's provider must point at the same cluster as the component's")
	}
	for _, r := range m.Resources() {
		if strings.HasPrefix(r.Type, "kubernetes:") && r.Name != "demo-aws-auth" && strings.Contains(r.Provider, "demo-k8s-aws-auth") {
			t.Errorf("%s uses aws-auth's provider; only aws-auth may upsert", r.Name)
		}
	}
}

func TestNoAwsAuthProviderInApiMode(t *testing.T) {
	m, _ := deploy(t, "demo", computeArgs("API"))
	for _, r := range m.Resources() {
		if r.Name == "demo-k8s-aws-auth" {
			t.Errorf("API mode writes no aws-auth, so it needs no provider for it")
		}
	}
}

// awsAuthTakeover forces aws-auth's apply (pulumi.com/patchForce) only when it is true;
// unknown at preview it takes its default and is checked at the update; in API mode,
// which has no aws-auth, it is an error.
func TestAwsAuthTakeover(t *testing.T) {
	patchForce := func(m *mocktest.Mocks) (string, bool) {
		cm, _, _ := awsAuthData(t, m)
		a := obj(cm, "metadata")["annotations"]
		if !a.IsObject() || !a.ObjectValue().HasValue("pulumi.com/patchForce") {
			return "", false
		}
		return a.ObjectValue()["pulumi.com/patchForce"].StringValue(), true
	}
	for _, tc := range []struct {
		name  string
		input pulumi.BoolInput
		want  bool
	}{{"absent", nil, false}, {"false", pulumi.Bool(false), false}, {"true", pulumi.Bool(true), true}, {"true as an Output", pulumi.Bool(true).ToBoolOutput(), true}} {
		a := computeArgs("CONFIG_MAP")
		a.AwsAuthTakeover = tc.input
		v, ok := patchForce(must(deploy(t, "demo", a)))
		if tc.want && (!ok || v != "true") {
			t.Errorf("%s: aws-auth pulumi.com/patchForce = %q (present %v), want \"true\"", tc.name, v, ok)
		}
		if !tc.want && ok {
			t.Errorf("%s: aws-auth carries pulumi.com/patchForce %q; only awsAuthTakeover true may force it", tc.name, v)
		}
	}
	a := computeArgs("API_AND_CONFIG_MAP")
	a.AwsAuthTakeover = pulumi.Bool(true)
	if v, ok := patchForce(must(deploy(t, "demo", a))); !ok || v != "true" {
		t.Errorf("API_AND_CONFIG_MAP: aws-auth pulumi.com/patchForce = %q (present %v), want \"true\"", v, ok)
	}

	unknown := func(mode string) *Args {
		a := computeArgs(mode)
		a.AwsAuthTakeover = pulumi.UnsafeUnknownOutput(nil).ApplyT(func(any) bool { return false }).(pulumi.BoolOutput)
		return a
	}
	cfg, err := resolve(true, "demo", unknown("CONFIG_MAP"))
	if err != nil || cfg.Access.AwsAuthTakeover {
		t.Errorf("preview with an unknown awsAuthTakeover: err %v, takeover %v; want its default (false), no error", err, cfg != nil && cfg.Access.AwsAuthTakeover)
	}
	if _, err := resolve(true, "demo", unknown("API")); err != nil {
		t.Errorf("preview with an unknown awsAuthTakeover in API mode: %v; it is checked at the update", err)
	}
	if _, err := resolve(false, "demo", unknown("CONFIG_MAP")); err == nil || !strings.Contains(err.Error(), "awsAuthTakeover: not known during the update") {
		t.Errorf("update with an unknown awsAuthTakeover: %v", err)
	}

	api := computeArgs("API")
	api.AwsAuthTakeover = pulumi.Bool(true)
	requireInvalid(t, api, "awsAuthTakeover: authenticationMode API does not read the aws-auth ConfigMap", "; remove awsAuthTakeover")
	off := computeArgs("API")
	off.AwsAuthTakeover = pulumi.Bool(false)
	if _, err := resolve(false, "demo", off); err != nil {
		t.Errorf("awsAuthTakeover false in API mode asks for nothing: %v", err)
	}
}
