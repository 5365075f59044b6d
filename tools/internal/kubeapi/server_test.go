package kubeapi

import (
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// shared is one control plane for this package's tests (each test uses its own names).
var shared struct {
	once sync.Once
	s    *Server
	err  error
}

// repoBin is the repository's bin/, three folders up from this package.
func repoBin(t *testing.T) string {
	t.Helper()
	abs, err := filepath.Abs(filepath.Join("..", "..", "..", "bin"))
	if err != nil {
		t.Fatal(err)
	}
	return abs
}

// server returns the shared control plane, starting it on first use. Missing binaries
// fail the test (run `make tools`); they never skip it.
func server(t *testing.T) *Server {
	t.Helper()
	shared.once.Do(func() {
		shared.s, shared.err = Start(context.Background(), Options{Bin: repoBin(t)})
	})
	if shared.err != nil {
		t.Fatal(shared.err)
	}
	return shared.s
}

func TestMain(m *testing.M) {
	code := m.Run()
	if shared.s != nil {
		if err := shared.s.Stop(); err != nil {
			println(err.Error())
			code = 1
		}
	}
	os.Exit(code)
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	return c
}

// The binaries are the pinned release (stamped, not v0.0.0), the token is an
// administrator's, and a request without it is refused: this is the real server.
func TestServerIsThePinnedRelease(t *testing.T) {
	s := server(t)
	v, err := s.Version(ctx(t))
	if err != nil || v != KubernetesVersion {
		t.Fatalf("/version gitVersion = %q, %v; want %s (Makefile KUBE_LDFLAGS)", v, err, KubernetesVersion)
	}
	if !strings.Contains(string(s.CAPEM), "BEGIN CERTIFICATE") || !strings.HasPrefix(s.Endpoint, "https://127.0.0.1:") {
		t.Errorf("endpoint %q, CA %q", s.Endpoint, s.CAPEM)
	}
	req, _ := http.NewRequestWithContext(ctx(t), http.MethodGet, s.Endpoint+"/api/v1/namespaces/kube-system/configmaps", nil)
	req.Header.Set("Authorization", "Bearer not-the-token")
	resp, err := s.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	drain(resp.Body)
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("a wrong token got %d, want 401", resp.StatusCode)
	}
	// The namespaces the API server makes itself, where EKS puts aws-auth.
	if _, found, err := s.Get(ctx(t), "v1", "Namespace", "", "kube-system"); err != nil || !found {
		t.Errorf("kube-system: found %v, %v", found, err)
	}
}

// Server-side apply as the provider does it: create, read back, the server's own
// validation message on a bad object.
func TestApplyCreatesAndRefusesWithTheServersMessage(t *testing.T) {
	s := server(t)
	cm := map[string]any{"apiVersion": "v1", "kind": "ConfigMap",
		"metadata": map[string]any{"name": "apply-test", "namespace": "kube-system"},
		"data":     map[string]any{"k": "v"}}
	if _, err := s.Apply(ctx(t), cm, ApplyOptions{FieldManager: "pulumi-kubernetes-test"}); err != nil {
		t.Fatal(err)
	}
	got, found, err := s.Get(ctx(t), "v1", "ConfigMap", "kube-system", "apply-test")
	if err != nil || !found || got["data"].(map[string]any)["k"] != "v" {
		t.Fatalf("read back %v %v %v", got, found, err)
	}
	bad := map[string]any{"apiVersion": "v1", "kind": "ConfigMap",
		"metadata": map[string]any{"name": "Not_A_DNS_Name", "namespace": "kube-system"}}
	_, err = s.Apply(ctx(t), bad, ApplyOptions{FieldManager: "pulumi-kubernetes-test"})
	var se *StatusError
	if !errors.As(err, &se) || se.Code != http.StatusUnprocessableEntity ||
		!strings.Contains(se.Message, `ConfigMap "Not_A_DNS_Name" is invalid: metadata.name: Invalid value: "Not_A_DNS_Name"`) {
		t.Fatalf("bad name: %v", err)
	}
}

// Two field managers on one field conflict unless the second forces: why the platform
// sets pulumi.com/patchForce on aws-auth, which EKS writes first.
func TestApplyConflictsUnlessForced(t *testing.T) {
	s := server(t)
	obj := func(v string) map[string]any {
		return map[string]any{"apiVersion": "v1", "kind": "ConfigMap",
			"metadata": map[string]any{"name": "conflict-test", "namespace": "kube-system"},
			"data":     map[string]any{"mapRoles": v}}
	}
	if _, err := s.Apply(ctx(t), obj("eks"), ApplyOptions{FieldManager: "eks"}); err != nil {
		t.Fatal(err)
	}
	_, err := s.Apply(ctx(t), obj("ours"), ApplyOptions{FieldManager: "pulumi-kubernetes-test"})
	var se *StatusError
	if !errors.As(err, &se) || se.Code != http.StatusConflict || !strings.Contains(se.Message, `conflict with "eks"`) {
		t.Fatalf("unforced apply over another manager's field: %v, want 409 conflict with \"eks\"", err)
	}
	if _, err := s.Apply(ctx(t), obj("ours"), ApplyOptions{FieldManager: "pulumi-kubernetes-test", Force: true}); err != nil {
		t.Fatalf("forced apply: %v", err)
	}
}

// A CRD is applied, Established, and its schema is enforced on custom resources.
func TestInstallCRDsEnforcesTheirSchema(t *testing.T) {
	s := server(t)
	crd := map[string]any{
		"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
		"metadata": map[string]any{"name": "widgets.test.eksplatform.dev"},
		"spec": map[string]any{
			"group": "test.eksplatform.dev", "scope": "Cluster",
			"names": map[string]any{"plural": "widgets", "singular": "widget", "kind": "Widget", "listKind": "WidgetList"},
			"versions": []any{map[string]any{"name": "v1", "served": true, "storage": true,
				"schema": map[string]any{"openAPIV3Schema": map[string]any{"type": "object", "properties": map[string]any{
					"spec": map[string]any{"type": "object", "required": []any{"size"},
						"properties": map[string]any{
							"size":  map[string]any{"type": "integer", "minimum": 1},
							"label": map[string]any{"type": "string"},
						}},
				}}}}},
		},
	}
	o := ApplyOptions{FieldManager: "pulumi-kubernetes-test"}
	if err := s.InstallCRDs(ctx(t), []map[string]any{crd}, o); err != nil {
		t.Fatal(err)
	}
	widget := func(spec map[string]any) map[string]any {
		return map[string]any{"apiVersion": "test.eksplatform.dev/v1", "kind": "Widget",
			"metadata": map[string]any{"name": "w"}, "spec": spec}
	}
	if _, err := s.Apply(ctx(t), widget(map[string]any{"size": 2}), o); err != nil {
		t.Fatal(err)
	}
	_, err := s.Apply(ctx(t), widget(map[string]any{"label": "no size"}), o)
	if err == nil || !strings.Contains(err.Error(), `spec.size: Required value`) {
		t.Fatalf("a Widget without its required field: %v", err)
	}
	// An unknown field of a custom resource is refused by server-side apply, even with the
	// provider's fieldValidation=Warn: the apply is typed by the CRD's structural schema.
	_, err = s.Apply(ctx(t), widget(map[string]any{"size": 3, "colour": "red"}), o)
	if err == nil || !strings.Contains(err.Error(), ".spec.colour: field not declared in schema") {
		t.Fatalf("unknown field: %v", err)
	}
}

// Without the binaries, the error says how to build them; the tests never skip.
func TestMissingBinariesSayRunMakeTools(t *testing.T) {
	_, _, err := RequireBinaries(t.TempDir())
	if err == nil || !strings.Contains(err.Error(), "run `make tools`") {
		t.Fatalf("err = %v", err)
	}
}

// The version the binaries are stamped with, the module that builds them and the
// Makefile agree.
func TestPinsAgree(t *testing.T) {
	gomod, err := os.ReadFile(filepath.Join("..", "..", "kubeapi", "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	mk, err := os.ReadFile(filepath.Join("..", "..", "..", "Makefile"))
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct{ text, pattern string }{
		{string(gomod), `(?m)^\s*k8s\.io/kubernetes ` + regexp.QuoteMeta(KubernetesVersion) + `\b`},
		{string(gomod), `(?m)^\s*(require\s+)?go\.etcd\.io/etcd/server/v3 v3\.6\.8\b`},
		{string(mk), `(?m)^KUBE_VERSION\s*:= ` + regexp.QuoteMeta(KubernetesVersion) + `$`},
		{string(mk), `(?m)^ETCD_VERSION\s*:= v3\.6\.8$`},
	}
	for _, c := range checks {
		if !regexp.MustCompile(c.pattern).MatchString(c.text) {
			t.Errorf("no match for %s", c.pattern)
		}
	}
	// Every staging module is replaced with the release's own version.
	staging := strings.TrimPrefix(KubernetesVersion, "v1.")
	for _, line := range regexp.MustCompile(`(?m)^\s*k8s\.io/[a-z-]+ => k8s\.io/[a-z-]+ v\S+$`).FindAllString(string(gomod), -1) {
		if !strings.HasSuffix(line, " v0."+staging) {
			t.Errorf("replace %q: want v0.%s", strings.TrimSpace(line), staging)
		}
	}
}
