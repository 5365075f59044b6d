package e2e

import (
	"strings"
	"sync/atomic"
	"testing"

	"github.com/eksplatform/pulumi-eksplatform/sdk/go/eksplatform"
	"github.com/eksplatform/pulumi-eksplatform/tools/internal/runner"
	"github.com/eksplatform/pulumi-eksplatform/tools/simcloud"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apiextensions"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// TestGoInvalidNodePoolIsRefusedByTheAPIServer (issue 25, "done when"): a team's own
// NodePool, applied with the platform's kubeconfig output after the platform made
// Karpenter's CRDs, carries a node label in the karpenter.sh domain. The simulator
// accepted any NodePool once its kind was served; the cluster's API server refuses it
// with the CRD's CEL rule, and the up fails with the server's message. With an ordinary
// label the same pool is accepted and is in the API server as written; after destroy
// nothing of the platform's or the team's is left in the cluster but what EKS made.
func TestGoInvalidNodePoolIsRefusedByTheAPIServer(t *testing.T) {
	t.Parallel()
	ctx := testCtx(t)
	ws := newWorkspace(t, runner.Options{})
	var label atomic.Value
	label.Store("team.karpenter.sh/owner")
	s, err := ws.GoStack(ctx, "e2e-nodepool-refused", "dev", func(ctx *pulumi.Context) error {
		p, err := eksplatform.NewEksPlatform(ctx, component, karpenterScenario(false))
		if err != nil {
			return err
		}
		k8s, err := kubernetes.NewProvider(ctx, "team-k8s", &kubernetes.ProviderArgs{
			Kubeconfig: p.Kubeconfig, EnableServerSideApply: pulumi.Bool(true),
		})
		if err != nil {
			return err
		}
		_, err = apiextensions.NewCustomResource(ctx, "team-pool", &apiextensions.CustomResourceArgs{
			ApiVersion: pulumi.String("karpenter.sh/v1"),
			Kind:       pulumi.String("NodePool"),
			Metadata:   metav1.ObjectMetaArgs{Name: pulumi.String("team")},
			OtherFields: kubernetes.UntypedArgs{"spec": pulumi.Map{
				"template": pulumi.Map{
					"metadata": pulumi.Map{"labels": pulumi.StringMap{label.Load().(string): pulumi.String("ml")}},
					"spec": pulumi.Map{
						"nodeClassRef": pulumi.Map{"group": pulumi.String("karpenter.k8s.aws"), "kind": pulumi.String("EC2NodeClass"),
							"name": pulumi.String("default")},
						"requirements": pulumi.Array{pulumi.Map{"key": pulumi.String("karpenter.sh/capacity-type"),
							"operator": pulumi.String("In"), "values": pulumi.ToStringArray([]string{"on-demand"})}},
					},
				},
				"disruption": pulumi.Map{"consolidationPolicy": pulumi.String("WhenEmpty"), "consolidateAfter": pulumi.String("30s")},
			}},
		}, pulumi.Provider(k8s), pulumi.DependsOn([]pulumi.Resource{p}))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	const want = `NodePool.karpenter.sh "team" is invalid: spec.template.metadata.labels: Invalid value: label domain "karpenter.sh" is restricted`
	if _, err := s.Up(ctx); err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("up with a karpenter.sh label: err = %v, want the API server's %q", err, want)
	}
	if _, found, err := simcloud.LiveObject(ws.Journal, component, "karpenter.sh/v1", "NodePool", "", "team"); err != nil || found {
		t.Errorf("the refused NodePool is in the API server (found %v, err %v)", found, err)
	}

	label.Store("team")
	upOnce(t, ctx, ws, s, "up with an ordinary label")
	pool, found, err := simcloud.LiveObject(ws.Journal, component, "karpenter.sh/v1", "NodePool", "", "team")
	if err != nil || !found {
		t.Fatalf("the NodePool is not in the API server (err %v)", err)
	}
	if got := str(pool, "spec", "template", "metadata", "labels", "team"); got != "ml" {
		t.Errorf("the stored NodePool's label team = %q, want ml", got)
	}

	if _, err := s.Destroy(ctx); err != nil {
		t.Fatalf("destroy: %v", err)
	}
	requireNothingLeftInTheCluster(t, ws)
}

// requireNothingLeftInTheCluster: every cluster the run made was deleted, and when EKS
// deleted it its API server held nothing but what a fresh control plane holds, what EKS
// and the API server wrote, and the CustomResourceDefinitions the platform retains on
// purpose (docs/ordering.md rule 10: a CRD's deletion would delete every object of its
// kind, so they go with the cluster).
func requireNothingLeftInTheCluster(t *testing.T, ws *runner.Workspace) {
	t.Helper()
	byCluster, err := simcloud.ObjectsLeftAtDelete(ws.Journal)
	if err != nil {
		t.Fatal(err)
	}
	if len(byCluster) == 0 {
		t.Fatalf("no cluster was deleted with its API server")
	}
	for cluster, left := range byCluster {
		for _, o := range left {
			if o.Kind == "CustomResourceDefinition" && o.APIVersion == "apiextensions.k8s.io/v1" {
				continue
			}
			t.Errorf("left in cluster %s at its deletion: %s %s %s/%s (managers %v)", cluster, o.APIVersion, o.Kind, o.Namespace, o.Name, o.Managers)
		}
	}
}
