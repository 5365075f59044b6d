package journal

import (
	"encoding/json"
	"sort"

	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
)

// Reverse is the graph with every edge turned around: a resource depends on
// its dependents. A destroy follows it (a resource is deleted only after
// everything that depends on it), so its critical path is the reverse graph's.
// Nodes keep their fields except Deps; the order is reversed too (dependents
// first).
func (g *Graph) Reverse() *Graph {
	r := &Graph{ByURN: map[string]*Node{}}
	for i := len(g.Nodes) - 1; i >= 0; i-- {
		n := *g.Nodes[i]
		n.Deps = nil
		r.Nodes = append(r.Nodes, &n)
		r.ByURN[n.URN] = &n
	}
	for _, n := range g.Nodes {
		for _, d := range n.Deps {
			if dn := r.ByURN[d]; dn != nil {
				dn.Deps = append(dn.Deps, n.URN)
			}
		}
	}
	for _, n := range r.Nodes {
		sort.Strings(n.Deps)
	}
	return r
}

// SlimResources is the graph as deployment resources that keep only what the
// graph is built from (URN, type, custom, parent, provider, dependencies and
// property dependencies): no inputs, outputs or secrets. NewGraph of the
// result is the same graph. Recorded runs (tools/internal/timeline) store it.
func (g *Graph) SlimResources() []apitype.ResourceV3 {
	out := make([]apitype.ResourceV3, 0, len(g.Nodes))
	for _, n := range g.Nodes {
		r := apitype.ResourceV3{
			URN:                  n.Res.URN,
			Type:                 n.Res.Type,
			Custom:               n.Res.Custom,
			Parent:               n.Res.Parent,
			Provider:             n.Res.Provider,
			Dependencies:         n.Res.Dependencies,
			PropertyDependencies: n.Res.PropertyDependencies,
		}
		out = append(out, r)
	}
	return out
}

// MarshalSlim is SlimResources as JSON.
func (g *Graph) MarshalSlim() ([]byte, error) { return json.Marshal(g.SlimResources()) }
