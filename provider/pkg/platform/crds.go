package platform

import (
	"fmt"
	"strings"

	"github.com/eksplatform/pulumi-eksplatform/provider/pkg/addons"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	apiextensionsv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apiextensions/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// crdType is the token of a CustomResourceDefinition.
const crdType = "kubernetes:" + addons.CRDAPIVersion + ":" + addons.CRDKind

// patchForceAnnotation makes a server-side apply take ownership of fields another field
// manager holds.
const patchForceAnnotation = "pulumi.com/patchForce"

// vendorsCRDs reports whether the platform applies the add-on's CRDs itself and the
// release skips the chart's crds/: the add-on vendors them, and they are the chart's at
// the version being installed. With another version than the catalogue's, the vendored
// files would be another release's, so the chart's crds/ are left to Helm (first install
// only) and a warning says so.
func (b *build) vendorsCRDs(a addons.Addon, version string) bool {
	if len(a.CRDFiles()) == 0 {
		return false
	}
	if strings.TrimPrefix(version, "v") == strings.TrimPrefix(a.Version, "v") {
		return true
	}
	_ = b.ctx.Log.Warn(fmt.Sprintf("addons.%s.version %s is not the catalogue's %s: the platform applies the CRDs it vendors "+
		"only with %s, so Helm installs the chart's own CRDs, on the release's first install only, and never upgrades them",
		a.Key, version, a.Version, a.Version), &pulumi.LogArgs{Resource: b.parent})
	return false
}

// crds applies an add-on's vendored CustomResourceDefinitions (addons.Addon.CRDFiles),
// one Kubernetes resource each, named <name>-crd-<CRD name>, through the component's
// Kubernetes provider (rule 7), after what every Kubernetes object of the add-on waits
// for (after: access, so the provider is authorized). The release depends on them and
// skips the chart's crds/: Helm installs crds/ on first install only and never upgrades
// it, while these follow the chart version (a bump changes the vendored files and
// Pulumi updates each CRD in place).
//
// Each CRD's inputs are the vendored document as is, plus pulumi.com/patchForce: with
// server-side apply (the provider's mode) a create applies to a CRD that already exists,
// such as one an earlier Helm install made, and patchForce takes over the fields Helm's
// field manager holds, which a changed schema would otherwise conflict on. The inputs are
// the same bytes on every run, so a second `pulumi up` changes nothing.
//
// The CRDs are retained on delete, as Helm never deletes a chart's CRDs: deleting a CRD
// deletes every object of its kind (a TargetGroupBinding, its target group's
// registrations) and, once the controller is gone, hangs on their finalizers. Disabling
// the add-on or destroying the platform leaves them in the cluster; enabling it again
// applies to them.
func (b *build) crds(a addons.Addon, kube *kubeResult, after []pulumi.Resource) ([]pulumi.Resource, error) {
	defs, err := a.CRDs()
	if err != nil {
		return nil, err
	}
	var out []pulumi.Resource
	for _, d := range defs {
		obj := d.Object
		meta, _ := obj["metadata"].(map[string]any)
		annotations, _ := meta["annotations"].(map[string]any)
		if annotations == nil {
			annotations = map[string]any{}
		}
		annotations[patchForceAnnotation] = "true"
		meta["annotations"] = annotations

		var crd apiextensionsv1.CustomResourceDefinition
		if err := b.ctx.RegisterResource(crdType, b.child("crd-"+d.Name), kubernetes.UntypedArgs(obj), &crd,
			b.opts(pulumi.Provider(kube.Provider), pulumi.DependsOn(after), pulumi.RetainOnDelete(true))...); err != nil {
			return nil, fmt.Errorf("%s: CRD %s (%s): %w", a.Key, d.Name, d.File, err)
		}
		out = append(out, &crd)
	}
	return out, nil
}
