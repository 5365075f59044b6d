package simcloud

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/eksplatform/pulumi-eksplatform/provider/pkg/fakeaws"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

func TestClusterCreateReturnsComputedOutputs(t *testing.T) {
	s := newServer(t, "aws", "", "")
	id, out := mustCreate(t, s, typCluster, "p-cluster", clusterInputs("demo"))
	if id != "demo" {
		t.Errorf("id = %q, want demo", id)
	}
	h := clusterHash("demo")
	for path, want := range map[string]string{
		"endpoint":                        "https://" + h + ".gr7.us-west-2.eks.amazonaws.com",
		"arn":                             "arn:aws:eks:us-west-2:123456789012:cluster/demo",
		"status":                          "ACTIVE",
		"version":                         fakeaws.DefaultKubernetesVersion,
		"platformVersion":                 "eks.1",
		"accessConfig.authenticationMode": "API",
	} {
		if got := str(out, strings.Split(path, ".")...); got != want {
			t.Errorf("%s = %q, want %q", path, got, want)
		}
	}
	if !strings.HasPrefix(str(out, "vpcConfig", "clusterSecurityGroupId"), "sg-") ||
		!strings.HasPrefix(str(out, "vpcConfig", "vpcId"), "vpc-") ||
		len(strs(out, "vpcConfig", "subnetIds")) != 2 {
		t.Errorf("vpcConfig = %v", out["vpcConfig"])
	}
	if str(out, "certificateAuthority", "data") == "" {
		t.Error("no certificateAuthority.data")
	}
	ids := get(out, "identities").ArrayValue()
	oidcs := get(ids[0].ObjectValue(), "oidcs").ArrayValue()
	if iss := str(oidcs[0].ObjectValue(), "issuer"); iss != "https://oidc.eks.us-west-2.amazonaws.com/id/"+h {
		t.Errorf("issuer = %q", iss)
	}
}

func TestOutputsAreDeterministicAcrossProcesses(t *testing.T) {
	for _, typ := range []string{typCluster, "aws:kms/key:Key", "aws:ec2/launchTemplate:LaunchTemplate", typNodeGroup} {
		in := map[string]any{"clusterName": "demo", "nodeGroupName": "ng"}
		if typ == typCluster {
			in = clusterInputs("demo")
		}
		id1, o1 := mustCreate(t, newServer(t, "aws", "", ""), typ, "x", in)
		id2, o2 := mustCreate(t, newServer(t, "aws", "", ""), typ, "x", in)
		if id1 != id2 || !o1.DeepEquals(o2) {
			t.Errorf("%s: outputs differ between runs: %s %v / %s %v", typ, id1, o1, id2, o2)
		}
	}
}

func TestRegionComesFromProviderConfig(t *testing.T) {
	s := newServer(t, "aws", "", "")
	if _, err := s.Configure(context.Background(), &pulumirpc.ConfigureRequest{
		Args: props(t, map[string]any{"region": "eu-west-1"}),
	}); err != nil {
		t.Fatal(err)
	}
	_, out := mustCreate(t, s, "aws:cloudwatch/logGroup:LogGroup", "lg", map[string]any{"name": "/aws/eks/demo/cluster"})
	if got := str(out, "arn"); got != "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/eks/demo/cluster" {
		t.Errorf("arn = %q", got)
	}
}

func TestSecretInputsStaySecret(t *testing.T) {
	s := newServer(t, "kubernetes", "", "")
	in := resource.PropertyMap{
		"metadata": resource.NewProperty(resource.PropertyMap{"name": resource.NewProperty("cfg")}),
		"data":     resource.MakeSecret(resource.NewProperty(resource.PropertyMap{"k": resource.NewProperty("v")})),
	}
	ps, err := marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := s.Create(context.Background(), &pulumirpc.CreateRequest{Urn: urnOf(typConfigMap, "cfg"), Properties: ps})
	if err != nil {
		t.Fatal(err)
	}
	out := unprops(t, resp.Properties)
	if !out["data"].IsSecret() || !out["data"].DeepEquals(in["data"]) {
		t.Errorf("data = %v, want the secret input back", out["data"])
	}
	if resp.Id != "default/cfg" || str(out, "metadata", "uid") == "" {
		t.Errorf("id %q, metadata %v", resp.Id, out["metadata"])
	}
}

func TestIdenticalDiffReportsNoChange(t *testing.T) {
	s := newServer(t, "aws", "", "")
	in := clusterInputs("demo")
	if r := diff(t, s, typCluster, in, in); r.Changes != pulumirpc.DiffResponse_DIFF_NONE {
		t.Errorf("identical inputs: %v", r)
	}
	withDefaults := clusterInputs("demo")
	withDefaults["__defaults"] = []any{"name"}
	if r := diff(t, s, typCluster, in, withDefaults); r.Changes != pulumirpc.DiffResponse_DIFF_NONE {
		t.Errorf("__ keys must be ignored: %v", r)
	}
}

func TestDiffReplacesOnlyForCreateOnlyChanges(t *testing.T) {
	s := newServer(t, "aws", "", "")
	ng := func(instance string, max float64) map[string]any {
		return map[string]any{"clusterName": "demo", "instanceTypes": []any{instance},
			"scalingConfig": map[string]any{"minSize": 1, "maxSize": max, "desiredSize": 1}}
	}
	r := diff(t, s, typNodeGroup, ng("m7i.large", 3), ng("m7i.large", 5))
	if r.Changes != pulumirpc.DiffResponse_DIFF_SOME || len(r.Replaces) != 0 || strings.Join(r.Diffs, ",") != "scalingConfig" {
		t.Errorf("scaling change: %v", r)
	}
	r = diff(t, s, typNodeGroup, ng("m7i.large", 3), ng("m7i.xlarge", 3))
	if strings.Join(r.Replaces, ",") != "instanceTypes" || r.DeleteBeforeReplace {
		t.Errorf("instance type change: %v", r)
	}

	// Nested create-only paths: endpoint access and subnets update in place (subnets
	// since terraform-provider-aws v5.25.0), the service CIDR replaces.
	a, b, c := clusterInputs("demo"), clusterInputs("demo"), clusterInputs("demo")
	b["vpcConfig"].(map[string]any)["endpointPublicAccess"] = false
	c["vpcConfig"].(map[string]any)["subnetIds"] = []any{"subnet-c"}
	if r := diff(t, s, typCluster, a, b); r.Changes != pulumirpc.DiffResponse_DIFF_SOME || len(r.Replaces) != 0 {
		t.Errorf("endpoint access change: %v", r)
	}
	if r := diff(t, s, typCluster, a, c); r.Changes != pulumirpc.DiffResponse_DIFF_SOME || len(r.Replaces) != 0 {
		t.Errorf("subnet change: %v", r)
	}
	d := clusterInputs("demo")
	d["kubernetesNetworkConfig"] = map[string]any{"serviceIpv4Cidr": "172.20.0.0/16"}
	e := clusterInputs("demo")
	e["kubernetesNetworkConfig"] = map[string]any{"serviceIpv4Cidr": "10.100.0.0/16"}
	if r := diff(t, s, typCluster, d, e); strings.Join(r.Replaces, ",") != "kubernetesNetworkConfig" {
		t.Errorf("service CIDR change: %v", r)
	}
}

// The cluster's create-only fields as the bridged provider has them
// (provider/pkg/platform/clusterguard.go): each replaces; tags and the version update.
func TestClusterDiffMatchesTheProvider(t *testing.T) {
	s := newServer(t, "aws", "", "")
	enc := func(in map[string]any) map[string]any {
		in["encryptionConfig"] = map[string]any{"resources": []any{"secrets"}, "provider": map[string]any{"keyArn": "arn:aws:kms:eu-west-1:123456789012:key/k"}}
		return in
	}
	for _, tc := range []struct {
		name     string
		old, new map[string]any
		replaces string
	}{
		{"name", clusterInputs("demo"), with(clusterInputs("demo"), "name", "demo-2"), "name"},
		{"bootstrap admin", with(clusterInputs("demo"), "accessConfig", map[string]any{"bootstrapClusterCreatorAdminPermissions": false}),
			with(clusterInputs("demo"), "accessConfig", map[string]any{"bootstrapClusterCreatorAdminPermissions": true}), "accessConfig"},
		{"self-managed add-ons", with(clusterInputs("demo"), "bootstrapSelfManagedAddons", false),
			with(clusterInputs("demo"), "bootstrapSelfManagedAddons", true), "bootstrapSelfManagedAddons"},
		{"encryption removed", enc(clusterInputs("demo")), clusterInputs("demo"), "encryptionConfig"},
		{"encryption added", clusterInputs("demo"), enc(clusterInputs("demo")), ""},
		{"tags", with(clusterInputs("demo"), "tags", map[string]any{"a": "1"}), with(clusterInputs("demo"), "tags", map[string]any{"a": "2"}), ""},
		{"version", with(clusterInputs("demo"), "version", "1.35"), with(clusterInputs("demo"), "version", "1.36"), ""},
	} {
		r := diff(t, s, typCluster, tc.old, tc.new)
		if r.Changes != pulumirpc.DiffResponse_DIFF_SOME || strings.Join(r.Replaces, ",") != tc.replaces || r.DeleteBeforeReplace {
			t.Errorf("%s: %v, want replaces %q", tc.name, r, tc.replaces)
		}
	}
}

func with(in map[string]any, k string, v any) map[string]any {
	in[k] = v
	return in
}

func TestPreviewDoesNotSleepOrJournalAndReturnsUnknowns(t *testing.T) {
	j := tempJournal(t)
	s, err := NewServer(Options{Name: "aws", Journal: j, Scale: 1, Today: pinnedToday, NoKubeAPI: true}) // a real 9-minute cluster
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	resp, err := s.Create(context.Background(), &pulumirpc.CreateRequest{
		Urn: urnOf(typCluster, "c"), Properties: props(t, clusterInputs("demo")), Preview: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	if time.Since(start) > time.Second {
		t.Error("preview slept")
	}
	out := unprops(t, resp.Properties)
	if !out["endpoint"].IsComputed() || !out["vpcConfig"].IsComputed() || str(out, "roleArn") == "" {
		t.Errorf("preview outputs = %v", out)
	}
	if es := readJournal(t, j); len(es) != 0 {
		t.Errorf("preview journaled %v", es)
	}
}

func TestUpdateBumpsLaunchTemplateVersion(t *testing.T) {
	s := newServer(t, "aws", "", "")
	typ := "aws:ec2/launchTemplate:LaunchTemplate"
	id, out := mustCreate(t, s, typ, "lt", map[string]any{"name": "lt"})
	resp, err := s.Update(context.Background(), &pulumirpc.UpdateRequest{
		Id: id, Urn: urnOf(typ, "lt"), Olds: props(t, out.Mappable()),
		News: props(t, map[string]any{"name": "lt", "imageId": "ami-2", "updateDefaultVersion": true}),
	})
	if err != nil {
		t.Fatal(err)
	}
	upd := unprops(t, resp.Properties)
	if v, _ := num(upd, "latestVersion"); v != 2 {
		t.Errorf("latestVersion = %v, want 2", v)
	}
	if v, _ := num(upd, "defaultVersion"); v != 2 {
		t.Errorf("defaultVersion = %v, want 2", v)
	}
}

func TestPersonality(t *testing.T) {
	t.Setenv("SIMCLOUD_PROVIDER", "")
	if p := Personality("/x/bin/pulumi-resource-kubernetes"); p != "kubernetes" {
		t.Errorf("got %q", p)
	}
	t.Setenv("SIMCLOUD_PROVIDER", "tls")
	if p := Personality("/x/bin/pulumi-resource-aws"); p != "tls" {
		t.Errorf("env override: got %q", p)
	}
	s := newServer(t, "tls", "", "")
	if info, _ := s.GetPluginInfo(context.Background(), nil); info.Version != "5.5.1" {
		t.Errorf("tls version %q", info.Version)
	}
}

func TestDurations(t *testing.T) {
	if Duration(typCluster) != 9*time.Minute || Duration("aws:iam/role:Role") != 1800*time.Millisecond {
		t.Errorf("cluster %v, role %v", Duration(typCluster), Duration("aws:iam/role:Role"))
	}
	t.Setenv("SIMCLOUD_SCALE", "")
	if Scale() != DefaultScale || Scaled(typCluster, Scale()) != 540*time.Millisecond {
		t.Errorf("default scale %v", Scale())
	}
}
