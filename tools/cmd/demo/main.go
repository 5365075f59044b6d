// Command demo runs an example platform (SCENARIOS.md #1/#2: three node groups,
// a Fargate profile, EKS and Helm add-ons) through the real Pulumi engine
// against the SIMULATED cloud, and prints the resource tree, when each stage
// ran, the simulated provisioning time next to its lower bound, a second
// no-op up, and the destroy. It writes a picture of the run, a self-contained
// HTML page (bin/demo/timeline.html: every cloud operation of the up and the
// destroy on a timeline, by stage, with the critical path, and the dependency
// graph), and the run itself (bin/demo/run.json) from which -render draws the
// page again. `make demo` builds the binaries it needs first.
//
//	go run ./cmd/demo [-scale 0.005] [-keep] [-out DIR]
//	go run ./cmd/demo -render ../bin/demo/run.json [-out DIR]
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/eksplatform/pulumi-eksplatform/sdk/go/eksplatform"
	"github.com/eksplatform/pulumi-eksplatform/tools/internal/journal"
	"github.com/eksplatform/pulumi-eksplatform/tools/internal/runner"
	"github.com/eksplatform/pulumi-eksplatform/tools/internal/timeline"
	"github.com/eksplatform/pulumi-eksplatform/tools/simcloud"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

func main() {
	// At smaller scales the engine's own per-operation overhead (tens of ms) becomes a
	// visible share of a simulated minute and the ratio to the lower bound says more
	// about the engine than about the platform.
	scale := flag.Float64("scale", 0.02, "SIMCLOUD_SCALE: real seconds per simulated second (0.02: a 9-minute cluster takes 10.8 s)")
	keep := flag.Bool("keep", false, "keep the platform (skip the destroy) and the workspace folder")
	parallel := flag.Int("parallel", 32, "pulumi up --parallel, as examples/ and docs/reference.md run it (0: the engine's default, 4 per core, which queues node groups behind each other)")
	out := flag.String("out", "", "folder for timeline.html and run.json (default <repo>/bin/demo)")
	render := flag.String("render", "", "draw the page again from a run.json the demo wrote, and run nothing")
	flag.Parse()
	var err error
	if *render != "" {
		err = rerender(*render, *out)
	} else {
		err = run(*scale, *parallel, *keep, *out)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "demo:", err)
		os.Exit(1)
	}
}

func platform(ctx *pulumi.Context) error {
	ng := func(name, capacity string, types []string, min, desired, max int) eksplatform.NodeGroupArgs {
		var its pulumi.StringArray
		for _, t := range types {
			its = append(its, pulumi.String(t))
		}
		return eksplatform.NodeGroupArgs{
			Name: pulumi.String(name), CapacityType: pulumi.String(capacity), InstanceTypes: its,
			Scaling: eksplatform.NodeGroupScalingArgs{MinSize: pulumi.Int(min), DesiredSize: pulumi.Int(desired), MaxSize: pulumi.Int(max)},
		}
	}
	system := ng("system", "ON_DEMAND", []string{"m5.large"}, 2, 2, 3)
	system.Taints = eksplatform.TaintArray{eksplatform.TaintArgs{Key: pulumi.String("CriticalAddonsOnly"), Value: pulumi.String("true"), Effect: pulumi.String("NO_SCHEDULE")}}
	batch := ng("batch", "SPOT", []string{"c5.xlarge", "c5a.xlarge"}, 0, 1, 10)
	batch.Labels = pulumi.StringMap{"workload": pulumi.String("batch")}
	p, err := eksplatform.NewEksPlatform(ctx, "demo", &eksplatform.EksPlatformArgs{
		PublicSubnetIds:   pulumi.StringArray{pulumi.String("subnet-0a00000000000001a"), pulumi.String("subnet-0a00000000000002b")},
		PrivateSubnetIds:  pulumi.StringArray{pulumi.String("subnet-0b00000000000001a"), pulumi.String("subnet-0b00000000000002b")},
		PublicAccessCidrs: pulumi.StringArray{pulumi.String("203.0.113.0/24"), pulumi.String("198.51.100.0/24")},
		Admins:            pulumi.StringArray{pulumi.String("arn:aws:iam::123456789012:role/platform-team")},
		LogRetentionDays:  pulumi.Int(90),
		NodeGroups:        eksplatform.NodeGroupArray{system, ng("general", "ON_DEMAND", []string{"m5.large"}, 1, 2, 5), batch},
		FargateProfiles: eksplatform.FargateProfileArray{eksplatform.FargateProfileArgs{
			Name:      pulumi.String("apps"),
			Selectors: eksplatform.FargateSelectorArray{eksplatform.FargateSelectorArgs{Namespace: pulumi.String("apps")}},
		}},
		EksAddons: eksplatform.EksAddonsArgs{EbsCsiDriver: eksplatform.EksAddonArgs{Enabled: pulumi.Bool(true)}},
		Addons: eksplatform.HelmAddonsArgs{
			AwsLoadBalancerController: eksplatform.HelmAddonArgs{Enabled: pulumi.Bool(true)},
			MetricsServer:             eksplatform.HelmAddonArgs{Enabled: pulumi.Bool(true)},
			ClusterAutoscaler:         eksplatform.HelmAddonArgs{Enabled: pulumi.Bool(true)},
			ExternalDns: eksplatform.ExternalDnsAddonArgs{
				Enabled: pulumi.Bool(true), Policy: pulumi.String("sync"),
				HostedZoneIds: pulumi.StringArray{pulumi.String("Z0123456789ABCDEFGHIJ"), pulumi.String("Z0987654321JIHGFEDCBA")},
			},
		},
		Tags: pulumi.StringMap{"team": pulumi.String("platform")},
	})
	if err != nil {
		return err
	}
	ctx.Export("kubeconfig", p.Kubeconfig)
	ctx.Export("clusterName", p.ClusterName)
	return nil
}

// outDir is where the page and the run go: -out, else <repo>/bin/demo
// (gitignored; `make clean` removes it).
func outDir(out string) (string, error) {
	if out == "" {
		repo, err := runner.RepoRoot()
		if err != nil {
			return "", err
		}
		out = filepath.Join(repo, "bin", "demo")
	}
	return out, os.MkdirAll(out, 0o755)
}

func rerender(path, out string) error {
	rec, err := timeline.Load(path)
	if err != nil {
		return err
	}
	if out == "" {
		out = filepath.Dir(path)
	}
	tl := rec.Timeline()
	for _, v := range tl.Views {
		what, from := "the up", "first create"
		if v.Reverse {
			what, from = "the destroy", "first delete"
		}
		printStages(v, rec.Scale, what, from)
	}
	page := filepath.Join(out, "timeline.html")
	if err := tl.WriteFile(page); err != nil {
		return err
	}
	fmt.Printf("Timeline of the run: %s\n", fileURL(page))
	return nil
}

func fileURL(path string) string {
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	return "file://" + path
}

func run(scale float64, parallel int, keep bool, out string) error {
	ctx := context.Background()
	out, err := outDir(out)
	if err != nil {
		return err
	}
	ws, err := runner.NewWorkspace(runner.Options{Scale: scale})
	if err != nil {
		return err
	}
	if !keep {
		defer func() { _ = ws.Close() }()
	}
	fmt.Printf("EksPlatform demo: the real Pulumi engine (bin/pulumi) and component plugin against a SIMULATED cloud\n")
	fmt.Printf("(tools/simcloud plays aws, kubernetes and tls: no AWS account is used; each operation sleeps its\n")
	fmt.Printf("typical AWS duration x %g, so 1 simulated minute = %s)\n\n", scale, simMinute(scale))

	s, err := ws.GoStack(ctx, "demo", "dev", platform)
	if err != nil {
		return err
	}
	s.Parallel = parallel
	fmt.Println("pulumi up ...")
	up, err := s.Up(ctx)
	if err != nil {
		return fmt.Errorf("up: %w", err)
	}
	fmt.Printf("  %s\n\n", changeLine(up))
	notes := []string{"pulumi up: " + changeLine(up)}
	_, g, err := s.Export(ctx)
	if err != nil {
		return err
	}
	j, err := ws.ReadJournal()
	if err != nil {
		return err
	}
	upPhase := timeline.Phase{Name: "pulumi up", Entries: j.Entries}
	printTree(g)
	printStages(timeline.New("", scale, g, upPhase).Views[0], scale, "the up", "first create")

	// The edges the engine honours: the state's, parents, components' children.
	lb, path := g.Ordering().CriticalPath(journal.Minutes)
	sim := journal.SimMinutes(up.Elapsed, scale)
	t0, t1 := j.Creates().Span()
	cloud := journal.SimMinutes(time.Duration(t1-t0)*time.Millisecond, scale)
	var chain []string
	for _, n := range path {
		chain = append(chain, fmt.Sprintf("%s (%s)", n.Name, mins(journal.Minutes(n))))
	}
	summary := []string{
		fmt.Sprintf("Simulated provisioning time: %.1f min (first create to last; the whole `pulumi up` with engine start-up: %.1f min)", cloud, sim),
		fmt.Sprintf("Lower bound (critical path): %.1f min   ratio %.2f", lb, cloud/lb),
		fmt.Sprintf("  critical path: %s", strings.Join(chain, " -> ")),
	}
	fmt.Printf("%s\n\n", strings.Join(summary, "\n"))
	notes = append(notes, summary...)
	apiServers, err := apiServerLines(ws.Journal)
	if err != nil {
		return err
	}
	fmt.Printf("%s\n\n", strings.Join(apiServers, "\n"))
	notes = append(notes, apiServers...)

	n := j.Len()
	fmt.Println("pulumi up (again) ...")
	up2, err := s.Up(ctx)
	if err != nil {
		return fmt.Errorf("second up: %w", err)
	}
	j2, _ := ws.ReadJournal()
	again := fmt.Sprintf("%s; %d cloud operations", changeLine(up2), j2.Since(n).Mutations().Len())
	fmt.Printf("  %s\n\n", again)
	notes = append(notes, "pulumi up (again): "+again)
	cloudResources := 0
	for _, n := range g.Nodes {
		if n.Simulated() {
			cloudResources++
		}
	}
	title := fmt.Sprintf("EksPlatform demo: %d cloud resources, up and destroy, against the simulated cloud (durations x %g)", cloudResources, scale)

	if keep {
		if err := writeRun(out, timeline.NewRecord(title, scale, g, notes, upPhase)); err != nil {
			return err
		}
		fmt.Printf("-keep: platform left in place; workspace %s (backend %s, journal %s)\n", ws.Dir, ws.Backend, ws.Journal)
		return nil
	}
	fmt.Println("pulumi destroy ...")
	d, err := s.Destroy(ctx)
	if err != nil {
		return fmt.Errorf("destroy: %w", err)
	}
	fmt.Printf("  %s\n\n", changeLine(d))
	notes = append(notes, "pulumi destroy: "+changeLine(d))
	j3, err := ws.ReadJournal()
	if err != nil {
		return err
	}
	downPhase := timeline.Phase{Name: "pulumi destroy", Reverse: true, Entries: j3.Since(j2.Len()).Entries}
	printStages(timeline.New("", scale, g, downPhase).Views[0], scale, "the destroy", "first delete")
	return writeRun(out, timeline.NewRecord(title, scale, g, notes, upPhase, downPhase))
}

// apiServerLines say which Kubernetes API server each simulated cluster had: a real
// kube-apiserver, which every Kubernetes object of the platform (not the Helm charts)
// was applied to.
func apiServerLines(journalPath string) ([]string, error) {
	cps, err := simcloud.ControlPlanes(journalPath)
	if err != nil {
		return nil, err
	}
	if len(cps) == 0 {
		return []string{"Kubernetes API server: none (no simulated cluster had one)"}, nil
	}
	var out []string
	for _, c := range cps {
		last := ""
		if n := len(c.Starts); n > 0 {
			last = "; last start: " + c.Starts[n-1]
		}
		out = append(out, fmt.Sprintf("Kubernetes API server of cluster %s: a real kube-apiserver %s (with etcd) at %s, every Kubernetes object of the platform applied to it, Helm charts not rendered%s",
			c.Cluster, c.Version, c.Endpoint, last))
	}
	return out, nil
}

// writeRun writes the run and its page, and says where the page is.
func writeRun(out string, rec *timeline.Record) error {
	if err := rec.Save(filepath.Join(out, "run.json")); err != nil {
		return err
	}
	page := filepath.Join(out, "timeline.html")
	if err := rec.Timeline().WriteFile(page); err != nil {
		return err
	}
	fmt.Printf("Timeline of the run (every cloud operation of the up and the destroy, by stage, the critical path, the\ndependency graph; one self-contained file, open it in a browser):\n  %s\n", fileURL(page))
	return nil
}

func simMinute(scale float64) time.Duration {
	return time.Duration(float64(time.Minute) * scale).Round(time.Millisecond)
}

func mins(m float64) string {
	if m < 0.1 {
		return fmt.Sprintf("%.0fs", m*60)
	}
	return fmt.Sprintf("%.1fm", m)
}

func changeLine(s runner.Summary) string {
	var parts []string
	for _, k := range []string{"create", "same", "update", "replace", "delete"} {
		if v := s.Changes[k]; v > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", v, k))
		}
	}
	if len(parts) == 0 {
		parts = append(parts, "no changes")
	}
	return fmt.Sprintf("%s: %s in %s", s.Op, strings.Join(parts, ", "), s.Elapsed.Round(10*time.Millisecond))
}

// printTree prints the component's children grouped by type.
func printTree(g *journal.Graph) {
	fmt.Println("Resource tree (from the state):")
	var walk func(n *journal.Node, indent string)
	walk = func(n *journal.Node, indent string) {
		kids := g.Children(n.URN)
		fmt.Printf("%s%s %s\n", indent, n.Type, n.Name)
		byType := map[string][]string{}
		var types []string
		var comps []*journal.Node
		for _, k := range kids {
			if !k.Custom {
				comps = append(comps, k)
				continue
			}
			if byType[k.Type] == nil {
				types = append(types, k.Type)
			}
			byType[k.Type] = append(byType[k.Type], strings.TrimPrefix(k.Name, n.Name+"-"))
		}
		sort.Strings(types)
		for _, t := range types {
			names := byType[t]
			sort.Strings(names)
			fmt.Printf("%s  %-58s %2d  %s\n", indent, t, len(names), abbreviate(strings.Join(names, " "), 70))
		}
		for _, c := range comps {
			walk(c, indent+"  ")
		}
	}
	for _, r := range g.Roots() {
		if !r.Custom {
			walk(r, "  ")
		}
	}
	fmt.Println()
}

func abbreviate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n-1] + "…"
}

// printStages prints when each stage of a phase ran, in simulated minutes
// from the phase's first operation, and whether the critical path crosses it.
func printStages(v *timeline.View, scale float64, what, from string) {
	if len(v.Rows) == 0 {
		return
	}
	m := func(ms int64) float64 { return journal.SimMinutes(time.Duration(ms)*time.Millisecond, scale) }
	fmt.Printf("Stages of %s (simulated minutes from the %s; critical: the time the critical path spends there):\n", what, from)
	fmt.Printf("  %-22s %9s  %5s   %5s  %8s  %8s\n", "stage", "resources", "from", "to", "span", "critical")
	for _, s := range v.Spans {
		crit := ""
		if s.Critical {
			crit = timeline.Dur(m(s.CriticalMS))
		}
		fmt.Printf("  %-22s %9d  %5.1f - %5.1f  %8s  %8s  %s\n", s.Stage, s.Resources, m(s.StartMS-v.T0), m(s.EndMS-v.T0),
			timeline.Dur(m(s.EndMS-s.StartMS)), crit, s.Stage.Detail())
	}
	var chain []string
	for _, u := range v.Critical {
		for _, r := range v.Rows {
			if r.URN == u {
				chain = append(chain, fmt.Sprintf("%s (%s)", r.Label, timeline.Dur(m(r.BusyMS()))))
			}
		}
	}
	fmt.Printf("  measured critical path, %s of the %s span: %s\n\n", timeline.Dur(m(v.CriticalMS)), timeline.Dur(m(v.T1-v.T0)), strings.Join(chain, " -> "))
}
