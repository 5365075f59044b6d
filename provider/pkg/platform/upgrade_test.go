package platform

import (
	"slices"
	"strings"
	"testing"

	"github.com/eksplatform/pulumi-eksplatform/provider/internal/mocktest"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// deployLive runs New with the EKS data sources answering for a running cluster
// "demo" on version with the node groups given, recording resource options too.
func deployLive(t *testing.T, args *Args, version string, nodeGroups map[string]string) (*recorder, error) {
	t.Helper()
	rec := &recorder{Mocks: mocktest.New(), ignore: map[string][]string{}, dbr: map[string]bool{}, protect: map[string]bool{}}
	if version != "" {
		rec.SetLiveCluster("demo", version, nodeGroups)
	}
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		_, err := New(ctx, "demo", args)
		return err
	}, pulumi.WithMocks("project", "stack", rec))
	return rec, err
}

// children are the registered resources other than the component itself.
func children(m *mocktest.Mocks) []string {
	var out []string
	for _, r := range m.Resources() {
		if r.Type != TypeToken {
			out = append(out, r.Name)
		}
	}
	return out
}

func withVersion(a *Args, v string) *Args {
	a.KubernetesVersion = pulumi.String(v)
	return a
}

// A step EKS would refuse — two minors at once, or down — is refused before any child
// is registered, naming the version that is allowed.
func TestVersionStepIsOneMinorUp(t *testing.T) {
	for _, tc := range []struct {
		name, live, want string
		err              []string
	}{
		{"first create", "", "1.36", nil},
		{"same version", "1.35", "1.35", nil},
		{"one minor up", "1.35", "1.36", nil},
		{"two minors up", "1.34", "1.36", []string{"kubernetesVersion: 1.36 is more than one minor version above the 1.34 cluster demo runs", "set 1.35, run pulumi up"}},
		{"down", "1.36", "1.35", []string{"kubernetesVersion: 1.35 is older than the 1.36 cluster demo runs", "EKS cannot downgrade a control plane; set 1.36"}},
		{"down, the next allowed", "1.35", "1.34", []string{"kubernetesVersion: 1.34 is older", "set 1.35 (or 1.36 to upgrade)"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// EXTENDED runs every version EKS supports on the pinned day (1.34 is past
			// standard support), so only the step is checked here.
			args := withVersion(minimalArgs(), tc.want)
			args.UpgradePolicy = pulumi.String("EXTENDED")
			rec, err := deployLive(t, args, tc.live, nil)
			if tc.err == nil {
				if err != nil {
					t.Fatalf("want no error, got %v", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("want an error containing %q, got none", tc.err)
			}
			for _, w := range tc.err {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
			if c := children(rec.Mocks); len(c) != 0 {
				t.Errorf("the step was refused but %d children were registered: %v", len(c), c)
			}
		})
	}
}

// The running cluster is read by name in Output form, and a cluster that does not exist
// (the first create) is found absent through the list rather than by a failing
// getCluster; node groups are read only when they are the platform's own.
func TestLiveClusterReadByName(t *testing.T) {
	rec, err := deployLive(t, minimalArgs(), "", nil)
	if err != nil {
		t.Fatal(err)
	}
	var tokens []string
	for _, c := range rec.Calls() {
		tokens = append(tokens, c.Token)
	}
	if !slices.Contains(tokens, "aws:eks/getClusters:getClusters") || slices.Contains(tokens, "aws:eks/getCluster:getCluster") {
		t.Errorf("first create: want getClusters and no getCluster, got %v", tokens)
	}
	rec, err = deployLive(t, withVersion(minimalArgs(), "1.36"), "1.36",
		map[string]string{"demo-general-0123abcd": "1.36", "someone-else": "1.30", "demo-general-extra": "1.30"})
	if err != nil {
		t.Fatal(err)
	}
	var groups []string
	for _, c := range rec.Calls() {
		if c.Token == "aws:eks/getNodeGroup:getNodeGroup" {
			groups = append(groups, c.Args["nodeGroupName"].StringValue())
		}
	}
	if !slices.Equal(groups, []string{"demo-general-0123abcd"}) {
		t.Errorf("node groups read: %v, want only the platform's demo-general-<generation>", groups)
	}
}

// On a one-minor bump every EKS add-on without a version follows the new minor (no
// ignoreChanges on addonVersion), resolved for the control plane's version output;
// pinned versions stay pinned. Without a bump the version is kept.
func TestBumpMovesUnpinnedAddons(t *testing.T) {
	args := func() *Args {
		a := withVersion(computeArgs(""), "1.36")
		a.EksAddons = &EksAddonsArgs{VpcCni: &EksAddonArgs{Version: pulumi.String("v1.19.2-eksbuild.1")}}
		return a
	}
	rec, err := deployLive(t, args(), "1.35", nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"demo-kube-proxy", "demo-eks-pod-identity-agent", "demo-coredns"} {
		if got := rec.ignore[name]; len(got) != 0 {
			t.Errorf("bump: %s ignoreChanges = %v, want none so its version follows the minor", name, got)
		}
	}
	if got := str(rec.Find(t, "demo-vpc-cni"), "addonVersion"); got != "v1.19.2-eksbuild.1" {
		t.Errorf("bump: pinned vpc-cni addonVersion = %q, want the pin", got)
	}
	// The default is asked for the version the control plane runs after its update.
	for _, c := range rec.Calls() {
		if c.Token == "aws:eks/getAddonVersion:getAddonVersion" && c.Args["kubernetesVersion"].StringValue() != "1.36" {
			t.Errorf("getAddonVersion kubernetesVersion = %v, want the cluster's 1.36", c.Args["kubernetesVersion"])
		}
	}
	for _, run := range []struct{ name, live string }{{"same version", "1.36"}, {"first create", ""}} {
		rec, err = deployLive(t, args(), run.live, nil)
		if err != nil {
			t.Fatal(err)
		}
		if got := rec.ignore["demo-kube-proxy"]; !slices.Equal(got, []string{"addonVersion"}) {
			t.Errorf("%s: kube-proxy ignoreChanges = %v, want [addonVersion]", run.name, got)
		}
	}
}

// The order of a bump: the control plane first, then the add-ons and the node groups,
// each after the cluster (its name and version outputs: a dependent is updated only
// once the cluster's update is done). Node groups follow vpc-cni and kube-proxy, which
// rule 4 makes them wait for at any --parallel (nodes need both to become Ready); the
// skew policy allows that order (kube-proxy is never newer than the API server, and may
// be newer than the kubelet), so a bump costs the add-ons' minute before the nodes roll.
func TestBumpOrder(t *testing.T) {
	rec, err := deployLive(t, withVersion(computeArgs(""), "1.36"), "1.35", nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"demo-vpc-cni", "demo-kube-proxy", "demo-eks-pod-identity-agent", "demo-coredns", "demo-ng-general", "demo-ng-batch"} {
		r := rec.Find(t, name)
		if !slices.Contains(r.DependsOn, "demo-cluster") {
			t.Errorf("%s does not depend on the cluster: %v", name, r.DependsOn)
		}
	}
	for _, ng := range []string{"demo-ng-general", "demo-ng-batch"} {
		for _, addon := range []string{"demo-vpc-cni", "demo-kube-proxy"} {
			if !slices.Contains(rec.Find(t, ng).DependsOn, addon) {
				t.Errorf("%s does not wait for %s: rule 4 (nodes need it to become Ready)", ng, addon)
			}
		}
		if slices.Contains(rec.Find(t, ng).DependsOn, "demo-eks-pod-identity-agent") {
			t.Errorf("%s waits for the pod identity agent, which no node needs to become Ready (rule 8)", ng)
		}
	}
}

// Version skew found in the running cluster: a node group behind the control plane
// blocks a bump (EKS updates the control plane only when every managed node group
// runs its version) and, without a bump, is finished by this run (add-ons follow).
func TestNodeGroupSkew(t *testing.T) {
	lag := map[string]string{"demo-general-0123abcd": "1.34"}
	rec, err := deployLive(t, withVersion(minimalArgs(), "1.36"), "1.35", lag)
	if err == nil || !strings.Contains(err.Error(), "nodeGroups[0]: EKS node group demo-general-0123abcd runs Kubernetes 1.34, behind the 1.35 control plane") ||
		!strings.Contains(err.Error(), "set kubernetesVersion 1.35 and run pulumi up first") {
		t.Errorf("bump with a lagging node group: want the skew error, got %v", err)
	}
	if c := children(rec.Mocks); len(c) != 0 {
		t.Errorf("refused, but children were registered: %v", c)
	}
	u, err := planUpgrade(clusterConfig{Name: "demo", Version: "1.35"}, computeConfig{NodeGroups: []nodeGroupConfig{{EksName: "demo-general"}}},
		liveCluster{Exists: true, Version: "1.35", NodeGroups: lag}, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	if !u.Following || u.Bump || len(u.Warnings) != 1 || !strings.Contains(u.Warnings[0], "this run updates it") {
		t.Errorf("interrupted bump: want add-ons following and one warning, got %+v", u)
	}
}

// kube-proxy must not be newer than the control plane and at most three minors older
// (the Kubernetes version skew policy); a pin within it stays pinned with a warning on
// a bump, as does every other pinned add-on.
func TestKubeProxyPinSkew(t *testing.T) {
	c := clusterConfig{Name: "demo", Version: "1.36"}
	for _, tc := range []struct {
		pin, err string
	}{
		{"v1.37.0-eksbuild.1", "eksAddons.kubeProxy.version: v1.37.0-eksbuild.1 is newer than kubernetesVersion 1.36"},
		{"v1.32.0-eksbuild.1", "eksAddons.kubeProxy.version: v1.32.0-eksbuild.1 is more than three minor versions older"},
		{"v1.33.0-eksbuild.1", ""},
	} {
		_, err := planUpgrade(c, computeConfig{}, liveCluster{}, tc.pin, nil)
		if tc.err == "" && err != nil || tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)) {
			t.Errorf("pin %s: want error %q, got %v", tc.pin, tc.err, err)
		}
	}
	u, err := planUpgrade(c, computeConfig{}, liveCluster{Exists: true, Version: "1.35"}, "v1.35.0-eksbuild.2",
		map[string]string{"eksAddons.vpcCni.version": "v1.19.2-eksbuild.1"})
	if err != nil {
		t.Fatal(err)
	}
	if len(u.Warnings) != 2 || !strings.Contains(u.Warnings[0], "kube-proxy") && !strings.Contains(u.Warnings[0], "kubeProxy") ||
		!strings.Contains(u.Warnings[1], "eksAddons.vpcCni.version: v1.19.2-eksbuild.1 stays pinned across the upgrade to 1.36") {
		t.Errorf("bump with pins: warnings %q", u.Warnings)
	}
	// The whole component refuses the bad pin before registering a child.
	a := withVersion(minimalArgs(), "1.36")
	a.EksAddons = &EksAddonsArgs{KubeProxy: &EksAddonArgs{Version: pulumi.String("v1.37.0-eksbuild.1")}}
	rec, err := deployLive(t, a, "", nil)
	if err == nil || len(children(rec.Mocks)) != 0 {
		t.Errorf("newer kube-proxy pin: err %v, children %v", err, children(rec.Mocks))
	}
}
