// Command bench measures EksPlatform and prints four figures, writing them as
// JSON to .bench/results.json (gitignored) at the repository root:
//
//  1. simulated provisioning through the real engine (bin/pulumi) against the
//     simulated cloud, for the platforms of tools/internal/platforms (the
//     default one, a large one, and one with 30 node groups and ten
//     releases), at the --parallel the shipped programs use and at the
//     engine's default: provisioning (first create → last create end), the
//     lower bound (the critical path of the edges the engine honours:
//     the state's dependencies, parents and components' children, under the
//     same duration table), their ratio, up start → first create, and an
//     analysis of the gap;
//  2. Construct cost: the Go benchmarks of provider/pkg/platform (ns/op,
//     allocs/op) and their growth per node group and per Helm release;
//  3. the plugin: cold start until it prints its port, binary size, peak RSS
//     during the large platform's `pulumi up`;
//  4. a no-op `pulumi up` of the default and the large platform: wall time.
//
// Benchmarks report figures; nothing here fails on a time. `make bench` builds
// the binaries first (make build tools).
//
//	go run ./cmd/bench [-scale 0.02] [-parallel 32] [-quick] [-out ../.bench/results.json]
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/eksplatform/pulumi-eksplatform/tools/internal/platforms"
	"github.com/eksplatform/pulumi-eksplatform/tools/internal/runner"
)

// Results is what .bench/results.json holds.
type Results struct {
	Time         time.Time          `json:"time"`
	Machine      Machine            `json:"machine"`
	Command      string             `json:"command"`
	Scale        float64            `json:"scale"`
	Parallel     int                `json:"parallel"` // pulumi up --parallel of the main runs; each run records its own
	Provisioning []*Provisioning    `json:"provisioning"`
	Construct    []ConstructBench   `json:"construct"`
	Growth       []Growth           `json:"construct_growth"`
	ConstructCmd string             `json:"construct_command"`
	Plugin       *Plugin            `json:"plugin"`
	NoopUp       map[string]*NoopUp `json:"noop_up"`      // by platform
	LoadAverage  []string           `json:"load_average"` // /proc/loadavg (1, 5, 15 min) at the start and at the end
	Errors       map[string]string  `json:"errors,omitempty"`
	ElapsedS     float64            `json:"elapsed_s"`
}

// Machine describes where the figures were taken.
type Machine struct {
	Cores     int    `json:"cores"`
	CPU       string `json:"cpu"`
	GoVersion string `json:"go_version"`
	OS        string `json:"os"`
	Arch      string `json:"arch"`
	Pulumi    string `json:"pulumi"`
	Commit    string `json:"commit"`
}

func main() {
	scale := flag.Float64("scale", 0.02, "SIMCLOUD_SCALE for section 1: real seconds per simulated second (0.02: a 9-minute cluster takes 10.8 s)")
	quick := flag.Bool("quick", false, "a quicker, noisier run: scale 0.01 (unless -scale is given), shorter benchmarks, 3 cold starts, no runs at the engine's default --parallel but the 30-node-group one")
	out := flag.String("out", "", "where to write the JSON (default <repo>/.bench/results.json)")
	benchtime := flag.String("benchtime", "", "go test -benchtime for the Construct benchmarks (default 1s, -quick 200ms)")
	runs := flag.Int("coldstarts", 0, "plugin cold starts to take the median of (default 5, -quick 3)")
	// The engine's default --parallel is 4 per core (8 on 2 cores): a platform has more
	// independent operations than that in flight, all waiting on AWS, not on the CPU. The
	// shipped programs (examples/automation, docs/reference.md's instructions) pass 32; every
	// platform is also measured at the engine's default.
	parallel := flag.Int("parallel", 32, "pulumi up --parallel of the main runs (the shipped programs' setting; 0: the engine's default, 4 per core)")
	flag.Parse()
	scaleSet := false
	flag.Visit(func(f *flag.Flag) { scaleSet = scaleSet || f.Name == "scale" })
	if *quick && !scaleSet {
		*scale = 0.01
	}
	if *benchtime == "" {
		*benchtime = "1s"
		if *quick {
			*benchtime = "200ms"
		}
	}
	if *runs == 0 {
		*runs = 5
		if *quick {
			*runs = 3
		}
	}
	if err := run(*scale, *parallel, *quick, *benchtime, *runs, *out); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// benchRuns are section 1's ups: every platform at parallel and at the
// engine's default (0), the 30-node-group one first at the default, where it
// is bound by the engine's slots. -quick keeps the 30-node-group pair only.
func benchRuns(parallel int, quick bool) []benchRun {
	rs := []benchRun{
		{Platform: platforms.Default, Parallel: parallel, Noop: true, Detail: true},
		{Platform: platforms.Large, Parallel: parallel, Noop: true, RSS: true, Detail: true},
		{Platform: platforms.Nodes30, Parallel: 0, Detail: true},
		{Platform: platforms.Nodes30, Parallel: parallel},
	}
	if parallel != 0 && !quick {
		rs = append(rs,
			benchRun{Platform: platforms.Default, Parallel: 0},
			benchRun{Platform: platforms.Large, Parallel: 0})
	}
	if parallel == 0 { // the main runs are already at the default
		rs = rs[:3]
	}
	return rs
}

func run(scale float64, parallel int, quick bool, benchtime string, runs int, out string) error {
	ctx := context.Background()
	start := time.Now()
	repo, bin, err := runner.BinDir()
	if err != nil {
		return err
	}
	if out == "" {
		out = filepath.Join(repo, ".bench", "results.json")
	}
	res := &Results{
		Time: start.UTC(), Machine: machine(repo, bin), Scale: scale, Parallel: parallel,
		Command: "make bench (cd tools && go run ./cmd/bench " + strings.Join(os.Args[1:], " ") + ")",
		Errors:  map[string]string{}, NoopUp: map[string]*NoopUp{},
	}
	res.Command = strings.TrimSpace(strings.Replace(res.Command, " )", ")", 1))
	m := res.Machine
	fmt.Printf("EksPlatform bench: %d cores (%s), %s %s/%s, pulumi %s, commit %s\n", m.Cores, m.CPU, m.GoVersion, m.OS, m.Arch, m.Pulumi, m.Commit)
	fmt.Printf("Simulated cloud (never AWS) at SIMCLOUD_SCALE %g: 1 simulated minute = %s real; pulumi up --parallel %s and the engine's default (%d here)\n",
		scale, time.Duration(float64(time.Minute)*scale).Round(time.Millisecond), parallelText(parallel), effectiveParallel(0))
	res.LoadAverage = append(res.LoadAverage, loadAverage())
	fmt.Printf("Load average at the start: %s\n\n", res.LoadAverage[0])

	// 1 and 4 (and the RSS of 3): the engine runs.
	var rss int64
	var rssProcs int
	fmt.Println("1. Provisioning through the real engine: first create start → last create end, against the critical path")
	for _, r := range benchRuns(parallel, quick) {
		key := fmt.Sprintf("provisioning/%s@%s", r.Platform.Name, parallelText(r.Parallel))
		fmt.Printf("   pulumi up (%s, --parallel %s) ...\n", r.Platform.Name, parallelText(r.Parallel))
		p, peak, procs, err := provision(ctx, r, scale)
		if err != nil {
			res.Errors[key] = err.Error()
			fmt.Fprintf(os.Stderr, "   %s: %v\n", key, err)
			continue
		}
		if r.RSS {
			rss, rssProcs = peak, procs
		}
		p.detail = r.Detail
		res.Provisioning = append(res.Provisioning, p)
		if p.NoopUp != nil {
			res.NoopUp[r.Platform.Name] = p.NoopUp
		}
	}
	printProvisioning(res.Provisioning)
	fmt.Println()

	fmt.Println("2. Construct cost under mocks (Go benchmarks of provider/pkg/platform)")
	bs, cmdline, err := constructBenchmarks(ctx, repo, benchtime)
	res.ConstructCmd = cmdline
	fmt.Printf("   %s\n", cmdline)
	if err != nil {
		res.Errors["construct"] = err.Error()
		fmt.Fprintf(os.Stderr, "   %v\n", err)
	} else {
		res.Construct, res.Growth = bs, growth(bs)
		printConstruct(res.Construct, res.Growth)
	}
	fmt.Println()

	fmt.Println("3. The plugin")
	plugin, err := measurePlugin(ctx, filepath.Join(bin, "pulumi-resource-eksplatform"), runs)
	if err != nil {
		res.Errors["plugin"] = err.Error()
		fmt.Fprintf(os.Stderr, "   %v\n", err)
	} else {
		plugin.PeakRSSBytes, plugin.PeakRSSProcs = rss, rssProcs
		res.Plugin = plugin
		fmt.Printf("  %-52s %10.1f ms   (runs: %s)\n", "cold start until it prints its port (median)", plugin.ColdStartMS, fmtRuns(plugin.ColdStartRuns))
		fmt.Printf("  %-52s %10.1f MB   (%d bytes)\n", "binary size", float64(plugin.BinaryBytes)/1e6, plugin.BinaryBytes)
		if rss > 0 {
			fmt.Printf("  %-52s %10.1f MB   (VmHWM, %d plugin process(es) seen)\n", "peak RSS during the large platform's Construct (up)", float64(rss)/1e6, rssProcs)
		} else {
			fmt.Printf("  %-52s %10s\n", "peak RSS during the large platform's Construct (up)", "not seen")
		}
	}
	fmt.Println()

	fmt.Println("4. No-op `pulumi up` (second up, nothing changed)")
	for _, name := range []string{platforms.Default.Name, platforms.Large.Name} {
		n := res.NoopUp[name]
		if n == nil {
			fmt.Printf("  %-8s not run (its first up failed)\n", name)
			continue
		}
		state := "0 changes"
		if !n.Noop {
			state = fmt.Sprintf("UNEXPECTED CHANGES %v", n.Changes)
			res.Errors["noop_up/"+name] = state
		}
		fmt.Printf("  %-8s %-43s %10.2f s    (%s, %d unchanged)\n", name, "the `pulumi up` command", n.WallS, state, n.Changes["same"])
		fmt.Printf("  %-8s %-43s %10.2f s    (%s)\n", "", "Automation API Up (the command, then reads)", n.AutoUpS, strings.Join(n.Commands, "; "))
	}
	res.LoadAverage = append(res.LoadAverage, loadAverage())
	fmt.Printf("\nLoad average at the end: %s\n", res.LoadAverage[1])
	fmt.Println()

	res.ElapsedS = time.Since(start).Seconds()
	if len(res.Errors) == 0 {
		res.Errors = nil
	}
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		return err
	}
	b, err := json.MarshalIndent(res, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(out, append(b, '\n'), 0o644); err != nil {
		return err
	}
	fmt.Printf("Wrote %s (%.0f s in all)\n", out, res.ElapsedS)
	if len(res.Errors) > 0 {
		return errors.New("some measurements failed (see above and the errors field)")
	}
	return nil
}

func fmtRuns(xs []float64) string {
	var s []string
	for _, x := range xs {
		s = append(s, fmt.Sprintf("%.0f", x))
	}
	return strings.Join(s, " ")
}

func machine(repo, bin string) Machine {
	m := Machine{Cores: runtime.NumCPU(), GoVersion: runtime.Version(), OS: runtime.GOOS, Arch: runtime.GOARCH}
	if b, err := exec.Command("go", "env", "GOVERSION").Output(); err == nil {
		m.GoVersion = strings.TrimSpace(string(b))
	}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(l, ":"); ok && strings.TrimSpace(k) == "model name" {
				m.CPU = strings.TrimSpace(v)
				break
			}
		}
	}
	if b, err := exec.Command(filepath.Join(bin, "pulumi"), "version").Output(); err == nil {
		m.Pulumi = strings.TrimSpace(string(b))
	}
	cmd := exec.Command("git", "rev-parse", "--short", "HEAD")
	cmd.Dir = repo
	if b, err := cmd.Output(); err == nil {
		m.Commit = strings.TrimSpace(string(b))
		st := exec.Command("git", "status", "--porcelain", "--untracked-files=no")
		st.Dir = repo
		if o, err := st.Output(); err == nil && len(strings.TrimSpace(string(o))) > 0 {
			m.Commit += "-dirty"
		}
	}
	return m
}

func parallelText(n int) string {
	if n == 0 {
		return "default"
	}
	return fmt.Sprint(n)
}

// loadAverage is /proc/loadavg's first three fields: other work on the
// machine stretches wall times (simulated minutes much less).
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}
