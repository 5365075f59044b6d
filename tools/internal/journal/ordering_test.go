package journal

import (
	"encoding/json"
	"math"
	"slices"
	"testing"
)

// A pulumi-eks-like program: a node-group component that depends on the
// cluster, its node group inside; a remote add-on component whose release is
// inside it, and a Helm release that depends on that component.
const componentState = `{
 "resources": [
  {"urn":"urn:pulumi:s::p::pulumi:pulumi:Stack::p-s","custom":false,"type":"pulumi:pulumi:Stack"},
  {"urn":"urn:pulumi:s::p::pulumi:providers:aws::default","custom":true,"id":"a1","type":"pulumi:providers:aws"},
  {"urn":"urn:pulumi:s::p::aws:eks/cluster:Cluster::c","custom":true,"id":"c","type":"aws:eks/cluster:Cluster","parent":"urn:pulumi:s::p::pulumi:pulumi:Stack::p-s","provider":"urn:pulumi:s::p::pulumi:providers:aws::default::a1"},
  {"urn":"urn:pulumi:s::p::my:index:NodeGroup::ng","custom":false,"type":"my:index:NodeGroup","parent":"urn:pulumi:s::p::pulumi:pulumi:Stack::p-s","dependencies":["urn:pulumi:s::p::aws:eks/cluster:Cluster::c"]},
  {"urn":"urn:pulumi:s::p::my:index:NodeGroup$aws:eks/nodeGroup:NodeGroup::ng","custom":true,"id":"n","type":"aws:eks/nodeGroup:NodeGroup","parent":"urn:pulumi:s::p::my:index:NodeGroup::ng","provider":"urn:pulumi:s::p::pulumi:providers:aws::default::a1"},
  {"urn":"urn:pulumi:s::p::my:index:Addons::ad","custom":false,"type":"my:index:Addons","parent":"urn:pulumi:s::p::pulumi:pulumi:Stack::p-s"},
  {"urn":"urn:pulumi:s::p::my:index:Addons$aws:eks/addon:Addon::coredns","custom":true,"id":"a","type":"aws:eks/addon:Addon","parent":"urn:pulumi:s::p::my:index:Addons::ad","provider":"urn:pulumi:s::p::pulumi:providers:aws::default::a1"},
  {"urn":"urn:pulumi:s::p::kubernetes:helm.sh/v3:Release::h","custom":true,"id":"h","type":"kubernetes:helm.sh/v3:Release","parent":"urn:pulumi:s::p::pulumi:pulumi:Stack::p-s","dependencies":["urn:pulumi:s::p::my:index:Addons::ad"]}
 ]
}`

func TestOrderingAddsParentAndComponentEdges(t *testing.T) {
	g, err := ParseDeployment(json.RawMessage(componentState))
	if err != nil {
		t.Fatal(err)
	}
	// The state alone: nothing orders the node group after the cluster.
	if plain, _ := g.CriticalPath(Minutes); math.Abs(plain-9) > 1e-9 {
		t.Errorf("state-only critical path: want 9 (the cluster), got %v", plain)
	}
	o := g.Ordering()
	ng := o.ByURN["urn:pulumi:s::p::my:index:NodeGroup$aws:eks/nodeGroup:NodeGroup::ng"]
	if !slices.Contains(ng.Deps, "urn:pulumi:s::p::my:index:NodeGroup::ng") {
		t.Errorf("node group waits for its parent's registration: deps %v", ng.Deps)
	}
	h := o.ByURN["urn:pulumi:s::p::kubernetes:helm.sh/v3:Release::h"]
	if !slices.Contains(h.Deps, "urn:pulumi:s::p::my:index:Addons$aws:eks/addon:Addon::coredns") {
		t.Errorf("a dependency on a component waits for its children: deps %v", h.Deps)
	}
	total, path := o.CriticalPath(Minutes)
	if math.Abs(total-12) > 1e-9 { // cluster 9 → (component) → node group 3
		t.Errorf("critical path with parent edges: want 12, got %v", total)
	}
	var names []string
	for _, n := range path {
		names = append(names, n.Name)
	}
	if !slices.Equal(names, []string{"c", "ng"}) {
		t.Errorf("path %v, want [c ng]", names)
	}
	// The input graph is untouched (the e2e checks read its Deps as recorded).
	if gn := g.ByURN[ng.URN]; slices.Contains(gn.Deps, "urn:pulumi:s::p::my:index:NodeGroup::ng") {
		t.Errorf("Ordering changed the state graph: %v", gn.Deps)
	}
	// A destroy deletes a parent after its children.
	r := o.Reverse()
	if comp := r.ByURN["urn:pulumi:s::p::my:index:NodeGroup::ng"]; !slices.Contains(comp.Deps, ng.URN) {
		t.Errorf("reverse: the component waits for its child's delete: %v", comp.Deps)
	}
}

// A flat component (EksPlatform's shape: every resource a direct child of a
// component that depends on nothing) has the same critical path either way.
func TestOrderingOfAFlatComponent(t *testing.T) {
	g, err := ParseDeployment(json.RawMessage(state))
	if err != nil {
		t.Fatal(err)
	}
	a, _ := g.CriticalPath(Minutes)
	b, _ := g.Ordering().CriticalPath(Minutes)
	if math.Abs(a-b) > 1e-9 {
		t.Errorf("flat component: %v without parent edges, %v with", a, b)
	}
}
