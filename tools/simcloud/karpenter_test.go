package simcloud

import (
	"context"
	"strings"
	"testing"
	"time"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// karpenterCluster is a cluster with Karpenter's NodePool CRD applied, seen through a
// kubernetes server configured for it.
func karpenterCluster(t *testing.T, scale float64) (a, k *Server, j string) {
	t.Helper()
	j = tempJournal(t)
	mk := func(name string) *Server {
		s, err := NewServer(Options{Name: name, Journal: j, Scale: scale, Today: pinnedToday, NoKubeAPI: true})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	a, k = mk("aws"), mk("kubernetes")
	configureKube(t, k, "demo")
	mustCreate(t, a, typCluster, "demo", clusterInputs("demo"))
	for _, crd := range []string{karpenterNodePoolCRD, karpenterNodeClassCRD} {
		mustCreate(t, k, typCRD, "crd-"+crd, map[string]any{"metadata": map[string]any{"name": crd}})
	}
	return a, k, j
}

func deleteRes(t *testing.T, s *Server, typ, name, id string, state map[string]any) error {
	t.Helper()
	_, err := s.Delete(context.Background(), &pulumirpc.DeleteRequest{Urn: urnOf(typ, name), Id: id, Properties: props(t, state)})
	return err
}

func instanceOps(es []Entry) map[string][]string {
	out := map[string][]string{}
	for _, e := range es {
		if e.Type == typInstance {
			out[e.Op] = append(out[e.Op], e.ID)
		}
	}
	return out
}

// Rule 10's AWS behaviour: a NodePool created while the controller runs gets an
// instance; deleted while it still runs, the instance is terminated and the delete
// waits for it; a NodePool with no controller launches nothing and says so.
func TestKarpenterTerminatesItsNodesWhenTheNodePoolGoesFirst(t *testing.T) {
	_, k, j := karpenterCluster(t, testScale)
	if _, _, err := create(t, k, typEC2NodeClass, "nc", map[string]any{"metadata": map[string]any{"name": "default"}}); err != nil {
		t.Fatalf("EC2NodeClass with the CRD applied: %v", err)
	}
	orphanPool, _ := mustCreate(t, k, typNodePool, "early", map[string]any{"metadata": map[string]any{"name": "early"}})
	relID, _ := mustCreate(t, k, typRelease, "karpenter", map[string]any{"name": "karpenter", "namespace": "kube-system", "chart": "oci://public.ecr.aws/karpenter/karpenter"})
	poolID, _ := mustCreate(t, k, typNodePool, "general", map[string]any{"metadata": map[string]any{"name": "general"}})
	es := readJournal(t, j)
	ops := instanceOps(es)
	if len(ops[OpLaunch]) != 1 || ops[OpLaunch][0] != nodePoolInstance(urnOf(typNodePool, "general")) {
		t.Fatalf("launches %v, want one for the NodePool made with the controller running", ops)
	}
	for _, e := range es {
		if e.Type == typNodePool && e.Name == "early" && !strings.Contains(e.Warning, "no Karpenter controller") {
			t.Errorf("a NodePool made with no controller has no warning: %+v", e)
		}
	}
	t0 := time.Now()
	if err := deleteRes(t, k, typNodePool, "general", poolID, map[string]any{"metadata": map[string]any{"name": "general"}}); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(t0); d < Scaled(typInstance, testScale) {
		t.Errorf("the NodePool's delete took %s, less than the termination (%s)", d, Scaled(typInstance, testScale))
	}
	if err := deleteRes(t, k, typNodePool, "early", orphanPool, map[string]any{}); err != nil {
		t.Fatal(err)
	}
	if err := deleteRes(t, k, typRelease, "karpenter", relID, map[string]any{"name": "karpenter", "namespace": "kube-system", "chart": "oci://public.ecr.aws/karpenter/karpenter"}); err != nil {
		t.Fatal(err)
	}
	ops = instanceOps(readJournal(t, j))
	if len(ops[OpTerminate]) != 1 || len(ops[OpOrphan]) != 0 {
		t.Errorf("instance ops %v, want the one instance terminated and none orphaned", ops)
	}
	if w := replay(readJournal(t, j)); w.exists(typInstance, nodePoolInstance(urnOf(typNodePool, "general"))) {
		t.Error("the terminated instance is still live")
	}
}

// With the controller gone first, or going while the NodePool is deleted, its
// instance is orphaned: it stays live and the journal warns.
func TestKarpenterOrphansNodesWhenTheControllerGoesFirst(t *testing.T) {
	for _, concurrent := range []bool{false, true} {
		_, k, j := karpenterCluster(t, 0.001)
		rel := map[string]any{"name": "karpenter", "namespace": "kube-system", "chart": "oci://public.ecr.aws/karpenter/karpenter"}
		relID, _ := mustCreate(t, k, typRelease, "karpenter", rel)
		poolID, _ := mustCreate(t, k, typNodePool, "general", map[string]any{"metadata": map[string]any{"name": "general"}})
		done := make(chan error, 1)
		go func() { done <- deleteRes(t, k, typRelease, "karpenter", relID, rel) }()
		if !concurrent {
			if err := <-done; err != nil {
				t.Fatal(err)
			}
		} else {
			time.Sleep(5 * time.Millisecond) // the release's delete is in flight
		}
		if err := deleteRes(t, k, typNodePool, "general", poolID, map[string]any{}); err != nil {
			t.Fatal(err)
		}
		if concurrent {
			if err := <-done; err != nil {
				t.Fatal(err)
			}
		}
		es := readJournal(t, j)
		ops := instanceOps(es)
		id := nodePoolInstance(urnOf(typNodePool, "general"))
		if len(ops[OpOrphan]) != 1 || ops[OpOrphan][0] != id || len(ops[OpTerminate]) != 0 {
			t.Errorf("concurrent=%v: instance ops %v, want %s orphaned", concurrent, ops, id)
		}
		if !replay(es).exists(typInstance, id) {
			t.Errorf("concurrent=%v: the orphaned instance is not live", concurrent)
		}
		for _, e := range es {
			if e.Op == OpOrphan && !strings.Contains(e.Warning, "nothing terminated it") {
				t.Errorf("orphan line without its warning: %+v", e)
			}
		}
	}
}

// The EC2NodeClass kind is served only once Karpenter's CRD is applied.
func TestEC2NodeClassNeedsKarpentersCRD(t *testing.T) {
	j := tempJournal(t)
	a, k := newServer(t, "aws", j, ""), kubeServer(t, j, "demo")
	mustCreate(t, a, typCluster, "demo", clusterInputs("demo"))
	if _, _, err := create(t, k, typEC2NodeClass, "nc", map[string]any{}); err == nil || !strings.Contains(err.Error(), `no matches for kind "EC2NodeClass"`) {
		t.Errorf("EC2NodeClass without the CRD: err = %v", err)
	}
	if _, _, err := create(t, k, typNodePool, "np", map[string]any{}); err == nil || !strings.Contains(err.Error(), `no matches for kind "NodePool"`) {
		t.Errorf("NodePool without the CRD or Auto Mode: err = %v", err)
	}
}
