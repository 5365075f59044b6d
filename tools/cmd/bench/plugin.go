package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Plugin is section 3.
type Plugin struct {
	Path          string    `json:"path"`
	BinaryBytes   int64     `json:"binary_bytes"`
	ColdStartMS   float64   `json:"cold_start_ms_median"`
	ColdStartRuns []float64 `json:"cold_start_ms_runs"`
	Port          int       `json:"port"`
	PeakRSSBytes  int64     `json:"peak_rss_bytes"` // max VmHWM during the large platform's up
	PeakRSSProcs  int       `json:"peak_rss_processes"`
}

// coldStart execs the plugin and times it until it prints its port.
func coldStart(ctx context.Context, path string) (time.Duration, int, error) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, path)
	cmd.Stderr = nil
	cmd.Env = os.Environ()
	out, err := cmd.StdoutPipe()
	if err != nil {
		return 0, 0, err
	}
	t0 := time.Now()
	if err := cmd.Start(); err != nil {
		return 0, 0, err
	}
	defer func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	}()
	line, err := bufio.NewReader(out).ReadString('\n')
	d := time.Since(t0)
	if err != nil {
		return 0, 0, fmt.Errorf("%s printed no port: %w", path, err)
	}
	port, err := strconv.Atoi(strings.TrimSpace(line))
	if err != nil {
		return 0, 0, fmt.Errorf("%s: first line %q is not a port", path, line)
	}
	return d, port, nil
}

func measurePlugin(ctx context.Context, path string, runs int) (*Plugin, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	p := &Plugin{Path: path, BinaryBytes: st.Size()}
	// One unmeasured run warms the page cache: the figure is a start from a
	// warm disk, as on the second and later `pulumi up` of a session.
	if _, _, err := coldStart(ctx, path); err != nil {
		return nil, err
	}
	for range runs {
		d, port, err := coldStart(ctx, path)
		if err != nil {
			return nil, err
		}
		p.Port = port
		p.ColdStartRuns = append(p.ColdStartRuns, float64(d.Microseconds())/1000)
	}
	p.ColdStartMS = median(p.ColdStartRuns)
	return p, nil
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}
