package simcloud

import (
	"strings"
	"testing"
)

// The n-th create is counted over the journal, so a second plugin process
// (a re-run of `pulumi up`) continues the count instead of failing again.
func TestInjectedFailureHitsExactlyTheNthCreateAcrossServers(t *testing.T) {
	j := tempJournal(t)
	const typ = "aws:iam/role:Role"
	fail := typ + "#2"
	first := newServer(t, "aws", j, fail)
	mustCreate(t, first, typ, "a", map[string]any{"name": "a"}) // #1
	_, _, err := create(t, first, typ, "b", map[string]any{"name": "b"})
	if err == nil || err.Error() != "simcloud: injected failure creating aws:iam/role:Role (create #2)" {
		t.Fatalf("create #2: err = %v", err)
	}
	mustCreate(t, first, "aws:iam/policy:Policy", "p", map[string]any{"name": "p"}) // other types do not count

	second := newServer(t, "aws", j, fail)                       // the re-run
	mustCreate(t, second, typ, "b", map[string]any{"name": "b"}) // #3
	mustCreate(t, second, typ, "c", map[string]any{"name": "c"}) // #4

	var errs []string
	for _, e := range readJournal(t, j) {
		if e.Type == typ && e.Op == "create" {
			errs = append(errs, e.Name+"="+e.Error)
		}
	}
	want := "a=,b=simcloud: injected failure creating aws:iam/role:Role (create #2),b=,c="
	if got := strings.Join(errs, ","); got != want {
		t.Errorf("journal creates:\n got %s\nwant %s", got, want)
	}
}

func TestParseFaultsRejectsTypos(t *testing.T) {
	for _, bad := range []string{"aws:eks/nodeGroup:NodeGroup", "x#0", "x#one"} {
		if _, err := parseFaults(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	f, err := parseFaults(" aws:eks/nodeGroup:NodeGroup#1, aws:eks/addon:Addon#3 ")
	if err != nil || !f.fails(typNodeGroup, 1) || !f.fails(typAddon, 3) || f.fails(typAddon, 1) {
		t.Errorf("parsed %v, %v", f, err)
	}
}
