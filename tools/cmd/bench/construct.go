package main

import (
	"bufio"
	"context"
	"fmt"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// ConstructBench is one Go benchmark line of provider/pkg/platform/bench_test.go.
type ConstructBench struct {
	Name      string  `json:"name"`  // e.g. BenchmarkConstructNodeGroups/nodeGroups=10
	Param     string  `json:"param"` // nodeGroups, helmReleases
	N         int     `json:"n"`
	Iters     int64   `json:"iterations"`
	NsOp      float64 `json:"ns_op"`
	BOp       float64 `json:"b_op"`
	AllocsOp  float64 `json:"allocs_op"`
	Resources float64 `json:"resources"`
}

// Growth is the cost of one more unit over two successive steps: linear
// growth has the same per-unit cost on both (ratio ≈ 1).
type Growth struct {
	Param         string  `json:"param"`
	From, Mid, To int     `json:"-"`
	Steps         string  `json:"steps"`          // "1→10, 10→100"
	NsPerUnitLo   float64 `json:"ns_per_unit_lo"` // (ns[mid] − ns[from]) / (mid − from)
	NsPerUnitHi   float64 `json:"ns_per_unit_hi"` // (ns[to] − ns[mid]) / (to − mid)
	NsRatio       float64 `json:"ns_ratio"`       // hi / lo
	AllocsPerLo   float64 `json:"allocs_per_unit_lo"`
	AllocsPerHi   float64 `json:"allocs_per_unit_hi"`
	AllocsRatio   float64 `json:"allocs_ratio"`
	ResPerUnitLo  float64 `json:"resources_per_unit_lo"`
	ResPerUnitHi  float64 `json:"resources_per_unit_hi"`
	NsPerResource float64 `json:"ns_per_resource_at_max"`
}

var benchLine = regexp.MustCompile(`^(Benchmark\S+?)(?:-\d+)?\s+(\d+)\s+(.*)$`)
var benchParam = regexp.MustCompile(`/(\w+)=(\d+)$`)

// constructBenchmarks runs the Construct benchmarks from the repository root.
func constructBenchmarks(ctx context.Context, repo, benchtime string) ([]ConstructBench, string, error) {
	args := []string{"test", "-run", "^$", "-bench", "BenchmarkConstruct", "-benchmem", "-count", "1", "-benchtime", benchtime, "./provider/pkg/platform"}
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = repo
	cmd.WaitDelay = 10 * time.Second
	out, err := cmd.CombinedOutput()
	command := "go " + strings.Join(args, " ")
	if err != nil {
		return nil, command, fmt.Errorf("%s: %w\n%s", command, err, out)
	}
	bs := parseBenchmarks(string(out))
	if len(bs) == 0 {
		return nil, command, fmt.Errorf("%s printed no benchmark lines:\n%s", command, out)
	}
	return bs, command, nil
}

func parseBenchmarks(out string) []ConstructBench {
	var bs []ConstructBench
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		m := benchLine.FindStringSubmatch(strings.TrimSpace(sc.Text()))
		if m == nil {
			continue
		}
		b := ConstructBench{Name: m[1]}
		b.Iters, _ = strconv.ParseInt(m[2], 10, 64)
		if pm := benchParam.FindStringSubmatch(b.Name); pm != nil {
			b.Param = pm[1]
			b.N, _ = strconv.Atoi(pm[2])
		}
		f := strings.Fields(m[3])
		for i := 0; i+1 < len(f); i += 2 {
			v, err := strconv.ParseFloat(f[i], 64)
			if err != nil {
				continue
			}
			switch f[i+1] {
			case "ns/op":
				b.NsOp = v
			case "B/op":
				b.BOp = v
			case "allocs/op":
				b.AllocsOp = v
			case "resources":
				b.Resources = v
			}
		}
		bs = append(bs, b)
	}
	return bs
}

// growth computes per-unit costs over each parameter's three sizes.
func growth(bs []ConstructBench) []Growth {
	byParam := map[string][]ConstructBench{}
	var order []string
	for _, b := range bs {
		if b.Param == "" {
			continue
		}
		if byParam[b.Param] == nil {
			order = append(order, b.Param)
		}
		byParam[b.Param] = append(byParam[b.Param], b)
	}
	var out []Growth
	for _, p := range order {
		l := byParam[p]
		if len(l) < 3 {
			continue
		}
		a, m, z := l[0], l[len(l)/2], l[len(l)-1]
		lo, hi := float64(m.N-a.N), float64(z.N-m.N)
		g := Growth{
			Param: p, From: a.N, Mid: m.N, To: z.N,
			Steps:        fmt.Sprintf("%d→%d, %d→%d", a.N, m.N, m.N, z.N),
			NsPerUnitLo:  (m.NsOp - a.NsOp) / lo,
			NsPerUnitHi:  (z.NsOp - m.NsOp) / hi,
			AllocsPerLo:  (m.AllocsOp - a.AllocsOp) / lo,
			AllocsPerHi:  (z.AllocsOp - m.AllocsOp) / hi,
			ResPerUnitLo: (m.Resources - a.Resources) / lo,
			ResPerUnitHi: (z.Resources - m.Resources) / hi,
		}
		if g.NsPerUnitLo != 0 {
			g.NsRatio = g.NsPerUnitHi / g.NsPerUnitLo
		}
		if g.AllocsPerLo != 0 {
			g.AllocsRatio = g.AllocsPerHi / g.AllocsPerLo
		}
		if z.Resources > 0 {
			g.NsPerResource = z.NsOp / z.Resources
		}
		out = append(out, g)
	}
	return out
}

func printConstruct(bs []ConstructBench, gs []Growth) {
	fmt.Printf("  %-44s %9s %12s %12s %11s %9s\n", "benchmark", "resources", "ms/op", "MB/op", "allocs/op", "iters")
	for _, b := range bs {
		fmt.Printf("  %-44s %9.0f %12.2f %12.2f %11.0f %9d\n", b.Name, b.Resources, b.NsOp/1e6, b.BOp/1e6, b.AllocsOp, b.Iters)
	}
	fmt.Println()
	fmt.Printf("  per extra unit    %-16s %13s %13s %7s %14s %14s %7s %9s\n", "steps", "µs/unit lo", "µs/unit hi", "ratio", "allocs/unit lo", "allocs/unit hi", "ratio", "res/unit")
	for _, g := range gs {
		fmt.Printf("  %-17s %-16s %13.1f %13.1f %7.2f %14.0f %14.0f %7.2f %4.0f/%-4.0f\n", g.Param, g.Steps,
			g.NsPerUnitLo/1e3, g.NsPerUnitHi/1e3, g.NsRatio, g.AllocsPerLo, g.AllocsPerHi, g.AllocsRatio, g.ResPerUnitLo, g.ResPerUnitHi)
	}
	fmt.Println("  (linear growth: the cost of one more unit is the same on both steps, ratio ≈ 1)")
}
