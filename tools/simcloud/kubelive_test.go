package simcloud

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// configMapCluster is a CONFIG_MAP cluster whose first node group has joined, so EKS
// has written aws-auth (eksawsauth.go), and a kubernetes personality configured for it
// with the given extra provider configuration.
func configMapCluster(t *testing.T, providerConfig map[string]any) (j string, k *Server) {
	t.Helper()
	j = tempJournal(t)
	a := newKubeServer(t, "aws", j)
	c := clusterInputs("demo")
	c["accessConfig"] = map[string]any{"authenticationMode": "CONFIG_MAP"}
	mustCreate(t, a, typCluster, "c", c)
	mustCreate(t, a, typAddon, "vpc-cni", map[string]any{"clusterName": "demo", "addonName": "vpc-cni"})
	mustCreate(t, a, typNodeGroup, "outside", map[string]any{"clusterName": "demo", "nodeGroupName": "outside",
		"nodeRoleArn": "arn:aws:iam::123456789012:role/outside-node"})
	return j, kubeServerWith(t, j, "demo", providerConfig)
}

// kubeServerWith is a kubernetes personality with real API servers, configured with
// the kubeconfig the platform writes for cluster (its endpoint and CA, and the exec of
// `aws eks get-token`) and more provider configuration.
func kubeServerWith(t *testing.T, j, cluster string, providerConfig map[string]any) *Server {
	t.Helper()
	k := newKubeServer(t, "kubernetes", j)
	endpoint, ca, ok := k.knownClusterAddress(cluster)
	if !ok {
		t.Fatalf("cluster %s has no control plane", cluster)
	}
	kc := fmt.Sprintf(`{"apiVersion":"v1","kind":"Config","clusters":[{"name":%[1]q,"cluster":{"server":%[2]q,"certificate-authority-data":%[3]q}}],`+
		`"contexts":[{"name":%[1]q,"context":{"cluster":%[1]q,"user":%[1]q}}],"current-context":%[1]q,`+
		`"users":[{"name":%[1]q,"user":{"exec":{"apiVersion":"client.authentication.k8s.io/v1beta1","command":"aws",`+
		`"args":["--region","us-west-2","eks","get-token","--cluster-name",%[1]q,"--output","json"]}}}]}`, cluster, endpoint, ca)
	cfg := map[string]any{"kubeconfig": kc}
	for key, v := range providerConfig {
		cfg[key] = v
	}
	if _, err := k.Configure(context.Background(), &pulumirpc.ConfigureRequest{Args: props(t, cfg)}); err != nil {
		t.Fatal(err)
	}
	return k
}

func awsAuthInputs(mapRoles string, annotations map[string]any) map[string]any {
	meta := map[string]any{"name": "aws-auth", "namespace": "kube-system"}
	if annotations != nil {
		meta["annotations"] = annotations
	}
	return map[string]any{"metadata": meta, "data": map[string]any{"mapRoles": mapRoles}}
}

func liveAwsAuth(t *testing.T, j string) (map[string]string, map[string][]string) {
	t.Helper()
	data, owners, ok, err := LiveConfigMap(j, "demo", "kube-system", "aws-auth")
	if err != nil || !ok {
		t.Fatalf("no live aws-auth (err %v)", err)
	}
	return data, owners
}

func updateConfigMap(t *testing.T, s *Server, typ, name string, olds, news map[string]any) error {
	t.Helper()
	_, err := s.Update(context.Background(), &pulumirpc.UpdateRequest{Urn: urnOf(typ, name), Id: "kube-system/aws-auth",
		Olds: props(t, olds), News: props(t, news)})
	return err
}

const platformRoles = "- rolearn: \"arn:aws:iam::123456789012:role/demo-node\"\n"

// EKS writes aws-auth when the first node group of a CONFIG_MAP cluster joins.
func TestEksWritesAwsAuthWithTheFirstNodeGroup(t *testing.T) {
	j, _ := configMapCluster(t, nil)
	data, owners := liveAwsAuth(t, j)
	if !strings.Contains(data["mapRoles"], "rolearn: arn:aws:iam::123456789012:role/outside-node") {
		t.Errorf("mapRoles = %q, want the node group's role", data["mapRoles"])
	}
	if got := owners["mapRoles"]; len(got) != 1 || got[0] != "eks (Apply)" {
		t.Errorf("mapRoles owners = %v, want EKS's manager", got)
	}
}

// The fires-without case of the takeover: a plain ConfigMap on a provider without
// upsertExistingObjects is created client-side, and an existing aws-auth fails it,
// patchForce or not, in preview (a dry-run create) and in the up.
func TestPlainConfigMapMeetsExistingAwsAuth(t *testing.T) {
	_, k := configMapCluster(t, map[string]any{"enableServerSideApply": true})
	in := awsAuthInputs(platformRoles, map[string]any{"pulumi.com/patchForce": "true"})
	if _, err := k.Create(context.Background(), &pulumirpc.CreateRequest{Urn: urnOf(typConfigMap, "aws-auth"),
		Properties: props(t, in), Preview: true}); err == nil || err.Error() != `configmaps "aws-auth" already exists` {
		t.Errorf("preview: err = %v, want AlreadyExists", err)
	}
	if _, _, err := create(t, k, typConfigMap, "aws-auth", in); err == nil || err.Error() != `configmaps "aws-auth" already exists` {
		t.Errorf("up: err = %v, want AlreadyExists", err)
	}
}

// With upsertExistingObjects the create is a server-side apply: it meets EKS's
// mapRoles (another manager, another value) with a conflict unless forced; forced, the
// platform owns it alone. The words are the API server's: EKS's write is an apply, and
// a conflict with an Apply manager names no "using <apiVersion>" (the ownership model
// this replaced wrote that for every manager).
func TestUpsertConflictsWithEksUnlessForced(t *testing.T) {
	j, k := configMapCluster(t, map[string]any{"upsertExistingObjects": "true"})
	_, _, err := create(t, k, typConfigMap, "aws-auth", awsAuthInputs(platformRoles, nil))
	if err == nil || !strings.Contains(err.Error(), `Apply failed with 1 conflict: conflict with "eks": .data.mapRoles`) ||
		!strings.Contains(err.Error(), "server-side apply field conflict detected") {
		t.Fatalf("err = %v, want the provider's apply conflict with eks", err)
	}
	if data, _ := liveAwsAuth(t, j); strings.Contains(data["mapRoles"], "demo-node") {
		t.Errorf("a refused apply changed aws-auth: %q", data["mapRoles"])
	}
	mustCreate(t, k, typConfigMap, "aws-auth", awsAuthInputs(platformRoles, map[string]any{"pulumi.com/patchForce": "true"}))
	data, owners := liveAwsAuth(t, j)
	if data["mapRoles"] != platformRoles || len(owners["mapRoles"]) != 1 || !strings.HasPrefix(owners["mapRoles"][0], "pulumi-kubernetes-") {
		t.Errorf("after the forced apply: %q owned by %v", data["mapRoles"], owners["mapRoles"])
	}
}

// A write from outside (kubectl edit) after the platform's apply owns mapRoles: the
// next unforced update conflicts with it and changes nothing; the same value shared by
// two managers is no conflict.
func TestForeignWriteIsAConflict(t *testing.T) {
	j := tempJournal(t)
	a := newKubeServer(t, "aws", j)
	mustCreate(t, a, typCluster, "c", clusterInputs("demo"))
	k := kubeServerWith(t, j, "demo", map[string]any{"upsertExistingObjects": true})
	in := awsAuthInputs(platformRoles, nil)
	mustCreate(t, k, typConfigMap, "aws-auth", in)
	edited := platformRoles + "- rolearn: arn:aws:iam::123456789012:role/breakglass\n"
	if err := k.ledger.locked(func() error {
		return k.applyConfigMapWrites(map[string]ConfigMapWrite{"demo/kube-system/aws-auth": {Manager: "kubectl-edit",
			Data: map[string]string{"mapRoles": edited}}}, nowMS())
	}); err != nil {
		t.Fatal(err)
	}
	more := awsAuthInputs(platformRoles+"- rolearn: \"arn:aws:iam::123456789012:role/ops\"\n", nil)
	err := updateConfigMap(t, k, typConfigMap, "aws-auth", in, more)
	if err == nil || !strings.Contains(err.Error(), `conflict with "kubectl-edit"`) {
		t.Fatalf("err = %v, want a conflict with kubectl-edit", err)
	}
	if data, _ := liveAwsAuth(t, j); data["mapRoles"] != edited {
		t.Errorf("the refused update changed aws-auth: %q", data["mapRoles"])
	}
	// Writing the same value is shared ownership, no conflict.
	if err := updateConfigMap(t, k, typConfigMap, "aws-auth", in, awsAuthInputs(edited, nil)); err != nil {
		t.Errorf("the same value: %v", err)
	}
}

// A ConfigMap created client-side (manager pulumi-kubernetes, Update) is taken by the
// resource's own manager on its first update (fixCSAFieldManagers), so it never
// conflicts with its own creation; a ConfigMapPatch takes nothing.
func TestUpdateTakesTheProvidersClientSideFields(t *testing.T) {
	j := tempJournal(t)
	a := newKubeServer(t, "aws", j)
	mustCreate(t, a, typCluster, "c", clusterInputs("demo"))
	k := kubeServerWith(t, j, "demo", nil)
	in := awsAuthInputs(platformRoles, nil)
	mustCreate(t, k, typConfigMap, "aws-auth", in)
	if _, owners := liveAwsAuth(t, j); owners["mapRoles"][0] != "pulumi-kubernetes (Update)" {
		t.Errorf("client-side create owner = %v", owners["mapRoles"])
	}
	next := awsAuthInputs(platformRoles+"- rolearn: \"x\"\n", nil)
	if err := updateConfigMap(t, k, typConfigMap, "aws-auth", in, next); err != nil {
		t.Fatalf("update after a client-side create: %v", err)
	}
	// The patch form with the same value shares mapRoles; a different value conflicts.
	mustCreate(t, k, typConfigMapPatch, "p", next)
	err := updateConfigMap(t, k, typConfigMapPatch, "p", next, awsAuthInputs("[]", nil))
	if err == nil || !strings.Contains(err.Error(), "conflict with \"pulumi-kubernetes-") {
		t.Errorf("patch over another manager's value: err = %v, want a conflict", err)
	}
}

// Deleting a ConfigMapPatch gives up its fields only: a key another manager also owns
// stays; deleting a ConfigMap removes the object.
func TestDeleteConfigMapAndPatch(t *testing.T) {
	j := tempJournal(t)
	a := newKubeServer(t, "aws", j)
	mustCreate(t, a, typCluster, "c", clusterInputs("demo"))
	k := kubeServerWith(t, j, "demo", nil)
	in := awsAuthInputs(platformRoles, nil)
	mustCreate(t, k, typConfigMapPatch, "p", in)
	mustCreate(t, k, typConfigMapPatch, "q", map[string]any{"metadata": map[string]any{"name": "aws-auth", "namespace": "kube-system"},
		"data": map[string]any{"mapRoles": platformRoles, "mapUsers": "[]"}})
	del := func(typ, name string, state map[string]any) {
		t.Helper()
		if _, err := k.Delete(context.Background(), &pulumirpc.DeleteRequest{Urn: urnOf(typ, name), Id: "kube-system/aws-auth",
			Properties: props(t, state)}); err != nil {
			t.Fatal(err)
		}
	}
	del(typConfigMapPatch, "q", map[string]any{"metadata": map[string]any{"name": "aws-auth", "namespace": "kube-system"}})
	data, _ := liveAwsAuth(t, j)
	if _, ok := data["mapUsers"]; ok || data["mapRoles"] != platformRoles {
		t.Errorf("after relinquishing q: %v, want mapRoles (still p's) and no mapUsers", data)
	}
	mustCreate(t, k, typConfigMap, "cm", map[string]any{"metadata": map[string]any{"name": "other", "namespace": "kube-system"}})
	del(typConfigMap, "cm", map[string]any{"metadata": map[string]any{"name": "other", "namespace": "kube-system"}})
	if _, _, ok, _ := LiveConfigMap(j, "demo", "kube-system", "other"); ok {
		t.Errorf("a deleted ConfigMap is still live")
	}
}

// A Kubernetes object deleted out of band (SIMCLOUD_DRIFT delete) is gone from its
// cluster's API server, so refresh reports it gone and the next create makes it again
// (rather than meeting it with AlreadyExists); changing one with "set" is refused.
func TestDriftDeletesAKubeObjectFromTheAPIServer(t *testing.T) {
	j, k := configMapCluster(t, nil)
	in := map[string]any{"metadata": map[string]any{"name": "team", "namespace": "default"}, "data": map[string]any{"k": "v"}}
	mustCreate(t, k, typConfigMap, "team", in)
	if _, found, err := LiveObject(j, "demo", "v1", "ConfigMap", "default", "team"); err != nil || !found {
		t.Fatalf("the ConfigMap is not in the API server (err %v)", err)
	}
	drift := filepath.Join(t.TempDir(), "drift.json")
	if err := WriteDrift(drift, Drift{Set: map[string]map[string]any{urnOf(typConfigMap, "team"): {"data.k": "w"}}}); err != nil {
		t.Fatal(err)
	}
	k.opts.Drift = drift
	if err := k.absorbDrift(); err == nil || !strings.Contains(err.Error(), "configMapWrites") {
		t.Errorf("set on a Kubernetes object: err = %v, want a refusal naming configMapWrites", err)
	}
	if err := WriteDrift(drift, Drift{Delete: []string{urnOf(typConfigMap, "team")}}); err != nil {
		t.Fatal(err)
	}
	if err := k.absorbDrift(); err != nil {
		t.Fatal(err)
	}
	if _, found, err := LiveObject(j, "demo", "v1", "ConfigMap", "default", "team"); err != nil || found {
		t.Errorf("after an out-of-band delete the ConfigMap is still in the API server (found %v, err %v)", found, err)
	}
	mustCreate(t, k, typConfigMap, "team", in)
}
