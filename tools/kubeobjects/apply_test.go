package kubeobjects

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/eksplatform/pulumi-eksplatform/provider"
	"github.com/eksplatform/pulumi-eksplatform/provider/constructtest"
	"github.com/eksplatform/pulumi-eksplatform/provider/pkg/addons"
	"github.com/eksplatform/pulumi-eksplatform/provider/pkg/platform"
	"github.com/eksplatform/pulumi-eksplatform/tools/internal/kubeapi"
	"github.com/eksplatform/pulumi-eksplatform/tools/internal/runner"
)

// startServer starts a control plane of its own for one cluster (objects of two
// scenarios would otherwise meet, as NodePools named gpu do) and stops it at the end.
func startServer(t *testing.T) *kubeapi.Server {
	t.Helper()
	repo, err := runner.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	s, err := kubeapi.Start(context.Background(), kubeapi.Options{Bin: filepath.Join(repo, "bin")})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("API server %s ready in %s", s.Endpoint, time.Since(start).Round(10*time.Millisecond))
	t.Cleanup(func() {
		if err := s.Stop(); err != nil {
			t.Error(err)
		}
	})
	return s
}

// vendoredCRDs are every CRD the product vendors (provider/pkg/addons/crds), parsed by
// the product's own parser: what a cluster with those charts installed serves. Auto
// Mode's NodePool kind is among them (Karpenter's nodepools.karpenter.sh).
func vendoredCRDs(t *testing.T) []map[string]any {
	t.Helper()
	repo, err := runner.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob(filepath.Join(repo, "provider", "pkg", "addons", "crds", "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no vendored CRDs: %v", err)
	}
	var out []map[string]any
	for _, f := range files {
		text, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		crds, err := addons.ParseCRDs(filepath.Base(f), text)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range crds {
			out = append(out, c.Object)
		}
	}
	return out
}

// construct runs the plugin's Construct on inputs under mocks, as `pulumi up` would.
func construct(t *testing.T, s scenario) *constructtest.Result {
	t.Helper()
	res, err := constructtest.Run(constructtest.Options{
		Construct: provider.Construct, Type: platform.TypeToken, Name: "demo",
		Inputs: s.propertyMap(), Mode: constructtest.Up,
		// Generous: a machine whose cores are all compiling is slow to construct.
		Timeout: 5 * time.Minute,
	})
	if err != nil {
		t.Fatalf("construct %s: %v", s.name, err)
	}
	return res
}

func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// Every Kubernetes object the platform registers itself (charts aside) is accepted by a
// real kube-apiserver with the vendored CRDs installed, applied as the pulumi-kubernetes
// provider applies it, in registration order, without a warning (a warning is a field
// the server drops).
func TestEveryObjectThePlatformMakesIsAccepted(t *testing.T) {
	crds := vendoredCRDs(t)
	for _, sc := range scenarios() {
		t.Run(sc.name, func(t *testing.T) {
			res := construct(t, sc)
			objs, skipped, err := kubernetesObjects(res)
			if err != nil {
				t.Fatal(err)
			}
			var kinds []string
			for _, o := range objs {
				kinds = append(kinds, o.gvk())
			}
			for _, k := range sc.wantKinds {
				if !slices.Contains(kinds, k) {
					t.Fatalf("the platform registered no %s; it registered %v", k, kinds)
				}
			}
			for _, o := range skipped {
				t.Logf("not applied: %s: %s", o, unpublished[o.gvk()])
			}

			s := startServer(t)
			ctx := testContext(t)
			if err := s.InstallCRDs(ctx, crds, kubeapi.ApplyOptions{FieldManager: "vendored-crds"}); err != nil {
				t.Fatal(err)
			}
			for _, sd := range sc.seed {
				if _, err := s.Apply(ctx, sd.object, kubeapi.ApplyOptions{FieldManager: sd.manager}); err != nil {
					t.Fatalf("seeding %v: %v", sd.object["metadata"], err)
				}
			}
			refused := 0
			for _, o := range objs {
				got, err := s.Apply(ctx, o.body, kubeapi.ApplyOptions{FieldManager: o.fieldManager(), Force: o.force})
				if err != nil {
					if sc.refusedWith != "" && strings.Contains(err.Error(), sc.refusedWith) {
						refused++
						continue
					}
					t.Errorf("%s refused: %v", o, err)
					continue
				}
				if len(got.Warnings) > 0 {
					t.Errorf("%s accepted with warnings (fields dropped): %s", o, strings.Join(got.Warnings, "; "))
				}
				if o.kind == "CustomResourceDefinition" {
					if err := s.WaitEstablished(ctx, got.Object["metadata"].(map[string]any)["name"].(string)); err != nil {
						t.Error(err)
					}
				}
			}
			if sc.refusedWith != "" && refused != 1 {
				t.Errorf("want exactly one object refused with %q, got %d", sc.refusedWith, refused)
			}
			t.Logf("%d objects sent: %v", len(objs), kinds)
		})
	}
}
