package platform

import (
	"fmt"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

func TestTwoPlatformsInOneStackDoNotCollide(t *testing.T) {
	m, err := deployErrTwo(t)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]string{}
	for _, r := range m.Resources() {
		key := r.Type + "::" + r.Name
		if prev, ok := seen[key]; ok {
			t.Errorf("duplicate %s (%s)", key, prev)
		}
		seen[key] = r.Name
	}
	for _, r := range m.OfType("aws:iam/role:Role") {
		for _, o := range m.OfType("aws:iam/role:Role") {
			if r.Name != o.Name && str(r, "name") == str(o, "name") {
				t.Errorf("IAM role name %q used by %s and %s", str(r, "name"), r.Name, o.Name)
			}
		}
	}
}

func deployErrTwo(t *testing.T) (*recorded, error) {
	t.Helper()
	m := newRecorded()
	err := m.Run(func(ctx *pulumi.Context) error {
		if _, err := New(ctx, "blue", minimalArgs()); err != nil {
			return err
		}
		_, err := New(ctx, "green", minimalArgs())
		return err
	})
	return m, err
}

func TestEveryChildIsParentedToTheComponent(t *testing.T) {
	m, _ := deploy(t, "demo", minimalArgs())
	for _, r := range m.Resources() {
		if r.Type == TypeToken {
			continue
		}
		if r.Parent != "demo" {
			t.Errorf("%s (%s) has parent %q, want the component", r.Name, r.Type, r.Parent)
		}
		if len(r.Name) < 5 || r.Name[:5] != "demo-" {
			t.Errorf("%s is not named <name>-<part>", r.Name)
		}
	}
}

// Rule 7: every Kubernetes object goes through the component's provider (demo-k8s),
// except aws-auth in the CONFIG_MAP modes, which has one of its own (demo-k8s-aws-auth,
// the only provider that upserts; rule 3). The platform registers Kubernetes objects of
// every kind the component makes (aws-auth, Helm releases, Karpenter's NodeClass and
// NodePools), and the check fails if it finds none, or no aws-auth, to look at.
func TestKubernetesResourcesUseTheComponentsProvider(t *testing.T) {
	args := karpenterArgs()
	args.AuthenticationMode = pulumi.String("API_AND_CONFIG_MAP")
	m, _ := deploy(t, "demo", args)
	var checked []string
	sawAwsAuth := false
	for _, r := range m.Resources() {
		if !strings.HasPrefix(r.Type, "kubernetes:") {
			continue
		}
		checked = append(checked, r.Name)
		want := "demo-k8s"
		if r.Name == "demo-aws-auth" && r.Type == typeConfigMap {
			want, sawAwsAuth = "demo-k8s-aws-auth", true
		}
		if !strings.Contains(r.Provider, "::"+want+"::") {
			t.Errorf("%s (%s) uses provider %q, want the component's explicit provider %s (rule 7)", r.Name, r.Type, r.Provider, want)
		}
	}
	if len(checked) < 3 || !sawAwsAuth {
		t.Fatalf("want aws-auth and other Kubernetes objects to check, got %d: %v", len(checked), checked)
	}
	t.Logf("checked %d Kubernetes objects: %v", len(checked), checked)
}

func TestDeterministicInputsAcrossRuns(t *testing.T) {
	a, _ := deploy(t, "demo", minimalArgs())
	b, _ := deploy(t, "demo", minimalArgs())
	ra, rb := a.Resources(), b.Resources()
	if len(ra) != len(rb) {
		t.Fatalf("%d vs %d resources", len(ra), len(rb))
	}
	byName := map[string]string{}
	for _, r := range ra {
		byName[r.Name] = fmt.Sprint(r.Inputs.Mappable())
	}
	for _, r := range rb {
		if byName[r.Name] != fmt.Sprint(r.Inputs.Mappable()) {
			t.Errorf("%s inputs differ between two runs with the same inputs", r.Name)
		}
	}
}

func containsName(providerRef, name string) bool {
	// A provider reference is "<urn>::<id>"; the URN ends with "::<name>".
	for i := 0; i+len(name) <= len(providerRef); i++ {
		if providerRef[i:i+len(name)] == name {
			return true
		}
	}
	return false
}
