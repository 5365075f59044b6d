package platform

import (
	"strings"
	"testing"

	"github.com/eksplatform/pulumi-eksplatform/provider/internal/clock"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// A running cluster within 60 days of a support deadline of the version it runs after
// this run is warned what EKS will do and when; further off, on a first create, or past
// the deadline (validation's business), nothing is said.
func TestSupportDeadlineWarnings(t *testing.T) {
	for _, tc := range []struct {
		name, day, live, version, policy, want string
	}{
		{"standard ends, STANDARD", "2027-02-01", "1.35", "1.35", "STANDARD",
			"kubernetesVersion: EKS standard support for 1.35 ends on 2027-03-27 (in 54 days); with upgradePolicy STANDARD, EKS then upgrades the control plane of cluster demo to 1.36 itself (node groups and add-ons stay behind); set kubernetesVersion 1.36 before then, or upgradePolicy: EXTENDED to keep 1.35 until 2028-03-27 at the extended-support rate"},
		{"standard ends, EXTENDED", "2027-02-01", "1.35", "1.35", "EXTENDED",
			"kubernetesVersion: EKS standard support for 1.35 ends on 2027-03-27 (in 54 days); from that day EKS bills cluster demo per cluster-hour at the extended-support rate (upgradePolicy EXTENDED) until 2028-03-27; set kubernetesVersion 1.36 before then to avoid the charge"},
		{"exactly 60 days", "2027-01-26", "1.35", "1.35", "STANDARD", "ends on 2027-03-27 (in 60 days)"},
		{"61 days", "2027-01-25", "1.35", "1.35", "STANDARD", ""},
		{"extended ends", "2027-10-10", "1.34", "1.34", "EXTENDED",
			"kubernetesVersion: EKS extended support for 1.34 ends on 2027-12-02 (in 53 days); after it EKS upgrades the control plane of cluster demo to 1.35 itself, at a time it does not announce (node groups and add-ons stay behind), and creates no new cluster at 1.34; set kubernetesVersion 1.35 before then"},
		{"the version after this run's bump", "2027-02-01", "1.34", "1.35", "EXTENDED", "EKS standard support for 1.35 ends on 2027-03-27"},
		{"the newest has no known successor", "2027-07-01", "1.36", "1.36", "STANDARD", "to the next minor version itself"},
		{"far from any deadline", "2026-12-07", "1.36", "1.36", "STANDARD", ""},
		{"first create", "2027-02-01", "", "1.35", "STANDARD", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pinToday(t, tc.day)
			c := clusterConfig{Name: "demo", Version: tc.version, UpgradePolicy: tc.policy, Today: clock.Today()}
			live := liveCluster{Exists: tc.live != "", Version: tc.live}
			u, err := planUpgrade(c, computeConfig{}, live, "", nil)
			if err != nil {
				t.Fatal(err)
			}
			switch {
			case tc.want == "" && len(u.Warnings) != 0:
				t.Errorf("want no warning, got %q", u.Warnings)
			case tc.want != "" && (len(u.Warnings) != 1 || !strings.Contains(u.Warnings[0], tc.want)):
				t.Errorf("want one warning with %q, got %q", tc.want, u.Warnings)
			}
		})
	}
}

// A running 1.34 cluster still on STANDARD after 2026-12-02 is one EKS upgrades itself:
// the platform refuses to go on declaring 1.34 on STANDARD (before any child), and
// accepts either way out: EXTENDED, or the bump EKS would make, done in order.
func TestRunningClusterPastStandardSupport(t *testing.T) {
	rec, err := deployLive(t, withVersion(minimalArgs(), "1.34"), "1.34", nil)
	want := "kubernetesVersion: 1.34 left EKS standard support on 2026-12-02; set upgradePolicy: EXTENDED (extended support until 2027-12-02, billed per cluster-hour at the extended-support rate) or choose 1.35 or later"
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("want %q, got %v", want, err)
	}
	if c := children(rec.Mocks); len(c) != 0 {
		t.Errorf("refused, yet %d children registered: %v", len(c), c)
	}
	extended := withVersion(minimalArgs(), "1.34")
	extended.UpgradePolicy = pulumi.String("EXTENDED")
	if _, err := deployLive(t, extended, "1.34", nil); err != nil {
		t.Errorf("1.34 on EXTENDED: %v", err)
	}
	if _, err := deployLive(t, withVersion(minimalArgs(), "1.35"), "1.34", nil); err != nil {
		t.Errorf("1.34 → 1.35 on STANDARD: %v", err)
	}
}
