package platform

import (
	"testing"

	"github.com/eksplatform/pulumi-eksplatform/provider/internal/mocktest"
	"github.com/eksplatform/pulumi-eksplatform/provider/internal/settingsapi"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// settingsOf is the recorded settings resource, and whether there is one.
func settingsOf(rec *recorder) (mocktest.Resource, bool) {
	for _, r := range rec.OfType(settingsapi.Token) {
		return r, true
	}
	return mocktest.Resource{}, false
}

func boolInput(t *testing.T, r mocktest.Resource, key string) (value, given bool) {
	t.Helper()
	v, ok := r.Inputs[resource.PropertyKey(key)]
	if !ok || v.IsNull() {
		return false, false
	}
	if !v.IsBool() {
		t.Fatalf("%s.%s = %v, want a boolean", r.Name, key, v)
	}
	return v.BoolValue(), true
}

// A new platform turns deletion protection on by default; the settings follow the
// cluster (rule 12: created after it, deleted before it), and act in the aws provider's
// region on the cluster's name and ARN.
func TestClusterSettingsNewPlatformProtected(t *testing.T) {
	rec, err := deployOn(t, minimalArgs(), nil)
	if err != nil {
		t.Fatal(err)
	}
	s, ok := settingsOf(rec)
	if !ok {
		t.Fatal("a new platform registers no cluster settings resource")
	}
	if s.Name != "demo-cluster-settings" || s.Parent != "demo" || !s.Custom {
		t.Errorf("settings resource %s (parent %q, custom %t), want the component's custom child demo-cluster-settings", s.Name, s.Parent, s.Custom)
	}
	if on, given := boolInput(t, s, settingsapi.DeletionProtection); !given || !on {
		t.Errorf("deletionProtection = %t (given %t), want true by default on a new platform", on, given)
	}
	if release, _ := boolInput(t, s, settingsapi.ReleaseProtectionOnDelete); !release {
		t.Error("releaseProtectionOnDelete = false without protectCluster; destroy could not delete the cluster")
	}
	if _, ok := s.Inputs[settingsapi.ControlPlaneTier]; ok {
		t.Errorf("controlPlaneTier %v set although not given; the tier is left as EKS has it", s.Inputs[settingsapi.ControlPlaneTier])
	}
	for key, want := range map[string]string{settingsapi.ClusterName: "demo", settingsapi.ClusterArn: mocktest.ClusterArn("demo"),
		settingsapi.Region: mocktest.Region} {
		if got := str(s, key); got != want {
			t.Errorf("%s = %q, want %q", key, got, want)
		}
	}
	if !rec.DependsOn(s.Name, "demo-cluster") {
		t.Errorf("rule 12: %s does not depend on demo-cluster, so destroy could delete the cluster before turning its protection off", s.Name)
	}
	if tags := obj(rec.Find(t, "demo-cluster"), "tags"); tags[deletionProtectionDefaultTag].StringValue() != "true" {
		t.Errorf("the cluster does not record that its platform defaults deletionProtection to true: tags %v", tags)
	}
}

// The inputs as given: protection off, a tier, protectCluster (which keeps protection
// on at destroy: the engine refuses the cluster's delete anyway).
func TestClusterSettingsGiven(t *testing.T) {
	a := minimalArgs()
	a.DeletionProtection = boolIn(false)
	a.ControlPlaneTier = strIn("tier-xl")
	a.ProtectCluster = boolIn(true)
	rec, err := deployOn(t, a, nil)
	if err != nil {
		t.Fatal(err)
	}
	s, ok := settingsOf(rec)
	if !ok {
		t.Fatal("no cluster settings resource")
	}
	if on, given := boolInput(t, s, settingsapi.DeletionProtection); !given || on {
		t.Errorf("deletionProtection = %t (given %t), want the input's false", on, given)
	}
	if got := str(s, settingsapi.ControlPlaneTier); got != "tier-xl" {
		t.Errorf("controlPlaneTier = %q, want tier-xl", got)
	}
	if release, given := boolInput(t, s, settingsapi.ReleaseProtectionOnDelete); !given || release {
		t.Error("releaseProtectionOnDelete true with protectCluster; want false")
	}
	if str(s, settingsapi.Profile) != "" || str(s, settingsapi.RoleArn) != "" {
		t.Errorf("profile %q, roleArn %q without awsProfile, awsRoleArn or aws:profile", str(s, settingsapi.Profile), str(s, settingsapi.RoleArn))
	}
}

// The plugin acts as the identity the kubeconfig uses, when the inputs name one.
func TestClusterSettingsActAsAwsProfileAndRole(t *testing.T) {
	a := minimalArgs()
	a.AwsProfile = strIn("prod")
	a.AwsRoleArn = strIn("arn:aws:iam::123456789012:role/deployer")
	rec, err := deployOn(t, a, nil)
	if err != nil {
		t.Fatal(err)
	}
	s, _ := settingsOf(rec)
	if str(s, settingsapi.Profile) != "prod" || str(s, settingsapi.RoleArn) != "arn:aws:iam::123456789012:role/deployer" {
		t.Errorf("profile %q, roleArn %q; want awsProfile and awsRoleArn", str(s, settingsapi.Profile), str(s, settingsapi.RoleArn))
	}
}

// A platform made before deletion protection (0.1.0: no tag on its cluster) keeps its
// cluster as it is: no settings resource, no new tag, so the upgrade changes nothing.
// One made by this release (the tag) keeps the default on.
func TestClusterSettingsDefaultFollowsTheRunningCluster(t *testing.T) {
	old := mocktest.LiveCluster{Version: "1.36", Tags: tagsOf("false", "true")}
	rec, err := deployOn(t, minimalArgs(), map[string]mocktest.LiveCluster{"demo": old})
	if err != nil {
		t.Fatal(err)
	}
	if s, ok := settingsOf(rec); ok {
		t.Errorf("an earlier release's platform gets settings %v; want none unless an input asks", s.Inputs)
	}
	if tags := obj(rec.Find(t, "demo-cluster"), "tags"); tags.HasValue(deletionProtectionDefaultTag) {
		t.Errorf("an earlier release's cluster gets tag %s", deletionProtectionDefaultTag)
	}

	// The tier alone on such a platform manages the tier only.
	a := minimalArgs()
	a.ControlPlaneTier = strIn("tier-2xl")
	rec, err = deployOn(t, a, map[string]mocktest.LiveCluster{"demo": old})
	if err != nil {
		t.Fatal(err)
	}
	s, ok := settingsOf(rec)
	if !ok {
		t.Fatal("controlPlaneTier given, but no settings resource")
	}
	if _, given := boolInput(t, s, settingsapi.DeletionProtection); given {
		t.Error("deletionProtection managed on an earlier release's platform without the input")
	}

	made := mocktest.LiveCluster{Version: "1.36", Tags: tagsOf("false", "true")}
	made.Tags[deletionProtectionDefaultTag] = "true"
	rec, err = deployOn(t, minimalArgs(), map[string]mocktest.LiveCluster{"demo": made})
	if err != nil {
		t.Fatal(err)
	}
	if s, ok := settingsOf(rec); !ok {
		t.Error("a platform created with the default loses its settings resource on the next run")
	} else if on, given := boolInput(t, s, settingsapi.DeletionProtection); !given || !on {
		t.Errorf("deletionProtection = %t (given %t) on the next run, want true", on, given)
	}
}

func TestClusterSettingsValidation(t *testing.T) {
	a := minimalArgs()
	a.ControlPlaneTier = strIn("tier-3xl")
	requireInvalid(t, a, `controlPlaneTier: "tier-3xl" is not a provisioned control plane tier; use one of standard, tier-xl, tier-2xl, tier-4xl, tier-8xl`)
}
