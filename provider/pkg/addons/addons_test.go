package addons

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/eksplatform/pulumi-eksplatform/provider/pkg/iampolicy"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// literalReader reads literal inputs, for tests of an add-on's own Settings (the
// platform's reader, which also waits for Outputs, is tested in the platform package).
type literalReader struct{ problems []string }

func (r *literalReader) String(_ string, in pulumi.StringInput) string {
	s, _ := in.(pulumi.String)
	return string(s)
}

func (r *literalReader) Strings(_ string, in pulumi.StringArrayInput) ([]string, bool) {
	var out []string
	arr, _ := in.(pulumi.StringArray)
	for _, e := range arr {
		s, _ := e.(pulumi.String)
		out = append(out, string(s))
	}
	return out, true
}

func (r *literalReader) Problem(format string, args ...any) {
	r.problems = append(r.problems, fmt.Sprintf(format, args...))
}

func ctxFor(a Addon, identity string) ValuesContext {
	vc := ValuesContext{
		ClusterName: "demo",
		Region:      "us-west-2",
		VpcID:       "vpc-0123",
		Identity:    identity,
	}
	if a.Key == "externalDns" {
		// Through Settings, as the platform does: the defaults are applied there, once.
		r := &literalReader{}
		vc.Settings = a.Settings("addons.externalDns", &ExternalDNSArgs{
			HostedZoneIds: pulumi.ToStringArray([]string{"Z111", "Z222"}),
			DomainFilters: pulumi.ToStringArray([]string{"example.com"}),
		}, r, SettingsContext{ClusterName: "demo"})
		if len(r.problems) > 0 {
			panic(r.problems)
		}
	}
	if a.HasRole() {
		vc.RoleArn = "arn:aws:iam::123456789012:role/demo-" + a.Name
	}
	return vc
}

func policyCtx() PolicyContext {
	return PolicyContext{Partition: "aws", ClusterName: "demo", Settings: ExternalDNSSettings{HostedZoneIDs: []string{"Z111", "Z222"}}}
}

func TestCatalogueEntriesAreComplete(t *testing.T) {
	seen := map[string]bool{}
	for _, a := range Catalogue() {
		for field, v := range map[string]string{"Key": a.Key, "Name": a.Name, "Repository": a.Repository, "Chart": a.Chart,
			"Version": a.Version, "AppVersion": a.AppVersion, "Namespace": a.Namespace, "ServiceAccount": a.ServiceAccount, "Summary": a.Summary} {
			if v == "" {
				t.Errorf("%s: %s is empty", a.Key, field)
			}
		}
		if !strings.HasPrefix(a.Repository, "https://") {
			t.Errorf("%s: repository %q is not an https URL", a.Key, a.Repository)
		}
		if len(a.ServiceAccountPath) == 0 || a.Values == nil {
			t.Errorf("%s: needs ServiceAccountPath and Values", a.Key)
		}
		if seen[a.Key] || seen[a.Name] {
			t.Errorf("%s: duplicate key or name", a.Key)
		}
		seen[a.Key], seen[a.Name] = true, true
		if a.Given == nil {
			t.Errorf("%s: no Given (how the platform finds its inputs)", a.Key)
		}
	}
	if !reflect.DeepEqual(Keys(), []string{"awsLoadBalancerController", "externalDns", "clusterAutoscaler", "metricsServer"}) {
		t.Errorf("catalogue order changed: %v", Keys())
	}
}

// The seed pain: a role trusting one service account name while the chart creates
// another fails silently with AccessDenied. Every add-on, under both identities, must
// set the chart's service account to its catalogue name, and annotate it with the role
// only under IRSA.
func TestServiceAccountNameMatchesForEveryAddonAndIdentity(t *testing.T) {
	for _, a := range Catalogue() {
		for _, id := range Identities {
			values := a.Render(ctxFor(a, id))
			got, ok := a.ServiceAccountName(values)
			if !ok || got != a.ServiceAccount {
				t.Errorf("%s/%s: chart service account name %q (set %v), want %q", a.Key, id, got, ok, a.ServiceAccount)
			}
			create, _ := Lookup(values, append(slices.Clone(a.ServiceAccountPath), "create")...)
			if create != true {
				t.Errorf("%s/%s: the chart must create its service account, got create=%v", a.Key, id, create)
			}
			ann, hasAnn := Lookup(values, append(slices.Clone(a.ServiceAccountPath), "annotations", RoleArnAnnotation)...)
			switch {
			case id == IRSA && a.HasRole() && ann != ctxFor(a, id).RoleArn:
				t.Errorf("%s/irsa: role-arn annotation %v, want %s", a.Key, ann, ctxFor(a, id).RoleArn)
			case (id == PodIdentity || !a.HasRole()) && hasAnn:
				t.Errorf("%s/%s: unexpected role-arn annotation %v", a.Key, id, ann)
			}
		}
	}
}

func TestPoliciesAreJSONAndDeterministic(t *testing.T) {
	for _, a := range Catalogue() {
		if !a.HasRole() {
			if a.Name != "metrics-server" {
				t.Errorf("%s has no policy", a.Key)
			}
			continue
		}
		first, err := a.Policy(policyCtx())
		if err != nil {
			t.Fatalf("%s: %v", a.Key, err)
		}
		for range 20 {
			again, _ := a.Policy(policyCtx())
			if sha256.Sum256([]byte(again)) != sha256.Sum256([]byte(first)) {
				t.Fatalf("%s: policy bytes differ between runs", a.Key)
			}
		}
		var doc struct {
			Version   string
			Statement []map[string]any
		}
		if err := json.Unmarshal([]byte(first), &doc); err != nil || doc.Version != "2012-10-17" || len(doc.Statement) == 0 {
			t.Errorf("%s: policy is not an IAM document: %v %s", a.Key, err, first)
		}
	}
}

func TestValuesAreDeterministic(t *testing.T) {
	for _, a := range Catalogue() {
		first, _ := json.Marshal(a.Render(ctxFor(a, IRSA)))
		for range 20 {
			again, _ := json.Marshal(a.Render(ctxFor(a, IRSA)))
			if string(again) != string(first) {
				t.Fatalf("%s: values differ between runs", a.Key)
			}
		}
	}
}

func TestALBPolicyIsTheVendoredFileByteForByte(t *testing.T) {
	raw, err := os.ReadFile("policies/aws-load-balancer-controller.json")
	if err != nil {
		t.Fatal(err)
	}
	got, _ := AWSLoadBalancerController().Policy(policyCtx())
	if got != string(raw) {
		t.Fatal("the aws partition must get the published policy unchanged")
	}
	cn, _ := AWSLoadBalancerController().Policy(PolicyContext{Partition: "aws-cn"})
	if strings.Contains(cn, "arn:aws:") || !strings.Contains(cn, "arn:aws-cn:elasticloadbalancing") {
		t.Error("aws-cn policy still names the aws partition")
	}
}

func TestALBValuesCarryClusterRegionVpc(t *testing.T) {
	a := AWSLoadBalancerController()
	v := a.Render(ctxFor(a, IRSA))
	for k, want := range map[string]string{"clusterName": "demo", "region": "us-west-2", "vpcId": "vpc-0123"} {
		if v[k] != want {
			t.Errorf("%s = %v, want %s", k, v[k], want)
		}
	}
}

func TestExternalDNSPolicyNamesOnlyTheGivenZones(t *testing.T) {
	js, err := ExternalDNS().Policy(PolicyContext{Partition: "aws-us-gov", Settings: ExternalDNSSettings{HostedZoneIDs: []string{"Z111", "Z222", "Z111"}}})
	if err != nil {
		t.Fatal(err)
	}
	var doc iampolicy.Document
	if err := json.Unmarshal([]byte(js), &doc); err != nil {
		t.Fatal(err)
	}
	for _, s := range doc.Statement {
		if slices.Contains(s.Action, "route53:ChangeResourceRecordSets") {
			want := []string{"arn:aws-us-gov:route53:::hostedzone/Z111", "arn:aws-us-gov:route53:::hostedzone/Z222"}
			if !reflect.DeepEqual(s.Resource, want) {
				t.Errorf("change records on %v, want exactly %v", s.Resource, want)
			}
			continue
		}
		for _, act := range s.Action {
			if !strings.HasPrefix(act, "route53:List") {
				t.Errorf("unscoped statement allows %s", act)
			}
		}
	}
	if strings.Contains(js, "hostedzone/*") {
		t.Error("policy allows every zone")
	}
	if _, err := ExternalDNS().Policy(PolicyContext{}); err == nil {
		t.Error("a policy without zones must be refused")
	}
}

func TestExternalDNSValues(t *testing.T) {
	a := ExternalDNS()
	vc := ctxFor(a, IRSA)
	v := a.Render(vc)
	if v["policy"] != "upsert-only" || v["txtOwnerId"] != "demo" {
		t.Errorf("defaults: policy %v, txtOwnerId %v", v["policy"], v["txtOwnerId"])
	}
	if p, _ := Lookup(v, "provider", "name"); p != "aws" {
		t.Errorf("provider.name = %v", p)
	}
	if !reflect.DeepEqual(v["extraArgs"], []any{"--zone-id-filter=Z111", "--zone-id-filter=Z222"}) {
		t.Errorf("extraArgs = %v", v["extraArgs"])
	}
	if !reflect.DeepEqual(v["domainFilters"], []any{"example.com"}) {
		t.Errorf("domainFilters = %v", v["domainFilters"])
	}
	e := vc.Settings.(ExternalDNSSettings)
	e.Policy, e.TxtOwnerID = "sync", "owner-1"
	vc.Settings = e
	v = a.Render(vc)
	if v["policy"] != "sync" || v["txtOwnerId"] != "owner-1" {
		t.Errorf("overrides: policy %v, txtOwnerId %v", v["policy"], v["txtOwnerId"])
	}
}

func TestClusterAutoscalerPolicyWritesOnlyThisClustersGroups(t *testing.T) {
	js, _ := ClusterAutoscaler().Policy(policyCtx())
	var doc iampolicy.Document
	if err := json.Unmarshal([]byte(js), &doc); err != nil {
		t.Fatal(err)
	}
	writes := 0
	for _, s := range doc.Statement {
		for _, act := range s.Action {
			if act == "autoscaling:SetDesiredCapacity" || act == "autoscaling:TerminateInstanceInAutoScalingGroup" {
				writes++
				if s.Condition["StringEquals"]["aws:ResourceTag/k8s.io/cluster-autoscaler/demo"] != "owned" {
					t.Errorf("%s is not conditioned on this cluster's tag: %v", act, s.Condition)
				}
			} else if !strings.Contains(act, ":Describe") && !strings.Contains(act, ":Get") {
				t.Errorf("unexpected write action %s", act)
			}
		}
	}
	if writes != 2 {
		t.Errorf("want the two write actions, found %d", writes)
	}
	v := ClusterAutoscaler().Render(ctxFor(ClusterAutoscaler(), IRSA))
	if n, _ := Lookup(v, "autoDiscovery", "clusterName"); n != "demo" || v["awsRegion"] != "us-west-2" {
		t.Errorf("autoDiscovery.clusterName %v, awsRegion %v", n, v["awsRegion"])
	}
}

func TestDeepMergeUserWinsNested(t *testing.T) {
	base := map[string]any{
		"a":      1,
		"nested": map[string]any{"keep": "platform", "override": "platform", "deeper": map[string]any{"x": 1}},
		"list":   []any{"p1", "p2"},
		"drop":   "me",
	}
	over := map[string]any{
		"nested": map[string]any{"override": "user", "deeper": map[string]any{"y": 2}},
		"list":   []any{"u1"},
		"drop":   nil,
		"new":    true,
	}
	got := DeepMerge(base, over)
	want := map[string]any{
		"a":      1,
		"nested": map[string]any{"keep": "platform", "override": "user", "deeper": map[string]any{"x": 1, "y": 2}},
		"list":   []any{"u1"},
		"new":    true,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("merge = %v\nwant %v", got, want)
	}
	if base["drop"] != "me" || base["nested"].(map[string]any)["override"] != "platform" {
		t.Error("DeepMerge changed its input")
	}
}

// Every field of Args is a catalogue entry under the same key, in catalogue order, and
// each entry's Given reads exactly its own field.
func TestArgsFieldsAreTheCatalogue(t *testing.T) {
	typ := reflect.TypeFor[Args]()
	var fields []string
	for i := range typ.NumField() {
		fields = append(fields, strings.Split(typ.Field(i).Tag.Get("pulumi"), ",")[0])
	}
	if !slices.Equal(fields, Keys()) {
		t.Fatalf("Args fields %v, catalogue keys %v", fields, Keys())
	}
	for i, a := range Catalogue() {
		args := &Args{}
		v := reflect.ValueOf(args).Elem().Field(i)
		v.Set(reflect.New(v.Type().Elem()))
		if common, _ := a.Given(args); common == nil {
			t.Errorf("%s: Given does not read the %s field", a.Key, fields[i])
		}
		if common, _ := a.Given(&Args{}); common != nil {
			t.Errorf("%s: Given reports the add-on given when Args is empty", a.Key)
		}
	}
}
