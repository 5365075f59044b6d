package kubeobjects

import (
	"context"
	"fmt"
	"path"
	"slices"
	"strings"
	"testing"

	"github.com/eksplatform/pulumi-eksplatform/provider/constructtest"
	"github.com/eksplatform/pulumi-eksplatform/tools/charts"
	"github.com/eksplatform/pulumi-eksplatform/tools/internal/helmrender"
	"github.com/eksplatform/pulumi-eksplatform/tools/internal/kubeapi"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// helmFieldManager is the field manager Helm v4 applies with.
const helmFieldManager = "helm"

// release is one registered helm.sh/v3:Release as Helm receives it: the chart the
// platform pins, the release's name and namespace, and the values the platform computed.
type release struct {
	resourceName       string
	name, namespace    string
	chart, version     string
	values             map[string]any
	skipCRDs, createNS bool
}

// releases are the helm.sh/v3:Release registrations of res, their inputs made plain.
func releases(t *testing.T, res *constructtest.Result) []release {
	t.Helper()
	var out []release
	for _, r := range res.Resources {
		if r.Type != releaseType {
			continue
		}
		plain, err := plainValue(resource.NewObjectProperty(r.Inputs))
		if err != nil {
			t.Fatalf("%s: %v", r.Name, err)
		}
		in := plain.(map[string]any)
		rel := release{resourceName: r.Name}
		rel.name, _ = in["name"].(string)
		rel.namespace, _ = in["namespace"].(string)
		rel.chart, _ = in["chart"].(string)
		rel.version, _ = in["version"].(string)
		rel.values, _ = in["values"].(map[string]any)
		rel.skipCRDs, _ = in["skipCrds"].(bool)
		rel.createNS, _ = in["createNamespace"].(bool)
		out = append(out, rel)
	}
	return out
}

// render renders rel's chart from its vendored archive (tools/charts) with the values
// the platform computed, for the API server's Kubernetes version.
func (rel release) render(t *testing.T, kubeVersion string) *helmrender.Rendered {
	t.Helper()
	// oci://public.ecr.aws/karpenter/karpenter is the chart karpenter.
	file, err := charts.Archive(path.Base(rel.chart), rel.version)
	if err != nil {
		t.Fatalf("%s: %v", rel.resourceName, err)
	}
	r, err := helmrender.Render(file, helmrender.Options{ReleaseName: rel.name, Namespace: rel.namespace,
		KubeVersion: kubeVersion, Values: rel.values, SkipCRDs: rel.skipCRDs})
	if err != nil {
		t.Fatalf("%s: %v", rel.resourceName, err)
	}
	return r
}

// installRelease applies what installing rel sends to the API server, as Helm does:
// its namespace when the release creates it, the chart's CRDs, then every object in
// Helm's order, in the release's namespace unless the manifest names one. It returns
// each refusal, and each acceptance with warnings (a field the server dropped).
func installRelease(ctx context.Context, t *testing.T, s *kubeapi.Server, rel release, r *helmrender.Rendered) []error {
	t.Helper()
	o := kubeapi.ApplyOptions{FieldManager: helmFieldManager}
	if rel.createNS {
		ns := map[string]any{"apiVersion": "v1", "kind": "Namespace", "metadata": map[string]any{"name": rel.namespace}}
		if _, err := s.Apply(ctx, ns, o); err != nil {
			t.Fatalf("%s: namespace: %v", rel.resourceName, err)
		}
	}
	var problems []error
	if err := s.InstallCRDs(ctx, r.CRDs, o); err != nil {
		problems = append(problems, fmt.Errorf("%s: %w", rel.resourceName, err))
	}
	for _, obj := range r.Objects {
		meta, _ := obj["metadata"].(map[string]any)
		if meta == nil {
			problems = append(problems, fmt.Errorf("%s: %s has no metadata", rel.resourceName, helmrender.Name(obj)))
			continue
		}
		// Helm's client sets the release's namespace on namespaced objects that name none;
		// the API server clears a namespace on a cluster-scoped object.
		if _, ok := meta["namespace"]; !ok {
			meta["namespace"] = rel.namespace
		}
		got, err := s.Apply(ctx, obj, o)
		if err != nil {
			problems = append(problems, fmt.Errorf("%s: %s refused: %w", rel.resourceName, helmrender.Name(obj), err))
			continue
		}
		if len(got.Warnings) > 0 {
			problems = append(problems, fmt.Errorf("%s: %s accepted with warnings (fields dropped): %s",
				rel.resourceName, helmrender.Name(obj), strings.Join(got.Warnings, "; ")))
		}
	}
	return problems
}

// chartScenario is a platform whose charts are rendered and applied, the identity
// every chart's role uses, and how many it must grant, so a check that finds none fails.
type chartScenario struct {
	scenario
	identity string
	// releases is how many Helm releases the platform registers.
	releases int
	// wantGrants is how many workload identities of charts the platform must grant.
	wantGrants int
}

// chartInputs enable every catalogue add-on (each with what gives it an IAM role) and
// the node autoscaler given ("karpenter" or "clusterAutoscaler": the platform refuses
// both), with every identity the given one ("irsa" or "podIdentity"); with podinfo, a
// helmReleases entry on podinfo too, a chart that reads serviceAccount.enabled (not
// .create) and names the account serviceAccount.name.
func chartInputs(identity, scaler string, podinfo bool) map[string]any {
	id := func(m map[string]any) map[string]any { return with(m, "identity", identity) }
	addons := map[string]any{
		"awsLoadBalancerController": id(map[string]any{"enabled": true}),
		"externalDns": id(map[string]any{"enabled": true, "domainFilters": []any{"example.com"},
			"hostedZoneIds": []any{"Z0123456789ABCDEFGHIJ"}}),
		"metricsServer": map[string]any{"enabled": true},
		"certManager":   id(map[string]any{"enabled": true, "route53HostedZoneIds": []any{"Z0123456789ABCDEFGHIJ"}}),
		"externalSecrets": id(map[string]any{"enabled": true,
			"secretsManagerArns": []any{"arn:aws:secretsmanager:us-west-2:123456789012:secret:prod/app-*"}}),
	}
	in := with(base(),
		"kubernetesVersion", "1.36",
		"nodeGroups", []any{map[string]any{"name": "system",
			"taints": []any{taint("CriticalAddonsOnly", "true", "NO_SCHEDULE")}}},
		"addons", addons)
	if scaler == "karpenter" {
		in = with(in, "karpenter", id(map[string]any{"enabled": true}))
	} else {
		addons["clusterAutoscaler"] = id(map[string]any{"enabled": true})
	}
	if podinfo {
		in = with(in, "helmReleases", []any{map[string]any{
			"name": "web", "chart": "podinfo", "version": "6.14.1",
			"repository": "https://stefanprodan.github.io/podinfo", "namespace": "team",
			"serviceAccount": "web-sa", "identity": identity,
			"iamPolicy": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`,
		}})
	}
	return in
}

// eksAddonRoles are the role ARNs the platform gives EKS managed add-ons
// (serviceAccountRoleArn, podIdentityAssociations): EKS installs those add-ons' service
// accounts, no chart does.
func eksAddonRoles(t *testing.T, res *constructtest.Result) []string {
	t.Helper()
	var out []string
	for _, r := range res.Resources {
		if r.Type != "aws:eks/addon:Addon" {
			continue
		}
		in, err := plainValue(resource.NewObjectProperty(r.Inputs))
		if err != nil {
			t.Fatalf("%s: %v", r.Name, err)
		}
		m := in.(map[string]any)
		if arn, ok := m["serviceAccountRoleArn"].(string); ok {
			out = append(out, arn)
		}
		assocs, _ := m["podIdentityAssociations"].([]any)
		for _, a := range assocs {
			if arn, ok := a.(map[string]any)["roleArn"].(string); ok {
				out = append(out, arn)
			}
		}
	}
	return out
}

// Every chart the platform installs (the six of the catalogue, Karpenter's, and a
// helmReleases entry on podinfo), rendered by Helm's engine from its vendored archive at
// the pinned version with the values the platform computed, is accepted by a real
// kube-apiserver object by object (CRDs first), without a warning. And the rendered
// charts are the check of every workload identity the platform grants: each
// service account that a role's trust (IRSA) or a Pod Identity association names is
// rendered by a chart, in that namespace, with the role's ARN in its
// eks.amazonaws.com/role-arn annotation under IRSA, and a workload of the chart runs as
// it (podinfo reads serviceAccount.enabled, not .create).
func TestEveryChartRendersAndIsAccepted(t *testing.T) {
	crds := vendoredCRDs(t)
	for _, sc := range []chartScenario{
		{scenario: scenario{name: "charts-karpenter-podidentity", inputs: chartInputs("podIdentity", "karpenter", true)},
			identity: "podIdentity", releases: 7, wantGrants: 6},
		{scenario: scenario{name: "charts-cluster-autoscaler-irsa", inputs: chartInputs("irsa", "clusterAutoscaler", false)},
			identity: "irsa", releases: 6, wantGrants: 5},
	} {
		t.Run(sc.name, func(t *testing.T) {
			res := construct(t, sc.scenario)
			rels := releases(t, res)
			if len(rels) != sc.releases {
				t.Fatalf("%d releases registered, want %d", len(rels), sc.releases)
			}
			s := startServer(t)
			ctx := testContext(t)
			version, err := s.Version(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if err := s.InstallCRDs(ctx, crds, kubeapi.ApplyOptions{FieldManager: "vendored-crds"}); err != nil {
				t.Fatal(err)
			}
			var objs []installed
			var namespaces []string
			for _, rel := range rels {
				r := rel.render(t, version)
				for _, err := range installRelease(ctx, t, s, rel, r) {
					t.Error(err)
				}
				for _, o := range r.Objects {
					objs = append(objs, installed{release: rel.resourceName, obj: o})
				}
				namespaces = append(namespaces, rel.namespace)
				t.Logf("%s: chart %s %s: %d objects, %d CRDs applied; admission webhooks not registered: %v",
					rel.resourceName, rel.chart, rel.version, len(r.Objects), len(r.CRDs), names(r.Webhooks))
			}
			eks := eksAddonRoles(t, res)
			var checked int
			for _, g := range grants(t, res, namespaces) {
				if slices.Contains(eks, g.roleArn) {
					continue
				}
				checked++
				if g.via != sc.identity {
					t.Errorf("%s: want %s", g, sc.identity)
				}
				if err := checkGrant(g, objs); err != nil {
					t.Error(err)
				}
			}
			if checked != sc.wantGrants {
				t.Errorf("%d workload identities checked, want %d (every chart with a role)", checked, sc.wantGrants)
			}
		})
	}
}

func names(objs []map[string]any) []string {
	var out []string
	for _, o := range objs {
		out = append(out, helmrender.Name(o))
	}
	return out
}

// A chart value the simulator would take (it renders no chart) is refused by the API
// server with its own message: metrics-server's containerPort, passed through the
// add-on's values, out of the port range. Helm renders it; the server refuses the
// Deployment, and accepts every other object of the chart.
func TestAnInvalidChartValueIsRefusedWithTheServersMessage(t *testing.T) {
	in := with(base(), "kubernetesVersion", "1.36", "nodeGroups", []any{map[string]any{"name": "general"}},
		"addons", map[string]any{"metricsServer": map[string]any{"enabled": true,
			"values": map[string]any{"containerPort": 70000}}})
	rels := releases(t, construct(t, scenario{name: "metrics-server-invalid-cpu", inputs: in}))
	if len(rels) != 1 {
		t.Fatalf("%d releases, want metrics-server's", len(rels))
	}
	s := startServer(t)
	ctx := testContext(t)
	version, err := s.Version(ctx)
	if err != nil {
		t.Fatal(err)
	}
	problems := installRelease(ctx, t, s, rels[0], rels[0].render(t, version))
	want := `Deployment.apps "metrics-server" is invalid: spec.template.spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive`
	if len(problems) != 1 || !strings.Contains(problems[0].Error(), want) {
		t.Errorf("got %v, want the Deployment refused with %q", problems, want)
	}
}
