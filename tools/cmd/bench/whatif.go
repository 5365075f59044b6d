package main

import (
	"fmt"

	"github.com/eksplatform/pulumi-eksplatform/tools/internal/journal"
)

// EdgeCost is what one kind of edge on the critical path costs: the drop of
// the lower bound when the step stops waiting for every resource of its
// predecessor's type (direct, or through providers and components). It shows
// which orderings bound the deployment; whether an ordering is required is
// docs/ordering.md's call, not the bench's.
type EdgeCost struct {
	From       string  `json:"from"` // predecessor on the path
	FromType   string  `json:"from_type"`
	To         string  `json:"to"`
	ToType     string  `json:"to_type"`
	Removed    int     `json:"edges_removed"`    // dependencies of To dropped
	SavingMin  float64 `json:"saving_min"`       // lower bound − lower bound without them
	NewBoundTo string  `json:"new_path_through"` // what To waits for instead on the new critical path
}

// edgeCosts evaluates each step of the critical path.
func edgeCosts(g *journal.Graph, path []*journal.Node) []EdgeCost {
	lb, _ := g.CriticalPath(journal.Minutes)
	var out []EdgeCost
	for i := 1; i < len(path); i++ {
		p, n := path[i-1], path[i]
		// Drop every dependency of n that reaches a resource of p's type
		// without passing through another simulated resource.
		var keep, drop []string
		for _, d := range n.Deps {
			if reachesType(g, d, p.Type, map[string]bool{}) {
				drop = append(drop, d)
			} else {
				keep = append(keep, d)
			}
		}
		if len(drop) == 0 {
			continue
		}
		h := cloneWithDeps(g, n.URN, keep)
		lb2, path2 := h.CriticalPath(journal.Minutes)
		c := EdgeCost{From: p.Name, FromType: p.Type, To: n.Name, ToType: n.Type, Removed: len(drop), SavingMin: lb - lb2}
		for k, m := range path2 {
			if m.URN == n.URN && k > 0 {
				c.NewBoundTo = path2[k-1].Name
			}
		}
		out = append(out, c)
	}
	return out
}

// reachesType reports whether urn is a simulated resource of type typ, or a
// provider or component whose dependencies reach one.
func reachesType(g *journal.Graph, urn, typ string, seen map[string]bool) bool {
	n := g.ByURN[urn]
	if n == nil || seen[urn] {
		return false
	}
	seen[urn] = true
	if n.Simulated() {
		return n.Type == typ
	}
	for _, d := range n.Deps {
		if reachesType(g, d, typ, seen) {
			return true
		}
	}
	return false
}

// cloneWithDeps is g with the dependencies of one node replaced.
func cloneWithDeps(g *journal.Graph, urn string, deps []string) *journal.Graph {
	h := &journal.Graph{ByURN: map[string]*journal.Node{}}
	for _, n := range g.Nodes {
		c := n
		if n.URN == urn {
			cp := *n
			cp.Deps = deps
			c = &cp
		}
		h.Nodes = append(h.Nodes, c)
		h.ByURN[c.URN] = c
	}
	return h
}

func printEdgeCosts(cs []EdgeCost) {
	if len(cs) == 0 {
		return
	}
	fmt.Printf("  what each ordering on the critical path costs (lower bound drop if the step stopped waiting for every resource of that type):\n")
	for _, c := range cs {
		via := ""
		if c.SavingMin > 0.001 && c.NewBoundTo != "" {
			via = "; then it waits for " + c.NewBoundTo
		}
		fmt.Printf("    %-16s → %-16s %-44s %6.2f sim min%s\n", shortType(c.FromType), shortType(c.ToType),
			abbreviate(c.From+" → "+c.To, 44), c.SavingMin, via)
	}
}
