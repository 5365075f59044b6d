package timeline

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/eksplatform/pulumi-eksplatform/tools/internal/journal"
)

func TestStageOf(t *testing.T) {
	for _, c := range []struct {
		typ, name string
		want      Stage
	}{
		{"aws:ec2/tag:Tag", "demo-subnet-0a00000000000001a-elb-tag", Network},
		{"aws:iam/role:Role", "demo-cluster-role", ClusterPrereqs},
		{"aws:iam/rolePolicy:RolePolicy", "demo-cluster-role-kms", ClusterPrereqs},
		{"aws:kms/alias:Alias", "demo-secrets-key-alias", ClusterPrereqs},
		{"aws:cloudwatch/logGroup:LogGroup", "demo-cluster-logs", ClusterPrereqs},
		{"aws:eks/cluster:Cluster", "demo-cluster", Cluster},
		{"aws:iam/openIdConnectProvider:OpenIdConnectProvider", "demo-oidc", Identity},
		{"aws:iam/role:Role", "demo-node-role", Identity},
		{"aws:iam/rolePolicyAttachment:RolePolicyAttachment", "demo-fargate-role-AmazonEKSFargatePodExecutionRolePolicy", Identity},
		{"aws:eks/accessEntry:AccessEntry", "demo-access-caller", Access},
		{"kubernetes:core/v1:ConfigMap", "demo-aws-auth", Access},
		{"aws:eks/addon:Addon", "demo-vpc-cni", NodeAddons},
		{"aws:eks/addon:Addon", "demo-eks-pod-identity-agent", NodeAddons},
		{"aws:eks/addon:Addon", "demo-coredns", WorkloadAddons},
		{"aws:iam/rolePolicyAttachment:RolePolicyAttachment", "demo-vpc-cni-role-AmazonEKS_CNI_Policy", NodeAddons},
		{"aws:iam/role:Role", "demo-ebs-csi-role", WorkloadAddons},
		{"aws:ec2/launchTemplate:LaunchTemplate", "demo-ng-system-lt", Compute},
		{"aws:eks/fargateProfile:FargateProfile", "demo-fargate-apps", Compute},
		{"kubernetes:helm.sh/v3:Release", "demo-metrics-server", Helm},
		{"aws:iam/role:Role", "demo-cluster-autoscaler-role", Helm},
		{"aws:iam/policy:Policy", "demo-aws-load-balancer-controller-policy", Helm},
		{"aws:eks/podIdentityAssociation:PodIdentityAssociation", "demo-external-dns-pod-identity", Helm},
		{"aws:s3/bucket:Bucket", "x", Other},
	} {
		if got := StageOf(c.typ, c.name); got != c.want {
			t.Errorf("StageOf(%s, %s) = %s, want %s", c.typ, c.name, got, c.want)
		}
	}
}

// A small run: key and role → cluster → (oidc, node group) → release; then
// the destroy in reverse.
func smallRecord(t *testing.T) *Record {
	const u = "urn:pulumi:s::p::"
	res := `[
 {"urn":"` + u + `pulumi:pulumi:Stack::p-s","type":"pulumi:pulumi:Stack"},
 {"urn":"` + u + `eksplatform:index:EksPlatform::x","type":"eksplatform:index:EksPlatform","parent":"` + u + `pulumi:pulumi:Stack::p-s"},
 {"urn":"` + u + `aws:kms/key:Key::x-secrets-key","custom":true,"type":"aws:kms/key:Key","parent":"` + u + `eksplatform:index:EksPlatform::x"},
 {"urn":"` + u + `aws:iam/role:Role::x-cluster-role","custom":true,"type":"aws:iam/role:Role","parent":"` + u + `eksplatform:index:EksPlatform::x"},
 {"urn":"` + u + `aws:eks/cluster:Cluster::x-cluster","custom":true,"type":"aws:eks/cluster:Cluster","parent":"` + u + `eksplatform:index:EksPlatform::x",
  "dependencies":["` + u + `aws:iam/role:Role::x-cluster-role","` + u + `aws:kms/key:Key::x-secrets-key"]},
 {"urn":"` + u + `aws:iam/openIdConnectProvider:OpenIdConnectProvider::x-oidc","custom":true,"type":"aws:iam/openIdConnectProvider:OpenIdConnectProvider","parent":"` + u + `eksplatform:index:EksPlatform::x","dependencies":["` + u + `aws:eks/cluster:Cluster::x-cluster"]},
 {"urn":"` + u + `pulumi:providers:kubernetes::x-k8s","custom":true,"type":"pulumi:providers:kubernetes","parent":"` + u + `eksplatform:index:EksPlatform::x","dependencies":["` + u + `aws:eks/cluster:Cluster::x-cluster"]},
 {"urn":"` + u + `aws:eks/nodeGroup:NodeGroup::x-ng-general","custom":true,"type":"aws:eks/nodeGroup:NodeGroup","parent":"` + u + `eksplatform:index:EksPlatform::x","dependencies":["` + u + `aws:eks/cluster:Cluster::x-cluster"]},
 {"urn":"` + u + `kubernetes:helm.sh/v3:Release::x-metrics-server","custom":true,"type":"kubernetes:helm.sh/v3:Release","parent":"` + u + `eksplatform:index:EksPlatform::x","provider":"` + u + `pulumi:providers:kubernetes::x-k8s::k1",
  "dependencies":["` + u + `aws:eks/nodeGroup:NodeGroup::x-ng-general","` + u + `aws:iam/openIdConnectProvider:OpenIdConnectProvider::x-oidc"]}
]`
	var rec Record
	if err := json.Unmarshal([]byte(`{"title":"small","scale":0.01,"resources":`+res+`}`), &rec); err != nil {
		t.Fatal(err)
	}
	e := func(op, typ, name string, start, end int64) journal.Entry {
		return journal.Entry{Op: op, Type: typ, Name: name, URN: u + typ + "::" + name, StartMS: start, EndMS: end}
	}
	// At scale 0.01 one simulated minute is 600 ms.
	rec.Phases = []Phase{{Name: "pulumi up", Entries: []journal.Entry{
		e("create", "aws:kms/key:Key", "x-secrets-key", 0, 30),
		e("create", "aws:iam/role:Role", "x-cluster-role", 0, 18),
		e("provider-diff", "pulumi:providers:aws", "default", 1, 1),
		e("create", "aws:eks/cluster:Cluster", "x-cluster", 40, 5440),
		e("create", "aws:iam/openIdConnectProvider:OpenIdConnectProvider", "x-oidc", 5450, 5468),
		e("create", "aws:eks/nodeGroup:NodeGroup", "x-ng-general", 5450, 7250),
		e("create", "kubernetes:helm.sh/v3:Release", "x-metrics-server", 7260, 7860),
	}}, {Name: "pulumi destroy", Reverse: true, Entries: []journal.Entry{
		e("delete", "kubernetes:helm.sh/v3:Release", "x-metrics-server", 10000, 10600),
		e("delete", "aws:iam/openIdConnectProvider:OpenIdConnectProvider", "x-oidc", 10000, 10018),
		e("delete", "aws:eks/nodeGroup:NodeGroup", "x-ng-general", 10610, 12410),
		e("delete", "aws:eks/cluster:Cluster", "x-cluster", 12420, 17820),
		e("delete", "aws:kms/key:Key", "x-secrets-key", 17830, 17860),
		e("delete", "aws:iam/role:Role", "x-cluster-role", 17830, 17848),
	}}}
	return &rec
}

func TestLayoutAndCriticalPath(t *testing.T) {
	tl := smallRecord(t).Timeline()
	up := tl.View("pulumi up")
	if up == nil || len(up.Rows) != 6 {
		t.Fatalf("up: want 6 rows (the provider diff left out), got %+v", up)
	}
	var stages []string
	for _, s := range up.Spans {
		stages = append(stages, s.Stage.String())
	}
	if got := strings.Join(stages, ","); got != "cluster prerequisites,cluster,identity,compute,Helm" {
		t.Errorf("stages: %s", got)
	}
	if up.Rows[0].Label != "cluster-role" && up.Rows[0].Label != "secrets-key" {
		t.Errorf("labels drop the platform prefix: %q", up.Rows[0].Label)
	}
	names := func(v *View) string {
		var out []string
		for _, u := range v.Critical {
			out = append(out, journal.NameOf(u))
		}
		return strings.Join(out, " ")
	}
	if got := names(up); got != "x-secrets-key x-cluster x-ng-general x-metrics-server" {
		t.Errorf("up critical path: %s", got)
	}
	if up.CriticalMS != 30+5400+1800+600 {
		t.Errorf("up critical path length %d", up.CriticalMS)
	}
	if m := tl.Minutes(up.CriticalMS); m < 13.04 || m > 13.06 {
		t.Errorf("critical path in simulated minutes: %v", m)
	}
	down := tl.View("pulumi destroy")
	if got := names(down); got != "x-metrics-server x-ng-general x-cluster x-secrets-key" {
		t.Errorf("destroy critical path (reversed graph): %s", got)
	}
	for _, s := range up.Spans {
		if s.Stage == Identity && s.Critical {
			t.Error("the OIDC provider is not on the critical path")
		}
	}
}

func TestHTMLIsSelfContained(t *testing.T) {
	var b bytes.Buffer
	if err := smallRecord(t).Timeline().WriteHTML(&b); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	for _, bad := range []string{"http://", "https://", "<link", "src=", "@import", "url(http"} {
		if strings.Contains(page, bad) {
			t.Errorf("the page must not load anything: found %q", bad)
		}
	}
	for _, want := range []string{`<svg class="gantt" data-phase="pulumi up"`, `<svg class="gantt" data-phase="pulumi destroy"`,
		`<svg class="deps"`, `class="critpath"`, `class="edge crit"`, `<title>aws:eks/cluster:Cluster x-cluster`} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	// Two bars per resource (create, delete), none for the provider diff.
	if n := strings.Count(page, `<rect class="bar `); n != 12 {
		t.Errorf("bars: want 12, got %d", n)
	}
}

func TestRecordRoundTrip(t *testing.T) {
	rec := smallRecord(t)
	p := filepath.Join(t.TempDir(), "run.json")
	rec2 := NewRecord(rec.Title, rec.Scale, rec.Timeline().Graph, nil, rec.Phases...)
	if err := rec2.Save(p); err != nil {
		t.Fatal(err)
	}
	back, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	if len(back.Phases) != 2 || len(back.Phases[0].Entries) != 6 || len(back.Resources) != 9 {
		t.Fatalf("round trip: %d phases, %d up entries, %d resources", len(back.Phases), len(back.Phases[0].Entries), len(back.Resources))
	}
	if got := back.Timeline().View("pulumi up").CriticalMS; got != rec.Timeline().View("pulumi up").CriticalMS {
		t.Errorf("critical path after a round trip: %d", got)
	}
	if _, err := os.Stat(p); err != nil {
		t.Fatal(err)
	}
}
