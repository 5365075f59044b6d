package platform

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/eksplatform/pulumi-eksplatform/provider/pkg/addons"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// DefaultHelmTimeout is how long a Helm release may take to become ready, in seconds,
// before the atomic install rolls back.
const defaultHelmTimeout = 600

var (
	helmChartVersionPattern   = regexp.MustCompile(`^v?[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$`)
	helmNamespacePattern      = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`)
	helmReleaseNamePattern    = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`)
	helmServiceAccountPattern = regexp.MustCompile(`^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$`)
)

// HelmAddonsConfig is the resolved input of the Helm add-on stage.
type helmAddonsConfig struct {
	// Addons are the enabled catalogue add-ons, in catalogue order.
	Addons []helmAddonConfig
	// Releases are the user's own charts, in input order.
	Releases []helmReleaseConfig
}

// HelmAddonConfig is one enabled catalogue add-on.
type helmAddonConfig struct {
	Addon     addons.Addon
	Version   string
	Namespace string
	Identity  string
	// Values are the user's values, deep-merged over the platform's, the platform's
	// entries of the add-on's MergedLists kept (nil: none).
	Values pulumi.MapInput
	// Settings are the add-on's own inputs, read by its Settings (nil without).
	Settings any
}

// HasRole reports whether the add-on gets its IAM role with its settings.
func (c helmAddonConfig) HasRole() bool { return c.Addon.HasRoleFor(c.Settings) }

// catalogueRole reports whether an enabled catalogue add-on named name gets a role, so
// a user's release of that name reports its role under <namespace>/<name>.
func (c helmAddonsConfig) catalogueRole(name string) bool {
	for _, a := range c.Addons {
		if a.Addon.Name == name && a.HasRole() {
			return true
		}
	}
	return false
}

// HelmReleaseConfig is one chart of the user's own.
type helmReleaseConfig struct {
	Name, Repository, Chart, Version, Namespace string
	Values                                      pulumi.MapInput
	// ServiceAccount and IamPolicy are both set when the release gets a role.
	ServiceAccount string
	// ServiceAccountPath is where the chart reads its service account settings.
	ServiceAccountPath []string
	IamPolicy          pulumi.StringInput
	Identity           string
}

// HasRole reports whether the release gets its own IAM role.
func (r helmReleaseConfig) HasRole() bool { return r.IamPolicy != nil }

// resolveHelmAddons reads the catalogue add-ons and the user's charts. The add-ons'
// settings and values are read for cluster; agentRuns is whether the nodes run the Pod
// Identity agent (podIdentityAgentRuns), which podIdentity needs.
func resolveHelmAddons(p *problems, args *Args, cluster clusterConfig, agentRuns bool) helmAddonsConfig {
	r := reader{p}
	var out helmAddonsConfig
	given := args.Addons
	if given == nil {
		given = &addons.Args{}
	}
	// releases are "<namespace>/<name>" → input path, for the uniqueness check.
	releases := map[string]string{}
	for _, a := range addons.Catalogue() {
		in, own := a.Given(given)
		if in == nil {
			continue
		}
		path := "addons." + a.Key
		if !r.boolean(path+".enabled", in.Enabled, false) {
			continue
		}
		c := helmAddonConfig{
			Addon:     a,
			Version:   r.str(path+".version", in.Version),
			Namespace: r.str(path+".namespace", in.Namespace),
			Identity:  r.str(path+".identity", in.Identity),
			Values:    in.Values,
		}
		if c.Version == "" {
			c.Version = a.Version
		} else if !helmChartVersionPattern.MatchString(c.Version) {
			p.addf("%s.version: %q is not a chart version; give a semantic version like %q", path, c.Version, a.Version)
		}
		if c.Namespace == "" {
			c.Namespace = a.Namespace
		}
		validateNamespace(p, path+".namespace", c.Namespace)
		// Settings first: whether an add-on with optional AWS access gets its role
		// depends on them, and the identity check on that.
		if a.Settings != nil {
			c.Settings = a.Settings(path, own, addonReader{r}, addons.SettingsContext{
				ClusterName:       cluster.Name,
				KubernetesVersion: cluster.Version,
			})
		}
		c.Identity = resolveIdentity(p, path+".identity", c.Identity, agentRuns, c.HasRole())
		values, valuesKnown := readValues(p, path+".values", in.Values)
		if valuesKnown {
			checkServiceAccountName(p, path+".values", values, a.ServiceAccountPath, a.ServiceAccount)
		}
		if valuesKnown {
			// The platform's values are rendered with what is known at resolve time (not
			// the region, VPC or role).
			for _, problem := range a.CheckValues(path+".values", values, a.Render(addons.ValuesContext{
				ClusterName:       cluster.Name,
				KubernetesVersion: cluster.Version,
				Namespace:         c.Namespace,
				Identity:          c.Identity,
				Settings:          c.Settings,
			})) {
				p.addf("%s", problem)
			}
		}
		claimRelease(p, releases, c.Namespace, a.Name, path)
		out.Addons = append(out.Addons, c)
	}
	for i, in := range args.HelmReleases {
		path := fmt.Sprintf("helmReleases[%d]", i)
		c := helmReleaseConfig{
			Name:           r.str(path+".name", in.Name),
			Repository:     r.str(path+".repository", in.Repository),
			Chart:          r.str(path+".chart", in.Chart),
			Version:        r.str(path+".version", in.Version),
			Namespace:      r.str(path+".namespace", in.Namespace),
			ServiceAccount: r.str(path+".serviceAccount", in.ServiceAccount),
			Identity:       r.str(path+".identity", in.Identity),
			Values:         in.Values,
		}
		if c.Namespace == "" {
			c.Namespace = "default"
		}
		c.ServiceAccountPath = resolveValuesPath(p, path+".serviceAccountValuesPath", r.str(path+".serviceAccountValuesPath", in.ServiceAccountValuesPath))
		switch {
		case c.Name == "":
			p.addf("%s.name: required; give the Helm release name", path)
		case len(c.Name) > 53 || !helmReleaseNamePattern.MatchString(c.Name):
			p.addf("%s.name: %q is not a Helm release name; use at most 53 lowercase letters, digits, '-' and '.'", path, c.Name)
		default:
			claimRelease(p, releases, c.Namespace, c.Name, path)
		}
		if c.Chart == "" {
			p.addf("%s.chart: required; give the chart name (and its repository)", path)
		}
		validateNamespace(p, path+".namespace", c.Namespace)
		if policy, given, known := plainString(in.IamPolicy); given && (!known || policy != "") {
			c.IamPolicy = in.IamPolicy
			if known {
				validatePolicyJSON(p, path+".iamPolicy", policy)
			}
			// An Output not yet known at preview is given: it is checked at the update.
			if c.ServiceAccount == "" && !p.unknown[path+".serviceAccount"] {
				p.addf("%s.serviceAccount: required with iamPolicy; give the name of the service account the chart runs as, so the role trusts exactly it", path)
			}
			if values, known := readValues(p, path+".values", in.Values); known {
				checkServiceAccountName(p, path+".values", values, c.ServiceAccountPath, c.ServiceAccount)
				checkServiceAccountCreated(p, path+".values", values, c.ServiceAccountPath)
			}
		} else {
			readValues(p, path+".values", in.Values)
		}
		if c.ServiceAccount != "" && !helmServiceAccountPattern.MatchString(c.ServiceAccount) {
			p.addf("%s.serviceAccount: %q is not a Kubernetes service account name; use lowercase letters, digits, '-' and '.'", path, c.ServiceAccount)
		}
		c.Identity = resolveIdentity(p, path+".identity", c.Identity, agentRuns, c.HasRole())
		out.Releases = append(out.Releases, c)
	}
	return out
}

// claimRelease records a release name in a namespace; Helm allows one.
func claimRelease(p *problems, releases map[string]string, namespace, name, path string) {
	key := namespace + "/" + name
	if prev, ok := releases[key]; ok {
		p.addf("%s: a release named %q in namespace %q is already installed by %s; rename one or move it to another namespace", path, name, namespace, prev)
		return
	}
	releases[key] = path
}

func validateNamespace(p *problems, path, ns string) {
	if len(ns) > 63 || !helmNamespacePattern.MatchString(ns) {
		p.addf("%s: %q is not a Kubernetes namespace name; use at most 63 lowercase letters, digits and '-'", path, ns)
	}
}

// resolveIdentity defaults the identity to irsa and checks that podIdentity has its
// agent (agentRuns).
func resolveIdentity(p *problems, path, identity string, agentRuns, hasRole bool) string {
	if identity == "" {
		return addons.IRSA
	}
	if !slices.Contains(addons.Identities, identity) {
		p.addf("%s: unknown identity %q; use one of %s", path, identity, strings.Join(addons.Identities, ", "))
		return identity
	}
	if identity == addons.PodIdentity && hasRole && !agentRuns {
		p.addf("%s: podIdentity needs the eks-pod-identity-agent add-on; set eksAddons.podIdentityAgent.enabled to true, or use irsa", path)
	}
	return identity
}

// addonReader is the platform's reader as an add-on's Settings sees it.
type addonReader struct{ r reader }

func (a addonReader) String(path string, in pulumi.StringInput) string { return a.r.str(path, in) }

func (a addonReader) Strings(path string, in pulumi.StringArrayInput) ([]string, bool) {
	l := readStrings(a.r, path, in)
	return l.Values, l.Known
}

func (a addonReader) Problem(format string, args ...any) { a.r.p.addf(format, args...) }

// readValues reads a values input once, whatever wraps it (a literal map, an Output, a
// secret, nested Outputs). It must be an object (the Construct dispatch also rejects
// other shapes, naming the path, in provider/rawinputs.go). known is false when it was
// not given, or at preview when it is not known yet: it is checked at the update.
func readValues(p *problems, path string, in pulumi.MapInput) (values map[string]any, known bool) {
	values, given, known := plainMap(in)
	reader{p}.note(path, known)
	return values, given && known
}

// checkServiceAccountName rejects values that rename or remove the service account the
// platform's IAM trust names, which would leave the role trusting a name the chart no
// longer uses (a silent AccessDenied).
func checkServiceAccountName(p *problems, path string, values map[string]any, saPath []string, serviceAccount string) {
	if len(saPath) == 0 || serviceAccount == "" {
		return
	}
	namePath := append(slices.Clone(saPath), "name")
	v, ok := addons.Lookup(values, namePath...)
	if !ok {
		return
	}
	if s, isString := v.(string); !isString || s != serviceAccount {
		p.addf("%s.%s: the platform names this service account %q in its IAM trust; remove the override (use helmReleases for a differently named install)",
			path, strings.Join(namePath, "."), serviceAccount)
	}
}

// validatePolicyJSON checks a user's policy is a JSON object with statements.
func validatePolicyJSON(p *problems, path, policy string) {
	var doc struct {
		Statement json.RawMessage `json:"Statement"`
	}
	if err := json.Unmarshal([]byte(policy), &doc); err != nil {
		p.addf("%s: not valid JSON (%v); give an IAM policy document", path, err)
		return
	}
	if s := strings.TrimSpace(string(doc.Statement)); s == "" || s == "null" || s == "[]" {
		p.addf("%s: has no Statement; give an IAM policy document with at least one statement", path)
	}
}

// resolveValuesPath reads a dot-separated path into chart values ("serviceAccount" when
// not given).
func resolveValuesPath(p *problems, path, in string) []string {
	if in == "" {
		return []string{"serviceAccount"}
	}
	parts := strings.Split(in, ".")
	for _, part := range parts {
		if part == "" {
			p.addf("%s: %q has an empty segment; give keys separated by single dots, like %q", path, in, "controller.serviceAccount")
			return []string{"serviceAccount"}
		}
	}
	return parts
}

// checkServiceAccountCreated rejects values that stop the chart creating its service
// account (either convention, releaseServiceAccountCreateKeys): the platform could then
// neither name it nor annotate it with the role, and the role would trust a service
// account that may not exist.
func checkServiceAccountCreated(p *problems, path string, values map[string]any, saPath []string) {
	for _, key := range releaseServiceAccountCreateKeys {
		createPath := append(slices.Clone(saPath), key)
		if v, ok := addons.Lookup(values, createPath...); ok && v != true {
			p.addf("%s.%s: the platform creates this service account so it bears the name and role the IAM trust expects; remove the override, or drop iamPolicy and manage the service account and its role yourself",
				path, strings.Join(createPath, "."))
		}
	}
}

// split divides the add-ons into those that block other Services until they are ready
// (rule 9), the other catalogue add-ons, and the user's releases, which also wait for
// the add-ons whose webhooks guard objects a chart of theirs may make (rule 9).
func (c helmAddonsConfig) split() (blockers, rest, releases helmAddonsConfig) {
	for _, a := range c.Addons {
		if a.Addon.BlocksServicesUntilReady {
			blockers.Addons = append(blockers.Addons, a)
		} else {
			rest.Addons = append(rest.Addons, a)
		}
	}
	releases.Releases = c.Releases
	return blockers, rest, releases
}
