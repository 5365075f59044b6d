// Package helmrender renders a chart archive as `helm install` would install it, with
// Helm's own engine (helm.sh/helm/v4's install action in client-only dry-run, the code
// `helm template` runs): values coalesced with the chart's and checked against its
// values.schema.json, the chart's kubeVersion checked against the cluster's, templates
// rendered with the release's name and namespace and the cluster's capabilities, and
// the objects returned in Helm's install order for a test to apply to a real API server
// (tools/internal/kubeapi).
package helmrender

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"helm.sh/helm/v4/pkg/action"
	"helm.sh/helm/v4/pkg/chart/common"
	"helm.sh/helm/v4/pkg/chart/v2/loader"
	release "helm.sh/helm/v4/pkg/release/v1"
	k8syaml "k8s.io/apimachinery/pkg/util/yaml"
)

// Options are a release's: what the helm.sh/v3:Release resource gives Helm.
type Options struct {
	// ReleaseName and Namespace are the release's.
	ReleaseName, Namespace string
	// KubeVersion is the cluster's Kubernetes version ("1.36" or "v1.36.3"): the
	// chart's kubeVersion constraint and .Capabilities.KubeVersion read it.
	KubeVersion string
	// Values are the release's values (the chart's defaults fill in the rest).
	Values map[string]any
	// SkipCRDs leaves out the chart's crds/ (the Release's skipCrds).
	SkipCRDs bool
}

// Rendered is what installing the release sends to the API server.
type Rendered struct {
	// CRDs are the chart's crds/ objects, which Helm installs first (none with SkipCRDs).
	CRDs []map[string]any
	// Objects are the templates' objects in Helm's install order (kinds sorted as Helm
	// sorts them), then the install hooks' (pre-install, then post-install). Test hooks
	// (helm test) are left out: an install does not create them.
	Objects []map[string]any
	// Webhooks are the chart's ValidatingWebhookConfigurations and
	// MutatingWebhookConfigurations, left out of Objects: registered with an API server
	// that no webhook Service answers (no pod runs here), they would make it refuse
	// every request they match ("failed calling webhook ... no endpoints available"),
	// which a real cluster does not do once the chart's pods are up. What the webhooks do
	// in a cluster stays modelled by the simulator (docs/ordering.md rule 9).
	Webhooks []map[string]any
}

// webhookKinds are the admission webhook registrations Render leaves out.
var webhookKinds = []string{"ValidatingWebhookConfiguration", "MutatingWebhookConfiguration"}

// Render renders the chart archive at path with o.
func Render(path string, o Options) (*Rendered, error) {
	chrt, err := loader.Load(path)
	if err != nil {
		return nil, err
	}
	kube, err := common.ParseKubeVersion(o.KubeVersion)
	if err != nil {
		return nil, fmt.Errorf("kubeVersion %q: %w", o.KubeVersion, err)
	}
	install := action.NewInstall(action.NewConfiguration())
	install.DryRunStrategy = action.DryRunClient // no cluster: what `helm template` does
	install.ReleaseName, install.Namespace = o.ReleaseName, o.Namespace
	install.KubeVersion = kube
	install.SkipCRDs = o.SkipCRDs
	values := o.Values
	if values == nil {
		values = map[string]any{}
	}
	r, err := install.Run(chrt, values)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", chrt.Name(), err)
	}
	rel, ok := r.(*release.Release)
	if !ok {
		return nil, fmt.Errorf("%s: the install gave a %T", chrt.Name(), r)
	}
	out := &Rendered{}
	if !o.SkipCRDs {
		for _, c := range chrt.CRDObjects() {
			objs, err := decode(c.File.Data)
			if err != nil {
				return nil, fmt.Errorf("%s: %s: %w", chrt.Name(), c.Filename, err)
			}
			out.CRDs = append(out.CRDs, objs...)
		}
	}
	objs, err := decode([]byte(rel.Manifest))
	if err != nil {
		return nil, fmt.Errorf("%s: manifest: %w", chrt.Name(), err)
	}
	for _, phase := range []release.HookEvent{release.HookPreInstall, release.HookPostInstall} {
		for _, h := range rel.Hooks {
			if slices.Contains(h.Events, phase) {
				hook, err := decode([]byte(h.Manifest))
				if err != nil {
					return nil, fmt.Errorf("%s: hook %s: %w", chrt.Name(), h.Path, err)
				}
				objs = append(objs, hook...)
			}
		}
	}
	for _, obj := range objs {
		if kind, _ := obj["kind"].(string); slices.Contains(webhookKinds, kind) {
			out.Webhooks = append(out.Webhooks, obj)
			continue
		}
		out.Objects = append(out.Objects, obj)
	}
	return out, nil
}

// decode splits a multi-document YAML stream into objects, skipping empty documents and
// flattening Lists, as Helm's Kubernetes client reads a manifest.
func decode(manifest []byte) ([]map[string]any, error) {
	d := k8syaml.NewYAMLOrJSONDecoder(bytes.NewReader(manifest), 4096)
	var out []map[string]any
	for {
		var obj map[string]any
		err := d.Decode(&obj)
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		if len(obj) == 0 {
			continue
		}
		// A v1 List is its items: Helm's Kubernetes client flattens it (the resource
		// builder's Flatten) and sends each item; the API server serves no List kind.
		if obj["apiVersion"] == "v1" && obj["kind"] == "List" {
			items, _ := obj["items"].([]any)
			for _, it := range items {
				if m, ok := it.(map[string]any); ok {
					out = append(out, m)
				}
			}
			continue
		}
		out = append(out, obj)
	}
}

// Name is an object's kind, namespace and name, for messages.
func Name(obj map[string]any) string {
	meta, _ := obj["metadata"].(map[string]any)
	ns, _ := meta["namespace"].(string)
	name, _ := meta["name"].(string)
	if ns != "" {
		name = ns + "/" + name
	}
	return strings.TrimSpace(fmt.Sprint(obj["kind"]) + " " + name)
}
