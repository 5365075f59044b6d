package journal

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
)

func e(op, typ, name string, start, end int64) Entry {
	return Entry{Op: op, Type: typ, Name: name, URN: "urn:pulumi:s::p::" + typ + "::" + name, StartMS: start, EndMS: end}
}

func TestReadAndFilters(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "j.jsonl")
	lines := `{"op":"create","type":"aws:iam/role:Role","urn":"u1","name":"r","start_ms":0,"end_ms":5}
{"op":"create","type":"aws:eks/cluster:Cluster","urn":"u2","name":"c","start_ms":5,"end_ms":50,"warning":"log group created by EKS"}
not json
{"op":"create","type":"aws:eks/nodeGroup:NodeGroup","urn":"u3","name":"ng","start_ms":50,"end_ms":51,"error":"boom"}
{"op":"delete","type":"aws:iam/role:Role","urn":"u1","name":"r","start_ms":60,"end_ms":61}
`
	if err := os.WriteFile(p, []byte(lines), 0o644); err != nil {
		t.Fatal(err)
	}
	j, err := Read(p)
	if err != nil {
		t.Fatal(err)
	}
	if j.Len() != 4 {
		t.Fatalf("want 4 entries (torn line skipped), got %d", j.Len())
	}
	if n := j.Creates().Len(); n != 2 {
		t.Errorf("successful creates: want 2, got %d", n)
	}
	if n := j.Errors().Len(); n != 1 {
		t.Errorf("errors: want 1, got %d", n)
	}
	if n := j.Warnings().Len(); n != 1 {
		t.Errorf("warnings: want 1, got %d", n)
	}
	if n := j.Deletes().Type("aws:iam/role:Role").Len(); n != 1 {
		t.Errorf("role deletes: want 1, got %d", n)
	}
	if n := j.Since(3).Len(); n != 1 {
		t.Errorf("since 3: want 1, got %d", n)
	}
	if s, en := j.Span(); s != 0 || en != 61 {
		t.Errorf("span: %d %d", s, en)
	}
	if len(j.ByURN()["u1"]) != 2 {
		t.Error("ByURN u1 should hold create and delete")
	}
	missing, err := Read(filepath.Join(dir, "none"))
	if err != nil || missing.Len() != 0 {
		t.Errorf("missing file: %v %d", err, missing.Len())
	}
}

func TestBeforeOverlap(t *testing.T) {
	a := e("create", "t", "a", 0, 10)
	b := e("create", "t", "b", 10, 20)
	c := e("create", "t", "c", 5, 15)
	if !Before(a, b) || Before(b, a) {
		t.Error("a ends when b starts: a before b, not b before a")
	}
	if Overlap(a, b) {
		t.Error("touching intervals do not overlap")
	}
	if !Overlap(a, c) || !Overlap(c, b) {
		t.Error("c overlaps both")
	}
	if got := NotBefore([]Entry{a, c}, []Entry{b}); len(got) != 1 || got[0].A.Name != "c" {
		t.Errorf("NotBefore: %v", got)
	}
	if got := Overlaps([]Entry{a, b, c}); len(got) != 2 {
		t.Errorf("Overlaps: want 2 pairs, got %v", got)
	}
	if got := MaxConcurrency([]Entry{a, b, c}); got != 2 {
		t.Errorf("MaxConcurrency: want 2, got %d", got)
	}
}

func TestWavesByTime(t *testing.T) {
	es := []Entry{
		e("create", "role", "r1", 0, 2),
		e("create", "role", "r2", 1, 3),
		e("create", "cluster", "c", 4, 100),
		e("create", "oidc", "o", 101, 102),
		e("create", "ng", "n1", 101, 130),
		e("create", "addon", "a", 131, 140),
	}
	ws := WavesByTime(es, 1)
	if len(ws) != 4 {
		t.Fatalf("want 4 waves, got %d: %+v", len(ws), ws)
	}
	want := []int{2, 1, 2, 1}
	for i, w := range ws {
		if len(w.Entries) != want[i] {
			t.Errorf("wave %d: want %d entries, got %d", i, want[i], len(w.Entries))
		}
	}
	if ws[1].Duration() != 96*time.Millisecond {
		t.Errorf("cluster wave duration %v", ws[1].Duration())
	}
}

// A small state: role → cluster → (oidc, k8s provider) → node group → helm.
const state = `{
 "manifest": {"time":"2026-01-01T00:00:00Z","magic":"","version":"v3"},
 "resources": [
  {"urn":"urn:pulumi:s::p::pulumi:pulumi:Stack::p-s","custom":false,"type":"pulumi:pulumi:Stack"},
  {"urn":"urn:pulumi:s::p::eksplatform:index:EksPlatform::x","custom":false,"type":"eksplatform:index:EksPlatform","parent":"urn:pulumi:s::p::pulumi:pulumi:Stack::p-s"},
  {"urn":"urn:pulumi:s::p::pulumi:providers:aws::default","custom":true,"id":"a1","type":"pulumi:providers:aws"},
  {"urn":"urn:pulumi:s::p::aws:iam/role:Role::x-cluster","custom":true,"id":"r","type":"aws:iam/role:Role","parent":"urn:pulumi:s::p::eksplatform:index:EksPlatform::x","provider":"urn:pulumi:s::p::pulumi:providers:aws::default::a1"},
  {"urn":"urn:pulumi:s::p::aws:kms/key:Key::x-key","custom":true,"id":"k","type":"aws:kms/key:Key","parent":"urn:pulumi:s::p::eksplatform:index:EksPlatform::x","provider":"urn:pulumi:s::p::pulumi:providers:aws::default::a1"},
  {"urn":"urn:pulumi:s::p::aws:eks/cluster:Cluster::x","custom":true,"id":"c","type":"aws:eks/cluster:Cluster","parent":"urn:pulumi:s::p::eksplatform:index:EksPlatform::x","provider":"urn:pulumi:s::p::pulumi:providers:aws::default::a1",
   "dependencies":["urn:pulumi:s::p::aws:iam/role:Role::x-cluster"],
   "propertyDependencies":{"encryptionConfig":["urn:pulumi:s::p::aws:kms/key:Key::x-key"]}},
  {"urn":"urn:pulumi:s::p::aws:iam/openIdConnectProvider:OpenIdConnectProvider::x-oidc","custom":true,"id":"o","type":"aws:iam/openIdConnectProvider:OpenIdConnectProvider","parent":"urn:pulumi:s::p::eksplatform:index:EksPlatform::x","dependencies":["urn:pulumi:s::p::aws:eks/cluster:Cluster::x"]},
  {"urn":"urn:pulumi:s::p::pulumi:providers:kubernetes::x-k8s","custom":true,"id":"k1","type":"pulumi:providers:kubernetes","parent":"urn:pulumi:s::p::eksplatform:index:EksPlatform::x","dependencies":["urn:pulumi:s::p::aws:eks/cluster:Cluster::x"]},
  {"urn":"urn:pulumi:s::p::aws:eks/nodeGroup:NodeGroup::x-ng","custom":true,"id":"n","type":"aws:eks/nodeGroup:NodeGroup","parent":"urn:pulumi:s::p::eksplatform:index:EksPlatform::x","dependencies":["urn:pulumi:s::p::aws:eks/cluster:Cluster::x"]},
  {"urn":"urn:pulumi:s::p::kubernetes:helm.sh/v3:Release::x-alb","custom":true,"id":"h","type":"kubernetes:helm.sh/v3:Release","parent":"urn:pulumi:s::p::eksplatform:index:EksPlatform::x","provider":"urn:pulumi:s::p::pulumi:providers:kubernetes::x-k8s::k1",
   "dependencies":["urn:pulumi:s::p::aws:eks/nodeGroup:NodeGroup::x-ng","urn:pulumi:s::p::aws:iam/openIdConnectProvider:OpenIdConnectProvider::x-oidc"]}
 ]
}`

func TestGraphAndCriticalPath(t *testing.T) {
	g, err := ParseDeployment(json.RawMessage(state))
	if err != nil {
		t.Fatal(err)
	}
	if len(g.Nodes) != 10 {
		t.Fatalf("nodes: %d", len(g.Nodes))
	}
	cluster := g.ByURN["urn:pulumi:s::p::aws:eks/cluster:Cluster::x"]
	if len(cluster.Deps) != 3 { // role, key (property dependency), aws provider
		t.Errorf("cluster deps: %v", cluster.Deps)
	}
	helm := g.OfType("kubernetes:helm.sh/v3:Release")[0]
	if helm.Provider != "urn:pulumi:s::p::pulumi:providers:kubernetes::x-k8s" {
		t.Errorf("helm provider: %q", helm.Provider)
	}
	if !g.DependsOn(helm.URN, "urn:pulumi:s::p::aws:kms/key:Key::x-key") {
		t.Error("helm depends transitively on the key")
	}
	if g.DependsOn(cluster.URN, helm.URN) {
		t.Error("cluster does not depend on helm")
	}
	if n := len(g.Children("urn:pulumi:s::p::eksplatform:index:EksPlatform::x")); n != 7 {
		t.Errorf("component children: %d", n)
	}
	total, path := g.CriticalPath(Minutes)
	// key 0.05 → cluster 9 → node group 3 → helm 1
	if math.Abs(total-13.05) > 1e-9 {
		t.Errorf("critical path: want 13.05 min, got %v", total)
	}
	var names []string
	for _, n := range path {
		names = append(names, n.Name)
	}
	want := []string{"x-key", "x", "x-ng", "x-alb"}
	if len(names) != len(want) {
		t.Fatalf("path %v, want %v", names, want)
	}
	for i := range want {
		if names[i] != want[i] {
			t.Fatalf("path %v, want %v", names, want)
		}
	}
	d := g.Depth()
	if d[cluster.URN] != 2 || d[helm.URN] != 4 {
		t.Errorf("depths: cluster %d helm %d", d[cluster.URN], d[helm.URN])
	}
	es := []Entry{
		{Op: "create", URN: cluster.URN, StartMS: 10, EndMS: 100},
		{Op: "create", URN: helm.URN, StartMS: 200, EndMS: 210},
		{Op: "create", URN: "urn:pulumi:s::p::aws:iam/role:Role::x-cluster", StartMS: 0, EndMS: 2},
	}
	ws := WavesByDepth(es, g)
	if len(ws) != 3 || ws[0].Entries[0].URN != "urn:pulumi:s::p::aws:iam/role:Role::x-cluster" {
		t.Errorf("waves by depth: %+v", ws)
	}
}

func TestSimMinutes(t *testing.T) {
	if got := SimMinutes(1080*time.Millisecond, 0.002); math.Abs(got-9) > 1e-9 {
		t.Errorf("SimMinutes: %v", got)
	}
}

func TestReverseAndSlim(t *testing.T) {
	g, err := ParseDeployment(json.RawMessage(state))
	if err != nil {
		t.Fatal(err)
	}
	r := g.Reverse()
	cluster := "urn:pulumi:s::p::aws:eks/cluster:Cluster::x"
	if !r.DependsOn(cluster, "urn:pulumi:s::p::kubernetes:helm.sh/v3:Release::x-alb") {
		t.Error("reversed: the cluster waits for the release (deleted first)")
	}
	if r.DependsOn("urn:pulumi:s::p::kubernetes:helm.sh/v3:Release::x-alb", cluster) {
		t.Error("reversed: the release waits for nothing")
	}
	// Deleting: release 1 → node group 3 → cluster 9 → key 0.05.
	total, path := r.CriticalPath(Minutes)
	if math.Abs(total-13.05) > 1e-9 || len(path) != 4 || path[0].Name != "x-alb" || path[3].Name != "x-key" {
		t.Errorf("reversed critical path %v %v", total, path)
	}
	raw, err := g.MarshalSlim()
	if err != nil {
		t.Fatal(err)
	}
	var rs []apitype.ResourceV3
	if err := json.Unmarshal(raw, &rs); err != nil {
		t.Fatal(err)
	}
	g2 := NewGraph(rs)
	if len(g2.Nodes) != len(g.Nodes) {
		t.Fatalf("slim graph: %d nodes, want %d", len(g2.Nodes), len(g.Nodes))
	}
	for _, n := range g.Nodes {
		if got := g2.ByURN[n.URN]; got == nil || strings.Join(got.Deps, ",") != strings.Join(n.Deps, ",") || got.Provider != n.Provider {
			t.Errorf("slim graph: %s differs", n.URN)
		}
	}
}
