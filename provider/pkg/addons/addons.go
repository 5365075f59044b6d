// Package addons is the platform's catalogue of Helm add-ons: data and pure functions,
// no Pulumi resources. Each add-on lives in a file of its own holding everything
// specific to it: its official chart repository, chart, pinned chart version (and the
// app version it ships), namespace, service account, its own inputs with their
// defaults and validation, its IAM policy, the chart values the platform sets, and its
// provenance (the upstream release the pin and its vendored files were read at, their
// sha256, and upstream's word on the Kubernetes versions it runs on). The tables other
// code reads (KubeCompats, the vendored files) and the generated pages (docs.go) are
// derived from Catalogue. The platform package reads the Catalogue table and turns each
// enabled entry into an IAM role and a Helm release; it knows nothing of any one add-on.
//
// Adding an add-on is its file here (the Addon value with its provenance), its line in
// Catalogue, its field in Args, and its entry under HelmAddons in schema.yaml (then
// `make sdk docs`); TestAHelmAddonIsThreeGoFiles checks that nothing else names it.
package addons

import (
	"slices"
	"strings"
)

// Identities an add-on can get AWS credentials through.
const (
	// IRSA is IAM roles for service accounts: the role trusts the cluster's OIDC
	// provider for exactly system:serviceaccount:<namespace>:<serviceAccount>, and the
	// chart annotates the service account with eks.amazonaws.com/role-arn.
	IRSA = "irsa"
	// PodIdentity is EKS Pod Identity: the role trusts pods.eks.amazonaws.com and an
	// aws.eks.PodIdentityAssociation binds it to the namespace and service account.
	PodIdentity = "podIdentity"
)

// Identities are the valid identity values, the default first.
var Identities = []string{IRSA, PodIdentity}

// RoleArnAnnotation is the service account annotation IRSA reads.
const RoleArnAnnotation = "eks.amazonaws.com/role-arn"

// Addon is one catalogue entry.
type Addon struct {
	// Key is the add-on's property name under `addons` in schema.yaml.
	Key string
	// Name is the Helm release name and the name of its IAM role and policy.
	Name string
	// Repository is the chart's official repository URL.
	Repository string
	Chart      string
	// Version is the pinned chart version; AppVersion the application it ships.
	Version    string
	AppVersion string
	// Namespace is the default namespace.
	Namespace string
	// ServiceAccount is the one name the chart's service account, the IRSA trust and
	// the pod identity association all use. Values must set the chart's service
	// account name from ValuesContext.ServiceAccount, which Render fills from here.
	ServiceAccount string
	// ServiceAccountPath is where the chart reads its service account settings
	// (create, name, annotations) in its values: ["serviceAccount"] for most charts.
	ServiceAccountPath []string
	// Summary says in a line what the add-on may do in AWS (docs/catalogue.md shows it).
	Summary string
	// Given returns the add-on's common inputs and its whole input (for Settings), or
	// nil when `addons` does not name it.
	Given func(*Args) (*CommonArgs, any)
	// Settings reads, defaults and validates the add-on's own inputs, once; its result
	// reaches Policy and Values as PolicyContext.Settings and ValuesContext.Settings.
	// nil when the add-on has no inputs of its own. path is the add-on's input path
	// ("addons.externalDns").
	Settings func(path string, own any, r Reader, sc SettingsContext) any
	// Policy returns the add-on's IAM policy JSON; nil when it needs no AWS access
	// (then no role is made).
	Policy func(PolicyContext) (string, error)
	// WantsRole says, from the add-on's Settings, whether this install gets its role:
	// for an add-on whose AWS access is optional (cert-manager's DNS-01 zones,
	// external-secrets' secrets). nil: always, when Policy is set.
	WantsRole func(settings any) bool
	// Values returns the chart values the platform sets.
	Values func(ValuesContext) map[string]any
	// MergedLists are dotted paths of lists in Values the platform needs to keep: the
	// user's list at such a path is appended to the platform's (see MergeValues)
	// instead of replacing it the way Helm merges lists, and null, or a value that is
	// not a list, is rejected there (see CheckValues).
	MergedLists []string
	// Owned are dotted paths of values the platform sets and the add-on needs: the user
	// may give another value, but not null (which would remove it), nor a non-object on
	// the way to it.
	Owned []string
	// BlocksServicesUntilReady says the chart registers a webhook that rejects every
	// other Service until the add-on's pods serve it (failurePolicy Fail): the
	// platform installs it before every other release and after the EKS add-ons that
	// make Services (rule 9 of docs/ordering.md).
	BlocksServicesUntilReady bool
	// GuardsAPIGroups are the API groups whose objects the chart's webhooks
	// (failurePolicy Fail) reject until the add-on's pods serve them. No catalogue
	// add-on makes such objects with the platform's values, but a chart of the user's
	// (helmReleases) may (a Certificate, an ExternalSecret), so those releases are
	// installed after it (rule 9 of docs/ordering.md).
	GuardsAPIGroups []string
	// sources are where the pin and the vendored files come from and what upstream says
	// about the Kubernetes versions the chart runs on: a value the add-on's file defines
	// (provenance.go), so every fact of an add-on is typed in its file only.
	sources provenance
}

// CRDFiles are the vendored copies (the add-on's vendored files under crds/) of every
// file in the chart's crds/ directory at Version. The platform applies their
// CustomResourceDefinitions as resources of their own before the release and installs
// the release with skipCrds, because Helm installs crds/ on first install only and
// never upgrades them (see crds.go). Empty when the chart ships no CRDs. Update them
// together with Version.
func (a Addon) CRDFiles() []string {
	var out []string
	for _, f := range a.sources.files {
		if strings.HasPrefix(f.File, "crds/") {
			out = append(out, f.File)
		}
	}
	return out
}

// PolicyContext is what a policy may depend on.
type PolicyContext struct {
	// Partition is aws, aws-cn or aws-us-gov.
	Partition   string
	ClusterName string
	// Settings are what the add-on's Settings returned (nil without).
	Settings any
}

// ValuesContext is what chart values may depend on. All fields are plain: the platform
// calls Values inside an Apply once the outputs are known.
type ValuesContext struct {
	ClusterName string
	// KubernetesVersion is the cluster's MAJOR.MINOR.
	KubernetesVersion string
	Region            string
	VpcID             string
	Namespace         string
	// ServiceAccount is the add-on's ServiceAccount (Render fills it in).
	ServiceAccount string
	// Identity is IRSA or PodIdentity.
	Identity string
	// RoleArn is the add-on's role; "" when it has none.
	RoleArn string
	// Settings are what the add-on's Settings returned (nil without).
	Settings any
}

// HasRole reports whether the add-on can get an IAM role.
func (a Addon) HasRole() bool { return a.Policy != nil }

// HasRoleFor reports whether the add-on gets an IAM role with these settings (what its
// Settings returned).
func (a Addon) HasRoleFor(settings any) bool {
	return a.Policy != nil && (a.WantsRole == nil || a.WantsRole(settings))
}

// pending is implemented by Settings results that can hold values not known yet at
// preview; then the add-on's policy is left unknown until the update.
type pending interface {
	pending() bool
}

// PolicyPending reports whether settings hold values the policy needs that are not
// known yet.
func PolicyPending(settings any) bool {
	p, ok := settings.(pending)
	return ok && p.pending()
}

// Render returns the platform's chart values for the add-on, with the service account
// settings at ServiceAccountPath: create true, the catalogue's name and, for IRSA with
// a role, the role ARN annotation. The result is a fresh map the caller may change.
func (a Addon) Render(vc ValuesContext) map[string]any {
	vc.ServiceAccount = a.ServiceAccount
	if vc.Namespace == "" {
		vc.Namespace = a.Namespace
	}
	if vc.Identity == "" {
		vc.Identity = IRSA
	}
	values := map[string]any{}
	if a.Values != nil {
		values = a.Values(vc)
	}
	if len(a.ServiceAccountPath) > 0 {
		sa := ServiceAccountValues(vc)
		DeepMergeInto(EnsurePath(values, a.ServiceAccountPath), sa)
	}
	return values
}

// ServiceAccountValues are the chart's service account settings for vc.
func ServiceAccountValues(vc ValuesContext) map[string]any {
	sa := map[string]any{"create": true, "name": vc.ServiceAccount}
	if vc.Identity == IRSA && vc.RoleArn != "" {
		sa["annotations"] = map[string]any{RoleArnAnnotation: vc.RoleArn}
	}
	return sa
}

// ServiceAccountName reads the service account name the values set for the add-on.
func (a Addon) ServiceAccountName(values map[string]any) (string, bool) {
	v, ok := Lookup(values, append(slices.Clone(a.ServiceAccountPath), "name")...)
	s, isString := v.(string)
	return s, ok && isString
}

// Lookup returns the value at path in nested maps.
func Lookup(values map[string]any, path ...string) (any, bool) {
	var cur any = values
	for _, k := range path {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		if cur, ok = m[k]; !ok {
			return nil, false
		}
	}
	return cur, true
}

// EnsurePath returns the map at path in values, creating maps on the way.
func EnsurePath(values map[string]any, path []string) map[string]any {
	cur := values
	for _, k := range path {
		next, ok := cur[k].(map[string]any)
		if !ok {
			next = map[string]any{}
			cur[k] = next
		}
		cur = next
	}
	return cur
}

// DeepMerge returns base with over merged in, the way Helm merges values files: nested
// objects merge key by key, anything else (scalars, lists) in over replaces base's, and
// a nil in over removes the key. Neither argument is changed.
func DeepMerge(base, over map[string]any) map[string]any {
	out := deepCopy(base)
	DeepMergeInto(out, over)
	return out
}

// DeepMergeInto merges over into dst in place (see DeepMerge).
func DeepMergeInto(dst, over map[string]any) {
	for k, v := range over {
		if v == nil {
			delete(dst, k)
			continue
		}
		if om, ok := v.(map[string]any); ok {
			if dm, ok := dst[k].(map[string]any); ok {
				DeepMergeInto(dm, om)
				continue
			}
			dst[k] = deepCopy(om)
			continue
		}
		dst[k] = deepCopyValue(v)
	}
}

func deepCopy(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = deepCopyValue(v)
	}
	return out
}

func deepCopyValue(v any) any {
	switch x := v.(type) {
	case map[string]any:
		return deepCopy(x)
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = deepCopyValue(e)
		}
		return out
	default:
		return v
	}
}

// Catalogue lists every add-on in a fixed order (the order of the schema).
func Catalogue() []Addon {
	return []Addon{
		AWSLoadBalancerController(),
		externalDNS(),
		ClusterAutoscaler(),
		metricsServer(),
		CertManager(),
		ExternalSecrets(),
	}
}

// catalogueKeys are the catalogue's schema property names, in catalogue order.
func catalogueKeys() []string {
	var keys []string
	for _, a := range Catalogue() {
		keys = append(keys, a.Key)
	}
	return keys
}
