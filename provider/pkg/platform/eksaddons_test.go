package platform

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/eksplatform/pulumi-eksplatform/provider/pkg/iampolicy"

	"github.com/eksplatform/pulumi-eksplatform/provider/internal/mocktest"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// cniSettingsReadAtNodeLaunch are vpc-cni settings a node takes when it is created:
// with prefix delegation EKS sizes the node's max pods at launch, custom networking and
// pod ENIs decide the node's interfaces, and with the last two the CNI's daemon still
// needs the API server (so kube-proxy) to start (amazon-vpc-cni-k8s #3243). Nodes
// launched before such a setting is in place keep the old behaviour until replaced
// (AWS: "create new node groups ... rather than rolling replace"). Node groups wait
// for vpc-cni on every platform now; these settings must not change that.
var cniSettingsReadAtNodeLaunch = []string{"ENABLE_PREFIX_DELEGATION", "AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG", "ENABLE_POD_ENI"}

// Rule 4: node groups wait for the add-ons a node needs to become Ready when it joins
// (vpc-cni and kube-proxy), by a recorded dependency, so no engine --parallel can start
// the nodes ahead of them; not for the pod identity agent, which nothing reads at join.
// What runs pods waits for all three. Fargate profiles wait for none.
func TestNodeAddonsBeforeNodesJoin(t *testing.T) {
	m, _ := deploy(t, "demo", computeArgs(""))
	var base []mocktest.Resource
	for _, name := range []string{"vpc-cni", "kube-proxy", "eks-pod-identity-agent"} {
		addon := m.Find(t, "demo-"+name)
		if got := str(addon, "addonName"); got != name {
			t.Errorf("addonName = %q, want %q", got, name)
		}
		base = append(base, addon)
	}
	joinNeeds := base[:2]
	ngs := m.OfType(typeNodeGroup)
	m.RequireOrder(t, "rule 4: vpc-cni and kube-proxy before the nodes join", joinNeeds, ngs)
	for _, ng := range ngs {
		if m.DependsOn(ng.Name, "demo-eks-pod-identity-agent") {
			t.Errorf("rule 8: %s waits for the pod identity agent, which nothing reads when nodes join", ng.Name)
		}
	}
	m.RequireOrder(t, "rule 4: coredns after the node add-ons", base, []mocktest.Resource{m.Find(t, "demo-coredns")})
	// A vpc-cni setting read at node launch keeps the order.
	for _, setting := range cniSettingsReadAtNodeLaunch {
		a := computeArgs("")
		a.EksAddons = &EksAddonsArgs{VpcCni: &EksAddonArgs{ConfigurationValues: pulumi.Map{
			"env": pulumi.Map{setting: pulumi.String("true").ToStringOutput()}}}}
		m, _ := deploy(t, "demo", a)
		m.RequireOrder(t, "rule 4: "+setting+" is read at node launch, so vpc-cni first",
			[]mocktest.Resource{m.Find(t, "demo-vpc-cni")}, m.OfType(typeNodeGroup))
	}
	// Without kube-proxy (a CNI that replaces it), the groups still wait for vpc-cni.
	a := computeArgs("")
	a.EksAddons = &EksAddonsArgs{KubeProxy: &EksAddonArgs{Enabled: pulumi.Bool(false)}}
	noProxy, _ := deploy(t, "demo", a)
	noProxy.RequireOrder(t, "rule 4: vpc-cni before the nodes join, without kube-proxy",
		[]mocktest.Resource{noProxy.Find(t, "demo-vpc-cni")}, noProxy.OfType(typeNodeGroup))
	// Fargate runs none of them, so profiles must not wait for them (rule 8).
	for _, p := range m.OfType(typeFargate) {
		for _, a := range base {
			if m.DependsOn(p.Name, a.Name) {
				t.Errorf("rule 8: Fargate profile %s waits for %s, which only nodes need", p.Name, a.Name)
			}
		}
	}
}

func TestNodeAddonsAfterCompute(t *testing.T) {
	a := computeArgs("")
	a.EksAddons = &EksAddonsArgs{EbsCsiDriver: &EksAddonArgs{Enabled: pulumi.Bool(true)}}
	m, p := deploy(t, "demo", a)
	after := []mocktest.Resource{m.Find(t, "demo-coredns"), m.Find(t, "demo-aws-ebs-csi-driver")}
	// After the node group that can run them (general: untainted, with nodes), not the
	// tainted batch group or the Fargate profiles, which they would only wait for.
	m.RequireOrder(t, "rule 4: coredns and EBS CSI after the compute that runs them", []mocktest.Resource{m.Find(t, "demo-ng-general")}, after)
	for _, r := range after {
		for _, other := range []string{"demo-ng-batch", "demo-fargate-kube-system", "demo-fargate-apps"} {
			if m.DependsOn(r.Name, other) {
				t.Errorf("rule 4: %s waits for %s, which will not run it", r.Name, other)
			}
		}
	}
	for _, r := range after {
		for _, b := range []string{"demo-vpc-cni", "demo-kube-proxy", "demo-eks-pod-identity-agent"} {
			if !m.DependsOn(r.Name, b) {
				t.Errorf("%s does not follow %s", r.Name, b)
			}
		}
	}

	// The EBS CSI driver's own IRSA role.
	role := m.Find(t, "demo-ebs-csi-role")
	var doc iampolicy.Document
	if err := json.Unmarshal([]byte(str(role, "assumeRolePolicy")), &doc); err != nil {
		t.Fatal(err)
	}
	st := doc.Statement[0]
	if st.Principal == nil || st.Principal.Federated == "" || !slices.Equal(st.Action, []string{"sts:AssumeRoleWithWebIdentity"}) {
		t.Fatalf("EBS CSI trust = %+v, want web identity through the OIDC provider", st)
	}
	found := false
	for k, v := range st.Condition["StringEquals"] {
		if len(k) > 4 && k[len(k)-4:] == ":sub" {
			found = v == "system:serviceaccount:kube-system:ebs-csi-controller-sa"
		}
	}
	if !found {
		t.Errorf("EBS CSI trust condition %v does not name kube-system:ebs-csi-controller-sa", st.Condition)
	}
	att := m.Find(t, "demo-ebs-csi-role-AmazonEBSCSIDriverPolicy")
	if got := str(att, "policyArn"); got != "arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy" {
		t.Errorf("policyArn = %q", got)
	}
	ebs := m.Find(t, "demo-aws-ebs-csi-driver")
	if got := str(ebs, "serviceAccountRoleArn"); got != "arn:aws:iam::123456789012:role/demo-ebs-csi" {
		t.Errorf("serviceAccountRoleArn = %q", got)
	}
	if !m.DependsOn(ebs.Name, att.Name) || !m.DependsOn(role.Name, "demo-oidc") {
		t.Errorf("EBS CSI must follow its role's policy, and the role the OIDC provider")
	}
	roles := awaitStringMap(t, p.AddonRoleArns)
	if roles["aws-ebs-csi-driver"] != "arn:aws:iam::123456789012:role/demo-ebs-csi" {
		t.Errorf("addonRoleArns = %v", roles)
	}
}

func TestAddonDefaults(t *testing.T) {
	m, _ := deploy(t, "demo", computeArgs(""))
	for _, a := range m.OfType(typeAddon) {
		if str(a, "resolveConflictsOnCreate") != "OVERWRITE" || str(a, "resolveConflictsOnUpdate") != "OVERWRITE" {
			t.Errorf("%s: conflicts must be resolved by OVERWRITE", a.Name)
		}
		if got := str(a, "addonVersion"); got != "v1.0.0-eksbuild.1" {
			t.Errorf("%s: addonVersion = %q, want the default version getAddonVersion resolved", a.Name, got)
		}
		if got := str(a, "clusterName"); got != "demo" {
			t.Errorf("%s: clusterName = %q", a.Name, got)
		}
	}
	for _, name := range []string{"demo-aws-ebs-csi-driver"} {
		for _, r := range m.Resources() {
			if r.Name == name {
				t.Errorf("%s is disabled by default", name)
			}
		}
	}
	// The default version is looked up for the cluster's Kubernetes version, not the
	// most recent one.
	for _, c := range m.Calls() {
		if c.Token == "aws:eks/getAddonVersion:getAddonVersion" {
			if c.Args["kubernetesVersion"].StringValue() != "1.36" { // the default on the pinned day
				t.Errorf("getAddonVersion kubernetesVersion = %v", c.Args["kubernetesVersion"])
			}
			if v, ok := c.Args["mostRecent"]; ok && v.IsBool() && v.BoolValue() {
				t.Errorf("getAddonVersion must ask for the default version, not the most recent")
			}
		}
	}
}

func TestAddonVersionNeverDriftsUnlessGiven(t *testing.T) {
	a := computeArgs("")
	a.EksAddons = &EksAddonsArgs{VpcCni: &EksAddonArgs{Version: pulumi.String("v1.19.2-eksbuild.1")}}
	rec := deployRecording(t, a)
	if got := rec.ignore["demo-kube-proxy"]; !slices.Equal(got, []string{"addonVersion"}) {
		t.Errorf("kube-proxy (no version given): ignoreChanges = %v, want [addonVersion]", got)
	}
	if got := rec.ignore["demo-vpc-cni"]; len(got) != 0 {
		t.Errorf("vpc-cni (version given): ignoreChanges = %v, want none so the version upgrades", got)
	}
	if got := str(rec.Find(t, "demo-vpc-cni"), "addonVersion"); got != "v1.19.2-eksbuild.1" {
		t.Errorf("vpc-cni addonVersion = %q", got)
	}
}

func TestAddonConfigurationValuesSorted(t *testing.T) {
	a := computeArgs("")
	a.EksAddons = &EksAddonsArgs{VpcCni: &EksAddonArgs{ConfigurationValues: pulumi.Map{
		"env":      pulumi.Map{"WARM_IP_TARGET": pulumi.String("5"), "ENABLE_PREFIX_DELEGATION": pulumi.String("true")},
		"computed": pulumi.String("x").ToStringOutput(),
		"beta":     pulumi.Bool(true),
	}}}
	m, _ := deploy(t, "demo", a)
	want := `{"beta":true,"computed":"x","env":{"ENABLE_PREFIX_DELEGATION":"true","WARM_IP_TARGET":"5"}}`
	if got := str(m.Find(t, "demo-vpc-cni"), "configurationValues"); got != want {
		t.Errorf("configurationValues = %s, want %s", got, want)
	}
}

func TestAddonsCanBeDisabled(t *testing.T) {
	a := computeArgs("")
	off := &EksAddonArgs{Enabled: pulumi.Bool(false)}
	a.EksAddons = &EksAddonsArgs{VpcCni: off, KubeProxy: off, PodIdentityAgent: off, Coredns: off}
	m, _ := deploy(t, "demo", a)
	if n := len(m.OfType(typeAddon)); n != 0 {
		t.Errorf("want no add-on, got %d", n)
	}
}

func TestPodIdentityAgentEnabled(t *testing.T) {
	cfg, err := resolve(false, "demo", minimalArgs())
	if err != nil {
		t.Fatal(err)
	}
	if !cfg.EksAddons.PodIdentityAgentEnabled() {
		t.Errorf("the pod identity agent is enabled by default")
	}
	a := minimalArgs()
	a.EksAddons = &EksAddonsArgs{PodIdentityAgent: &EksAddonArgs{Enabled: pulumi.Bool(false)}}
	if cfg, err = resolve(false, "demo", a); err != nil || cfg.EksAddons.PodIdentityAgentEnabled() {
		t.Errorf("disabled agent reported enabled (err %v)", err)
	}
}

func TestCorednsSkippedWithoutCompute(t *testing.T) {
	// With nothing to run on, coredns would never become active; by default it waits
	// for a node group or a kube-system Fargate profile.
	m, _ := deploy(t, "demo", fargateOnlyArgs(FargateProfileArgs{Name: pulumi.String("apps"),
		Selectors: []FargateSelectorArgs{{Namespace: pulumi.String("apps")}}}))
	for _, r := range m.OfType(typeAddon) {
		if r.Name == "demo-coredns" {
			t.Errorf("coredns made with no compute")
		}
	}
}

func TestValidationEksAddons(t *testing.T) {
	requireInvalid(t, func() *Args {
		a := fargateOnlyArgs(FargateProfileArgs{Name: pulumi.String("apps"),
			Selectors: []FargateSelectorArgs{{Namespace: pulumi.String("apps")}}})
		a.EksAddons = &EksAddonsArgs{Coredns: &EksAddonArgs{Enabled: pulumi.Bool(true)}}
		return a
	}(), "eksAddons.coredns:", "no node group")
	requireInvalid(t, func() *Args {
		a := fargateOnlyArgs()
		a.FargateProfiles = []FargateProfileArgs{{Name: pulumi.String("ks"), Selectors: []FargateSelectorArgs{{Namespace: pulumi.String("kube-system")}}}}
		a.EksAddons = &EksAddonsArgs{EbsCsiDriver: &EksAddonArgs{Enabled: pulumi.Bool(true)}}
		return a
	}(), "eksAddons.ebsCsiDriver:", "add a node group")
	requireInvalid(t, func() *Args {
		a := computeArgs("")
		a.EksAddons = &EksAddonsArgs{KubeProxy: &EksAddonArgs{Version: pulumi.String("1.33")}}
		return a
	}(), "eksAddons.kubeProxy.version:", "v1.19.2-eksbuild.1")
}

// awaitStringMap resolves a string map output after the program ran.
func awaitStringMap(t *testing.T, o pulumi.StringMapOutput) map[string]string {
	t.Helper()
	ch := make(chan map[string]string, 1)
	o.ApplyT(func(m map[string]string) map[string]string { ch <- m; return m })
	return <-ch
}
