// Command demo runs an example platform (SCENARIOS.md #1/#2: three node groups,
// a Fargate profile, EKS and Helm add-ons) through the real Pulumi engine
// against the SIMULATED cloud, and prints the resource tree, the creation
// waves, the simulated provisioning time next to its lower bound, a second
// no-op up, and the destroy. `make demo` builds the binaries it needs first.
//
//	go run ./cmd/demo [-scale 0.005] [-keep]
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/eksplatform/pulumi-eksplatform/sdk/go/eksplatform"
	"github.com/eksplatform/pulumi-eksplatform/tools/internal/journal"
	"github.com/eksplatform/pulumi-eksplatform/tools/internal/runner"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

func main() {
	// At smaller scales the engine's own per-operation overhead (tens of ms) becomes a
	// visible share of a simulated minute and the ratio to the lower bound says more
	// about the engine than about the platform.
	scale := flag.Float64("scale", 0.02, "SIMCLOUD_SCALE: real seconds per simulated second (0.02: a 9-minute cluster takes 10.8 s)")
	keep := flag.Bool("keep", false, "keep the platform (skip the destroy) and the workspace folder")
	parallel := flag.Int("parallel", 64, "pulumi up --parallel (0: the engine's default, 4 per core, which a large platform on 2 cores outgrows)")
	flag.Parse()
	if err := run(*scale, *parallel, *keep); err != nil {
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
		KubernetesVersion: pulumi.String("1.33"),
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

func run(scale float64, parallel int, keep bool) error {
	ctx := context.Background()
	ws, err := runner.NewWorkspace(runner.Options{Scale: scale})
	if err != nil {
		return err
	}
	if !keep {
		defer ws.Close()
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
	_, g, err := s.Export(ctx)
	if err != nil {
		return err
	}
	j, err := ws.ReadJournal()
	if err != nil {
		return err
	}
	printTree(g)
	printWaves(j.Creates().Entries, scale)

	lb, path := g.CriticalPath(journal.Minutes)
	sim := journal.SimMinutes(up.Elapsed, scale)
	t0, t1 := j.Creates().Span()
	cloud := journal.SimMinutes(time.Duration(t1-t0)*time.Millisecond, scale)
	fmt.Printf("Simulated provisioning time: %.1f min (first create to last; the whole `pulumi up` with engine start-up: %.1f min)\n", cloud, sim)
	fmt.Printf("Lower bound (critical path): %.1f min   ratio %.2f\n", lb, cloud/lb)
	var chain []string
	for _, n := range path {
		chain = append(chain, fmt.Sprintf("%s (%s)", n.Name, mins(journal.Minutes(n))))
	}
	fmt.Printf("  critical path: %s\n\n", strings.Join(chain, " -> "))

	n := j.Len()
	fmt.Println("pulumi up (again) ...")
	up2, err := s.Up(ctx)
	if err != nil {
		return fmt.Errorf("second up: %w", err)
	}
	j2, _ := ws.ReadJournal()
	fmt.Printf("  %s; %d cloud operations\n\n", changeLine(up2), j2.Since(n).Mutations().Len())

	if keep {
		fmt.Printf("-keep: platform left in place; workspace %s (backend %s, journal %s)\n", ws.Dir, ws.Backend, ws.Journal)
		return nil
	}
	fmt.Println("pulumi destroy ...")
	d, err := s.Destroy(ctx)
	if err != nil {
		return fmt.Errorf("destroy: %w", err)
	}
	fmt.Printf("  %s\n", changeLine(d))
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

// printWaves prints the creates grouped into waves by start time.
func printWaves(creates []journal.Entry, scale float64) {
	if len(creates) == 0 {
		return
	}
	t0, _ := journal.New(creates).Span()
	slack := int64(float64(time.Minute.Milliseconds()) * scale * 0.05) // 3 simulated seconds
	slack = max(slack, 15)
	fmt.Println("Creation waves (simulated minutes from the first create):")
	for i, w := range journal.WavesByTime(creates, slack) {
		start := journal.SimMinutes(time.Duration(w.StartMS-t0)*time.Millisecond, scale)
		dur := journal.SimMinutes(w.Duration(), scale)
		counts := map[string]int{}
		var kinds []string
		for _, e := range w.Entries {
			k := shortType(e.Type)
			if counts[k] == 0 {
				kinds = append(kinds, k)
			}
			counts[k]++
		}
		var parts []string
		for _, k := range kinds {
			if counts[k] > 1 {
				parts = append(parts, fmt.Sprintf("%d %s", counts[k], k))
			} else {
				parts = append(parts, k)
			}
		}
		fmt.Printf("  %2d  at %5.1f  for %5.1f min  %s\n", i+1, start, dur, abbreviate(strings.Join(parts, ", "), 90))
	}
	fmt.Println()
}

// shortType turns aws:eks/nodeGroup:NodeGroup into NodeGroup.
func shortType(t string) string {
	if i := strings.LastIndex(t, ":"); i >= 0 {
		return t[i+1:]
	}
	return t
}
