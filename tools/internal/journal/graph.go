package journal

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/eksplatform/pulumi-eksplatform/tools/simcloud"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// Node is one resource of a stack's state with the edges that order it:
// dependencies, property dependencies and its provider (parent excluded: a
// component parent orders nothing).
type Node struct {
	URN      string
	Type     string
	Name     string
	Custom   bool
	Parent   string
	Provider string // URN of the provider resource ("" for components)
	Deps     []string
	Res      apitype.ResourceV3
}

// IsProvider reports whether n is a provider resource.
func (n *Node) IsProvider() bool { return strings.HasPrefix(n.Type, "pulumi:providers:") }

// Simulated reports whether the simulated cloud performs n: a custom resource
// that is not a provider, nor one of the engine's own (pulumi:pulumi:StackReference,
// read by the engine's builtin provider).
func (n *Node) Simulated() bool {
	return n.Custom && !n.IsProvider() && !strings.HasPrefix(n.Type, "pulumi:")
}

// Graph is the dependency graph of a stack's state, in state order
// (dependencies first).
type Graph struct {
	Nodes []*Node
	ByURN map[string]*Node
}

// ParseDeployment reads a deployment as `stack.Export` / `pulumi stack export`
// return it (the "deployment" field of an UntypedDeployment, version 3).
func ParseDeployment(raw json.RawMessage) (*Graph, error) {
	var d apitype.DeploymentV3
	if err := json.Unmarshal(raw, &d); err != nil {
		return nil, fmt.Errorf("parse deployment: %w", err)
	}
	return NewGraph(d.Resources), nil
}

// ParseExport reads a whole UntypedDeployment (`pulumi stack export` output).
func ParseExport(raw []byte) (*Graph, error) {
	var u apitype.UntypedDeployment
	if err := json.Unmarshal(raw, &u); err != nil {
		return nil, fmt.Errorf("parse export: %w", err)
	}
	return ParseDeployment(u.Deployment)
}

// ProviderURN strips the "::<id>" suffix of a provider reference.
func ProviderURN(ref string) string {
	if i := strings.LastIndex(ref, "::"); i > 0 {
		return ref[:i]
	}
	return ref
}

// NameOf is the last part of a URN (the resource's name).
func NameOf(urn string) string {
	if i := strings.LastIndex(urn, "::"); i >= 0 {
		return urn[i+2:]
	}
	return urn
}

// NewGraph builds the graph of resources.
func NewGraph(rs []apitype.ResourceV3) *Graph {
	g := &Graph{ByURN: map[string]*Node{}}
	for _, r := range rs {
		if r.Delete { // pending deletion of a replaced resource
			continue
		}
		n := &Node{
			URN:    string(r.URN),
			Type:   string(r.Type),
			Name:   NameOf(string(r.URN)),
			Custom: r.Custom,
			Parent: string(r.Parent),
			Res:    r,
		}
		seen := map[string]bool{}
		add := func(u string) {
			if u != "" && !seen[u] && u != n.URN {
				seen[u] = true
				n.Deps = append(n.Deps, u)
			}
		}
		for _, d := range r.Dependencies {
			add(string(d))
		}
		keys := make([]resource.PropertyKey, 0, len(r.PropertyDependencies))
		for k := range r.PropertyDependencies {
			keys = append(keys, k)
		}
		sort.Slice(keys, func(i, k int) bool { return keys[i] < keys[k] })
		for _, k := range keys {
			for _, d := range r.PropertyDependencies[k] {
				add(string(d))
			}
		}
		if r.Provider != "" {
			n.Provider = ProviderURN(r.Provider)
			add(n.Provider)
		}
		g.Nodes = append(g.Nodes, n)
		g.ByURN[n.URN] = n
	}
	return g
}

// OfType lists the nodes of one type, in state order.
func (g *Graph) OfType(typ string) []*Node {
	var out []*Node
	for _, n := range g.Nodes {
		if n.Type == typ {
			out = append(out, n)
		}
	}
	return out
}

// Children lists the nodes whose parent is urn, in state order.
func (g *Graph) Children(urn string) []*Node {
	var out []*Node
	for _, n := range g.Nodes {
		if n.Parent == urn {
			out = append(out, n)
		}
	}
	return out
}

// Roots lists the nodes with no parent in the graph.
func (g *Graph) Roots() []*Node {
	var out []*Node
	for _, n := range g.Nodes {
		if g.ByURN[n.Parent] == nil {
			out = append(out, n)
		}
	}
	return out
}

// Minutes is the simulated duration, in minutes at scale 1, of creating n:
// simcloud's table for simulated resources, 0 for components and providers.
func Minutes(n *Node) float64 {
	if !n.Simulated() {
		return 0
	}
	return simcloud.Duration(n.Type).Minutes()
}

// CriticalPath is the longest path through the graph, every node weighted by
// weight: the lower bound of any deployment that honours the dependencies.
// It returns the total and the path's nodes, dependencies first. Edges to
// URNs outside the graph are ignored; a cycle (impossible in Pulumi state) is
// broken at the edge that closes it.
func (g *Graph) CriticalPath(weight func(*Node) float64) (float64, []*Node) {
	best := map[string]float64{}
	prev := map[string]string{}
	state := map[string]int{} // 0 new, 1 visiting, 2 done
	var visit func(n *Node) float64
	visit = func(n *Node) float64 {
		switch state[n.URN] {
		case 1:
			return 0
		case 2:
			return best[n.URN]
		}
		state[n.URN] = 1
		var m float64
		from := ""
		for _, d := range n.Deps {
			if dn := g.ByURN[d]; dn != nil {
				if v := visit(dn); v > m || from == "" && v == m {
					m, from = v, d
				}
			}
		}
		best[n.URN] = m + weight(n)
		prev[n.URN] = from
		state[n.URN] = 2
		return best[n.URN]
	}
	var total float64
	end := ""
	for _, n := range g.Nodes {
		if v := visit(n); v > total || end == "" {
			total, end = v, n.URN
		}
	}
	var path []*Node
	for u := end; u != ""; u = prev[u] {
		path = append(path, g.ByURN[u])
	}
	for i, k := 0, len(path)-1; i < k; i, k = i+1, k-1 {
		path[i], path[k] = path[k], path[i]
	}
	// Drop zero-weight nodes (components, providers) from the reported path.
	out := path[:0]
	for _, n := range path {
		if weight(n) > 0 {
			out = append(out, n)
		}
	}
	return total, out
}

// Depth is each simulated node's dependency depth: 1 for a resource with no
// simulated dependency, else 1 + the deepest dependency (components and
// providers pass depth through without adding to it).
func (g *Graph) Depth() map[string]int {
	depth := map[string]int{}
	state := map[string]int{}
	var visit func(n *Node) int
	visit = func(n *Node) int {
		if state[n.URN] != 0 {
			return depth[n.URN]
		}
		state[n.URN] = 1
		m := 0
		for _, d := range n.Deps {
			if dn := g.ByURN[d]; dn != nil {
				m = max(m, visit(dn))
			}
		}
		if n.Simulated() {
			m++
		}
		depth[n.URN] = m
		return m
	}
	for _, n := range g.Nodes {
		visit(n)
	}
	return depth
}

// DependsOn reports whether a transitively depends on b.
func (g *Graph) DependsOn(a, b string) bool {
	seen := map[string]bool{}
	var walk func(u string) bool
	walk = func(u string) bool {
		if seen[u] {
			return false
		}
		seen[u] = true
		n := g.ByURN[u]
		if n == nil {
			return false
		}
		for _, d := range n.Deps {
			if d == b || walk(d) {
				return true
			}
		}
		return false
	}
	return walk(a)
}
