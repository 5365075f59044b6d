package simcloud

import (
	"strings"
	"testing"
)

// TestNodesNeedTheCNIWhenTheyJoin: rule 4's AWS behaviour. A node group whose nodes
// come up with no vpc-cni on the cluster fails; one that started before the add-on but
// whose nodes find it in place succeeds.
func TestNodesNeedTheCNIWhenTheyJoin(t *testing.T) {
	s := newServer(t, "aws", tempJournal(t), "")
	mustCreate(t, s, typCluster, "c", clusterInputs("demo"))
	_, _, err := create(t, s, typNodeGroup, "early", map[string]any{"clusterName": "demo", "nodeGroupName": "demo-early"})
	if err == nil || !strings.Contains(err.Error(), "NodeCreationFailure") || !strings.Contains(err.Error(), "cni plugin not initialized") {
		t.Fatalf("node group with no CNI on the cluster: err = %v, want NodeCreationFailure", err)
	}
	// The add-on is created while the group's create runs (its 3 minutes outlast the
	// add-on's 1): the nodes find the CNI when they boot.
	done := make(chan error, 1)
	go func() {
		_, _, err := create(t, s, typNodeGroup, "overlapping", map[string]any{"clusterName": "demo", "nodeGroupName": "demo-overlapping"})
		done <- err
	}()
	mustCreate(t, s, typAddon, "vpc-cni", map[string]any{"clusterName": "demo", "addonName": "vpc-cni"})
	if err := <-done; err != nil {
		t.Errorf("node group created alongside the CNI add-on failed: %v", err)
	}
}

// TestNodesJoinWhileTheCNIIsBeingCreated: a vpc-cni create under way when the nodes
// register is enough (EKS applies the DaemonSet when the create starts); a create for
// another cluster, a delete under way, or another add-on is not.
func TestNodesJoinWhileTheCNIIsBeingCreated(t *testing.T) {
	cluster := []Entry{{Op: "create", Type: typCluster, ID: "demo"}}
	cases := []struct {
		name     string
		entries  []Entry
		inflight []op
		ok       bool
	}{
		{"no add-on", cluster, nil, false},
		{"vpc-cni active", append(cluster, Entry{Op: "create", Type: typAddon, ID: "demo:vpc-cni", Cluster: "demo"}), nil, true},
		{"vpc-cni being created", cluster, []op{{Op: "create", Type: typAddon, ID: "demo:vpc-cni", Cluster: "demo"}}, true},
		{"vpc-cni being created on another cluster", cluster, []op{{Op: "create", Type: typAddon, ID: "other:vpc-cni", Cluster: "other"}}, false},
		{"another add-on being created", cluster, []op{{Op: "create", Type: typAddon, ID: "demo:kube-proxy", Cluster: "demo"}}, false},
		{"vpc-cni being deleted", cluster, []op{{Op: "delete", Type: typAddon, ID: "demo:vpc-cni", Cluster: "demo"}}, false},
		{"vpc-cni failed to create", append(cluster, Entry{Op: "create", Type: typAddon, ID: "demo:vpc-cni", Cluster: "demo", Error: "boom"}), nil, false},
	}
	for _, c := range cases {
		err := checkNodesJoin("demo", view{world: replay(c.entries), inflight: c.inflight})
		if (err == nil) != c.ok {
			t.Errorf("%s: err = %v, want ok = %v", c.name, err, c.ok)
		}
	}
}
