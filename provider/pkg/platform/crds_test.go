package platform

import (
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/eksplatform/pulumi-eksplatform/provider/internal/mocktest"
	"github.com/eksplatform/pulumi-eksplatform/provider/pkg/addons"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// optionRecorder is the recording mocks plus what the engine would be told about each
// resource's retainOnDelete and ignoreChanges, which mocktest does not record.
type optionRecorder struct {
	*mocktest.Mocks
	mu      sync.Mutex
	retain  map[string]bool
	ignored map[string][]string
}

func (o *optionRecorder) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	if rpc := args.RegisterRPC; rpc != nil {
		o.mu.Lock()
		o.retain[args.Name] = rpc.GetRetainOnDelete()
		o.ignored[args.Name] = rpc.GetIgnoreChanges()
		o.mu.Unlock()
	}
	return o.Mocks.NewResource(args)
}

func deployWithOptions(t *testing.T, args *Args) *optionRecorder {
	t.Helper()
	o := &optionRecorder{Mocks: mocktest.New(), retain: map[string]bool{}, ignored: map[string][]string{}}
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		_, err := New(ctx, "demo", args)
		return err
	}, pulumi.WithMocks("project", "stack", o))
	if err != nil {
		t.Fatal(err)
	}
	return o
}

// wantCRDInputs is what the platform must apply for one vendored CRD: the document as
// parsed from the vendored bytes, plus pulumi.com/patchForce.
func wantCRDInputs(c addons.CRD) map[string]any {
	obj := c.Object
	meta := obj["metadata"].(map[string]any)
	ann, _ := meta["annotations"].(map[string]any)
	if ann == nil {
		ann = map[string]any{}
	}
	ann[patchForceAnnotation] = "true"
	meta["annotations"] = ann
	return obj
}

// Every add-on whose chart ships CRDs gets them as resources of their own: each one
// the vendored document, through the component's provider, parented to the component,
// after access and the cluster, before the release, which skips the chart's crds/;
// retained on delete as Helm retains them.
func TestCRDsAreAppliedBeforeTheirReleaseWhichSkipsThem(t *testing.T) {
	args := withAddons(allAddons())
	args.CallerIsAdmin = pulumi.Bool(true)
	o := deployWithOptions(t, args)
	m := o.Mocks
	applied := map[string]mocktest.Resource{}
	for _, r := range m.OfType(crdType) {
		applied[r.Name] = r
	}
	total := 0
	for _, a := range addons.Catalogue() {
		release := m.Find(t, "demo-"+a.Name)
		crds, err := a.CRDs()
		if err != nil {
			t.Fatal(err)
		}
		total += len(crds)
		skip, has := release.Inputs["skipCrds"]
		if len(crds) == 0 {
			if has && skip.IsBool() && skip.BoolValue() {
				t.Errorf("%s: skipCrds set, but the catalogue vendors no CRDs of its chart", a.Key)
			}
			continue
		}
		if !has || !skip.IsBool() || !skip.BoolValue() {
			t.Errorf("%s: release skipCrds %v, want true (the platform applies the chart's CRDs)", a.Key, skip)
		}
		var mine []mocktest.Resource
		for _, c := range crds {
			r, ok := applied["demo-crd-"+c.Name]
			if !ok {
				t.Errorf("%s: no resource for CRD %s; CRDs: %v", a.Key, c.Name, names(m.OfType(crdType)))
				continue
			}
			mine = append(mine, r)
			if !containsName(r.Provider, "demo-k8s") {
				t.Errorf("%s uses provider %q, want the component's (rule 7)", r.Name, r.Provider)
			}
			if r.Parent != "demo" || !r.Custom {
				t.Errorf("%s: parent %q custom %v", r.Name, r.Parent, r.Custom)
			}
			if got, want := r.Inputs.Mappable(), wantCRDInputs(c); !reflect.DeepEqual(got, want) {
				t.Errorf("%s: inputs are not the vendored document of %s (+%s)", r.Name, c.File, patchForceAnnotation)
			}
			if !o.retain[r.Name] {
				t.Errorf("%s: not retained on delete", r.Name)
			}
			if !m.DependsOn(r.Name, "demo-cluster") {
				t.Errorf("%s does not wait for the cluster", r.Name)
			}
		}
		m.RequireOrder(t, a.Key+": CRDs before the release", mine, []mocktest.Resource{release})
		m.RequireOrder(t, a.Key+": access before the CRDs (it may authorize the provider)", m.OfType(typeAccessEntry), mine)
	}
	if total != 39 || len(applied) != total {
		t.Errorf("%d CRD resources for %d vendored CRDs, want 39 (ALB controller 7, ExternalDNS 1, cert-manager 6, external-secrets 25)", len(applied), total)
	}
}

// The ALB controller's CRDs that Helm would have left at the first install's version
// are among them, and their content is the vendored file's.
func TestALBControllerCRDsIncludeIngressClassParamsAndTargetGroupBindings(t *testing.T) {
	m, _ := deploy(t, "demo", withAddons(&HelmAddonsArgs{AwsLoadBalancerController: &HelmAddonArgs{Enabled: pulumi.Bool(true)}}))
	for _, name := range []string{"ingressclassparams.elbv2.k8s.aws", "targetgroupbindings.elbv2.k8s.aws"} {
		r := m.Find(t, "demo-crd-"+name)
		if str(r, "apiVersion") != "apiextensions.k8s.io/v1" || str(r, "kind") != "CustomResourceDefinition" ||
			obj(r, "metadata")["name"].StringValue() != name {
			t.Errorf("%s: %v %v %v", r.Name, str(r, "apiVersion"), str(r, "kind"), obj(r, "metadata"))
		}
	}
	if n := len(m.OfType(crdType)); n != 7 {
		t.Errorf("%d CRDs with only the ALB controller, want its 7", n)
	}
}

// The same inputs give the same CRD inputs: a second `pulumi up` is a no-op for them.
func TestCRDInputsSameEveryRun(t *testing.T) {
	a, _ := deploy(t, "demo", withAddons(allAddons()))
	b, _ := deploy(t, "demo", withAddons(allAddons()))
	first := map[string]string{}
	for _, r := range a.OfType(crdType) {
		first[r.Name] = fmt.Sprint(r.Inputs.Mappable())
	}
	for _, r := range b.OfType(crdType) {
		if first[r.Name] != fmt.Sprint(r.Inputs.Mappable()) {
			t.Errorf("%s: inputs differ between two runs", r.Name)
		}
	}
	if len(first) == 0 {
		t.Fatal("no CRDs")
	}
}

// With a chart version other than the catalogue's the vendored CRDs are another
// release's: the platform applies none and leaves crds/ to Helm, and warns.
func TestCRDsOnlyWithThePinnedChartVersion(t *testing.T) {
	m, _ := deploy(t, "demo", withAddons(&HelmAddonsArgs{AwsLoadBalancerController: &HelmAddonArgs{
		Enabled: pulumi.Bool(true), Version: pulumi.String("3.4.0"),
	}}))
	if crds := m.OfType(crdType); len(crds) != 0 {
		t.Errorf("CRDs applied for chart 3.4.0: %v", names(crds))
	}
	rel := m.Find(t, "demo-aws-load-balancer-controller")
	if v, ok := rel.Inputs["skipCrds"]; ok && v.IsBool() && v.BoolValue() {
		t.Error("skipCrds with a chart version whose CRDs the platform does not apply")
	}
	m, _ = deploy(t, "demo", withAddons(&HelmAddonsArgs{AwsLoadBalancerController: &HelmAddonArgs{
		Enabled: pulumi.Bool(true), Version: pulumi.String("v" + addons.AWSLoadBalancerController().Version),
	}}))
	if n := len(m.OfType(crdType)); n != 7 {
		t.Errorf("v-prefixed pinned version: %d CRDs, want 7", n)
	}
}

// The user's own charts keep Helm's crds/ handling, and no add-on means no CRD.
func TestNoCRDsWithoutAVendoringAddon(t *testing.T) {
	args := withAddons(&HelmAddonsArgs{MetricsServer: &HelmAddonArgs{Enabled: pulumi.Bool(true)}})
	args.HelmReleases = []HelmReleaseArgs{{Name: pulumi.String("plain"), Chart: pulumi.String("oci://registry.example.com/charts/plain")}}
	m, _ := deploy(t, "demo", args)
	if crds := m.OfType(crdType); len(crds) != 0 {
		t.Errorf("CRDs: %v", names(crds))
	}
	for _, r := range m.OfType(releaseType) {
		if _, ok := r.Inputs["skipCrds"]; ok {
			t.Errorf("%s: skipCrds set", r.Name)
		}
	}
}

func names(rs []mocktest.Resource) string {
	var out []string
	for _, r := range rs {
		out = append(out, r.Name)
	}
	return strings.Join(out, ", ")
}
