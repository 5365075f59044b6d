package platform

import (
	"cmp"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/eksplatform/pulumi-eksplatform/provider/pkg/addons"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Karpenter's own limits, copied from the NodePool CRD's schema at v1.14.1 (the vendored
// crds/karpenter-1.14.1-karpenter.sh_nodepools.yaml; TestKarpenterPatternsAreTheCRDs
// checks they are the CRD's), so a bad value fails at preview with the input path rather
// than as a Kubernetes admission error after the cluster exists.
var (
	karpenterDurationPattern       = regexp.MustCompile(`^(([0-9]+(s|m|h))+|Never)$`)
	karpenterBudgetNodesPattern    = regexp.MustCompile(`^((100|[0-9]{1,2})%|[0-9]+)$`)
	karpenterBudgetDurationPattern = regexp.MustCompile(`^((([0-9]+(h|m))|([0-9]+h[0-9]+m))(0s)?)$`)
	karpenterBudgetSchedulePattern = regexp.MustCompile(`^(@(annually|yearly|monthly|weekly|daily|midnight|hourly))|((.+)\s(.+)\s(.+)\s(.+)\s(.+))$`)
	karpenterQuantityPattern       = regexp.MustCompile(`^(\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))))?$`)
	karpenterConsolidationPolicies = []string{"WhenEmpty", "WhenEmptyOrUnderutilized", "Balanced"}
	karpenterBudgetReasons         = []string{"Underutilized", "Empty", "Drifted"}
	karpenterCapacityTypes         = []string{"on-demand", "spot", "reserved"}
	karpenterArchitectures         = []string{"amd64", "arm64"}
	// karpenterNamePattern is a Kubernetes object name (DNS-1123 label, as the NodePool's
	// name is also a label value on its nodes).
	karpenterNamePattern = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`)
	// karpenterAmiAliasPattern: the default EC2NodeClass's root volume is AL2023's
	// (/dev/xvda), so the platform offers the AL2023 family, pinned or @latest.
	karpenterAmiAliasPattern = regexp.MustCompile(`^al2023@(latest|v[0-9]{8})$`)
)

const (
	defaultKarpenterAmiAlias       = "al2023@latest"
	defaultKarpenterRootVolumeSize = 20
	// karpenterNodeClassName is the default EC2NodeClass every NodePool refers to.
	karpenterNodeClassName = "default"
	// karpenterReplicas is the chart's default; its required pod anti-affinity on
	// kubernetes.io/hostname puts each replica on a node of its own.
	karpenterReplicas = 2
)

// karpenterTolerations are the controller's (the chart's default tolerations:
// CriticalAddonsOnly, operator Exists, so a system node group's taint of either effect).
var karpenterTolerations = []toleration{{Key: "CriticalAddonsOnly", Effect: "NO_SCHEDULE"}, {Key: "CriticalAddonsOnly", Effect: "NO_EXECUTE"}}

// karpenterConfig is the resolved `karpenter` input.
type karpenterConfig struct {
	Enabled      bool
	Identity     string
	Interruption bool
	Values       pulumi.MapInput
	NodeClass    karpenterNodeClassConfig
	NodePools    []karpenterNodePoolConfig
	// ControllerOnFargate is true when a Fargate profile runs the controller.
	ControllerOnFargate bool
}

type karpenterNodeClassConfig struct {
	AmiAlias         string
	RootVolumeSize   int
	MetadataHopLimit int
	Tags             stringMap
}

type karpenterNodePoolConfig struct {
	Name                                                        string
	InstanceCategories, InstanceFamilies, CapacityTypes, Arches []string
	Zones                                                       []string
	Limits                                                      map[string]string
	Taints                                                      []taintConfig
	Labels                                                      map[string]string
	Weight                                                      int
	ConsolidationPolicy, ConsolidateAfter, ExpireAfter          string
	Budgets                                                     []karpenterBudgetConfig
}

type karpenterBudgetConfig struct {
	Nodes, Schedule, Duration string
	Reasons                   []string
}

// defaultKarpenterNodePool is the NodePool made when nodePools is not given: upstream's
// getting-started NodePool (on-demand c/m/r instances, amd64, a 1000-CPU limit,
// consolidation of empty or underutilized nodes after a minute, nodes replaced after 30
// days).
func defaultKarpenterNodePool() karpenterNodePoolConfig {
	return karpenterNodePoolConfig{
		Name:                "default",
		InstanceCategories:  []string{"c", "m", "r"},
		CapacityTypes:       []string{"on-demand"},
		Arches:              []string{"amd64"},
		Limits:              map[string]string{"cpu": "1000"},
		ConsolidationPolicy: "WhenEmptyOrUnderutilized",
		ConsolidateAfter:    "1m",
		ExpireAfter:         "720h",
	}
}

// resolveKarpenter reads karpenter: its controller runs on compute, under cluster's name
// and tags; podIdentityAgent is whether the eks-pod-identity-agent add-on is on.
func resolveKarpenter(p *problems, args *Args, cluster clusterConfig, compute computeConfig, podIdentityAgent bool) karpenterConfig {
	in := args.Karpenter
	if in == nil {
		return karpenterConfig{}
	}
	r := reader{p}
	c := karpenterConfig{Enabled: r.boolean("karpenter.enabled", in.Enabled, false)}
	if !c.Enabled {
		return karpenterConfig{}
	}
	c.Interruption = r.boolean("karpenter.interruptionHandling", in.InterruptionHandling, true)
	c.Identity = r.str("karpenter.identity", in.Identity)
	if c.Identity == "" {
		c.Identity = addons.PodIdentity
	}
	c.Values = in.Values

	// The controller must run on compute Karpenter does not manage, or it could
	// consolidate away the node it runs on, and nothing would launch the first node.
	fargate, group := karpenterControllerCompute(compute)
	switch {
	case fargate >= 0:
		c.ControllerOnFargate = true
	case group >= 0:
		g := compute.NodeGroups[group]
		if values, known := readValues(p, "karpenter.values", in.Values); !known || values["replicas"] == nil {
			if g.DesiredSize < karpenterReplicas {
				p.addf("nodeGroups[%d].scaling.desiredSize: the Karpenter controller runs %d replicas on different nodes (the chart's pod anti-affinity), and node group %q, where it runs, starts with %d; give the group at least %d nodes, or set karpenter.values.replicas",
					group, karpenterReplicas, g.Name, g.DesiredSize, karpenterReplicas)
			}
		}
	default:
		if !p.unknown["nodeGroups"] && !p.unknown["fargateProfiles"] {
			p.addf("karpenter: the controller needs compute Karpenter does not manage, and no node group or Fargate profile can run it; add a Linux node group with at least %d nodes whose taints CriticalAddonsOnly tolerates (a small system group), or a Fargate profile selecting namespace %s",
				karpenterReplicas, addons.KarpenterNamespace)
		}
	}
	switch {
	case !slices.Contains(addons.Identities, c.Identity):
		p.addf("karpenter.identity: unknown identity %q; use one of %s", c.Identity, strings.Join(addons.Identities, ", "))
	case c.Identity == addons.PodIdentity && c.ControllerOnFargate:
		p.addf("karpenter.identity: podIdentity, but the controller runs on Fargate, where EKS Pod Identity is not available; set karpenter.identity to irsa")
	case c.Identity == addons.PodIdentity && !podIdentityAgent:
		p.addf("karpenter.identity: podIdentity needs the eks-pod-identity-agent add-on; set eksAddons.podIdentityAgent.enabled to true, or set karpenter.identity to irsa")
	}

	if values, known := readValues(p, "karpenter.values", in.Values); known {
		a := karpenterAddon(c.Interruption)
		checkServiceAccountName(p, "karpenter.values", values, a.ServiceAccountPath, a.ServiceAccount)
		for _, problem := range a.CheckValues("karpenter.values", values, karpenterValues(cluster.Name, "", "", "", c)) {
			p.addf("%s", problem)
		}
	}

	c.NodeClass = resolveKarpenterNodeClass(p, in.NodeClass)
	// The platform's tags go on the EC2NodeClass with the node class's own (b.tags).
	checkEC2NodeClassTags(p, "tags", cluster.Tags.Values, "with karpenter enabled the platform writes its tags into the EC2NodeClass")
	if in.NodePools == nil && !p.unknown["karpenter.nodePools"] {
		c.NodePools = []karpenterNodePoolConfig{defaultKarpenterNodePool()}
	}
	names := uniqueNames{list: "karpenter.nodePools", what: "NodePool"}
	for i, np := range in.NodePools {
		pool := resolveKarpenterNodePool(p, fmt.Sprintf("karpenter.nodePools[%d]", i), np)
		names.check(p, i, pool.Name)
		c.NodePools = append(c.NodePools, pool)
	}
	return c
}

// checkNodeAutoscalers allows one node autoscaler per cluster. Karpenter and the
// Cluster Autoscaler would both react to the same pending pods: the autoscaler by
// growing node groups, Karpenter by launching instances; each then removes what the
// other made as underused. Auto Mode runs EKS's own Karpenter, which manages
// karpenter.sh/v1 NodePools too: two controllers would race for the same NodePools and
// pending pods.
func checkNodeAutoscalers(p *problems, cfg *config) {
	if !cfg.Karpenter.Enabled {
		return
	}
	for _, a := range cfg.HelmAddons.Addons {
		if a.Addon.Key == addons.ClusterAutoscaler().Key {
			p.addf("addons.clusterAutoscaler: enabled together with karpenter; both would scale nodes for the same pending pods and undo each other's work; disable addons.clusterAutoscaler (Karpenter scales the cluster; size the node group the controller runs on with its scaling inputs) or disable karpenter")
		}
	}
	if cfg.AutoMode.Enabled {
		p.addf("karpenter: enabled together with autoMode; Auto Mode runs Karpenter itself (its NodePools are autoMode.nodePools), and a second controller would fight it over the same NodePools; disable karpenter, or disable autoMode")
	}
}

// karpenterControllerCompute is where the controller's pods run, by the rules of
// placement.schedulableFor: the index of the first Fargate profile selecting them, or
// else of the first node group that starts with nodes and whose taints they tolerate;
// -1 for neither.
func karpenterControllerCompute(c computeConfig) (fargate, group int) {
	for i, fp := range c.FargateProfiles {
		for _, s := range fp.Selectors {
			if s.matches(addons.KarpenterNamespace, addons.KarpenterPodLabels) {
				return i, -1
			}
		}
	}
	for i, g := range c.NodeGroups {
		if g.DesiredSize >= 1 && !g.windows() && g.tolerated(karpenterTolerations) {
			return -1, i
		}
	}
	return -1, -1
}

func resolveKarpenterNodeClass(p *problems, in *KarpenterNodeClassArgs) karpenterNodeClassConfig {
	if in == nil {
		in = &KarpenterNodeClassArgs{}
	}
	r := reader{p}
	path := "karpenter.nodeClass"
	c := karpenterNodeClassConfig{
		AmiAlias:         r.str(path+".amiAlias", in.AmiAlias),
		RootVolumeSize:   r.integer(path+".rootVolumeSize", in.RootVolumeSize, defaultKarpenterRootVolumeSize),
		MetadataHopLimit: r.integer(path+".metadataHopLimit", in.MetadataHopLimit, defaultMetadataHopLimit),
		Tags:             readStringMap(r, path+".tags", in.Tags),
	}
	if c.AmiAlias == "" {
		c.AmiAlias = defaultKarpenterAmiAlias
	}
	if !karpenterAmiAliasPattern.MatchString(c.AmiAlias) {
		p.addf("%s.amiAlias: %q is not an AL2023 alias; give al2023@latest or a pinned release like al2023@v20250715 (the default NodeClass's root volume is AL2023's)", path, c.AmiAlias)
	}
	if c.RootVolumeSize < 1 || c.RootVolumeSize > 16384 {
		p.addf("%s.rootVolumeSize: %d GiB is outside 1-16384; give the root volume size in GiB (default %d)", path, c.RootVolumeSize, defaultKarpenterRootVolumeSize)
	}
	if c.MetadataHopLimit < 1 || c.MetadataHopLimit > maxMetadataHopLimit {
		p.addf("%s.metadataHopLimit: %d is outside 1-%d; give 1 (default: pods off the host network cannot reach IMDS) or 2", path, c.MetadataHopLimit, maxMetadataHopLimit)
	}
	for _, k := range sortedKeys(c.Tags.Values) {
		if strings.HasPrefix(strings.ToLower(k), "aws:") {
			p.addf("%s.tags: key %q uses the reserved prefix 'aws:'; rename the tag", path, k)
		}
	}
	checkEC2NodeClassTags(p, path+".tags", c.Tags.Values, "these tags go into the EC2NodeClass")
	return c
}

func resolveKarpenterNodePool(p *problems, path string, in KarpenterNodePoolArgs) karpenterNodePoolConfig {
	r := reader{p}
	c := karpenterNodePoolConfig{
		Name:               r.str(path+".name", in.Name),
		InstanceCategories: r.strs(path+".instanceCategories", in.InstanceCategories),
		InstanceFamilies:   r.strs(path+".instanceFamilies", in.InstanceFamilies),
		CapacityTypes:      r.strs(path+".capacityTypes", in.CapacityTypes),
		Arches:             r.strs(path+".architectures", in.Architectures),
		Zones:              r.strs(path+".zones", in.Zones),
		Limits:             r.strMap(path+".limits", in.Limits),
		Labels:             r.strMap(path+".labels", in.Labels),
		Weight:             r.integer(path+".weight", in.Weight, 0),
	}
	switch {
	case c.Name == "":
		p.addf("%s.name: missing; give the NodePool a name, unique within the platform", path)
	case len(c.Name) > 63 || !karpenterNamePattern.MatchString(c.Name):
		p.addf("%s.name: %q is not a Kubernetes name; use at most 63 lowercase letters, digits and '-'", path, c.Name)
	}
	if len(c.CapacityTypes) == 0 {
		c.CapacityTypes = []string{"on-demand"}
	}
	for j, v := range c.CapacityTypes {
		if !slices.Contains(karpenterCapacityTypes, v) {
			p.addf("%s.capacityTypes[%d]: %q is not a Karpenter capacity type; use one of %s", path, j, v, strings.Join(karpenterCapacityTypes, ", "))
		}
	}
	if len(c.Arches) == 0 {
		c.Arches = []string{"amd64"}
	}
	for j, v := range c.Arches {
		if !slices.Contains(karpenterArchitectures, v) {
			p.addf("%s.architectures[%d]: %q is not an architecture Karpenter launches; use one of %s", path, j, v, strings.Join(karpenterArchitectures, ", "))
		}
	}
	// These become requirement values (karpenterNodePoolSpec), matched against node
	// labels: label values, as the NodePool CRD's values pattern says.
	for _, list := range []struct {
		name   string
		values []string
	}{{"instanceCategories", c.InstanceCategories}, {"instanceFamilies", c.InstanceFamilies}, {"zones", c.Zones}} {
		for j, v := range list.values {
			if why := labelValueProblem(v); why != "" || v == "" {
				p.addf("%s.%s[%d]: %q is not a Kubernetes label value (%s); give a value like the node label has, such as \"m\", \"m5\" or \"us-east-1a\"", path, list.name, j, v, cmp.Or(why, "it is empty"))
			}
		}
	}
	for _, k := range sortedKeys(c.Limits) {
		if !karpenterQuantityPattern.MatchString(c.Limits[k]) {
			p.addf("%s.limits.%s: %q is not a Kubernetes quantity; give a number like \"1000\" or \"4000Gi\"", path, k, c.Limits[k])
		}
	}
	if _, given, _ := plainInt(in.Weight); given && (c.Weight < 1 || c.Weight > 100) {
		p.addf("%s.weight: %d is outside 1-100; give the NodePool's priority (higher is tried first), or omit weight", path, c.Weight)
	}
	c.Taints = resolveTaints(p, path, in.Taints)
	checkNodePoolLabels(p, path+".labels", c.Labels)
	d := in.Disruption
	if d == nil {
		d = &KarpenterDisruptionArgs{}
	}
	dp := path + ".disruption"
	c.ConsolidationPolicy = r.str(dp+".consolidationPolicy", d.ConsolidationPolicy)
	c.ConsolidateAfter = r.str(dp+".consolidateAfter", d.ConsolidateAfter)
	c.ExpireAfter = r.str(dp+".expireAfter", d.ExpireAfter)
	if c.ConsolidationPolicy == "" {
		c.ConsolidationPolicy = "WhenEmptyOrUnderutilized"
	}
	if !slices.Contains(karpenterConsolidationPolicies, c.ConsolidationPolicy) {
		p.addf("%s.consolidationPolicy: %q is not a consolidation policy; use one of %s", dp, c.ConsolidationPolicy, strings.Join(karpenterConsolidationPolicies, ", "))
	}
	if c.ConsolidateAfter == "" {
		c.ConsolidateAfter = "1m"
	}
	if c.ExpireAfter == "" {
		c.ExpireAfter = "720h"
	}
	for _, f := range []struct{ name, v string }{{"consolidateAfter", c.ConsolidateAfter}, {"expireAfter", c.ExpireAfter}} {
		if !karpenterDurationPattern.MatchString(f.v) {
			p.addf("%s.%s: %q is not a Karpenter duration; give hours, minutes and seconds like \"30m\" or \"720h\", or \"Never\"", dp, f.name, f.v)
		}
	}
	for j, b := range d.Budgets {
		bp := fmt.Sprintf("%s.budgets[%d]", dp, j)
		budget := karpenterBudgetConfig{
			Nodes:    r.str(bp+".nodes", b.Nodes),
			Schedule: r.str(bp+".schedule", b.Schedule),
			Duration: r.str(bp+".duration", b.Duration),
			Reasons:  r.strs(bp+".reasons", b.Reasons),
		}
		if budget.Nodes == "" {
			budget.Nodes = "10%"
		}
		if !karpenterBudgetNodesPattern.MatchString(budget.Nodes) {
			p.addf("%s.nodes: %q is not a node count or percentage; give a number like \"1\" or a percentage like \"10%%\"", bp, budget.Nodes)
		}
		if (budget.Schedule == "") != (budget.Duration == "") {
			p.addf("%s: schedule and duration go together; give both (a cron schedule and how long the budget applies from each start) or neither", bp)
		}
		if budget.Schedule != "" && !karpenterBudgetSchedulePattern.MatchString(budget.Schedule) {
			p.addf("%s.schedule: %q is not a cron schedule; give five fields like \"0 9 * * mon-fri\" or a macro like \"@daily\"", bp, budget.Schedule)
		}
		if budget.Duration != "" && !karpenterBudgetDurationPattern.MatchString(budget.Duration) {
			p.addf("%s.duration: %q is not a budget duration; give hours and minutes like \"8h\" or \"1h30m\"", bp, budget.Duration)
		}
		for k, reason := range budget.Reasons {
			if !slices.Contains(karpenterBudgetReasons, reason) {
				p.addf("%s.reasons[%d]: %q is not a disruption reason; use one of %s", bp, k, reason, strings.Join(karpenterBudgetReasons, ", "))
			}
		}
		c.Budgets = append(c.Budgets, budget)
	}
	return c
}
