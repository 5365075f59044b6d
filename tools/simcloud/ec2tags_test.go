package simcloud

import (
	"context"
	"testing"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

const sharedSubnet = "subnet-0a00000000000001a"

func tagInputs(key, value string) map[string]any {
	return map[string]any{"resourceId": sharedSubnet, "key": key, "value": value}
}

func deleteTag(t *testing.T, s *Server, name, id string, state map[string]any) {
	t.Helper()
	if _, err := s.Delete(context.Background(), &pulumirpc.DeleteRequest{
		Urn: urnOf(typTag, name), Id: id, Properties: props(t, state),
	}); err != nil {
		t.Fatalf("delete %s: %v", name, err)
	}
}

func cloudTags(t *testing.T, j string) map[string]string {
	t.Helper()
	all, err := Tags(j)
	if err != nil {
		t.Fatal(err)
	}
	return all[sharedSubnet]
}

// Two stacks each create the same role tag on one subnet: EC2 holds one key, so the first
// stack's delete (DeleteTags with key and value "1") removes it for the second, whose
// refresh then finds nothing. This is what a platform that deleted its role tags did to
// the platform beside it (SCENARIOS #13).
func TestTagIsOneKeyWhoeverCreatedIt(t *testing.T) {
	s, j, _ := driftServer(t)
	const key = "kubernetes.io/role/elb"
	idA, _ := mustCreate(t, s, typTag, "blue-"+sharedSubnet+"-elb-tag", tagInputs(key, "1"))
	idB, _ := mustCreate(t, s, typTag, "green-"+sharedSubnet+"-elb-tag", tagInputs(key, "1"))
	if idA != idB || idA != sharedSubnet+","+key {
		t.Fatalf("ids %q and %q, want both %q", idA, idB, sharedSubnet+","+key)
	}
	if got := cloudTags(t, j); got[key] != "1" {
		t.Fatalf("tags after two creates: %v", got)
	}
	deleteTag(t, s, "blue-"+sharedSubnet+"-elb-tag", idA, tagInputs(key, "1"))
	if got := cloudTags(t, j); len(got) != 0 {
		t.Errorf("after blue's DeleteTags the subnet still has %v; EC2 keeps no count of who wrote a key", got)
	}
	if got := read(t, s, typTag, "green-"+sharedSubnet+"-elb-tag", idB); got.Id != "" {
		t.Errorf("green's refresh found the tag blue deleted (id %q)", got.Id)
	}
}

// CreateTags overwrites a value someone else wrote; Read reports the value the subnet
// holds; DeleteTags with a value the key no longer holds leaves the key.
func TestTagDeleteLeavesAKeyWithAnotherValue(t *testing.T) {
	s, j, drift := driftServer(t)
	const key = "kubernetes.io/role/internal-elb"
	if err := WriteDrift(drift, Drift{Tag: []TagDrift{{ResourceID: sharedSubnet, Key: key, Value: ""}}}); err != nil {
		t.Fatal(err)
	}
	if got := cloudTags(t, j); len(got) != 0 {
		t.Fatalf("drift applied before any operation: %v", got)
	}
	id, _ := mustCreate(t, s, typTag, "blue-tag", tagInputs(key, "1")) // applies the drift first
	if got := cloudTags(t, j); got[key] != "1" {
		t.Fatalf("CreateTags over the VPC module's empty value: %v, want 1", got)
	}
	if err := WriteDrift(drift, Drift{Tag: []TagDrift{{ResourceID: sharedSubnet, Key: key, Value: ""}}}); err != nil {
		t.Fatal(err)
	}
	got := unprops(t, read(t, s, typTag, "blue-tag", id).Properties)
	if v := str(got, "value"); v != "" || str(got, "key") != key {
		t.Errorf("Read after someone wrote \"\": %v, want value \"\"", got)
	}
	deleteTag(t, s, "blue-tag", id, tagInputs(key, "1"))
	if got := cloudTags(t, j); got[key] != "" || len(got) != 1 {
		t.Errorf("DeleteTags %s=1 on a key holding \"\" removed it: %v", key, got)
	}
	var detail string
	for _, e := range readJournal(t, j) {
		if e.Op == "delete" && e.Type == typTag {
			detail = e.Detail
		}
	}
	if detail != tagKept {
		t.Errorf("delete journalled %q, want %q", detail, tagKept)
	}
	// The key is still there, so it can be deleted by its value.
	deleteTag(t, s, "someone", id, tagInputs(key, ""))
	if got := cloudTags(t, j); len(got) != 0 {
		t.Errorf("DeleteTags with the held value left %v", got)
	}
}
