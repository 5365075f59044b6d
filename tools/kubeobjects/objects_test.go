package kubeobjects

import (
	"fmt"
	"strings"

	"github.com/eksplatform/pulumi-eksplatform/provider/constructtest"
	"github.com/eksplatform/pulumi-eksplatform/provider/pkg/fakeaws"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

const (
	releaseType = "kubernetes:helm.sh/v3:Release"
	// patchForce is the annotation with which the provider forces a server-side apply.
	patchForce = "pulumi.com/patchForce"
)

// unpublished are kinds whose CRDs EKS installs itself and does not publish: Auto Mode's
// NodeClass and IngressClassParams (eks.amazonaws.com/v1, among nodeclasses,
// ingressclassparams, cninodes, nodediagnostics and targetgroupbindings .eks.amazonaws.com
// that an Auto Mode cluster lists). No public repository or documentation page carries
// their schemas (searched 2026-12-07), so these objects stay modelled by the simulator
// and are not applied here. Auto Mode's NodePool is karpenter.sh/v1 and is applied, to
// upstream Karpenter's CRD (EKS's copy is not published either; Auto Mode is built on
// that API).
var unpublished = map[string]string{
	"eks.amazonaws.com/v1 NodeClass":          "EKS Auto Mode's own CRD; its schema is not published",
	"eks.amazonaws.com/v1 IngressClassParams": "EKS Auto Mode's own CRD; its schema is not published",
}

// object is one registered Kubernetes resource as the provider would send it.
type object struct {
	resourceName string
	apiVersion   string
	kind         string
	body         map[string]any
	force        bool
}

func (o object) gvk() string { return o.apiVersion + " " + o.kind }

func (o object) String() string {
	name, _ := o.body["metadata"].(map[string]any)["name"].(string)
	return fmt.Sprintf("%s (%s %s)", o.resourceName, o.gvk(), name)
}

// fieldManager is the provider's: "pulumi-kubernetes-" and a suffix it draws once per
// resource and keeps in the state; here derived from the resource name, stable per run.
func (o object) fieldManager() string {
	return "pulumi-kubernetes-" + strings.ToLower(fakeaws.Hex(8, o.resourceName))
}

// kubernetesObjects are the registered kubernetes:* resources other than Helm releases
// and the provider itself, split into those to apply and those skipped (unpublished).
func kubernetesObjects(res *constructtest.Result) (apply, skipped []object, err error) {
	for _, r := range res.Resources {
		if !strings.HasPrefix(r.Type, "kubernetes:") || r.Type == releaseType || r.Type == "pulumi:providers:kubernetes" {
			continue
		}
		o, err := toObject(r)
		if err != nil {
			return nil, nil, err
		}
		if _, ok := unpublished[o.gvk()]; ok {
			skipped = append(skipped, o)
			continue
		}
		apply = append(apply, o)
	}
	return apply, skipped, nil
}

// toObject turns a registration into the object the provider sends: the inputs, with
// apiVersion and kind from the type token (kubernetes:<group>/<version>:<Kind>, "core"
// meaning the empty group), a generated name when none is given (the provider's
// autonaming: <resource name>-<suffix>, annotated pulumi.com/autonamed), and force as
// the pulumi.com/patchForce annotation says.
func toObject(r constructtest.Registered) (object, error) {
	parts := strings.Split(strings.TrimPrefix(r.Type, "kubernetes:"), ":")
	if len(parts) != 2 {
		return object{}, fmt.Errorf("%s: type %s is not kubernetes:<group/version>:<Kind>", r.Name, r.Type)
	}
	apiVersion, kind := strings.TrimPrefix(parts[0], "core/"), parts[1]
	plain, err := plainValue(resource.NewObjectProperty(r.Inputs))
	if err != nil {
		return object{}, fmt.Errorf("%s: %w", r.Name, err)
	}
	body := plain.(map[string]any)
	for k, want := range map[string]string{"apiVersion": apiVersion, "kind": kind} {
		if got, ok := body[k]; ok && got != want {
			return object{}, fmt.Errorf("%s: input %s %v disagrees with its type %s", r.Name, k, got, r.Type)
		}
		body[k] = want
	}
	meta, _ := body["metadata"].(map[string]any)
	if meta == nil {
		meta = map[string]any{}
		body["metadata"] = meta
	}
	if _, ok := meta["name"]; !ok {
		meta["name"] = r.Name + "-" + strings.ToLower(fakeaws.Hex(8, r.Name))
		annotations, _ := meta["annotations"].(map[string]any)
		if annotations == nil {
			annotations = map[string]any{}
			meta["annotations"] = annotations
		}
		annotations["pulumi.com/autonamed"] = "true"
	}
	annotations, _ := meta["annotations"].(map[string]any)
	force := annotations[patchForce] == "true"
	return object{resourceName: r.Name, apiVersion: apiVersion, kind: kind, body: body, force: force}, nil
}

// plainValue is a property value as JSON sees it; secrets are sent in the clear (the
// provider decrypts them before the request), unknowns cannot be sent.
func plainValue(v resource.PropertyValue) (any, error) {
	switch {
	case v.IsNull():
		return nil, nil
	case v.IsBool():
		return v.BoolValue(), nil
	case v.IsNumber():
		return v.NumberValue(), nil
	case v.IsString():
		return v.StringValue(), nil
	case v.IsSecret():
		return plainValue(v.SecretValue().Element)
	case v.IsOutput():
		o := v.OutputValue()
		if !o.Known {
			return nil, fmt.Errorf("an input is unknown at up")
		}
		return plainValue(o.Element)
	case v.IsComputed():
		return nil, fmt.Errorf("an input is unknown at up")
	case v.IsArray():
		out := []any{}
		for _, e := range v.ArrayValue() {
			p, err := plainValue(e)
			if err != nil {
				return nil, err
			}
			out = append(out, p)
		}
		return out, nil
	case v.IsObject():
		out := map[string]any{}
		for k, e := range v.ObjectValue() {
			p, err := plainValue(e)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", k, err)
			}
			out[string(k)] = p
		}
		return out, nil
	}
	return nil, fmt.Errorf("a %s value cannot be sent to the API server", v.TypeString())
}
