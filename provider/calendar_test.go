package provider_test

import (
	"os"
	"testing"
	"time"

	"github.com/eksplatform/pulumi-eksplatform/provider/constructtest"
	"github.com/eksplatform/pulumi-eksplatform/provider/internal/clock"
	"github.com/eksplatform/pulumi-eksplatform/provider/pkg/eksversions"
)

// Every test of the package runs on 2026-12-07 (clock.Today): the EKS release
// calendar decides which versions are valid, and the tests must not rot as it moves.
func TestMain(m *testing.M) {
	day := eksversions.Day("2026-12-07").Add(12 * time.Hour)
	clock.Today = func() time.Time { return day }
	os.Exit(m.Run())
}

// TestConstructSupportDeadlineWarning: through the plugin's Construct, a running 1.35
// cluster on 2027-02-01 (54 days before its standard support ends) gets a warning on
// the component saying what EKS will do and when, at preview and at up.
func TestConstructSupportDeadlineWarning(t *testing.T) {
	prev := clock.Today
	day := eksversions.Day("2027-02-01").Add(8 * time.Hour)
	clock.Today = func() time.Time { return day }
	t.Cleanup(func() { clock.Today = prev })
	for _, mode := range []constructtest.Mode{constructtest.Preview, constructtest.Up} {
		res, err := constructOnLiveCluster(t, map[string]any{"kubernetesVersion": "1.35"}, mode, "1.35", nil)
		if err != nil {
			t.Fatalf("%s: %v", mode, err)
		}
		if !logged(res, "kubernetesVersion: EKS standard support for 1.35 ends on 2027-03-27 (in 54 days); with upgradePolicy STANDARD, EKS then upgrades the control plane of cluster demo to 1.36 itself") {
			t.Errorf("%s: no deadline warning; logs %v", mode, res.Logs)
		}
	}
}
