package helmrender

import (
	"strings"
	"testing"

	"github.com/eksplatform/pulumi-eksplatform/tools/charts"
)

func archive(t *testing.T, chart, version string) string {
	t.Helper()
	p, err := charts.Archive(chart, version)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func kinds(objs []map[string]any) []string {
	var out []string
	for _, o := range objs {
		out = append(out, Name(o))
	}
	return out
}

// podinfo creates its service account only when serviceAccount.enabled says so, named
// by serviceAccount.name; the deployment runs as it. Values reach the templates, and the
// release's name and namespace name the objects.
func TestRenderPodinfoServiceAccount(t *testing.T) {
	path := archive(t, "podinfo", "6.14.1")
	off, err := Render(path, Options{ReleaseName: "web", Namespace: "team", KubeVersion: "1.36"})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(kinds(off.Objects), ", "); strings.Contains(got, "ServiceAccount ") {
		t.Errorf("serviceAccount.enabled unset, yet a ServiceAccount: %s", got)
	}
	on, err := Render(path, Options{ReleaseName: "web", Namespace: "team", KubeVersion: "1.36",
		Values: map[string]any{"serviceAccount": map[string]any{"enabled": true, "name": "app-sa"}}})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(kinds(on.Objects), ", "); !strings.Contains(got, "ServiceAccount app-sa") || !strings.Contains(got, "Deployment team/web-podinfo") {
		t.Errorf("objects %s, want ServiceAccount app-sa and Deployment team/web-podinfo", got)
	}
}

// cert-manager's webhook registrations are set apart from the objects to apply, and its
// CRDs (templates here, installCRDs off by default) are not in crds/.
func TestRenderSetsWebhooksApart(t *testing.T) {
	r, err := Render(archive(t, "cert-manager", "v1.21.1"), Options{ReleaseName: "cert-manager", Namespace: "cert-manager", KubeVersion: "1.36"})
	if err != nil {
		t.Fatal(err)
	}
	if got := kinds(r.Webhooks); len(got) != 2 {
		t.Errorf("webhooks %v, want cert-manager's validating and mutating configurations", got)
	}
	for _, o := range r.Objects {
		if k := o["kind"]; k == "ValidatingWebhookConfiguration" || k == "MutatingWebhookConfiguration" {
			t.Errorf("%s among the objects to apply", Name(o))
		}
	}
}

// Karpenter's crds/ come back apart from the templates unless the release skips them.
func TestRenderCRDsUnlessSkipped(t *testing.T) {
	path := archive(t, "karpenter", "1.14.1")
	o := Options{ReleaseName: "karpenter", Namespace: "kube-system", KubeVersion: "1.36",
		Values: map[string]any{"settings": map[string]any{"clusterName": "demo"}}}
	with, err := Render(path, o)
	if err != nil {
		t.Fatal(err)
	}
	if len(with.CRDs) != 5 {
		t.Errorf("CRDs %v, want the chart's five", kinds(with.CRDs))
	}
	o.SkipCRDs = true
	without, err := Render(path, o)
	if err != nil {
		t.Fatal(err)
	}
	if len(without.CRDs) != 0 {
		t.Errorf("skipCrds, yet CRDs %v", kinds(without.CRDs))
	}
}

// The chart's kubeVersion is checked against the cluster's as Helm checks it, and its
// values.schema.json against the values: Helm's own messages.
func TestRenderRefusesWhatHelmRefuses(t *testing.T) {
	_, err := Render(archive(t, "cert-manager", "v1.21.1"), Options{ReleaseName: "cm", Namespace: "cm", KubeVersion: "1.21"})
	if err == nil || !strings.Contains(err.Error(), "chart requires kubeVersion: >= 1.22.0-0 which is incompatible with Kubernetes v1.21") {
		t.Errorf("cert-manager on 1.21: %v", err)
	}
	_, err = Render(archive(t, "cert-manager", "v1.21.1"), Options{ReleaseName: "cm", Namespace: "cm", KubeVersion: "1.36",
		Values: map[string]any{"replicaCount": "two"}})
	if err == nil || !strings.Contains(err.Error(), "replicaCount") {
		t.Errorf("cert-manager with replicaCount \"two\": %v", err)
	}
}

// The AWS Load Balancer Controller's chart renders its IngressClassParams and
// IngressClass as one v1 List; they come back as its two items, as Helm sends them.
func TestRenderFlattensLists(t *testing.T) {
	r, err := Render(archive(t, "aws-load-balancer-controller", "3.5.0"), Options{ReleaseName: "aws-load-balancer-controller",
		Namespace: "kube-system", KubeVersion: "1.36", Values: map[string]any{"clusterName": "demo"}})
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(kinds(r.Objects), ", ")
	if strings.Contains(got, "List ") || !strings.Contains(got, "IngressClassParams alb") || !strings.Contains(got, "IngressClass alb") {
		t.Errorf("objects %s, want IngressClassParams alb and IngressClass alb and no List", got)
	}
}
