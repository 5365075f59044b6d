// Package timeline turns a run of the simulated cloud (its journal and the
// stack's dependency graph) into a picture: a self-contained HTML page with a
// Gantt chart of every cloud operation of each phase (`pulumi up`, `pulumi
// destroy`), one row per resource, grouped by stage, the critical path
// highlighted, and the dependency graph as a layered SVG. It also gives the
// per-stage spans the demo prints.
//
// It is pure: it reads values, never runs anything.
package timeline

import (
	"sort"
	"time"

	"github.com/eksplatform/pulumi-eksplatform/tools/internal/journal"
)

// Phase is one command's cloud operations.
type Phase struct {
	Name    string          `json:"name"`              // "pulumi up"
	Reverse bool            `json:"reverse,omitempty"` // a destroy: dependents go first
	Entries []journal.Entry `json:"entries"`
}

// Row is one resource of a phase: its operations and its stage.
type Row struct {
	URN, Type, Name string
	Label           string // Name without the platform prefix when it has one
	Stage           Stage
	Ops             []journal.Entry // in start order
	StartMS, EndMS  int64
	Critical        bool
}

// BusyMS is the time the row's operations took (their durations summed).
func (r Row) BusyMS() int64 {
	var d int64
	for _, e := range r.Ops {
		d += e.EndMS - e.StartMS
	}
	return d
}

// StageSpan is when a stage ran in a phase.
type StageSpan struct {
	Stage          Stage
	StartMS, EndMS int64
	Ops, Resources int
	Critical       bool  // the critical path goes through it
	CriticalMS     int64 // how long the critical path spends in it
}

// View is a phase laid out: rows grouped by stage, the stages' spans and the
// critical path.
type View struct {
	Phase
	T0, T1   int64 // first start, last end
	Rows     []Row // by stage (backwards for a destroy), then start
	Spans    []StageSpan
	Critical []string // URNs, in order
	// CriticalMS is the critical path's length: the longest chain of dependent
	// operations, each weighted by its measured duration.
	CriticalMS int64
	// Idle is the real time between operations of the critical path (the
	// engine's own work, and waiting).
	Idle time.Duration
}

// Timeline is every phase of a run over one dependency graph.
type Timeline struct {
	Title string
	Scale float64 // SIMCLOUD_SCALE; 0: times are shown in real seconds
	Graph *journal.Graph
	Notes []string
	Views []*View
}

// Ops are the operations a timeline draws: everything but provider diffs
// (the simulated providers journal those on every run; they take no time).
func Ops(es []journal.Entry) []journal.Entry {
	var out []journal.Entry
	for _, e := range es {
		if e.Op == "provider-diff" {
			continue
		}
		out = append(out, e)
	}
	return out
}

// New lays out the phases of a run. g is the stack's dependency graph (from
// the state after the up); scale converts real milliseconds to simulated
// minutes.
func New(title string, scale float64, g *journal.Graph, phases ...Phase) *Timeline {
	t := &Timeline{Title: title, Scale: scale, Graph: g}
	for _, p := range phases {
		t.Views = append(t.Views, layout(p, g))
	}
	return t
}

func layout(p Phase, g *journal.Graph) *View {
	v := &View{Phase: p}
	es := Ops(p.Entries)
	v.T0, v.T1 = journal.New(es).Span()
	byURN := map[string]*Row{}
	var order []string
	for _, e := range es {
		r := byURN[e.URN]
		if r == nil {
			r = &Row{URN: e.URN, Type: e.Type, Name: e.Name, Label: e.Name, Stage: StageOf(e.Type, e.Name), StartMS: e.StartMS, EndMS: e.EndMS}
			byURN[e.URN] = r
			order = append(order, e.URN)
		}
		r.Ops = append(r.Ops, e)
		r.StartMS = min(r.StartMS, e.StartMS)
		r.EndMS = max(r.EndMS, e.EndMS)
	}
	prefix := platformPrefix(g)
	weight := func(n *journal.Node) float64 {
		if r := byURN[n.URN]; r != nil {
			return float64(r.BusyMS())
		}
		return 0
	}
	if g != nil {
		// The edges the engine honours (the state's, parents, components'
		// children); a destroy follows them backwards.
		dg := g.Ordering()
		if p.Reverse {
			dg = dg.Reverse()
		}
		total, path := dg.CriticalPath(weight)
		v.CriticalMS = int64(total)
		var last int64 = -1
		for _, n := range path {
			r := byURN[n.URN]
			r.Critical = true
			v.Critical = append(v.Critical, n.URN)
			if last >= 0 && r.StartMS > last {
				v.Idle += time.Duration(r.StartMS-last) * time.Millisecond
			}
			last = r.EndMS
		}
	}
	for _, u := range order {
		r := byURN[u]
		if prefix != "" && len(r.Name) > len(prefix) && r.Name[:len(prefix)] == prefix {
			r.Label = r.Name[len(prefix):]
		}
		v.Rows = append(v.Rows, *r)
	}
	sort.SliceStable(v.Rows, func(i, k int) bool {
		a, b := v.Rows[i], v.Rows[k]
		if a.Stage != b.Stage { // a destroy goes through the stages backwards
			return (a.Stage < b.Stage) != p.Reverse
		}
		if a.StartMS != b.StartMS {
			return a.StartMS < b.StartMS
		}
		return a.Name < b.Name
	})
	for _, r := range v.Rows {
		n := len(v.Spans)
		if n == 0 || v.Spans[n-1].Stage != r.Stage {
			v.Spans = append(v.Spans, StageSpan{Stage: r.Stage, StartMS: r.StartMS, EndMS: r.EndMS})
			n++
		}
		s := &v.Spans[n-1]
		s.StartMS = min(s.StartMS, r.StartMS)
		s.EndMS = max(s.EndMS, r.EndMS)
		s.Ops += len(r.Ops)
		s.Resources++
		s.Critical = s.Critical || r.Critical
		if r.Critical {
			s.CriticalMS += r.BusyMS()
		}
	}
	return v
}

// platformPrefix is "<name>-" for the one EksPlatform component of g, so rows
// can drop it ("demo-cluster" is "cluster").
func platformPrefix(g *journal.Graph) string {
	if g == nil {
		return ""
	}
	comps := g.OfType("eksplatform:index:EksPlatform")
	if len(comps) != 1 {
		return ""
	}
	return comps[0].Name + "-"
}

// Minutes converts a real duration in milliseconds to simulated minutes at
// the timeline's scale (real minutes when the scale is 0).
func (t *Timeline) Minutes(ms int64) float64 {
	d := time.Duration(ms) * time.Millisecond
	if t.Scale <= 0 {
		return d.Minutes()
	}
	return journal.SimMinutes(d, t.Scale)
}

// View returns the view of the phase with that name, or nil.
func (t *Timeline) View(name string) *View {
	for _, v := range t.Views {
		if v.Name == name {
			return v
		}
	}
	return nil
}
