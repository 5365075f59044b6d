package platform

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"path"
	"regexp"
	"slices"
	"strings"

	"github.com/eksplatform/pulumi-eksplatform/provider/pkg/addons"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// eksAddons.extra: any EKS add-on by name beside the five typed ones, with its version,
// configuration, conflict resolution, placement (rule 4) and, when it has policies, an
// IAM role of its own trusted by exactly its service account (IRSA) or by EKS Pod
// Identity through an association on the add-on itself.

const (
	placementBeforeCompute = "beforeCompute"
	placementAfterCompute  = "afterCompute"
)

var (
	placements = []string{placementBeforeCompute, placementAfterCompute}
	// resolveConflictsModes are what the input accepts. PRESERVE is valid only on
	// update (CreateAddon takes NONE or OVERWRITE), so on create it becomes NONE, which
	// likewise leaves a field someone else set alone (and fails rather than
	// overwriting it).
	resolveConflictsModes = []string{"OVERWRITE", "NONE", "PRESERVE"}
	// eksAddonNamePattern is what the platform accepts as an add-on name: the names
	// `aws eks describe-addon-versions` lists (lowercase, digits, '-', and '_' in
	// marketplace add-ons such as vendor_product). The name is part of resource names.
	eksAddonNamePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]*$`)
	// iamPolicyArnPattern is a customer or AWS-managed policy ARN; group 2 is its name.
	iamPolicyArnPattern = regexp.MustCompile(`^arn:aws[a-z-]*:iam::(aws|[0-9]{12}):policy/(?:[\w+=,.@-]+/)*([\w+=,.@-]+)$`)
)

// extraEksAddonConfig is one resolved entry of eksAddons.extra.
type extraEksAddonConfig struct {
	// Path is the input path, eksAddons.extra[i].
	Path string
	Name string
	// Version is the user's version; nil means the default for the cluster's version.
	Version pulumi.StringInput
	Values  pulumi.MapInput
	// OnCreate and OnUpdate are the add-on's resolveConflictsOnCreate/OnUpdate.
	OnCreate, OnUpdate string
	// AfterCompute places it after the compute that can schedule its pods (rule 4);
	// otherwise it is created with the node add-ons.
	AfterCompute bool
	// Namespace is where it installs ("" when neither the table nor the user says);
	// ServiceAccount is the one its role is for, AlsoServiceAccounts the add-on's other
	// service accounts the table says run as the same role.
	Namespace, ServiceAccount string
	AlsoServiceAccounts       []string
	// Identity is irsa or podIdentity for an add-on with a role, else "".
	Identity string
	// Policies are the managed policies attached to its role; PoliciesUnknown is true
	// at preview when the user's list is not known yet (the role is still planned).
	Policies        []extraAddonPolicy
	PoliciesUnknown bool
	// IamPolicy is the user's inline policy document, nil without.
	IamPolicy pulumi.StringInput
}

// extraAddonPolicy is one managed policy on an extra add-on's role: an AWS-managed
// policy the table recommends (Managed, its path under arn:<partition>:iam::aws:policy/,
// so it works in every partition) or an ARN the user gave (Arn).
type extraAddonPolicy struct {
	// Key names the attachment resource: the policy's name, stable when other
	// policies are added or removed.
	Key     string
	Managed string
	Arn     pulumi.StringInput
}

// HasRole reports whether the add-on gets an IAM role of its own.
func (c extraEksAddonConfig) HasRole() bool {
	return len(c.Policies) > 0 || c.PoliciesUnknown || c.IamPolicy != nil
}

func resolveExtraEksAddons(p *problems, list []ExtraEksAddonArgs, compute computeConfig, auto autoModeConfig, typed eksAddonsConfig) []extraEksAddonConfig {
	var out []extraEksAddonConfig
	seen := map[string]string{}
	hasCompute := len(compute.NodeGroups) > 0 || len(compute.FargateProfiles) > 0 || auto.HasCompute()
	// Auto Mode with no node group runs some node agents on its own nodes.
	autoOnly := auto.Enabled && len(compute.NodeGroups) == 0
	for i, in := range list {
		c, ok := resolveExtraEksAddon(p, fmt.Sprintf("eksAddons.extra[%d]", i), in, typed, auto.Enabled)
		if !ok {
			continue
		}
		if prev, dup := seen[c.Name]; dup {
			p.addf("%s.name: %s is also given by %s; EKS holds one add-on of a name per cluster, so merge them into one entry", c.Path, c.Name, prev)
			continue
		}
		seen[c.Name] = c.Path
		if autoOnly && knownEksAddons[c.Name].AutoModeRuns {
			p.addf("%s: %s is part of EKS Auto Mode's own nodes, and there is no node group, so the add-on would be a second copy; remove it", c.Path, c.Name)
		}
		if c.AfterCompute && !hasCompute {
			p.addf("%s: %s runs pods that need compute, and the platform has no node group or Fargate profile, so EKS would report it DEGRADED; add a node group, or remove the add-on", c.Path, c.Name)
		}
		out = append(out, c)
	}
	return out
}

// resolveExtraEksAddon reads one entry; ok is false when it cannot be planned (no
// name, a name unknown at preview, or one that belongs to a typed input).
func resolveExtraEksAddon(p *problems, at string, in ExtraEksAddonArgs, typed eksAddonsConfig, autoMode bool) (extraEksAddonConfig, bool) {
	r := reader{p}
	c := extraEksAddonConfig{Path: at, Values: in.ConfigurationValues}
	name, _, known := plainString(in.Name)
	r.note(at+".name", known)
	switch {
	case !known:
		// At preview the update, where the name is known, plans it.
		return c, false
	case name == "":
		p.addf("%s.name: required; give the EKS add-on's name (aws eks describe-addon-versions lists them)", at)
		return c, false
	case !eksAddonNamePattern.MatchString(name):
		p.addf("%s.name: %q is not an EKS add-on name; use the name aws eks describe-addon-versions lists (lowercase letters, digits, '-' and '_')", at, name)
		return c, false
	}
	if field, isTyped := typedEksAddons[name]; isTyped {
		p.addf("%s.name: %s has inputs of its own; configure it at %s instead", at, name, field)
		return c, false
	}
	c.Name = name
	known2, isKnown := knownEksAddons[name]

	if v, given, vKnown := plainString(in.Version); given && (!vKnown || v != "") {
		c.Version = in.Version
		if vKnown && !addonVersionPattern.MatchString(v) {
			p.addf("%s.version: %q is not an EKS add-on version; use the form v2.1.4-eksbuild.1 (aws eks describe-addon-versions --addon-name %s), or omit it for the default", at, v, name)
		}
	}

	switch mode := r.str(at+".resolveConflicts", in.ResolveConflicts); mode {
	case "", "OVERWRITE":
		// The platform owns the add-on's configuration, as for the typed add-ons.
		c.OnCreate, c.OnUpdate = "OVERWRITE", "OVERWRITE"
	case "NONE":
		c.OnCreate, c.OnUpdate = "NONE", "NONE"
	case "PRESERVE":
		c.OnCreate, c.OnUpdate = "NONE", "PRESERVE"
	default:
		p.addf("%s.resolveConflicts: unknown mode %q; use one of %s", at, mode, strings.Join(resolveConflictsModes, ", "))
	}

	// Unknown add-ons wait for compute: the safe order whatever their pods are.
	c.AfterCompute = !isKnown || known2.AfterCompute
	switch placement := r.str(at+".placement", in.Placement); placement {
	case "":
	case placementAfterCompute:
		c.AfterCompute = true
	case placementBeforeCompute:
		if isKnown && known2.AfterCompute {
			p.addf("%s.placement: %s runs a Deployment, which needs a node to run on, so before compute EKS would report it DEGRADED; remove placement (it is placed after compute)", at, name)
		}
		c.AfterCompute = false
	default:
		p.addf("%s.placement: unknown placement %q; use one of %s", at, placement, strings.Join(placements, ", "))
	}

	c.Namespace = fixedOrGiven(p, at+".namespace", name, r.str(at+".namespace", in.Namespace), known2.Namespace)
	if c.Namespace != "" {
		validateNamespace(p, at+".namespace", c.Namespace)
	}
	c.ServiceAccount = fixedOrGiven(p, at+".serviceAccount", name, r.str(at+".serviceAccount", in.ServiceAccount), known2.ServiceAccount)
	c.AlsoServiceAccounts = known2.AlsoServiceAccounts
	if c.ServiceAccount != "" && !helmServiceAccountPattern.MatchString(c.ServiceAccount) {
		p.addf("%s.serviceAccount: %q is not a Kubernetes service account name; use lowercase letters, digits, '-' and '.'", at, c.ServiceAccount)
	}

	c.Policies, c.PoliciesUnknown = resolveExtraPolicies(p, at+".managedPolicyArns", in.ManagedPolicyArns, known2.Policies)
	if policy, given, pKnown := plainString(in.IamPolicy); given && (!pKnown || policy != "") {
		c.IamPolicy = in.IamPolicy
		if pKnown {
			validatePolicyJSON(p, at+".iamPolicy", policy)
		}
	}

	identity := r.str(at+".identity", in.Identity)
	switch {
	case !c.HasRole():
		if identity != "" {
			p.addf("%s.identity: %s has no IAM role (no managedPolicyArns or iamPolicy, and none recommended); remove identity, or give the role's policies", at, name)
		}
	case identity == "":
		c.Identity = addons.IRSA
	case !slices.Contains(addons.Identities, identity):
		p.addf("%s.identity: unknown identity %q; use one of %s", at, identity, strings.Join(addons.Identities, ", "))
		c.Identity = addons.IRSA
	default:
		c.Identity = identity
	}
	if c.HasRole() {
		// The trust names exactly the add-on's service account (and, for IRSA, its
		// namespace); the platform cannot guess them for an add-on it does not know.
		if c.ServiceAccount == "" {
			p.addf("%s.serviceAccount: required for %s with an IAM role; give the service account the add-on's pods run as (aws eks describe-addon-configuration --query podIdentityConfiguration), so the role trusts exactly it", at, name)
		}
		if c.Namespace == "" {
			p.addf("%s.namespace: required for %s with an IAM role; give the namespace the add-on installs into, so the role trusts exactly its service account", at, name)
		}
		// Auto Mode nodes run the agent themselves.
		if c.Identity == addons.PodIdentity && !typed.PodIdentityAgent.Enabled && !autoMode {
			p.addf("%s.identity: podIdentity needs the eks-pod-identity-agent add-on; set eksAddons.podIdentityAgent.enabled to true (it needs a node group), or use irsa", at)
		}
	}
	return c, true
}

// fixedOrGiven is a namespace or service account: the table's when the platform knows
// it (a different one given would leave the role trusting a name the add-on does not
// use), else the user's.
func fixedOrGiven(p *problems, at, name, given, fixed string) string {
	if fixed == "" {
		return given
	}
	if given != "" && given != fixed {
		p.addf("%s: %s uses %q; remove %s (the platform knows it)", at, name, fixed, path.Base(strings.ReplaceAll(at, ".", "/")))
	}
	return fixed
}

// resolveExtraPolicies reads managedPolicyArns: when given (even empty) they replace the
// table's recommended policies. Each attachment is keyed by the policy's name, so adding
// or removing one renames no other; a secret ARN by a hash of it; at preview an ARN
// not known yet by its position (the update keys it by name).
func resolveExtraPolicies(p *problems, at string, in pulumi.StringArrayInput, recommended []string) ([]extraAddonPolicy, bool) {
	a := await(in)
	if !a.given {
		var out []extraAddonPolicy
		for _, policy := range recommended {
			out = append(out, extraAddonPolicy{Key: path.Base(policy), Managed: policy})
		}
		return out, false
	}
	l := readStrings(reader{p}, at, in)
	if !l.Known {
		return nil, true
	}
	var out []extraAddonPolicy
	count := map[string]int{}
	seen := map[string]int{}
	for i, arn := range l.Values {
		m := iamPolicyArnPattern.FindStringSubmatch(arn)
		if m == nil {
			p.addf("%s[%d]: %q is not an IAM policy ARN; give arn:aws:iam::aws:policy/<name> or arn:aws:iam::<account>:policy/<name>", at, i, arn)
			continue
		}
		if prev, dup := seen[arn]; dup {
			p.addf("%s[%d]: %q is also %s[%d]; give each policy once", at, i, arn, at, prev)
			continue
		}
		seen[arn] = i
		key := m[2]
		if l.Secret {
			key = nameKey(arn, true)
		}
		count[key]++
		out = append(out, extraAddonPolicy{Key: key, Arn: l.element(i)})
	}
	// Two policies of one name (other accounts or paths) get a short hash of the ARN.
	for i := range out {
		if count[out[i].Key] > 1 {
			arn, _, _ := plainString(out[i].Arn)
			sum := sha256.Sum256([]byte(arn))
			out[i].Key += "-" + hex.EncodeToString(sum[:])[:8]
		}
	}
	return out, false
}

// checkEksAddonHelmTwins rejects an EKS add-on that installs what a catalogue Helm
// add-on also installs (metrics-server as both): two controllers would fight over the
// same objects, and the second install fails on objects the first owns.
func checkEksAddonHelmTwins(p *problems, cfg *config) {
	for _, e := range cfg.EksAddons.Extra {
		for _, h := range cfg.HelmAddons.Addons {
			if h.Addon.Name == e.Name {
				p.addf("%s.name: %s is also installed by addons.%s (Helm); install it once: remove this entry, or disable addons.%s", e.Path, e.Name, h.Addon.Key, h.Addon.Key)
			}
		}
	}
}

// extraEksAddonsPlaced are the extra add-ons of one placement, in input order.
func (c eksAddonsConfig) extraEksAddonsPlaced(afterCompute bool) []extraEksAddonConfig {
	var out []extraEksAddonConfig
	for _, e := range c.Extra {
		if e.AfterCompute == afterCompute {
			out = append(out, e)
		}
	}
	return out
}
