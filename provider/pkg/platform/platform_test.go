package platform

import (
	"fmt"
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

func TestKubernetesResourcesUseTheComponentsProvider(t *testing.T) {
	m, _ := deploy(t, "demo", minimalArgs())
	for _, r := range m.Resources() {
		if len(r.Type) > 11 && r.Type[:11] == "kubernetes:" {
			if r.Provider == "" || !containsName(r.Provider, "demo-k8s") {
				t.Errorf("%s (%s) uses provider %q, want the component's explicit provider (rule 7)", r.Name, r.Type, r.Provider)
			}
		}
	}
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
