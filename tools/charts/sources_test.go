package charts

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/eksplatform/pulumi-eksplatform/provider/pkg/addons"
	"helm.sh/helm/v4/pkg/chart/v2/loader"
)

// Each archive is the one recorded: its sha256 is the table's.
func TestArchivesMatchTheirSHA256(t *testing.T) {
	for _, s := range Sources {
		b, err := os.ReadFile(filepath.Join(Dir(), s.File()))
		if err != nil {
			t.Errorf("%s: %v", s.File(), err)
			continue
		}
		sum := sha256.Sum256(b)
		if got := hex.EncodeToString(sum[:]); got != s.SHA256 {
			t.Errorf("%s: sha256 %s, recorded %s (repackage with tools/cmd/packcharts and record the new sum)", s.File(), got, s.SHA256)
		}
	}
}

// Every archive here is listed in Sources, so none is of unknown origin.
func TestEveryArchiveIsListed(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(Dir(), "*.tgz"))
	if err != nil {
		t.Fatal(err)
	}
	var listed []string
	for _, s := range Sources {
		listed = append(listed, s.File())
	}
	for _, f := range files {
		if !slices.Contains(listed, filepath.Base(f)) {
			t.Errorf("%s is not in Sources", filepath.Base(f))
		}
	}
}

// Every chart the platform installs (the catalogue's and Karpenter's) has an archive at
// exactly the version provider/pkg/addons pins, and the archive's own Chart.yaml says so:
// a pin bumped without a new archive fails here.
func TestAnArchiveForEveryPinnedChart(t *testing.T) {
	for _, a := range append(addons.Catalogue(), addons.KarpenterChartAddon()) {
		name := path.Base(a.Chart) // oci://public.ecr.aws/karpenter/karpenter → karpenter
		file, err := Archive(name, a.Version)
		if err != nil {
			t.Errorf("%s: %v", a.Key, err)
			continue
		}
		c, err := loader.LoadFile(file)
		if err != nil {
			t.Errorf("%s: %v", a.Key, err)
			continue
		}
		if c.Metadata.Name != name || c.Metadata.Version != a.Version {
			t.Errorf("%s: %s holds chart %s %s, the platform pins %s %s", a.Key, filepath.Base(file),
				c.Metadata.Name, c.Metadata.Version, name, a.Version)
		}
	}
}

// Each archive's Chart.yaml says the name, version and appVersion its Source records,
// and bundles the dependencies it records.
func TestArchivesHoldTheirRecordedCharts(t *testing.T) {
	for _, s := range Sources {
		c, err := loader.LoadFile(filepath.Join(Dir(), s.File()))
		if err != nil {
			t.Errorf("%s: %v", s.File(), err)
			continue
		}
		if c.Metadata.Name != s.Chart || c.Metadata.Version != s.Version || c.Metadata.AppVersion != s.AppVersion {
			t.Errorf("%s: Chart.yaml says %s %s (app %s)", s.File(), c.Metadata.Name, c.Metadata.Version, c.Metadata.AppVersion)
		}
		var deps []string
		for _, d := range c.Dependencies() {
			deps = append(deps, d.Metadata.Name+" "+d.Metadata.Version)
		}
		var want []string
		for _, d := range s.Dependencies {
			want = append(want, d.Chart+" "+d.Version)
		}
		if !slices.Equal(deps, want) {
			t.Errorf("%s: bundles %v, recorded %v", s.File(), deps, want)
		}
	}
}

// SOURCES.md, the record people read, names every archive with its recorded sha256.
func TestSourcesMarkdownRecordsEveryArchive(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(Dir(), "SOURCES.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range Sources {
		if !strings.Contains(string(b), "| `"+s.File()+"` | "+s.Repository+" | `"+s.Tag+"` (`"+s.Commit+"`) | `"+s.Path+"` |") ||
			!strings.Contains(string(b), "`"+s.SHA256+"`") {
			t.Errorf("SOURCES.md has no row for %s from %s@%s:%s with sha256 %s", s.File(), s.Repository, s.Tag, s.Path, s.SHA256)
		}
	}
}
