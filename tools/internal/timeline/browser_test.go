package timeline

import (
	"bytes"
	"context"
	"fmt"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// chromium finds Debian's chromium; the test skips only when it is not
// installed (.ci/run installs it, so CI never skips).
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skip("chromium is not installed, so the page is not checked in a browser: `apt-get update && apt-get install -y chromium` (.ci/run does)")
	return ""
}

// headless runs chromium on the page with extra arguments (--dump-dom,
// --screenshot=...) and returns its standard output.
func headless(t *testing.T, bin, page string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	argv := append([]string{
		"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir=" + t.TempDir(), "--window-size=1400,900",
	}, args...)
	argv = append(argv, "file://"+page)
	cmd := exec.CommandContext(ctx, bin, argv...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %s: %v\n%s", bin, strings.Join(args, " "), err, tail(stderr.String(), 2000))
	}
	return stdout.String()
}

func tail(s string, n int) string {
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}

// TestPageInBrowser renders the page of a recorded demo run
// (testdata/run.json, written by `go run ./cmd/demo`) in headless chromium and
// checks the DOM after its script ran: one row per resource and one bar per
// operation in each phase, the critical path's rows, line and graph edges,
// and the script's own layout check. It also takes a screenshot and checks
// that the stages' colours are on it. TIMELINE_SCREENSHOT=<path> keeps it.
func TestPageInBrowser(t *testing.T) {
	bin := chromium(t)
	rec, err := Load(filepath.Join("testdata", "run.json"))
	if err != nil {
		t.Fatal(err)
	}
	tl := rec.Timeline()
	if len(tl.Views) != 2 {
		t.Fatalf("the fixture should hold an up and a destroy, has %d phases", len(tl.Views))
	}
	dir := t.TempDir()
	page := filepath.Join(dir, "timeline.html")
	if err := tl.WriteFile(page); err != nil {
		t.Fatal(err)
	}

	dom := headless(t, bin, page, "--dump-dom")
	body := regexp.MustCompile(`<body[^>]*>`).FindString(dom)
	if !strings.Contains(body, `data-rendered="ok"`) {
		m := regexp.MustCompile(`data-problems="([^"]*)"`).FindStringSubmatch(body)
		t.Fatalf("the page's script did not finish cleanly: body %s; problems: %v", body, m)
	}
	bars := 0
	for _, v := range tl.Views {
		svg := section(t, dom, `<svg class="gantt" data-phase="`+v.Name+`"`, "</svg>")
		ops := 0
		for _, r := range v.Rows {
			ops += len(r.Ops)
		}
		bars += ops
		if n := strings.Count(svg, `<g class="row`); n != len(v.Rows) {
			t.Errorf("%s: %d rows in the DOM, want %d (one per resource)", v.Name, n, len(v.Rows))
		}
		if n := strings.Count(svg, `<rect class="bar `); n != ops {
			t.Errorf("%s: %d bars, want %d (one per operation)", v.Name, n, ops)
		}
		if n := strings.Count(svg, `<g class="stage"`); n != len(v.Spans) {
			t.Errorf("%s: %d stage headers, want %d", v.Name, n, len(v.Spans))
		}
		if len(v.Critical) < 2 {
			t.Fatalf("%s: a critical path of %d resources", v.Name, len(v.Critical))
		}
		if n := strings.Count(svg, `<g class="row crit"`); n != len(v.Critical) {
			t.Errorf("%s: %d critical rows, want %d", v.Name, n, len(v.Critical))
		}
		if !strings.Contains(svg, `<polyline class="critpath"`) {
			t.Errorf("%s: no critical path line", v.Name)
		}
		// Hover text: type, name and duration of every bar.
		for _, r := range v.Rows {
			if !strings.Contains(svg, "<title>"+r.Type+" "+r.Name+"\n") {
				t.Errorf("%s: no hover title for %s %s", v.Name, r.Type, r.Name)
			}
		}
	}
	if !strings.Contains(body, `data-bars="`+strconv.Itoa(bars)+`"`) {
		t.Errorf("the browser counted bars %s, want %d", body, bars)
	}
	deps := section(t, dom, `<svg class="deps"`, "</svg>")
	if n := strings.Count(deps, `<g class="node crit"`); n != len(tl.Views[0].Critical) {
		t.Errorf("graph: %d critical nodes, want %d", n, len(tl.Views[0].Critical))
	}
	if n := strings.Count(deps, `<path class="edge crit"`); n != len(tl.Views[0].Critical)-1 {
		t.Errorf("graph: %d critical edges, want %d", n, len(tl.Views[0].Critical)-1)
	}
	if n := strings.Count(deps, `<g class="node`); n < len(tl.Views[0].Rows) {
		t.Errorf("graph: %d nodes for %d resources created", n, len(tl.Views[0].Rows))
	}

	shot := filepath.Join(dir, "timeline.png")
	if keep := os.Getenv("TIMELINE_SCREENSHOT"); keep != "" {
		shot, _ = filepath.Abs(keep)
	}
	headless(t, bin, page, "--screenshot="+shot, "--hide-scrollbars")
	f, err := os.Open(shot)
	if err != nil {
		t.Fatalf("no screenshot: %v", err)
	}
	defer func() { _ = f.Close() }()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != 1400 || b.Dy() != 900 {
		t.Errorf("screenshot %v, want 1400x900", b)
	}
	// The stage colours drawn (legend, stage table, bars) are on the screenshot.
	seen := map[string]int{}
	want := map[string]bool{}
	for _, s := range Stages() {
		want[s.Color()] = true
	}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bb, _ := img.At(x, y).RGBA()
			c := hex(r>>8, g>>8, bb>>8)
			if want[c] {
				seen[c]++
			}
		}
	}
	for _, s := range []Stage{Network, ClusterPrereqs, Cluster, Compute, Helm} {
		if seen[s.Color()] < 20 {
			t.Errorf("screenshot: the %s colour %s covers %d pixels", s, s.Color(), seen[s.Color()])
		}
	}
	t.Logf("screenshot %s", shot)
}

func section(t *testing.T, s, start, end string) string {
	t.Helper()
	i := strings.Index(s, start)
	if i < 0 {
		t.Fatalf("the DOM has no %s", start)
	}
	k := strings.Index(s[i:], end)
	if k < 0 {
		t.Fatalf("%s is not closed", start)
	}
	return s[i : i+k]
}

func hex(r, g, b uint32) string { return fmt.Sprintf("#%02x%02x%02x", r, g, b) }
