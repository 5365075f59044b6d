package simcloud

import (
	"strings"
	"sync"
	"testing"
	"time"
)

func TestSecondCreateOfAnEKSObjectIsRejected(t *testing.T) {
	s := newServer(t, "aws", tempJournal(t), "")
	mustCreate(t, s, typCluster, "c", clusterInputs("demo"))
	mustCreate(t, s, typAddon, "vpc-cni", map[string]any{"clusterName": "demo", "addonName": "vpc-cni"}) // nodes need a CNI to join
	ng := map[string]any{"clusterName": "demo", "nodeGroupName": "demo-system"}
	mustCreate(t, s, typNodeGroup, "ng", ng)
	ae := map[string]any{"clusterName": "demo", "principalArn": teamRole}
	mustCreate(t, s, typAccessEnt, "ae", ae)
	for _, c := range []struct {
		typ  string
		in   map[string]any
		want string
	}{
		{typCluster, clusterInputs("demo"), "ResourceInUseException: Cluster already exists with name: demo"},
		{typNodeGroup, ng, "ResourceInUseException: NodeGroup already exists with name demo-system and cluster name demo"},
		{typAccessEnt, ae, "ResourceInUseException: The specified access entry resource is already in use on this cluster"},
	} {
		_, _, err := create(t, s, c.typ, "again", c.in)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("second create of %s: err = %v, want %q", c.typ, err, c.want)
		}
	}
}

func TestParseKills(t *testing.T) {
	k, err := parseKills("aws:eks/nodeGroup:NodeGroup, aws:eks/cluster:Cluster#2")
	if err != nil {
		t.Fatal(err)
	}
	if !k.fails(typNodeGroup, 1) || k.fails(typNodeGroup, 2) || !k.fails(typCluster, 2) || k.fails(typCluster, 1) {
		t.Errorf("parsed %v", k)
	}
	if _, err := parseKills("aws:eks/cluster:Cluster#x"); err == nil {
		t.Error("a malformed ordinal must be an error")
	}
}

// TestKillCompletesInFlightOperationsFirst: the engine is killed after the
// first node group create; the second, in flight at that moment, completes in
// the cloud too (AWS carries on), and neither is reported to the engine.
func TestKillCompletesInFlightOperationsFirst(t *testing.T) {
	j := tempJournal(t)
	s, err := NewServer(Options{Name: "aws", Journal: j, Scale: testScale, KillAfter: typNodeGroup, Today: pinnedToday, NoKubeAPI: true})
	if err != nil {
		t.Fatal(err)
	}
	killed := make(chan struct{})
	s.killEngine = func() { close(killed) }
	mustCreate(t, s, typCluster, "c", clusterInputs("demo"))
	mustCreate(t, s, typAddon, "vpc-cni", map[string]any{"clusterName": "demo", "addonName": "vpc-cni"}) // nodes need a CNI to join
	returned := make(chan string, 2)
	var wg sync.WaitGroup
	for _, n := range []string{"a", "b"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _, _ = create(t, s, typNodeGroup, "ng-"+n, map[string]any{"clusterName": "demo", "nodeGroupName": n})
			returned <- n
		}()
		// b starts only once a is in flight, so a is the create the kill follows
		// whatever the scheduler does (a fixed pause was not enough on a loaded machine).
		waitInFlight(t, s, n)
	}
	select {
	case <-killed:
	case <-time.After(10 * time.Second):
		t.Fatal("the engine was never killed")
	}
	select {
	case n := <-returned:
		t.Errorf("create of %s was reported to the engine after the kill", n)
	case <-time.After(50 * time.Millisecond):
	}
	var got []string
	for _, e := range readJournal(t, j) {
		if e.Type == typNodeGroup {
			got = append(got, e.Op+" "+e.Name+" "+e.Error+e.Detail)
		}
	}
	want := "create ng-a the engine is killed after this create\ncreate ng-b completed after the engine died"
	if strings.Join(got, "\n") != want {
		t.Errorf("journal:\n%s\nwant:\n%s", strings.Join(got, "\n"), want)
	}
}

// waitInFlight waits until s has an operation in flight on the resource named name
// (its AWS name: a node group's nodeGroupName).
func waitInFlight(t *testing.T, s *Server, name string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		s.ledger.mu.Lock()
		found := false
		for _, o := range s.ledger.inflight {
			found = found || o.Name == name
		}
		s.ledger.mu.Unlock()
		if found {
			return
		}
		time.Sleep(time.Millisecond)
	}
	t.Fatalf("%s never went in flight", name)
}
