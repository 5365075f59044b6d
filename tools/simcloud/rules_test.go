package simcloud

import (
	"context"
	"strings"
	"sync"
	"testing"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

func fargate(cluster, name string) map[string]any {
	return map[string]any{"clusterName": cluster, "fargateProfileName": name,
		"selectors": []any{map[string]any{"namespace": name}}}
}

// concurrently creates one Fargate profile per server at the same time.
func concurrently(t *testing.T, servers []*Server, cluster string) []error {
	var wg sync.WaitGroup
	errs := make([]error, len(servers))
	for i, s := range servers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			name := string(rune('a' + i))
			_, _, errs[i] = create(t, s, typFargate, name, fargate(cluster, name))
		}()
	}
	wg.Wait()
	return errs
}

func TestConcurrentFargateProfilesOnOneClusterFail(t *testing.T) {
	// Same process, and two processes sharing the journal (explicit + default
	// provider); a journal each, as the second round reuses the profile names.
	for _, shared := range []bool{false, true} {
		j := tempJournal(t)
		servers := []*Server{newServer(t, "aws", j, ""), nil}
		servers[1] = servers[0]
		if shared {
			servers[1] = newServer(t, "aws", j, "")
		}
		errs := concurrently(t, servers, "c1")
		failed := 0
		for _, err := range errs {
			if err != nil {
				failed++
				if !strings.Contains(err.Error(), "ResourceInUseException: Cannot create Fargate Profile") ||
					!strings.Contains(err.Error(), "because cluster c1 currently has Fargate profile") ||
					!strings.HasSuffix(err.Error(), "in status CREATING") {
					t.Errorf("error = %v", err)
				}
			}
		}
		if failed != 1 {
			t.Errorf("%d of 2 concurrent creates failed, want 1: %v", failed, errs)
		}
	}
}

func TestSequentialOrOtherClusterFargateProfilesSucceed(t *testing.T) {
	s := newServer(t, "aws", tempJournal(t), "")
	mustCreate(t, s, typFargate, "a", fargate("c1", "a"))
	mustCreate(t, s, typFargate, "b", fargate("c1", "b"))
	var wg sync.WaitGroup
	for _, c := range []string{"c2", "c3"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, _, err := create(t, s, typFargate, c, fargate(c, "p")); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
}

func warningOf(t *testing.T, j, typ, name string) string {
	t.Helper()
	for _, e := range readJournal(t, j) {
		if e.Type == typ && e.Name == name && e.Op == "create" {
			return e.Warning
		}
	}
	t.Fatalf("no create of %s %s in journal", typ, name)
	return ""
}

// loggingCluster is a cluster that sends control-plane logs to CloudWatch.
func loggingCluster(name string) map[string]any {
	in := clusterInputs(name)
	in["enabledClusterLogTypes"] = []any{"api", "audit"}
	return in
}

func TestClusterWithoutLogGroupIsWarned(t *testing.T) {
	j := tempJournal(t)
	s := newServer(t, "aws", j, "")
	mustCreate(t, s, typCluster, "bad", loggingCluster("bad"))
	// The log group may come from another process: the journal is what counts.
	mustCreate(t, newServer(t, "aws", j, ""), typLogGroup, "lg", map[string]any{"name": "/aws/eks/good/cluster"})
	mustCreate(t, s, typCluster, "good", loggingCluster("good"))
	if w := warningOf(t, j, typCluster, "bad"); w != "log group created by EKS" {
		t.Errorf("bad: warning %q", w)
	}
	if w := warningOf(t, j, typCluster, "good"); w != "" {
		t.Errorf("good: warning %q", w)
	}
}

func TestClusterWithoutLogTypesMakesNoLogGroup(t *testing.T) {
	j := tempJournal(t)
	s := newServer(t, "aws", j, "")
	mustCreate(t, s, typCluster, "unset", clusterInputs("unset")) // no enabledClusterLogTypes at all
	none := clusterInputs("none")
	none["enabledClusterLogTypes"] = []any{}
	mustCreate(t, s, typCluster, "none", none)
	for _, name := range []string{"unset", "none"} {
		if w := warningOf(t, j, typCluster, name); w != "" {
			t.Errorf("%s: warning %q, want none: EKS makes no log group when no log type is enabled", name, w)
		}
	}
}

// kubeServer is the kubernetes personality configured like the component's
// explicit provider: a kubeconfig naming the cluster's endpoint.
func kubeServer(t *testing.T, j, cluster string) *Server {
	t.Helper()
	k := newServer(t, "kubernetes", j, "")
	configureKube(t, k, cluster)
	return k
}

// configureKube configures k, a kubernetes personality, with a kubeconfig naming the
// cluster's endpoint, as the component's explicit provider is.
func configureKube(t *testing.T, k *Server, cluster string) {
	t.Helper()
	kc := "apiVersion: v1\nclusters:\n- cluster:\n    server: https://" + clusterHash(cluster) + ".gr7.us-west-2.eks.amazonaws.com\n"
	if _, err := k.Configure(context.Background(), &pulumirpc.ConfigureRequest{Args: props(t, map[string]any{"kubeconfig": kc})}); err != nil {
		t.Fatal(err)
	}
}

// slowServer is a personality on a slower clock than newServer's (a Helm release takes
// 60 ms), so an install's in-flight window is wide enough to hit.
func slowServer(t *testing.T, j, name string) *Server {
	t.Helper()
	s, err := NewServer(Options{Name: name, Journal: j, Scale: 0.001, Today: pinnedToday, NoKubeAPI: true})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func awsAuth() map[string]any {
	return map[string]any{"metadata": map[string]any{"name": "aws-auth", "namespace": "kube-system"},
		"data": map[string]any{"mapRoles": "[]"}}
}

func TestSecondConfigMapOfTheSameNameAlreadyExists(t *testing.T) {
	j := tempJournal(t)
	a := newKubeServer(t, "aws", j)
	mustCreate(t, a, typCluster, "c", clusterInputs("demo"))
	k := kubeServerWith(t, j, "demo", nil)
	mustCreate(t, k, typConfigMap, "before", awsAuth())                                                  // before any node group: fine
	mustCreate(t, a, typAddon, "vpc-cni", map[string]any{"clusterName": "demo", "addonName": "vpc-cni"}) // nodes need a CNI to join
	mustCreate(t, a, typNodeGroup, "ng", map[string]any{"clusterName": "demo", "nodeGroupName": "ng"})
	// A second plain ConfigMap of the same name is a client-side create: AlreadyExists
	// (kubeobjects.go; the cluster reads no aws-auth, so EKS wrote none).
	_, _, err := create(t, k, typConfigMap, "after", awsAuth())
	if err == nil || err.Error() != `configmaps "aws-auth" already exists` {
		t.Errorf("err = %v", err)
	}
	// The patch form (server-side apply) writing the same value shares it.
	mustCreate(t, k, typConfigMapPatch, "patch", awsAuth())
}

func TestCorednsAndHelmWithoutNodesAreWarned(t *testing.T) {
	j := tempJournal(t)
	a := newServer(t, "aws", j, "")
	mustCreate(t, a, typCluster, "c", clusterInputs("demo"))
	k := kubeServer(t, j, "demo")
	mustCreate(t, a, typAddon, "vpc-cni", map[string]any{"clusterName": "demo", "addonName": "vpc-cni"})
	mustCreate(t, a, typAddon, "coredns-early", map[string]any{"clusterName": "demo", "addonName": "coredns"})
	mustCreate(t, k, typRelease, "lbc-early", map[string]any{"chart": "aws-load-balancer-controller", "version": "1.13.0"})
	mustCreate(t, a, typFargate, "fp", fargate("demo", "system"))
	// EKS holds one coredns add-on per cluster: the early one goes first.
	if _, err := a.Delete(context.Background(), &pulumirpc.DeleteRequest{Urn: urnOf(typAddon, "coredns-early"), Id: "demo:coredns",
		Properties: props(t, map[string]any{"clusterName": "demo", "addonName": "coredns"})}); err != nil {
		t.Fatal(err)
	}
	mustCreate(t, a, typAddon, "coredns", map[string]any{"clusterName": "demo", "addonName": "coredns"})
	mustCreate(t, k, typRelease, "lbc", map[string]any{"chart": "aws-load-balancer-controller", "version": "1.13.0"})
	for name, want := range map[string]string{"vpc-cni": "", "coredns-early": "no nodes", "coredns": ""} {
		if w := warningOf(t, j, typAddon, name); w != want {
			t.Errorf("%s: warning %q, want %q", name, w, want)
		}
	}
	for name, want := range map[string]string{"lbc-early": "no nodes", "lbc": ""} {
		if w := warningOf(t, j, typRelease, name); w != want {
			t.Errorf("%s: warning %q, want %q", name, w, want)
		}
	}
}

func TestProviderConfigChangeIsJournaled(t *testing.T) {
	j := tempJournal(t)
	k := newServer(t, "kubernetes", j, "")
	urn := "urn:pulumi:dev::proj::pulumi:providers:kubernetes::k8s"
	d := func(old, new string) *pulumirpc.DiffResponse {
		r, err := k.DiffConfig(context.Background(), &pulumirpc.DiffRequest{Urn: urn,
			OldInputs: props(t, map[string]any{"kubeconfig": old}), News: props(t, map[string]any{"kubeconfig": new})})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	if r := d("a", "a"); r.Changes != pulumirpc.DiffResponse_DIFF_NONE {
		t.Errorf("same config: %v", r)
	}
	if r := d("a", "b"); r.Changes != pulumirpc.DiffResponse_DIFF_SOME || len(r.Replaces) != 0 || r.Diffs[0] != "kubeconfig" {
		t.Errorf("changed config: %v", r)
	}
	es := readJournal(t, j)
	if len(es) != 1 || es[0].Op != "provider-diff" || es[0].Type != "pulumi:providers:kubernetes" || es[0].Name != "k8s" {
		t.Errorf("journal = %+v", es)
	}
}

// EKS upgrades a cluster one minor at a time and never downgrades it.
func TestClusterVersionMovesOneMinorUp(t *testing.T) {
	s := newServer(t, "aws", tempJournal(t), "")
	in := clusterInputs("c1")
	in["version"] = "1.33"
	id, out := mustCreate(t, s, typCluster, "c1", in)
	update := func(version string) error {
		news := clusterInputs("c1")
		news["version"] = version
		_, err := s.Update(context.Background(), &pulumirpc.UpdateRequest{
			Id: id, Urn: urnOf(typCluster, "c1"), Olds: props(t, out.Mappable()), News: props(t, news),
		})
		return err
	}
	for _, v := range []string{"1.36", "1.32", "2.34"} {
		want := "InvalidParameterException: Unsupported Kubernetes minor version update from 1.33 to " + v
		if err := update(v); err == nil || err.Error() != want {
			t.Errorf("1.33 → %s: err %v, want %q", v, err, want)
		}
	}
	for _, v := range []string{"1.33", "1.34"} {
		if err := update(v); err != nil {
			t.Errorf("1.33 → %s: %v", v, err)
		}
	}
}

// The EKS add-ons with a Deployment hang DEGRADED with no compute, as coredns does; the
// DaemonSet-only node agents do not. An add-on's own Pod Identity association (its
// podIdentityAssociations input) is accepted and kept in its state.
func TestAddonsWithDeploymentsWithoutNodesAreWarned(t *testing.T) {
	j := tempJournal(t)
	a := newServer(t, "aws", j, "")
	mustCreate(t, a, typCluster, "c", clusterInputs("demo"))
	addon := func(name string) map[string]any { return map[string]any{"clusterName": "demo", "addonName": name} }
	mustCreate(t, a, typAddon, "vpc-cni", addon("vpc-cni"))
	efs := addon("aws-efs-csi-driver")
	efs["podIdentityAssociations"] = []any{map[string]any{
		"roleArn": "arn:aws:iam::123456789012:role/demo-addon-aws-efs-csi-driver", "serviceAccount": "efs-csi-controller-sa"}}
	_, out := mustCreate(t, a, typAddon, "efs-early", efs)
	if got := out["podIdentityAssociations"]; !got.IsArray() || len(got.ArrayValue()) != 1 {
		t.Errorf("podIdentityAssociations = %v, want the one association", got)
	}
	mustCreate(t, a, typAddon, "node-monitoring", addon("eks-node-monitoring-agent"))
	mustCreate(t, a, typAddon, "guardduty", addon("aws-guardduty-agent"))
	mustCreate(t, a, typFargate, "fp", fargate("demo", "kube-system"))
	mustCreate(t, a, typAddon, "snapshot", addon("snapshot-controller"))
	for name, want := range map[string]string{"efs-early": "no nodes", "node-monitoring": "", "guardduty": "", "snapshot": ""} {
		if w := warningOf(t, j, typAddon, name); w != want {
			t.Errorf("%s: warning %q, want %q", name, w, want)
		}
	}
}
