// Command bench measures EksPlatform and prints four figures, writing them as
// JSON to .bench/results.json (gitignored) at the repository root:
//
//  1. simulated provisioning wall time of the default and a large platform
//     through the real engine (bin/pulumi) against the simulated cloud, as a
//     ratio to the lower bound: the critical path of the same resource graph
//     under the same duration table, with an analysis of the gap;
//  2. Construct cost: the Go benchmarks of provider/pkg/platform (ns/op,
//     allocs/op) and their growth per node group and per Helm release;
//  3. the plugin: cold start until it prints its port, binary size, peak RSS
//     during the large platform's `pulumi up`;
//  4. a no-op `pulumi up` of the large platform: wall time.
//
// Benchmarks report figures; nothing here fails on a time. `make bench` builds
// the binaries first (make build tools).
//
//	go run ./cmd/bench [-scale 0.05] [-quick] [-out ../.bench/results.json]
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

	"github.com/eksplatform/pulumi-eksplatform/tools/internal/runner"
)

// Results is what .bench/results.json holds.
type Results struct {
	Time         time.Time         `json:"time"`
	Machine      Machine           `json:"machine"`
	Command      string            `json:"command"`
	Scale        float64           `json:"scale"`
	Parallel     int               `json:"parallel"` // pulumi up --parallel; 0 is the engine's default
	Provisioning []*Provisioning   `json:"provisioning"`
	Construct    []ConstructBench  `json:"construct"`
	Growth       []Growth          `json:"construct_growth"`
	ConstructCmd string            `json:"construct_command"`
	Plugin       *Plugin           `json:"plugin"`
	NoopUp       *NoopUp           `json:"noop_up"`
	Errors       map[string]string `json:"errors,omitempty"`
	ElapsedS     float64           `json:"elapsed_s"`
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
	scale := flag.Float64("scale", 0.05, "SIMCLOUD_SCALE for section 1: real seconds per simulated second (0.05: a 9-minute cluster takes 27 s)")
	quick := flag.Bool("quick", false, "a quicker, noisier run: scale 0.01 (unless -scale is given), shorter benchmarks, 3 cold starts")
	out := flag.String("out", "", "where to write the JSON (default <repo>/.bench/results.json)")
	benchtime := flag.String("benchtime", "", "go test -benchtime for the Construct benchmarks (default 1s, -quick 200ms)")
	runs := flag.Int("coldstarts", 0, "plugin cold starts to take the median of (default 5, -quick 3)")
	// The engine's default --parallel is 4 per core (8 here): the large platform has more
	// independent operations than that in flight, and the critical path assumes no such
	// cap. Simulated operations are sleeps, so a higher cap costs nothing; 0 measures
	// the engine's default.
	parallel := flag.Int("parallel", 64, "pulumi up --parallel for section 1 (0: the engine's default, 4 per core)")
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
	if err := run(*scale, *parallel, *benchtime, *runs, *out); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run(scale float64, parallel int, benchtime string, runs int, out string) error {
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
		Errors:  map[string]string{},
	}
	res.Command = strings.TrimSpace(strings.Replace(res.Command, " )", ")", 1))
	m := res.Machine
	fmt.Printf("EksPlatform bench: %d cores (%s), %s %s/%s, pulumi %s, commit %s\n", m.Cores, m.CPU, m.GoVersion, m.OS, m.Arch, m.Pulumi, m.Commit)
	fmt.Printf("Simulated cloud (never AWS) at SIMCLOUD_SCALE %g: 1 simulated minute = %s real; pulumi up --parallel %s\n\n",
		scale, time.Duration(float64(time.Minute)*scale).Round(time.Millisecond), parallelText(parallel))

	// 1 and 4 (and the RSS of 3): the engine runs.
	var rss int64
	var rssProcs int
	fmt.Println("1. Provisioning through the real engine: first create start → last create end, against the critical path")
	for _, def := range platforms {
		large := def.Name == "large"
		var rp *int64
		var np *int
		if large {
			rp, np = &rss, &rssProcs
		}
		fmt.Printf("   pulumi up (%s) ...\n", def.Name)
		p, err := provision(ctx, def, scale, parallel, large, rp, np)
		if err != nil {
			res.Errors["provisioning/"+def.Name] = err.Error()
			fmt.Fprintf(os.Stderr, "   %s: %v\n", def.Name, err)
			continue
		}
		res.Provisioning = append(res.Provisioning, p)
		if p.NoopUp != nil {
			res.NoopUp = p.NoopUp
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

	fmt.Println("4. No-op `pulumi up` of the large platform (second up, nothing changed)")
	if n := res.NoopUp; n != nil {
		state := "0 changes"
		if !n.Noop {
			state = fmt.Sprintf("UNEXPECTED CHANGES %v", n.Changes)
			res.Errors["noop_up"] = state
		}
		fmt.Printf("  %-52s %10.2f s    (%s, %d unchanged)\n", "wall time", n.WallS, state, n.Changes["same"])
	} else {
		fmt.Println("  not run (the large platform's up failed)")
	}
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
		return "default (4 per core)"
	}
	return fmt.Sprint(n)
}
