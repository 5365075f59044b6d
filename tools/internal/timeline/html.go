package timeline

import (
	"fmt"
	"html"
	"io"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/eksplatform/pulumi-eksplatform/tools/internal/journal"
)

// The page is one file with no external resource: inline CSS, inline SVG
// drawn here, and a small inline script (label fitting, hover highlighting,
// and a layout self-check that sets body[data-rendered], which the browser
// test reads).

var stageColors = [numStages]string{
	"#a1887f", // network
	"#7986cb", // cluster prerequisites
	"#3949ab", // cluster
	"#26a69a", // identity
	"#66bb6a", // access
	"#ffb74d", // node add-ons
	"#ef6c00", // compute
	"#ba68c8", // workload add-ons
	"#0288d1", // Helm
	"#bdbdbd", // other
}

// Color is the stage's colour on the page.
func (s Stage) Color() string {
	if s < 0 || s >= numStages {
		return stageColors[Other]
	}
	return stageColors[s]
}

const (
	pageW    = 1340 // SVG width (user units = CSS px)
	nameX    = 14
	nameFit  = 186
	typeEndX = 336
	typeFit  = 140
	chartX   = 348
	chartW   = pageW - chartX - 56 // room for the last bar's duration label
	axisH    = 30
	headH    = 24
	rowH     = 16
	barH     = 11
)

func esc(s string) string { return html.EscapeString(s) }

// ShortType turns aws:eks/nodeGroup:NodeGroup into NodeGroup.
func ShortType(t string) string {
	if i := strings.LastIndex(t, ":"); i >= 0 {
		return t[i+1:]
	}
	return t
}

// Dur formats simulated minutes: "9.0 min", or seconds below a tenth.
func Dur(m float64) string {
	if m < 0.1 {
		return fmt.Sprintf("%.0f s", m*60)
	}
	return fmt.Sprintf("%.1f min", m)
}

func (t *Timeline) unit() string {
	if t.Scale > 0 {
		return "simulated minutes"
	}
	return "minutes"
}

// realDur formats a real duration in milliseconds.
func realDur(ms int64) string {
	return (time.Duration(ms) * time.Millisecond).Round(time.Millisecond).String()
}

// WriteHTML writes the page.
func (t *Timeline) WriteHTML(w io.Writer) error {
	var b strings.Builder
	p := func(format string, a ...any) { fmt.Fprintf(&b, format, a...) }
	p("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>%s</title>\n", esc(t.Title))
	p("<style>\n%s</style>\n</head>\n<body>\n", css)
	p("<h1>%s</h1>\n", esc(t.Title))
	if len(t.Notes) > 0 {
		p("<pre class=\"notes\">%s</pre>\n", esc(strings.Join(t.Notes, "\n")))
	}
	t.legend(&b)
	for i, v := range t.Views {
		t.writeView(&b, v, i)
	}
	if t.Graph != nil {
		t.writeGraph(&b)
	}
	p("<script>\n%s</script>\n</body>\n</html>\n", script)
	_, err := io.WriteString(w, b.String())
	return err
}

func (t *Timeline) legend(b *strings.Builder) {
	b.WriteString("<div class=\"legend\">")
	for _, s := range Stages() {
		if s == Other {
			continue
		}
		fmt.Fprintf(b, "<span><i style=\"background:%s\"></i>%s</span>", s.Color(), esc(s.String()))
	}
	b.WriteString("<span><i class=\"crit\"></i>critical path</span>")
	b.WriteString("<span class=\"hint\">hover a bar or a box for its type, name and duration</span></div>\n")
}

func (t *Timeline) writeView(b *strings.Builder, v *View, idx int) {
	p := func(format string, a ...any) { fmt.Fprintf(b, format, a...) }
	ops := 0
	for _, r := range v.Rows {
		ops += len(r.Ops)
	}
	id := fmt.Sprintf("phase-%d", idx)
	p("<section class=\"phase\" id=\"%s\" data-phase=\"%s\">\n", id, esc(v.Name))
	p("<h2>%s</h2>\n", esc(v.Name))
	if len(v.Rows) == 0 {
		p("<p>No cloud operation.</p>\n</section>\n")
		return
	}
	span := t.Minutes(v.T1 - v.T0)
	p("<p class=\"sum\">%d cloud operations on %d resources in %s (first operation to last; %s real). ",
		ops, len(v.Rows), Dur(span), realDur(v.T1-v.T0))
	if len(v.Critical) > 0 {
		p("Critical path: %s over %d resources (the longest chain of operations that wait for one another, by measured durations), %.0f%% of the span.",
			Dur(t.Minutes(v.CriticalMS)), len(v.Critical), 100*float64(v.CriticalMS)/math.Max(1, float64(v.T1-v.T0)))
	}
	p("</p>\n")
	t.stageTable(b, v)

	// The Gantt chart.
	height := axisH + len(v.Spans)*headH + len(v.Rows)*rowH + 10
	p("<svg class=\"gantt\" data-phase=\"%s\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" role=\"img\" aria-label=\"%s: one row per resource\">\n",
		esc(v.Name), pageW, height, pageW, height, esc(v.Name))
	x := func(ms int64) float64 {
		if v.T1 <= v.T0 {
			return chartX
		}
		return chartX + float64(ms-v.T0)/float64(v.T1-v.T0)*chartW
	}
	// Axis and grid.
	step := niceStep(span / 12)
	p("<g class=\"axis\">")
	for m := 0.0; m <= span+1e-9; m += step {
		xx := chartX + m/math.Max(span, 1e-9)*chartW
		p("<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\"/>", xx, axisH-6, xx, height-6)
		p("<text x=\"%.1f\" y=\"%d\">%s</text>", xx, axisH-10, tick(m, step))
	}
	p("<text class=\"unit\" x=\"%d\" y=\"%d\">%s from the first operation</text>", typeEndX, axisH-10, t.unit())
	p("</g>\n")
	y := axisH
	type pt struct{ x1, x2, y float64 }
	crit := map[string]pt{}
	for si, s := range v.Spans {
		// Stage header: a band over the stage's span.
		p("<g class=\"stage\" data-stage=\"%s\">", esc(s.Stage.String()))
		p("<rect class=\"band\" x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>",
			x(s.StartMS), y+4, math.Max(2, x(s.EndMS)-x(s.StartMS)), headH-6, s.Stage.Color())
		p("<text class=\"sname\" x=\"4\" y=\"%d\">%s</text>", y+16, esc(s.Stage.String()))
		p("<text class=\"sspan\" x=\"%d\" y=\"%d\">%s–%s · %s</text>", typeEndX, y+16,
			tick(t.Minutes(s.StartMS-v.T0), 0.1), tick(t.Minutes(s.EndMS-v.T0), 0.1), Dur(t.Minutes(s.EndMS-s.StartMS)))
		p("<title>%s (%s): %d resources, %d operations, from %s to %s, %s</title></g>\n",
			esc(s.Stage.String()), esc(s.Stage.Detail()), s.Resources, s.Ops,
			tick(t.Minutes(s.StartMS-v.T0), 0.1), tick(t.Minutes(s.EndMS-v.T0), 0.1), Dur(t.Minutes(s.EndMS-s.StartMS)))
		y += headH
		for _, r := range v.Rows {
			if r.Stage != s.Stage {
				continue
			}
			cls := "row"
			if r.Critical {
				cls += " crit"
			}
			p("<g class=\"%s\" data-urn=\"%s\" data-stage=\"%s\">", cls, esc(r.URN), esc(r.Stage.String()))
			if si%2 == 0 {
				p("<rect class=\"zebra\" x=\"0\" y=\"%d\" width=\"%d\" height=\"%d\"/>", y, pageW, rowH)
			}
			p("<text class=\"name\" x=\"%d\" y=\"%d\" data-fit=\"%d\">%s</text>", nameX, y+12, nameFit, esc(r.Label))
			p("<text class=\"ty\" x=\"%d\" y=\"%d\" data-fit=\"%d\">%s</text>", typeEndX, y+12, typeFit, esc(ShortType(r.Type)))
			for _, e := range r.Ops {
				x1, x2 := x(e.StartMS), x(e.EndMS)
				w := math.Max(2, x2-x1)
				bcls := "bar op-" + e.Op
				if r.Critical {
					bcls += " crit"
				}
				if e.Error != "" {
					bcls += " failed"
				}
				p("<rect class=\"%s\" x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\" data-urn=\"%s\"><title>%s</title></rect>",
					bcls, x1, y+(rowH-barH)/2, w, barH, r.Stage.Color(), esc(r.URN), esc(t.tooltip(v, r, e)))
			}
			p("<text class=\"dur\" x=\"%.1f\" y=\"%d\">%s</text>", x(r.EndMS)+4, y+12, Dur(t.Minutes(r.BusyMS())))
			p("</g>\n")
			if r.Critical {
				crit[r.URN] = pt{x(r.StartMS), x(r.EndMS), float64(y + rowH/2)}
			}
			y += rowH
		}
	}
	// The critical path as one line through its bars, dependencies first.
	if len(v.Critical) > 1 {
		var pts []string
		for _, u := range v.Critical {
			c := crit[u]
			pts = append(pts, fmt.Sprintf("%.1f,%.1f %.1f,%.1f", c.x1, c.y, c.x2, c.y))
		}
		p("<polyline class=\"critpath\" points=\"%s\"><title>critical path: %s</title></polyline>\n", strings.Join(pts, " "), esc(t.chain(v)))
	}
	p("</svg>\n")
	if len(v.Critical) > 0 {
		p("<p class=\"chain\"><b>Critical path</b> (%s): %s</p>\n", Dur(t.Minutes(v.CriticalMS)), esc(t.chain(v)))
	}
	p("</section>\n")
}

func (t *Timeline) tooltip(v *View, r Row, e journal.Entry) string {
	s := fmt.Sprintf("%s %s\n%s %s, from %s to %s (%s real)\nstage: %s (%s)",
		r.Type, r.Name, e.Op, Dur(t.Minutes(e.EndMS-e.StartMS)),
		tick(t.Minutes(e.StartMS-v.T0), 0.01), tick(t.Minutes(e.EndMS-v.T0), 0.01), realDur(e.EndMS-e.StartMS),
		r.Stage, r.Stage.Detail())
	if r.Critical {
		s += "\non the critical path"
	}
	if e.Error != "" {
		s += "\nerror: " + e.Error
	}
	if e.Warning != "" {
		s += "\nwarning: " + e.Warning
	}
	return s
}

func (t *Timeline) chain(v *View) string {
	byURN := map[string]Row{}
	for _, r := range v.Rows {
		byURN[r.URN] = r
	}
	var parts []string
	for _, u := range v.Critical {
		r := byURN[u]
		parts = append(parts, fmt.Sprintf("%s (%s)", r.Label, Dur(t.Minutes(r.BusyMS()))))
	}
	return strings.Join(parts, " → ")
}

func (t *Timeline) stageTable(b *strings.Builder, v *View) {
	p := func(format string, a ...any) { fmt.Fprintf(b, format, a...) }
	p("<table class=\"stages\"><thead><tr><th>stage</th><th>what</th><th>resources</th><th>operations</th><th>from</th><th>to</th><th>span</th><th>critical path</th></tr></thead><tbody>\n")
	for _, s := range v.Spans {
		cp := ""
		if s.Critical {
			cp = Dur(t.Minutes(s.CriticalMS))
		}
		p("<tr><td><i style=\"background:%s\"></i>%s</td><td>%s</td><td>%d</td><td>%d</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>\n",
			s.Stage.Color(), esc(s.Stage.String()), esc(s.Stage.Detail()), s.Resources, s.Ops,
			tick(t.Minutes(s.StartMS-v.T0), 0.1), tick(t.Minutes(s.EndMS-v.T0), 0.1), Dur(t.Minutes(s.EndMS-s.StartMS)), cp)
	}
	p("</tbody></table>\n")
}

// niceStep rounds a step up to 1, 2 or 5 times a power of ten.
func niceStep(raw float64) float64 {
	if raw <= 0 || math.IsNaN(raw) {
		return 1
	}
	pow := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 5, 10} {
		if m*pow >= raw {
			return m * pow
		}
	}
	return 10 * pow
}

// tick formats a time with the decimals its step needs.
func tick(m, step float64) string {
	switch {
	case step >= 1:
		return fmt.Sprintf("%.0f", m)
	case step >= 0.1:
		return fmt.Sprintf("%.1f", m)
	}
	return fmt.Sprintf("%.2f", m)
}

// depGraph is the graph of the simulated resources: each one's dependencies
// on other simulated resources (through providers and components), with the
// edges implied by others left out (transitive reduction).
type depGraph struct {
	nodes []*journal.Node
	deps  map[string][]string // reduced
	all   map[string][]string // before reduction
	layer map[string]int
}

func newDepGraph(g *journal.Graph) *depGraph {
	d := &depGraph{deps: map[string][]string{}, all: map[string][]string{}, layer: map[string]int{}}
	memo := map[string][]string{}
	var simDeps func(n *journal.Node, seen map[string]bool) []string
	simDeps = func(n *journal.Node, seen map[string]bool) []string {
		var out []string
		for _, u := range n.Deps {
			dn := g.ByURN[u]
			if dn == nil || seen[u] {
				continue
			}
			seen[u] = true
			if dn.Simulated() {
				out = append(out, u)
				continue
			}
			out = append(out, simDeps(dn, seen)...)
		}
		return out
	}
	for _, n := range g.Nodes {
		if !n.Simulated() {
			continue
		}
		d.nodes = append(d.nodes, n)
		memo[n.URN] = simDeps(n, map[string]bool{})
		sort.Strings(memo[n.URN])
	}
	d.all = memo
	reach := map[string]map[string]bool{}
	var reachOf func(u string) map[string]bool
	reachOf = func(u string) map[string]bool {
		if r, ok := reach[u]; ok {
			return r
		}
		r := map[string]bool{}
		reach[u] = r
		for _, dd := range memo[u] {
			r[dd] = true
			for k := range reachOf(dd) {
				r[k] = true
			}
		}
		return r
	}
	for _, n := range d.nodes {
		for _, dd := range memo[n.URN] {
			implied := false
			for _, o := range memo[n.URN] {
				if o != dd && reachOf(o)[dd] {
					implied = true
					break
				}
			}
			if !implied {
				d.deps[n.URN] = append(d.deps[n.URN], dd)
			}
		}
	}
	var depth func(u string) int
	depth = func(u string) int {
		if l, ok := d.layer[u]; ok {
			return l
		}
		d.layer[u] = 0 // cycles (impossible in a state) end here
		l := 0
		for _, dd := range memo[u] {
			l = max(l, depth(dd)+1)
		}
		d.layer[u] = l
		return l
	}
	for _, n := range d.nodes {
		depth(n.URN)
	}
	return d
}

func (t *Timeline) writeGraph(b *strings.Builder) {
	p := func(format string, a ...any) { fmt.Fprintf(b, format, a...) }
	d := newDepGraph(t.Graph)
	if len(d.nodes) == 0 {
		return
	}
	var up *View
	if len(t.Views) > 0 {
		up = t.Views[0]
	}
	critEdge := map[[2]string]bool{}
	critNode := map[string]bool{}
	busy := map[string]int64{}
	if up != nil {
		for i, u := range up.Critical {
			critNode[u] = true
			if i > 0 {
				critEdge[[2]string{up.Critical[i-1], u}] = true
			}
		}
		for _, r := range up.Rows {
			busy[r.URN] = r.BusyMS()
		}
	}
	prefix := platformPrefix(t.Graph)
	label := func(n *journal.Node) string { return strings.TrimPrefix(n.Name, prefix) }
	layers := 0
	for _, l := range d.layer {
		layers = max(layers, l+1)
	}
	byLayer := make([][]*journal.Node, layers)
	for _, n := range d.nodes {
		byLayer[d.layer[n.URN]] = append(byLayer[d.layer[n.URN]], n)
	}
	// Order each layer by stage then name, then by the mean position of its
	// dependencies (fewer crossings).
	pos := map[string]float64{}
	for li, ns := range byLayer {
		sort.SliceStable(ns, func(i, k int) bool {
			if li > 0 {
				bi, bk := bary(d.deps[ns[i].URN], pos), bary(d.deps[ns[k].URN], pos)
				if bi != bk {
					return bi < bk
				}
			}
			si, sk := StageOf(ns[i].Type, ns[i].Name), StageOf(ns[k].Type, ns[k].Name)
			if si != sk {
				return si < sk
			}
			return ns[i].Name < ns[k].Name
		})
		for i, n := range ns {
			pos[n.URN] = float64(i) - float64(len(ns)-1)/2
		}
	}
	const boxH, gapY, top = 18, 7, 20
	tallest := 0
	for _, ns := range byLayer {
		tallest = max(tallest, len(ns))
	}
	height := top + tallest*(boxH+gapY) + 10
	colW := float64(pageW-20) / float64(max(layers, 1))
	boxW := math.Min(colW-24, 210)
	type box struct{ x, y float64 }
	at := map[string]box{}
	for li, ns := range byLayer {
		off := float64(tallest-len(ns)) * (boxH + gapY) / 2
		for i, n := range ns {
			at[n.URN] = box{10 + float64(li)*colW, float64(top) + off + float64(i*(boxH+gapY))}
		}
	}
	edges := 0
	for _, ds := range d.deps {
		edges += len(ds)
	}
	p("<section class=\"graph\" id=\"graph\">\n<h2>Dependency graph</h2>\n")
	p("<p class=\"sum\">The %d cloud resources of the stack in %d layers: a resource is drawn one column right of its deepest dependency; an arrow runs from a dependency to what waits for it (%d edges; an edge implied by a longer chain is left out, and dependencies through the Kubernetes provider or the component are drawn to the resource behind them). Red: the critical path of the up.</p>\n",
		len(d.nodes), layers, edges)
	p("<svg class=\"deps\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" role=\"img\" aria-label=\"dependency graph\">\n", pageW, height, pageW, height)
	p("<defs><marker id=\"arrow\" viewBox=\"0 0 8 8\" refX=\"8\" refY=\"4\" markerWidth=\"6\" markerHeight=\"6\" orient=\"auto\"><path d=\"M0,0 L8,4 L0,8 z\" fill=\"#90a4ae\"/></marker>")
	p("<marker id=\"arrow-crit\" viewBox=\"0 0 8 8\" refX=\"8\" refY=\"4\" markerWidth=\"6\" markerHeight=\"6\" orient=\"auto\"><path d=\"M0,0 L8,4 L0,8 z\" fill=\"#d50000\"/></marker></defs>\n")
	for li := range byLayer {
		p("<text class=\"layer\" x=\"%.1f\" y=\"12\">layer %d</text>", 10+float64(li)*colW, li+1)
	}
	p("\n")
	// Edges below the boxes; critical ones last so they are on top.
	drawEdge := func(from, to string, crit bool) {
		a, c := at[from], at[to]
		x1, y1 := a.x+boxW, a.y+boxH/2
		x2, y2 := c.x-1, c.y+boxH/2
		mid := (x1 + x2) / 2
		cls, mk := "edge", "arrow"
		if crit {
			cls, mk = "edge crit", "arrow-crit"
		}
		p("<path class=\"%s\" data-from=\"%s\" data-to=\"%s\" d=\"M%.1f,%.1f C%.1f,%.1f %.1f,%.1f %.1f,%.1f\" marker-end=\"url(#%s)\"/>\n",
			cls, esc(from), esc(to), x1, y1, mid, y1, mid, y2, x2, y2, mk)
	}
	var critPairs [][2]string
	for _, n := range d.nodes {
		for _, dd := range d.deps[n.URN] {
			if critEdge[[2]string{dd, n.URN}] {
				continue
			}
			drawEdge(dd, n.URN, false)
		}
	}
	if up != nil {
		for i := 1; i < len(up.Critical); i++ {
			if _, ok := at[up.Critical[i]]; ok {
				critPairs = append(critPairs, [2]string{up.Critical[i-1], up.Critical[i]})
			}
		}
	}
	for _, cp := range critPairs {
		drawEdge(cp[0], cp[1], true)
	}
	for _, n := range d.nodes {
		bx := at[n.URN]
		st := StageOf(n.Type, n.Name)
		cls := "node"
		if critNode[n.URN] {
			cls += " crit"
		}
		tip := fmt.Sprintf("%s %s\nstage: %s\nwaits for %d resources directly (%d drawn)", n.Type, n.Name, st, len(d.all[n.URN]), len(d.deps[n.URN]))
		if ms, ok := busy[n.URN]; ok {
			tip += fmt.Sprintf("\nup: %s", Dur(t.Minutes(ms)))
		}
		if critNode[n.URN] {
			tip += "\non the critical path of the up"
		}
		p("<g class=\"%s\" data-urn=\"%s\" data-stage=\"%s\"><rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%d\" rx=\"4\" fill=\"%s\"/>",
			cls, esc(n.URN), esc(st.String()), bx.x, bx.y, boxW, boxH, st.Color())
		tcls := ""
		if light(st.Color()) {
			tcls = ` class="dark"`
		}
		p("<text%s x=\"%.1f\" y=\"%.1f\" data-fit=\"%.0f\">%s</text><title>%s</title></g>\n", tcls, bx.x+5, bx.y+13, boxW-10, esc(label(n)), esc(tip))
	}
	p("</svg>\n</section>\n")
}

// light reports whether a #rrggbb colour wants dark text.
func light(c string) bool {
	var r, g, b int
	if _, err := fmt.Sscanf(c, "#%02x%02x%02x", &r, &g, &b); err != nil {
		return false
	}
	return 0.299*float64(r)+0.587*float64(g)+0.114*float64(b) > 150
}

func bary(deps []string, pos map[string]float64) float64 {
	if len(deps) == 0 {
		return 0
	}
	var s float64
	for _, d := range deps {
		s += pos[d]
	}
	return s / float64(len(deps))
}

const css = `:root { color-scheme: light; }
body { font: 13px/1.45 -apple-system, "Segoe UI", "DejaVu Sans", Helvetica, Arial, sans-serif; margin: 16px 20px; color: #263238; background: #fff; }
h1 { font-size: 20px; margin: 0 0 8px; }
h2 { font-size: 16px; margin: 22px 0 4px; border-bottom: 1px solid #cfd8dc; padding-bottom: 2px; }
pre.notes { background: #f5f7f8; border: 1px solid #e0e6e8; padding: 8px 10px; font: 12px/1.4 "DejaVu Sans Mono", Menlo, Consolas, monospace; white-space: pre-wrap; overflow-wrap: anywhere; margin: 0 0 8px; max-width: 1300px; }
p.sum, p.chain { margin: 4px 0 8px; max-width: 1340px; }
.legend { display: flex; flex-wrap: wrap; gap: 4px 14px; margin: 8px 0; font-size: 12px; }
.legend i, table.stages i { display: inline-block; width: 12px; height: 10px; margin-right: 5px; vertical-align: -1px; border-radius: 2px; }
.legend i.crit { background: #fff; border: 2px solid #d50000; width: 10px; height: 8px; }
.legend .hint { color: #78909c; }
table.stages { border-collapse: collapse; font-size: 12px; margin: 6px 0 10px; }
table.stages th, table.stages td { border-bottom: 1px solid #eceff1; padding: 2px 10px 2px 4px; text-align: left; }
table.stages td:nth-child(n+3) { text-align: right; font-variant-numeric: tabular-nums; }
svg { display: block; font-size: 11px; }
svg text { fill: #37474f; }
.axis line { stroke: #eceff1; }
.axis text { fill: #78909c; text-anchor: middle; font-size: 10px; }
.axis text.unit { text-anchor: end; font-style: italic; }
.stage .band { opacity: 0.22; }
.stage .sname { font-weight: 600; font-size: 12px; }
.stage .sspan { text-anchor: end; fill: #607d8b; font-size: 11px; }
.zebra { fill: #fafbfb; }
.row .ty { text-anchor: end; fill: #90a4ae; }
.row .dur { fill: #78909c; font-size: 10px; }
.row.crit .name { font-weight: 600; fill: #b71c1c; }
.bar { stroke: rgba(0,0,0,0.25); stroke-width: 0.5; }
.bar.op-delete { opacity: 0.85; }
.bar.failed { stroke: #000; stroke-dasharray: 2 2; }
.bar.crit { stroke: #d50000; stroke-width: 2; }
.critpath { fill: none; stroke: #d50000; stroke-width: 1.2; stroke-dasharray: 3 2; opacity: 0.8; pointer-events: none; }
.hl .name, .node.hl text { fill: #000; font-weight: 700; }
.bar.hl, .node.hl rect { stroke: #000; stroke-width: 2.5; }
.row.hl .zebra, g.row.hl > rect.zebra { fill: #fff8e1; }
.edge { fill: none; stroke: #b0bec5; stroke-width: 1; opacity: 0.75; }
.edge.crit { stroke: #d50000; stroke-width: 2; opacity: 1; }
.edge.hl { stroke: #263238; stroke-width: 2; opacity: 1; }
.node rect { stroke: rgba(0,0,0,0.3); stroke-width: 0.6; }
.node text { fill: #fff; font-size: 11px; pointer-events: none; }
.node text.dark { fill: #212121; }
.node.crit rect { stroke: #d50000; stroke-width: 2.5; }
.layer { fill: #90a4ae; font-size: 10px; }
`

const script = `(function () {
  // Shorten labels that do not fit their column.
  document.querySelectorAll('text[data-fit]').forEach(function (el) {
    var max = +el.getAttribute('data-fit'), full = el.textContent;
    if (!max || el.getComputedTextLength() <= max) return;
    // Keep the head and the tail ("subnet-0b00…2b-cluster-tag"): names differ at both ends.
    for (var n = full.length - 1; n > 1 && el.getComputedTextLength() > max; n--) {
      el.textContent = full.slice(0, Math.ceil(n / 2)) + '\u2026' + full.slice(full.length - Math.floor(n / 2));
    }
    el.setAttribute('data-full', full);
  });
  // Hovering a resource highlights it in every chart, and its edges.
  var byUrn = {};
  document.querySelectorAll('[data-urn]').forEach(function (el) {
    var u = el.getAttribute('data-urn');
    (byUrn[u] = byUrn[u] || []).push(el);
  });
  function mark(u, on) {
    (byUrn[u] || []).forEach(function (x) { x.classList.toggle('hl', on); });
    document.querySelectorAll('path.edge').forEach(function (p) {
      if (p.getAttribute('data-from') === u || p.getAttribute('data-to') === u) p.classList.toggle('hl', on);
    });
  }
  document.querySelectorAll('g[data-urn]').forEach(function (el) {
    var u = el.getAttribute('data-urn');
    el.addEventListener('mouseenter', function () { mark(u, true); });
    el.addEventListener('mouseleave', function () { mark(u, false); });
  });
  // Layout self-check, read by the browser test: bars inside their chart,
  // labels inside their column.
  var problems = [];
  document.querySelectorAll('svg.gantt').forEach(function (svg) {
    var w = svg.viewBox.baseVal.width;
    svg.querySelectorAll('rect.bar').forEach(function (r) {
      var b = r.getBBox();
      if (b.x < 0 || b.x + b.width > w + 0.5) problems.push('bar outside its chart: ' + r.getAttribute('data-urn'));
    });
    svg.querySelectorAll('text.name').forEach(function (t) {
      if (t.getComputedTextLength() > +t.getAttribute('data-fit') + 0.5) problems.push('label too wide: ' + t.textContent);
    });
  });
  document.querySelectorAll('svg.deps g.node').forEach(function (g) {
    var r = g.querySelector('rect').getBBox(), t = g.querySelector('text').getBBox();
    if (t.x + t.width > r.x + r.width + 0.5) problems.push('graph label overflows its box: ' + g.getAttribute('data-urn'));
  });
  document.body.setAttribute('data-bars', document.querySelectorAll('svg.gantt rect.bar').length);
  document.body.setAttribute('data-problems', problems.join('; '));
  document.body.setAttribute('data-rendered', problems.length ? 'problems' : 'ok');
})();
`
