package platform

import (
	"os"
	"testing"
	"time"

	"github.com/eksplatform/pulumi-eksplatform/provider/internal/clock"
	"github.com/eksplatform/pulumi-eksplatform/provider/pkg/eksversions"
)

// pinnedDay is the date every test of the package runs on (provider/internal/clock):
// 1.34 left EKS standard support five days earlier, 1.36 is the newest version in
// standard support. Tests that need another day call pinToday.
var pinnedDay = eksversions.Day("2026-12-07")

func TestMain(m *testing.M) {
	clock.Today = func() time.Time { return pinnedDay.Add(15 * time.Hour) }
	os.Exit(m.Run())
}

// pinToday runs the rest of the test on day (YYYY-MM-DD).
func pinToday(t *testing.T, date string) {
	t.Helper()
	prev := clock.Today
	d := eksversions.Day(date).Add(9 * time.Hour)
	clock.Today = func() time.Time { return d }
	t.Cleanup(func() { clock.Today = prev })
}
