package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/eksplatform/pulumi-eksplatform/tools/internal/journal"
	"github.com/eksplatform/pulumi-eksplatform/tools/internal/platforms"
	"github.com/eksplatform/pulumi-eksplatform/tools/internal/runner"
	"github.com/eksplatform/pulumi-eksplatform/tools/simcloud"
)

// PathStep is one resource on a chain through the deployment, with when it
// ran against when the last thing it depends on had finished.
type PathStep struct {
	Name       string  `json:"name"`
	Type       string  `json:"type"`
	Minutes    float64 `json:"minutes"`     // simulated duration, table
	NominalMS  float64 `json:"nominal_ms"`  // minutes × scale, real
	StartMS    int64   `json:"start_ms"`    // from the first create
	EndMS      int64   `json:"end_ms"`      // from the first create
	ActualMS   int64   `json:"actual_ms"`   // end − start
	SlackMS    int64   `json:"slack_ms"`    // start − (end of its last dependency, or the first create)
	WaitedFor  string  `json:"waited_for"`  // the dependency that ended last ("" for the first)
	SlackFlag  bool    `json:"slack_flag"`  // slack above the threshold: not engine overhead
	DeltaRatio float64 `json:"delta_ratio"` // actual / nominal
}

// benchRun is one `pulumi up` of section 1.
type benchRun struct {
	Platform platforms.Def
	Parallel int  // pulumi up --parallel; 0: the engine's default
	Noop     bool // then a second up with nothing changed (section 4)
	RSS      bool // poll the plugin's peak RSS (section 3)
	Detail   bool // print the critical path, what its orderings cost, the observed chain
}

// Provisioning is the section-1 figure for one run.
type Provisioning struct {
	Platform       string         `json:"platform"`
	Parallel       int            `json:"parallel"`         // pulumi up --parallel; 0: the engine's default
	EffectivePar   int            `json:"parallel_slots"`   // the operations the engine ran at most at once
	NodeGroupWaves int            `json:"node_group_waves"` // start waves of the node groups' creates
	Scale          float64        `json:"scale"`
	Resources      int            `json:"resources"` // simulated resources created
	Changes        map[string]int `json:"changes"`
	UpWallS        float64        `json:"up_wall_s"`       // whole `pulumi up`
	ProvisioningS  float64        `json:"provisioning_s"`  // first create start → last create end
	LowerBoundS    float64        `json:"lower_bound_s"`   // critical path × scale
	LowerBoundMin  float64        `json:"lower_bound_min"` // critical path, simulated minutes (journal.Graph.Ordering: state edges, parents, components)
	StateOnlyMin   float64        `json:"state_only_min"`  // critical path of the state's edges alone (what the bench reported before parent edges)
	ProvisionedMin float64        `json:"provisioned_min"` // provisioning, simulated minutes
	Ratio          float64        `json:"ratio"`           // provisioning / lower bound
	EngineStartS   float64        `json:"engine_start_s"`  // up start → first create
	MaxConcurrency int            `json:"max_concurrency"` // most creates in flight at once
	CriticalPath   []PathStep     `json:"critical_path"`
	EdgeCosts      []EdgeCost     `json:"edge_costs"`        // the graph's longest path
	ObservedChain  []PathStep     `json:"observed_chain"`    // what bounded this run, walking back from the last create
	Gap            GapBreakdown   `json:"gap"`               // why provisioning > lower bound
	NoopUp         *NoopUp        `json:"noop_up,omitempty"` // section 4

	detail bool // print the critical path and the gap analysis
}

// GapBreakdown splits provisioning − lower bound along the observed chain:
// provisioning = Σ slack + Σ actual durations on that chain, exactly.
type GapBreakdown struct {
	GapMS          float64 `json:"gap_ms"`
	SlackMS        float64 `json:"slack_ms"`         // waiting with every dependency done (engine scheduling, late registration)
	OverrunMS      float64 `json:"overrun_ms"`       // operations longer than their nominal time (gRPC, sleep overshoot)
	ChainShortMS   float64 `json:"chain_short_ms"`   // nominal length of the chain − lower bound (≤ 0)
	FlaggedSlackMS float64 `json:"flagged_slack_ms"` // slack of steps above the threshold
}

// NoopUp is section 4.
type NoopUp struct {
	WallS    float64        `json:"wall_s"`    // the `pulumi up` command: what a CLI user waits for
	AutoUpS  float64        `json:"auto_up_s"` // the Automation API's Up: the command, then `stack output` and `stack history`
	Changes  map[string]int `json:"changes"`
	Noop     bool           `json:"noop"`
	Commands []string       `json:"commands"` // every pulumi process of the Automation API's Up, with its time
}

// rssPoller records the peak VmHWM of every process whose executable is exe.
type rssPoller struct {
	exe   string
	stop  chan struct{}
	done  chan struct{}
	mu    sync.Mutex
	peak  int64 // bytes
	procs map[int]bool
}

func startRSSPoller(exe string, every time.Duration) *rssPoller {
	if r, err := filepath.EvalSymlinks(exe); err == nil {
		exe = r
	}
	p := &rssPoller{exe: exe, stop: make(chan struct{}), done: make(chan struct{}), procs: map[int]bool{}}
	go func() {
		defer close(p.done)
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			p.poll()
			select {
			case <-p.stop:
				return
			case <-t.C:
			}
		}
	}()
	return p
}

func (p *rssPoller) poll() {
	ents, err := os.ReadDir("/proc")
	if err != nil {
		return
	}
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		exe, err := os.Readlink(fmt.Sprintf("/proc/%d/exe", pid))
		if err != nil || strings.TrimSuffix(exe, " (deleted)") != p.exe {
			continue
		}
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
		if err != nil {
			continue
		}
		for _, l := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(l, "VmHWM:"); ok {
				f := strings.Fields(v) // "123456 kB"
				if len(f) >= 1 {
					if kb, err := strconv.ParseInt(f[0], 10, 64); err == nil {
						p.mu.Lock()
						p.peak = max(p.peak, kb*1024)
						p.procs[pid] = true
						p.mu.Unlock()
					}
				}
			}
		}
	}
}

// Stop ends the polling and returns the peak and how many plugin processes were seen.
func (p *rssPoller) Stop() (int64, int) {
	close(p.stop)
	<-p.done
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.peak, len(p.procs)
}

// provision runs one platform's `pulumi up` in a fresh workspace and works out
// the figures; with r.Noop it runs a second up; with r.RSS it polls the
// plugin's peak RSS during the first up.
func provision(ctx context.Context, r benchRun, scale float64) (p *Provisioning, rss int64, rssProcs int, err error) {
	def := r.Platform
	ws, err := runner.NewWorkspace(runner.Options{Scale: scale})
	if err != nil {
		return nil, 0, 0, err
	}
	defer func() { _ = ws.Close() }()
	var timings []runner.CommandTiming
	ws.OnCommand = func(c runner.CommandTiming) { timings = append(timings, c) }
	s, err := ws.GoStack(ctx, "bench-"+def.Name, "bench", def.Program)
	if err != nil {
		return nil, 0, 0, err
	}
	s.Parallel = r.Parallel
	var poller *rssPoller
	if r.RSS {
		poller = startRSSPoller(filepath.Join(ws.Bin, "pulumi-resource-eksplatform"), 20*time.Millisecond)
	}
	upStart := time.Now()
	up, err := s.Up(ctx)
	if poller != nil {
		rss, rssProcs = poller.Stop()
	}
	if err != nil {
		return nil, 0, 0, fmt.Errorf("%s: up: %w\n%s", def.Name, err, tail(up.Stdout, 4000))
	}
	_, g, err := s.Export(ctx)
	if err != nil {
		return nil, 0, 0, err
	}
	j, err := ws.ReadJournal()
	if err != nil {
		return nil, 0, 0, err
	}
	p = analyse(def.Name, scale, g, j.Creates().Entries, up, upStart)
	p.Parallel, p.EffectivePar = r.Parallel, effectiveParallel(r.Parallel)
	if r.Noop {
		timings = timings[:0]
		up2, err := s.Up(ctx)
		if err != nil {
			return nil, 0, 0, fmt.Errorf("%s: second up: %w", def.Name, err)
		}
		n := &NoopUp{AutoUpS: up2.Elapsed.Seconds(), Changes: up2.Changes, Noop: up2.Changed() == 0}
		for _, c := range timings {
			if len(c.Args) > 0 && c.Args[0] == "up" {
				n.WallS = c.Elapsed.Seconds()
			}
			n.Commands = append(n.Commands, fmt.Sprintf("pulumi %s: %.2f s", strings.Join(c.Args[:min(len(c.Args), 2)], " "), c.Elapsed.Seconds()))
		}
		p.NoopUp = n
	}
	return p, rss, rssProcs, nil
}

// effectiveParallel is how many operations `pulumi up --parallel n` runs at
// once: n, or for 0 the engine's default, PULUMI_PARALLEL or 4 × GOMAXPROCS
// (pkg/v3 v3.259.0 cmd/pulumi/operations/up.go defaultParallel; the CLI runs
// on this machine, so its GOMAXPROCS is the bench's).
func effectiveParallel(n int) int {
	if n > 0 {
		return n
	}
	if v, err := strconv.Atoi(os.Getenv("PULUMI_PARALLEL")); err == nil && v > 0 {
		return v
	}
	return 4 * runtime.GOMAXPROCS(0)
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "…" + s[len(s)-n:]
}

// flagSlackMS is the slack above which a step's wait is reported as not
// engine overhead: 250 ms real, or 5 simulated seconds, whichever is more.
func flagSlackMS(scale float64) int64 {
	return max(250, int64(5*1000*scale))
}

// analyse works out one run's figures. state is the exported state's graph;
// every wait and the lower bound are taken on state.Ordering(), the edges the
// engine honours (the state's, parents, components' children).
func analyse(name string, scale float64, state *journal.Graph, creates []journal.Entry, up runner.Summary, upStart time.Time) *Provisioning {
	g := state.Ordering()
	stateOnly, _ := state.CriticalPath(journal.Minutes)
	byURN := map[string]journal.Entry{}
	for _, e := range creates {
		if _, ok := byURN[e.URN]; !ok {
			byURN[e.URN] = e
		}
	}
	t0, t1 := journal.New(creates).Span()
	lbMin, path := g.CriticalPath(journal.Minutes)
	msPerMin := float64(time.Minute.Milliseconds()) * scale

	// ready is when a node is done: its create's end for a simulated
	// resource, else (providers, components) when its own dependencies are.
	// bind is the simulated resource that ended last among what n waits for.
	ready := map[string]int64{}
	bind := map[string]string{}
	seen := map[string]bool{}
	var visit func(n *journal.Node) (int64, string)
	visit = func(n *journal.Node) (int64, string) {
		if seen[n.URN] {
			return ready[n.URN], bind[n.URN]
		}
		seen[n.URN] = true
		if e, ok := byURN[n.URN]; ok && n.Simulated() {
			ready[n.URN], bind[n.URN] = e.EndMS, n.URN
			return e.EndMS, n.URN
		}
		at, by := depsReady(g, n, visit)
		ready[n.URN], bind[n.URN] = at, by
		return at, by
	}
	flag := flagSlackMS(scale)
	step := func(n *journal.Node) PathStep {
		e := byURN[n.URN]
		at, by := depsReady(g, n, visit)
		if at < t0 {
			at = t0
		}
		st := PathStep{
			Name: n.Name, Type: n.Type, Minutes: journal.Minutes(n), NominalMS: journal.Minutes(n) * msPerMin,
			StartMS: e.StartMS - t0, EndMS: e.EndMS - t0, ActualMS: e.EndMS - e.StartMS,
			SlackMS: e.StartMS - at,
		}
		if by != "" {
			st.WaitedFor = journal.NameOf(by)
		}
		st.SlackFlag = st.SlackMS > flag
		if st.NominalMS > 0 {
			st.DeltaRatio = float64(st.ActualMS) / st.NominalMS
		}
		return st
	}
	p := &Provisioning{
		Platform: name, Scale: scale, Resources: len(byURN), Changes: up.Changes,
		UpWallS:        up.Elapsed.Seconds(),
		ProvisioningS:  float64(t1-t0) / 1000,
		LowerBoundMin:  lbMin,
		StateOnlyMin:   stateOnly,
		NodeGroupWaves: nodeGroupWaves(creates, scale),
		LowerBoundS:    lbMin * msPerMin / 1000,
		ProvisionedMin: float64(t1-t0) / msPerMin,
		EngineStartS:   float64(t0-upStart.UnixMilli()) / 1000,
		MaxConcurrency: journal.MaxConcurrency(creates),
	}
	if p.LowerBoundS > 0 {
		p.Ratio = p.ProvisioningS / p.LowerBoundS
	}
	for _, n := range path {
		p.CriticalPath = append(p.CriticalPath, step(n))
	}
	p.EdgeCosts = edgeCosts(g, path)
	// The observed chain: from the create that ended last, walk back through
	// the dependency that ended last.
	var last string
	var lastEnd int64
	for _, e := range creates {
		if g.ByURN[e.URN] != nil && (last == "" || e.EndMS > lastEnd) {
			last, lastEnd = e.URN, e.EndMS
		}
	}
	var chain []PathStep
	for u := last; u != ""; {
		n := g.ByURN[u]
		st := step(n)
		chain = append(chain, st)
		_, by := depsReady(g, n, visit)
		u = by
	}
	for i, k := 0, len(chain)-1; i < k; i, k = i+1, k-1 {
		chain[i], chain[k] = chain[k], chain[i]
	}
	p.ObservedChain = chain
	var nominal float64
	for i, st := range chain {
		slack := float64(st.SlackMS)
		if i == 0 {
			slack = float64(st.StartMS) // from the first create
		}
		p.Gap.SlackMS += slack
		p.Gap.OverrunMS += float64(st.ActualMS) - st.NominalMS
		nominal += st.NominalMS
		if st.SlackFlag {
			p.Gap.FlaggedSlackMS += slack
		}
	}
	p.Gap.ChainShortMS = nominal - p.LowerBoundS*1000
	p.Gap.GapMS = (p.ProvisioningS - p.LowerBoundS) * 1000
	return p
}

// nodeGroupWaves is how many waves the node groups' creates started in:
// sorted by start, a create that starts half a node group's create time
// (1.5 simulated minutes) or more after the current wave's first start opens
// a new wave. All at once is 1; 30 groups in 8 engine slots make 4.
func nodeGroupWaves(creates []journal.Entry, scale float64) int {
	var starts []int64
	for _, e := range journal.New(creates).Type("aws:eks/nodeGroup:NodeGroup").Entries {
		starts = append(starts, e.StartMS)
	}
	slices.Sort(starts)
	half := int64(float64(simcloud.Duration("aws:eks/nodeGroup:NodeGroup").Milliseconds()) * scale / 2)
	waves := 0
	var first int64
	for i, t := range starts {
		if i == 0 || t-first >= half {
			waves++
			first = t
		}
	}
	return waves
}

// depsReady is when the last of n's dependencies was done and which simulated
// resource that was (0, "" when it has none).
func depsReady(g *journal.Graph, n *journal.Node, visit func(*journal.Node) (int64, string)) (int64, string) {
	var at int64
	by := ""
	for _, d := range n.Deps {
		dn := g.ByURN[d]
		if dn == nil {
			continue
		}
		if t, b := visit(dn); b != "" && (by == "" || t > at) {
			at, by = t, b
		}
	}
	return at, by
}

func printProvisioning(ps []*Provisioning) {
	fmt.Printf("  %-8s %8s %4s %9s %9s %7s %11s %7s %5s %7s\n", "platform", "parallel", "res", "provision", "crit path", "ratio", "first create", "no-op", "conc", "ng waves")
	fmt.Printf("  %-8s %8s %4s %9s %9s %7s %11s %7s %5s %7s\n", "", "", "", "sim min", "sim min", "", "after s", "up s", "", "")
	for _, p := range ps {
		noop := "-"
		if p.NoopUp != nil {
			noop = fmt.Sprintf("%.2f", p.NoopUp.WallS)
		}
		par := parallelText(p.Parallel)
		if p.Parallel == 0 {
			par = fmt.Sprintf("def(%d)", p.EffectivePar)
		}
		fmt.Printf("  %-8s %8s %4d %9.2f %9.2f %7.3f %11.1f %7s %5d %7d\n", p.Platform, par, p.Resources,
			p.ProvisionedMin, p.LowerBoundMin, p.Ratio, p.EngineStartS, noop, p.MaxConcurrency, p.NodeGroupWaves)
	}
	fmt.Printf("  provision: first create start → last create end; crit path: the lower bound, the longest chain of the\n" +
		"  edges the engine honours (state dependencies, parents, components' children) under the simulator's table;\n" +
		"  first create after: from the start of `pulumi up` (engine, plugins, Construct); conc: most creates at once;\n" +
		"  ng waves: how many waves the node groups started in (1: all together)\n")
	for _, p := range ps {
		if p.StateOnlyMin < p.LowerBoundMin-0.005 {
			fmt.Printf("  %s: the state's edges alone give %.2f sim min; parent and component edges add %.2f\n", p.Platform, p.StateOnlyMin, p.LowerBoundMin-p.StateOnlyMin)
		}
	}
	for _, p := range ps {
		if !p.detail {
			continue
		}
		fmt.Printf("\n  %s (--parallel %s): critical path %.2f simulated min (scale %g: %.1f s); provisioning %.2f (%.1f s); engine start-up before the first create %.1f s\n",
			p.Platform, parallelText(p.Parallel), p.LowerBoundMin, p.Scale, p.LowerBoundS, p.ProvisionedMin, p.ProvisioningS, p.EngineStartS)
		printSteps(p.CriticalPath)
		printEdgeCosts(p.EdgeCosts)
		if !sameChain(p.CriticalPath, p.ObservedChain) {
			fmt.Printf("  observed chain (walking back from the last create through the dependency that ended last):\n")
			printSteps(p.ObservedChain)
		} else {
			fmt.Printf("  the observed chain (walking back from the last create) is the critical path\n")
		}
		gp := p.Gap
		verdict := "no needless serialization: the gap is engine scheduling and operation overhead"
		if gp.FlaggedSlackMS > 0 {
			verdict = fmt.Sprintf("%.0f ms of it in waits above %d ms with every dependency done (marked !): the engine's --parallel slots full, engine or plugin busy, or a late registration (an Apply, an invoke); not an edge of the graph", gp.FlaggedSlackMS, flagSlackMS(p.Scale))
		}
		if gp.ChainShortMS < -1 {
			verdict += fmt.Sprintf("; the bounding chain is %.0f ms shorter than the critical path (it is not the graph's longest path)", -gp.ChainShortMS)
		}
		fmt.Printf("  gap %+.0f ms = slack %.0f ms + operation overrun %.0f ms + chain vs critical path %+.0f ms\n  → %s\n",
			gp.GapMS, gp.SlackMS, gp.OverrunMS, gp.ChainShortMS, verdict)
	}
}

func sameChain(a, b []PathStep) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Name != b[i].Name || a[i].Type != b[i].Type {
			return false
		}
	}
	return true
}

func printSteps(steps []PathStep) {
	fmt.Printf("    %-34s %-16s %7s %8s %8s %8s %7s  %s\n", "resource", "type", "sim min", "start ms", "took ms", "nominal", "slack", "waited for")
	for _, s := range steps {
		mark := ""
		if s.SlackFlag {
			mark = " !"
		}
		fmt.Printf("    %-34s %-16s %7.2f %8d %8d %8.0f %7d%s  %s\n", abbreviate(s.Name, 34), abbreviate(shortType(s.Type), 16),
			s.Minutes, s.StartMS, s.ActualMS, s.NominalMS, s.SlackMS, mark, s.WaitedFor)
	}
}

func shortType(t string) string {
	if i := strings.LastIndex(t, ":"); i >= 0 {
		return t[i+1:]
	}
	return t
}

func abbreviate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n-1] + "…"
}
