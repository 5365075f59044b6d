package journal

// Ordering is the graph of everything the engine makes a resource wait for,
// not only the dependencies written in its state: each node's Deps gain
//
//   - its parent. A child's registration awaits its parent's URN (Go SDK
//     v3.263.0, sdk/go/pulumi/context.go getOpts: opts.Parent.URN().awaitURN),
//     which resolves when the parent's RegisterResource returns: for a
//     component, once the SDK has awaited the component's own dependencies
//     and inputs (prepareResourceInputs), so a child of a component that
//     depends on X waits for X although X is not in the child's state; for a
//     custom parent, once its create is done. A component's node has weight 0
//     and its own dependencies, so it stands for "registered", which is what
//     a child waits for.
//   - for a dependency on a component, that component's transitive children
//     that come before the node in state order: the engine's own rule
//     (pkg/v3 v3.259.0, resource/graph/dependency_graph.go DependenciesOf:
//     "for remote components, the dependencies will not include the
//     transitive set of children directly, but will include the parent
//     component"). Depending on a remote component waits for its Construct,
//     which returns once its children are done; the Go SDK expands a
//     dependency on a local component to its children itself (rpc.go
//     addDependency), so the state already lists them and this adds nothing.
//
// The lower bound of an up is Ordering().CriticalPath; without the parent
// edges a program that orders through components (pulumi-eks: a component
// with DependsOn, children inside) looks faster than any engine can run it.
// Reverse of Ordering is a destroy's order: a parent is deleted after its
// children (DependencyGraph treats the parent as a dependency).
func (g *Graph) Ordering() *Graph {
	index := make(map[string]int, len(g.Nodes))
	children := map[string][]string{}
	for i, n := range g.Nodes {
		index[n.URN] = i
		if n.Parent != "" {
			children[n.Parent] = append(children[n.Parent], n.URN)
		}
	}
	// below lists the transitive children of urn, in state order of discovery.
	var below func(urn string, seen map[string]bool, out *[]string)
	below = func(urn string, seen map[string]bool, out *[]string) {
		for _, c := range children[urn] {
			if !seen[c] {
				seen[c] = true
				*out = append(*out, c)
				below(c, seen, out)
			}
		}
	}
	h := &Graph{ByURN: make(map[string]*Node, len(g.Nodes))}
	for i, n := range g.Nodes {
		c := *n
		seen := map[string]bool{c.URN: true}
		var deps []string
		add := func(u string) {
			if u != "" && !seen[u] && g.ByURN[u] != nil {
				seen[u] = true
				deps = append(deps, u)
			}
		}
		for _, d := range n.Deps {
			add(d)
			if dn := g.ByURN[d]; dn != nil && !dn.Custom {
				var kids []string
				below(d, map[string]bool{}, &kids)
				for _, k := range kids {
					if index[k] < i {
						add(k)
					}
				}
			}
		}
		add(n.Parent)
		c.Deps = deps
		h.Nodes = append(h.Nodes, &c)
		h.ByURN[c.URN] = &c
	}
	return h
}
