package platform

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/eksplatform/pulumi-eksplatform/provider/internal/mocktest"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

func TestFargateProfilesChained(t *testing.T) {
	a := computeArgs("")
	a.FargateProfiles = append(a.FargateProfiles, FargateProfileArgs{
		Name: pulumi.String("jobs"), Selectors: []FargateSelectorArgs{{Namespace: pulumi.String("jobs")}},
	})
	m, _ := deploy(t, "demo", a)
	if n := len(m.OfType(typeFargate)); n != 3 {
		t.Fatalf("want 3 profiles, got %d", n)
	}
	// In the order given (registration order under mocks is not guaranteed).
	profiles := []mocktest.Resource{m.Find(t, "demo-fargate-kube-system"), m.Find(t, "demo-fargate-apps"), m.Find(t, "demo-fargate-jobs")}
	for i := 1; i < len(profiles); i++ {
		if !slices.Contains(profiles[i].DependsOn, profiles[i-1].Name) {
			t.Errorf("rule 5: %s does not depend directly on %s", profiles[i].Name, profiles[i-1].Name)
		}
	}
	if m.DependsOn(profiles[0].Name, profiles[1].Name) {
		t.Errorf("the first profile must not wait for the second")
	}
	// Node groups and profiles do not wait for each other (rule 8).
	for _, ng := range m.OfType(typeNodeGroup) {
		for _, p := range profiles {
			if m.DependsOn(ng.Name, p.Name) || m.DependsOn(p.Name, ng.Name) {
				t.Errorf("%s and %s are ordered, but nothing requires it", ng.Name, p.Name)
			}
		}
	}
}

func TestFargateProfileInputs(t *testing.T) {
	m, _ := deploy(t, "demo", computeArgs(""))
	p := m.Find(t, "demo-fargate-apps")
	if got := str(p, "fargateProfileName"); got != "apps" {
		t.Errorf("fargateProfileName = %q", got)
	}
	if got := str(p, "podExecutionRoleArn"); got != "arn:aws:iam::123456789012:role/demo-fargate" {
		t.Errorf("podExecutionRoleArn = %q", got)
	}
	if got := strs(p, "subnetIds"); !slices.Equal(got, []string{priv1, priv2}) {
		t.Errorf("subnetIds = %v, want the private subnets", got)
	}
	sel := p.Inputs["selectors"].ArrayValue()
	if len(sel) != 1 || sel[0].ObjectValue()["namespace"].StringValue() != "apps" ||
		sel[0].ObjectValue()["labels"].ObjectValue()["fargate"].StringValue() != "true" {
		t.Errorf("selectors = %v", sel)
	}
}

func TestFargateTrustCondition(t *testing.T) {
	m, p := deploy(t, "demo", computeArgs(""))
	role := m.Find(t, "demo-fargate-role")
	doc := requireServiceTrust(t, str(role, "assumeRolePolicy"), "eks-fargate-pods.amazonaws.com")
	want := "arn:aws:eks:" + mocktest.Region + ":" + mocktest.Account + ":fargateprofile/demo/*"
	cond := doc.Statement[0].Condition
	if got := cond["ArnLike"]["aws:SourceArn"]; got != want {
		t.Errorf("ArnLike aws:SourceArn = %q, want %q (condition %v)", got, want, cond)
	}
	if len(cond) != 1 || len(cond["ArnLike"]) != 1 {
		t.Errorf("unexpected condition %v", cond)
	}
	att := m.Find(t, "demo-fargate-role-AmazonEKSFargatePodExecutionRolePolicy")
	if got := str(att, "policyArn"); got != "arn:aws:iam::aws:policy/AmazonEKSFargatePodExecutionRolePolicy" {
		t.Errorf("policyArn = %q", got)
	}
	m.RequireOrder(t, "profiles after the pod execution role's policy", []mocktest.Resource{att}, m.OfType(typeFargate))
	if got := awaitString(t, p.FargatePodExecutionRoleArn); got != "arn:aws:iam::123456789012:role/demo-fargate" {
		t.Errorf("fargatePodExecutionRoleArn output = %q", got)
	}
}

func TestFargateOnlyRunsCorednsOnFargate(t *testing.T) {
	a := fargateOnlyArgs()
	a.FargateProfiles = []FargateProfileArgs{
		{Name: pulumi.String("kube-system"), Selectors: []FargateSelectorArgs{{Namespace: pulumi.String("kube-system")}}},
		{Name: pulumi.String("apps"), Selectors: []FargateSelectorArgs{{Namespace: pulumi.String("apps"), Labels: pulumi.StringMap{"tier": pulumi.String("web")}}}},
	}
	m, _ := deploy(t, "demo", a)
	coredns := m.Find(t, "demo-coredns")
	var values map[string]any
	if err := json.Unmarshal([]byte(str(coredns, "configurationValues")), &values); err != nil {
		t.Fatalf("configurationValues %q: %v", str(coredns, "configurationValues"), err)
	}
	if values["computeType"] != "Fargate" {
		t.Errorf("coredns configurationValues = %v, want computeType Fargate", values)
	}
	m.RequireOrder(t, "coredns after the profile that runs it", []mocktest.Resource{m.Find(t, "demo-fargate-kube-system")}, []mocktest.Resource{coredns})
	if m.DependsOn("demo-coredns", "demo-fargate-apps") {
		t.Error("rule 4: coredns waits for the apps profile, which does not select it")
	}
	for _, r := range m.OfType(typeRole) {
		if r.Name == "demo-node-role" {
			t.Errorf("node role made without node groups")
		}
	}
}

func TestCorednsOnNodesWhenThereAreNodeGroups(t *testing.T) {
	m, _ := deploy(t, "demo", computeArgs(""))
	if got := str(m.Find(t, "demo-coredns"), "configurationValues"); got != "" {
		t.Errorf("coredns configurationValues = %q; with node groups it runs on them", got)
	}
}

func TestCorednsSelectorMatching(t *testing.T) {
	cases := []struct {
		sel  fargateSelectorConfig
		want bool
	}{
		{fargateSelectorConfig{Namespace: "kube-system"}, true},
		{fargateSelectorConfig{Namespace: "kube-*"}, true},
		{fargateSelectorConfig{Namespace: "kube-system", Labels: map[string]string{"k8s-app": "kube-dns"}}, true},
		{fargateSelectorConfig{Namespace: "kube-system", Labels: map[string]string{"app": "other"}}, false},
		{fargateSelectorConfig{Namespace: "default"}, false},
	}
	for _, c := range cases {
		if got := c.sel.selectsCoredns(); got != c.want {
			t.Errorf("%+v selects coredns = %v, want %v", c.sel, got, c.want)
		}
	}
}
