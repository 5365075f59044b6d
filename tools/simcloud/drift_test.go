package simcloud

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

func driftServer(t *testing.T) (*Server, string, string) {
	t.Helper()
	j := tempJournal(t)
	drift := filepath.Join(filepath.Dir(j), "drift.json")
	s, err := NewServer(Options{Name: "aws", Journal: j, Scale: testScale, Drift: drift, Today: pinnedToday, NoKubeAPI: true})
	if err != nil {
		t.Fatal(err)
	}
	return s, j, drift
}

func read(t *testing.T, s *Server, typ, name, id string) *pulumirpc.ReadResponse {
	t.Helper()
	resp, err := s.Read(context.Background(), &pulumirpc.ReadRequest{Urn: urnOf(typ, name), Id: id})
	if err != nil {
		t.Fatalf("read %s %s: %v", typ, name, err)
	}
	return resp
}

const teamRole = "arn:aws:iam::123456789012:role/platform-team"

func TestDriftDeletesAndChangesWhatReadReports(t *testing.T) {
	s, j, drift := driftServer(t)
	mustCreate(t, s, typCluster, "platform-cluster", clusterInputs("platform"))
	mustCreate(t, s, typAddon, "vpc-cni", map[string]any{"clusterName": "platform", "addonName": "vpc-cni"}) // nodes need a CNI to join
	ngID, _ := mustCreate(t, s, typNodeGroup, "platform-ng-system", map[string]any{
		"clusterName": "platform", "nodeGroupName": "platform-system",
		"scalingConfig": map[string]any{"minSize": 2, "desiredSize": 2, "maxSize": 3},
	})
	aeID, _ := mustCreate(t, s, typAccessEnt, "platform-access-role-platform-team",
		map[string]any{"clusterName": "platform", "principalArn": teamRole})
	apaID, _ := mustCreate(t, s, typPolicyAsc, "platform-access-role-platform-team-admin", map[string]any{
		"clusterName": "platform", "principalArn": teamRole,
		"policyArn": "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"})
	addonID, _ := mustCreate(t, s, typAddon, "platform-coredns", map[string]any{"clusterName": "platform", "addonName": "coredns"})

	// Before any drift, Read reports what the create returned.
	before := unprops(t, read(t, s, typNodeGroup, "platform-ng-system", ngID).Properties)
	if got := str(before, "arn"); !strings.HasPrefix(got, "arn:aws:eks:") {
		t.Fatalf("read before drift lost the outputs: %v", before)
	}

	if err := WriteDrift(drift, Drift{
		Delete: []string{"platform-coredns", urnOf(typAccessEnt, "platform-access-role-platform-team")},
		Set:    map[string]map[string]any{"platform-ng-system": {"scalingConfig.desiredSize": 5}},
	}); err != nil {
		t.Fatal(err)
	}
	ng := read(t, s, typNodeGroup, "platform-ng-system", ngID)
	if _, err := os.Stat(drift); !os.IsNotExist(err) {
		t.Errorf("the drift file was not consumed: %v", err)
	}
	for _, m := range []map[string]any{unprops(t, ng.Properties).Mappable(), unprops(t, ng.Inputs).Mappable()} {
		sc, _ := m["scalingConfig"].(map[string]any)
		if sc["desiredSize"] != 5.0 || sc["minSize"] != 2.0 {
			t.Errorf("node group after drift: scalingConfig = %v, want desiredSize 5, minSize 2", sc)
		}
	}
	for _, c := range []struct{ typ, name, id string }{
		{typAddon, "platform-coredns", addonID},
		{typAccessEnt, "platform-access-role-platform-team", aeID},
		{typPolicyAsc, "platform-access-role-platform-team-admin", apaID}, // EKS deletes it with the entry
	} {
		if got := read(t, s, c.typ, c.name, c.id); got.Id != "" {
			t.Errorf("%s deleted out of band: Read returned id %q, want empty", c.name, got.Id)
		}
	}
	if got := read(t, s, typCluster, "platform-cluster", "platform"); got.Id != "platform" {
		t.Errorf("the cluster was not drifted, but Read returned id %q", got.Id)
	}
	var ops []string
	for _, e := range readJournal(t, j) {
		if strings.HasPrefix(e.Op, "drift-") {
			ops = append(ops, e.Op+" "+e.Name+" "+e.Detail)
		}
	}
	want := []string{
		"drift-delete platform-coredns deleted out of band",
		"drift-delete platform-access-role-platform-team deleted out of band",
		"drift-delete platform-access-role-platform-team-admin deleted with its access entry",
		"drift-set platform-ng-system scalingConfig.desiredSize=5",
	}
	if strings.Join(ops, "\n") != strings.Join(want, "\n") {
		t.Errorf("drift journal lines:\n%s\nwant:\n%s", strings.Join(ops, "\n"), strings.Join(want, "\n"))
	}
	// What was deleted out of band can be created again; what exists cannot.
	mustCreate(t, s, typAddon, "platform-coredns", map[string]any{"clusterName": "platform", "addonName": "coredns"})
	if _, _, err := create(t, s, typAddon, "platform-coredns-2", map[string]any{"clusterName": "platform", "addonName": "coredns"}); err == nil ||
		!strings.Contains(err.Error(), "ResourceInUseException: Addon already exists") {
		t.Errorf("second coredns add-on: err = %v, want ResourceInUseException", err)
	}
}

func TestDriftTargetsMustNameOneLiveResource(t *testing.T) {
	s, _, drift := driftServer(t)
	id, _ := mustCreate(t, s, typAddon, "platform-coredns", map[string]any{"clusterName": "platform", "addonName": "coredns"})
	if err := WriteDrift(drift, Drift{Delete: []string{"platform-cordns"}}); err != nil {
		t.Fatal(err)
	}
	_, err := s.Read(context.Background(), &pulumirpc.ReadRequest{Urn: urnOf(typAddon, "platform-coredns"), Id: id})
	if err == nil || !strings.Contains(err.Error(), `"platform-cordns" names no live resource`) {
		t.Errorf("typo in a drift target: err = %v", err)
	}
	if _, err := os.Stat(drift); err != nil {
		t.Errorf("a rejected drift file must stay for the next try: %v", err)
	}
}

func TestReadOfAnUnknownIDEchoesTheState(t *testing.T) {
	s, _, _ := driftServer(t)
	in := props(t, map[string]any{"id": "subnet-0a00000000000001a"})
	resp, err := s.Read(context.Background(), &pulumirpc.ReadRequest{Urn: urnOf("aws:ec2/subnet:Subnet", "s"), Id: "subnet-0a00000000000001a", Properties: in})
	if err != nil || resp.Id != "subnet-0a00000000000001a" {
		t.Errorf("read of a resource made outside the simulator: %v, %v", resp, err)
	}
}
