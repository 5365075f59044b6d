package platform

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// EKS Auto Mode (docs/design.md, "EKS Auto Mode", and the evidence listed there).
//
// EKS requires computeConfig.enabled, storageConfig.blockStorage.enabled and
// kubernetesNetworkConfig.elasticLoadBalancing.enabled to be equal, in one request, on
// create and on every update ("must all be enabled or disabled in the same request"), so
// the input has one switch. Built-in node pools need a node role and a node role needs
// built-in pools ("When Compute Config nodeRoleArn is not null or empty, nodePool
// value(s) must be provided"); without built-in pools EKS makes no default NodeClass and
// no access entry for the role, so custom NodePools then run on a NodeClass of the
// platform's with an EC2 access entry the platform makes.

// The built-in node pools EKS offers.
const (
	autoModePoolGeneralPurpose = "general-purpose"
	autoModePoolSystem         = "system"
	// autoModeNodeClass is the platform's NodeClass for custom NodePools. EKS's own is
	// "default", which AWS says a custom NodeClass must not be named.
	autoModeNodeClass = "eksplatform"
	// autoNodeAccessPolicy is the EKS access policy Auto Mode nodes need.
	autoNodeAccessPolicy = "AmazonEKSAutoNodePolicy"
)

var (
	autoModeBuiltInPools = []string{autoModePoolGeneralPurpose, autoModePoolSystem}
	// autoModeClusterPolicies are the managed policies the cluster role needs for Auto
	// Mode's compute, block storage, load balancing and networking.
	autoModeClusterPolicies = []string{"AmazonEKSComputePolicy", "AmazonEKSBlockStoragePolicy", "AmazonEKSLoadBalancingPolicy", "AmazonEKSNetworkingPolicy"}
	// autoModeNodePolicies are the node role's: the minimal worker policy and ECR pull.
	autoModeNodePolicies     = []string{"AmazonEKSWorkerNodeMinimalPolicy", "AmazonEC2ContainerRegistryPullOnly"}
	nodePoolOperators        = []string{"In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt"}
	consolidationPolicies    = []string{"WhenEmptyOrUnderutilized", "WhenEmpty"}
	kubernetesNamePattern    = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`)
	kubernetesEffectOfTaint  = map[string]string{"NO_SCHEDULE": "NoSchedule", "NO_EXECUTE": "NoExecute", "PREFER_NO_SCHEDULE": "PreferNoSchedule"}
	defaultConsolidation     = consolidationPolicies[0]
	maxKubernetesNameLength  = 63
	autoModeSwitchOffPointer = "see docs/upgrading.md, \"Switching Auto Mode off\""
)

// defaultAutoModeConsolidateAfter is the same as Karpenter's pools'
// (defaultKarpenterNodePool, upstream's getting-started NodePool): a minute is long
// enough that a node freed by a rollout is not removed while its replacement pods are
// still being scheduled, and short enough that idle capacity does not bill for long. One
// default for both kinds of pool, so a pool moved between them keeps its behaviour.
const defaultAutoModeConsolidateAfter = "1m"

// autoModeConfig is the resolved autoMode input.
type autoModeConfig struct {
	// Given is whether the input was given at all. Without it the cluster is sent no
	// Auto Mode fields (as before the input existed, so an upgrade changes nothing);
	// with it the three capabilities are always sent, false included, so switching off
	// is one request.
	Given   bool
	Enabled bool
	// BuiltInNodePools are the built-in pools, in the order of autoModeBuiltInPools.
	BuiltInNodePools []string
	// NodeRoleArn is the user's node role; nil means the platform makes one.
	NodeRoleArn pulumi.StringInput
	NodePools   []autoModeNodePoolConfig
	// StorageClass and IngressClass are the classes the platform makes for Auto
	// Mode's controllers; nil when not asked for.
	StorageClass *autoModeClassConfig
	IngressClass *autoModeClassConfig
}

// autoModeClassConfig is a StorageClass or IngressClass the platform makes.
type autoModeClassConfig struct {
	Name      string
	IsDefault bool
	// Scheme is the IngressClassParams' scheme ("" for a StorageClass).
	Scheme string
}

// autoModeNodePoolConfig is one custom NodePool.
type autoModeNodePoolConfig struct {
	Name                string
	Requirements        []autoModeRequirementConfig
	Labels              map[string]string
	Taints              []taintConfig
	Limits              map[string]string
	ConsolidationPolicy string
	// ConsolidateAfter is how long a node must be consolidatable before it is removed;
	// the NodePool CRD requires it (spec.disruption.consolidateAfter).
	ConsolidateAfter string
}

// autoModeRequirementConfig is one node requirement.
type autoModeRequirementConfig struct {
	Key, Operator string
	Values        []string
}

// BuiltIn reports whether the built-in pool is on.
func (c autoModeConfig) BuiltIn(pool string) bool {
	return c.Enabled && slices.Contains(c.BuiltInNodePools, pool)
}

// HasCompute reports whether Auto Mode runs any node pool.
func (c autoModeConfig) HasCompute() bool {
	return c.Enabled && (len(c.BuiltInNodePools) > 0 || len(c.NodePools) > 0)
}

// NeedsNodeRole reports whether Auto Mode nodes need a role; MakesNodeRole whether the
// platform makes it.
func (c autoModeConfig) NeedsNodeRole() bool { return c.HasCompute() }
func (c autoModeConfig) MakesNodeRole() bool { return c.NeedsNodeRole() && c.NodeRoleArn == nil }

// NodeClass reports whether the platform makes its NodeClass (for custom NodePools).
func (c autoModeConfig) NodeClass() bool { return c.Enabled && len(c.NodePools) > 0 }

// NodeAccessEntry reports whether the platform makes the node role's EC2 access entry:
// EKS makes it itself for the role of the built-in pools, and a second would fail with
// ResourceInUseException.
func (c autoModeConfig) NodeAccessEntry() bool { return c.NodeClass() && len(c.BuiltInNodePools) == 0 }

func resolveAutoMode(p *problems, args *Args) autoModeConfig {
	in := args.AutoMode
	if in == nil {
		return autoModeConfig{}
	}
	r := reader{p}
	c := autoModeConfig{Given: true, Enabled: r.boolean("autoMode.enabled", in.Enabled, false)}
	_, poolsGiven, _ := plainStrings(in.BuiltInNodePools)
	pools := r.strs("autoMode.builtInNodePools", in.BuiltInNodePools)
	if !poolsGiven {
		pools = slices.Clone(autoModeBuiltInPools)
	}
	for i, pool := range pools {
		switch {
		case !slices.Contains(autoModeBuiltInPools, pool):
			p.addf("autoMode.builtInNodePools[%d]: %q is not a built-in node pool; use %s (custom pools go in autoMode.nodePools)",
				i, pool, strings.Join(autoModeBuiltInPools, " or "))
		case slices.Index(pools, pool) < i:
			p.addf("autoMode.builtInNodePools[%d]: %q is listed twice; list each pool once", i, pool)
		}
	}
	for _, pool := range autoModeBuiltInPools {
		if slices.Contains(pools, pool) {
			c.BuiltInNodePools = append(c.BuiltInNodePools, pool)
		}
	}
	if arn, given, known := plainString(in.NodeRoleArn); given && (!known || arn != "") {
		c.NodeRoleArn = in.NodeRoleArn
		if known && !iamRoleArnPattern.MatchString(arn) {
			p.addf("autoMode.nodeRoleArn: %q is not an IAM role ARN; give arn:aws:iam::<account>:role/<name>, or omit it for a role the platform makes", arn)
		}
	}
	names := uniqueNames{list: "autoMode.nodePools", what: "NodePool"}
	for i, np := range in.NodePools {
		pool := resolveAutoModeNodePool(p, fmt.Sprintf("autoMode.nodePools[%d]", i), np)
		names.check(p, i, pool.Name)
		c.NodePools = append(c.NodePools, pool)
	}

	c.StorageClass = resolveAutoModeClass(p, "autoMode.storageClass", in.StorageClass, "auto-ebs-sc")
	c.IngressClass = resolveAutoModeIngressClass(p, in.IngressClass)
	if !c.Enabled {
		for _, k := range []struct {
			path string
			on   bool
		}{{"autoMode.storageClass", c.StorageClass != nil}, {"autoMode.ingressClass", c.IngressClass != nil}} {
			if k.on {
				p.addf("%s: enabled while autoMode.enabled is false; remove it (the class names a controller of Auto Mode)", k.path)
			}
		}
		c.StorageClass, c.IngressClass = nil, nil
		// Off: nothing of Auto Mode may be asked for. Custom NodePools in particular must
		// be gone before EKS turns Auto Mode off (their API goes with it), so they are
		// removed one run earlier.
		if poolsGiven {
			p.addf("autoMode.builtInNodePools: given while autoMode.enabled is false; remove it (EKS turns the built-in pools off with Auto Mode)")
		}
		if c.NodeRoleArn != nil {
			p.addf("autoMode.nodeRoleArn: given while autoMode.enabled is false; remove it")
		}
		if len(c.NodePools) > 0 {
			p.addf("autoMode.nodePools: given while autoMode.enabled is false; remove the custom NodePools in one `pulumi up` with Auto Mode still on, then switch it off (%s)", autoModeSwitchOffPointer)
		}
		c.BuiltInNodePools, c.NodeRoleArn, c.NodePools = nil, nil, nil
		return c
	}
	if len(c.BuiltInNodePools) == 0 && c.NodeRoleArn != nil && len(c.NodePools) == 0 {
		p.addf("autoMode.nodeRoleArn: given with no built-in node pool and no custom NodePool, so no node would run as it (EKS refuses a node role without node pools); remove it, or add a pool")
	}
	return c
}

// checkAutoModeAuthentication: Auto Mode's nodes and its controllers are authorized
// through access entries, which EKS refuses in CONFIG_MAP mode.
func checkAutoModeAuthentication(p *problems, cfg *config) {
	if cfg.AutoMode.Enabled && cfg.Cluster.AuthenticationMode == "CONFIG_MAP" {
		p.addf("authenticationMode: CONFIG_MAP has no access entries, and EKS Auto Mode's nodes join through access entries; use API or API_AND_CONFIG_MAP, or turn autoMode off")
	}
}

func resolveAutoModeNodePool(p *problems, path string, in AutoModeNodePoolArgs) autoModeNodePoolConfig {
	r := reader{p}
	c := autoModeNodePoolConfig{
		Name:                r.str(path+".name", in.Name),
		Labels:              r.strMap(path+".labels", in.Labels),
		Limits:              r.strMap(path+".limits", in.Limits),
		ConsolidationPolicy: r.str(path+".consolidationPolicy", in.ConsolidationPolicy),
		ConsolidateAfter:    r.str(path+".consolidateAfter", in.ConsolidateAfter),
	}
	switch {
	case c.Name == "":
		p.addf("%s.name: required; give the NodePool a name", path)
	case slices.Contains(autoModeBuiltInPools, c.Name):
		p.addf("%s.name: %q is a built-in node pool, which EKS does not let anyone change; choose another name, or turn the built-in pool on in autoMode.builtInNodePools", path, c.Name)
	case len(c.Name) > maxKubernetesNameLength || !kubernetesNamePattern.MatchString(c.Name):
		p.addf("%s.name: %q is not a Kubernetes object name; use at most %d lowercase letters, digits and '-', starting and ending with a letter or digit", path, c.Name, maxKubernetesNameLength)
	}
	if c.ConsolidationPolicy == "" {
		c.ConsolidationPolicy = defaultConsolidation
	} else if !slices.Contains(consolidationPolicies, c.ConsolidationPolicy) {
		p.addf("%s.consolidationPolicy: unknown policy %q; use %s", path, c.ConsolidationPolicy, strings.Join(consolidationPolicies, " or "))
	}
	if c.ConsolidateAfter == "" {
		c.ConsolidateAfter = defaultAutoModeConsolidateAfter
	} else if !karpenterDurationPattern.MatchString(c.ConsolidateAfter) {
		// The NodePool CRD's pattern for spec.disruption.consolidateAfter.
		p.addf("%s.consolidateAfter: %q is not a Karpenter duration; give hours, minutes and seconds like \"30s\", \"5m\" or \"1h30m\", or \"Never\"", path, c.ConsolidateAfter)
	}
	for _, k := range sortedKeys(c.Limits) {
		if !karpenterQuantityPattern.MatchString(c.Limits[k]) {
			p.addf("%s.limits.%s: %q is not a Kubernetes quantity; give a number like \"1000\" or \"4000Gi\"", path, k, c.Limits[k])
		}
	}
	checkNodePoolLabels(p, path+".labels", c.Labels)
	for j, req := range in.Requirements {
		rp := fmt.Sprintf("%s.requirements[%d]", path, j)
		q := autoModeRequirementConfig{Key: r.str(rp+".key", req.Key), Operator: r.str(rp+".operator", req.Operator), Values: r.strs(rp+".values", req.Values)}
		if q.Key == "" {
			p.addf("%s.key: required; give a node label such as eks.amazonaws.com/instance-category", rp)
		} else {
			checkNodePoolRequirementKey(p, rp, q.Key)
		}
		switch q.Operator {
		case "In", "NotIn":
			if len(q.Values) == 0 {
				p.addf("%s.values: %s needs at least one value; list the values", rp, q.Operator)
			}
			// The NodePool CRD's values: maxLength 63 and the label-value pattern (the
			// values are matched against, and written as, node labels).
			for k, v := range q.Values {
				if why := labelValueProblem(v); why != "" {
					p.addf("%s.values[%d]: %q is not a Kubernetes label value: %s; give at most %d letters, digits, '-', '_' or '.'", rp, k, v, why, maxLabelValue)
				}
			}
		case "Exists", "DoesNotExist":
			if len(q.Values) > 0 {
				p.addf("%s.values: %s takes no values; remove them", rp, q.Operator)
			}
		case "Gt", "Lt":
			// The NodePool CRD's CEL: "requirements operator 'Gt', 'Lt', 'Gte', or 'Lte'
			// must have a single positive integer value" (int(x.values[0]) >= 0).
			if n, err := strconv.Atoi(strings.Join(q.Values, ",")); err != nil || len(q.Values) != 1 || n < 0 {
				p.addf("%s.values: %s takes exactly one integer value, 0 or more; give one, such as [\"4\"]", rp, q.Operator)
			}
		default:
			p.addf("%s.operator: unknown operator %q; use one of %s", rp, q.Operator, strings.Join(nodePoolOperators, ", "))
		}
		c.Requirements = append(c.Requirements, q)
	}
	c.Taints = resolveTaints(p, path, in.Taints)
	return c
}

// tolerated reports whether pods with tolerates can run on the pool's nodes.
func (np autoModeNodePoolConfig) tolerated(tolerates []toleration) bool {
	return nodeGroupConfig{Taints: np.Taints}.tolerated(tolerates)
}

// autoModeIngressSchemes are the IngressClassParams schemes; internal is the default, so
// nothing is exposed to the internet unless asked for.
var autoModeIngressSchemes = []string{"internal", "internet-facing"}

func resolveAutoModeClass(p *problems, path string, in *AutoModeStorageClassArgs, defName string) *autoModeClassConfig {
	if in == nil {
		return nil
	}
	return resolveClass(p, path, in.Enabled, in.Name, in.IsDefault, defName)
}

func resolveAutoModeIngressClass(p *problems, in *AutoModeIngressClassArgs) *autoModeClassConfig {
	if in == nil {
		return nil
	}
	const path = "autoMode.ingressClass"
	c := resolveClass(p, path, in.Enabled, in.Name, in.IsDefault, "alb")
	scheme := reader{p}.str(path+".scheme", in.Scheme)
	if scheme == "" {
		scheme = autoModeIngressSchemes[0]
	} else if !slices.Contains(autoModeIngressSchemes, scheme) {
		p.addf("%s.scheme: unknown scheme %q; use %s", path, scheme, strings.Join(autoModeIngressSchemes, " or "))
	}
	if c != nil {
		c.Scheme = scheme
	}
	return c
}

func resolveClass(p *problems, path string, enabled pulumi.BoolInput, name pulumi.StringInput, isDefault pulumi.BoolInput, defName string) *autoModeClassConfig {
	r := reader{p}
	on := r.boolean(path+".enabled", enabled, false)
	c := &autoModeClassConfig{Name: r.str(path+".name", name), IsDefault: r.boolean(path+".isDefault", isDefault, false)}
	if c.Name == "" {
		c.Name = defName
	} else if len(c.Name) > maxKubernetesNameLength || !kubernetesNamePattern.MatchString(c.Name) {
		p.addf("%s.name: %q is not a Kubernetes object name; use at most %d lowercase letters, digits and '-'", path, c.Name, maxKubernetesNameLength)
	}
	if !on {
		return nil
	}
	return c
}
