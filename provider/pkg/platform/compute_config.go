package platform

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Defaults of node groups.
const (
	defaultAmiType      = "AL2023_x86_64_STANDARD"
	defaultCapacityType = "ON_DEMAND"
	defaultInstanceType = "m5.large"
	defaultDiskSize     = 20
	// defaultMetadataHopLimit keeps IMDS answers on the node: pods off the host
	// network cannot reach it, so they cannot borrow the node role.
	defaultMetadataHopLimit = 1
	maxMetadataHopLimit     = 64
	defaultMinSize          = 1
	defaultDesiredSize      = 2
	defaultMaxSize          = 3
	maxFargateSelectors     = 5
	maxEksNodeGroupName     = 63
	// maxEksNodeGroupPrefix is what "<cluster>-<name>" may take of the EKS name: the
	// rest is "-" and the generation suffix.
	maxEksNodeGroupPrefix = maxEksNodeGroupName - 1 - nodeGroupGenerationLen
	maxFargateProfileLen  = 100
)

var (
	capacityTypes = []string{"ON_DEMAND", "SPOT"}
	// amiTypes are the EKS AMI types, and CUSTOM: an AL2023-based AMI of the user's
	// (amiId), which the platform bootstraps with a nodeadm NodeConfig
	// (nodecustom_config.go).
	amiTypes = []string{customAmiType,
		"AL2023_x86_64_STANDARD", "AL2023_ARM_64_STANDARD", "AL2023_x86_64_NVIDIA", "AL2023_ARM_64_NVIDIA", "AL2023_x86_64_NEURON",
		"AL2_x86_64", "AL2_x86_64_GPU", "AL2_ARM_64",
		"BOTTLEROCKET_x86_64", "BOTTLEROCKET_ARM_64", "BOTTLEROCKET_x86_64_FIPS", "BOTTLEROCKET_ARM_64_FIPS",
		"BOTTLEROCKET_x86_64_NVIDIA", "BOTTLEROCKET_ARM_64_NVIDIA",
		"WINDOWS_CORE_2019_x86_64", "WINDOWS_FULL_2019_x86_64", "WINDOWS_CORE_2022_x86_64", "WINDOWS_FULL_2022_x86_64",
	}
	taintEffects        = []string{"NO_SCHEDULE", "NO_EXECUTE", "PREFER_NO_SCHEDULE"}
	computeNamePattern  = regexp.MustCompile(`^[0-9A-Za-z][A-Za-z0-9\-_]*$`)
	instanceTypePattern = regexp.MustCompile(`^[a-z0-9-]+\.[a-z0-9-]+$`)
	// corednsPodLabels are the labels of the EKS coredns add-on's pods: a kube-system
	// selector whose labels are a subset of these schedules coredns on Fargate.
	corednsPodLabels = map[string]string{"k8s-app": "kube-dns", "eks.amazonaws.com/component": "coredns"}
)

// ComputeConfig is the resolved input of the compute stages.
type computeConfig struct {
	// NodeSsmAccess attaches AmazonSSMManagedInstanceCore to the shared node role.
	NodeSsmAccess   bool
	NodeGroups      []nodeGroupConfig
	FargateProfiles []fargateProfileConfig
	// NodeGroupsUnknown: at preview the list of node groups, or a group's name, is not
	// known, so which running groups it keeps is not known either.
	NodeGroupsUnknown bool
}

// NodeGroupConfig is one managed node group, defaults filled in.
type nodeGroupConfig struct {
	Name string
	// EksName is "<cluster>-<name>", the stable part of the node group's EKS name: EKS
	// names the group EksName-<generation> (nodeGroupGeneration), within 63 characters,
	// or EksName alone for a group 0.1.0 made that nothing replaces (nodeGroupEksName).
	// The launch template and the nodes' Name tag carry EksName alone.
	EksName       string
	InstanceTypes []string
	CapacityType  string
	AmiType       string
	DiskSize      int
	MinSize       int
	DesiredSize   int
	MaxSize       int
	Labels        map[string]string
	Taints        []taintConfig
	Subnets       stringList
	// Exactly one of MaxUnavailable and MaxUnavailablePercentage is non-zero.
	MaxUnavailable           int
	MaxUnavailablePercentage int
	Tags                     stringMap
	// NodeRoleArn is the group's own role; nil means the shared node role.
	NodeRoleArn pulumi.StringInput
	// MetadataHopLimit is the launch template's IMDS response hop limit.
	MetadataHopLimit int
	// NodeRepair is EKS node auto repair (nodeRepairConfig.enabled); always false for
	// Windows groups, which have none.
	NodeRepair bool
	// Custom is the group's node customization (nodecustom_config.go).
	Custom nodeCustomConfig
	// PreviewUnknown are the group's create-only inputs read as unknown at preview
	// (instanceTypes, capacityType, amiType: read as their defaults meanwhile), so
	// whether the group is replaced is left to the update (nodeGroupEksName).
	PreviewUnknown []string
}

// TaintConfig is one Kubernetes taint.
type taintConfig struct {
	Key, Value, Effect string
}

// FargateProfileConfig is one Fargate profile.
type fargateProfileConfig struct {
	Name      string
	Selectors []fargateSelectorConfig
	Subnets   stringList
}

// FargateSelectorConfig selects pods by namespace and labels.
type fargateSelectorConfig struct {
	Namespace string
	Labels    map[string]string
}

// UsesSharedNodeRole reports whether some node group runs as the shared node role.
func (c computeConfig) UsesSharedNodeRole() bool {
	return slices.ContainsFunc(c.NodeGroups, func(g nodeGroupConfig) bool { return g.NodeRoleArn == nil })
}

// FargateRunsCoredns reports whether a Fargate profile selects the coredns pods.
func (c computeConfig) FargateRunsCoredns() bool {
	for _, p := range c.FargateProfiles {
		for _, s := range p.Selectors {
			if s.selectsCoredns() {
				return true
			}
		}
	}
	return false
}

// CorednsOnFargate reports whether coredns must be configured for Fargate: a profile
// selects it and there is no node group for it to run on.
func (c computeConfig) CorednsOnFargate() bool {
	return len(c.NodeGroups) == 0 && c.FargateRunsCoredns()
}

// selectsCoredns reports whether the selector matches coredns's pods. Fargate allows the
// wildcards * and ? in namespaces and label values.
func (s fargateSelectorConfig) selectsCoredns() bool {
	return s.matches("kube-system", corednsPodLabels)
}

func (g nodeGroupConfig) windows() bool { return strings.HasPrefix(g.AmiType, "WINDOWS_") }

func resolveCompute(p *problems, args *Args, cluster clusterConfig, auto autoModeConfig) computeConfig {
	r := reader{p}
	c := computeConfig{NodeSsmAccess: r.boolean("nodeSsmAccess", args.NodeSsmAccess, false)}
	groups := uniqueNames{list: "nodeGroups", what: "node group"}
	for i, g := range args.NodeGroups {
		ng := resolveNodeGroup(p, fmt.Sprintf("nodeGroups[%d]", i), g, &cluster)
		groups.check(p, i, ng.Name)
		c.NodeGroups = append(c.NodeGroups, ng)
		c.NodeGroupsUnknown = c.NodeGroupsUnknown || p.unknown[fmt.Sprintf("nodeGroups[%d].name", i)]
	}
	c.NodeGroupsUnknown = c.NodeGroupsUnknown || p.unknown["nodeGroups"]
	switch {
	case len(args.NodeGroups) > 0 || len(args.FargateProfiles) > 0 || p.unknown["nodeGroups"] || p.unknown["fargateProfiles"] || auto.HasCompute():
	case auto.Enabled:
		p.addf("autoMode.builtInNodePools: empty, and there is no custom NodePool, node group or Fargate profile, so nothing could run the add-ons; keep a built-in pool (for example [\"general-purpose\"]) or add autoMode.nodePools")
	default:
		// coredns and every add-on would have nowhere to run, and coredns would be left
		// out without a word.
		p.addf("nodeGroups, fargateProfiles: the platform has no node group and no Fargate profile, so nothing could run coredns or the add-ons; add a node group (for example {name: \"general\"}) or a Fargate profile, or enable autoMode")
	}
	profiles := uniqueNames{list: "fargateProfiles", what: "Fargate profile"}
	for i, f := range args.FargateProfiles {
		fp := resolveFargateProfile(p, fmt.Sprintf("fargateProfiles[%d]", i), f, &cluster)
		profiles.check(p, i, fp.Name)
		c.FargateProfiles = append(c.FargateProfiles, fp)
	}
	return c
}

func resolveNodeGroup(p *problems, path string, g NodeGroupArgs, cluster *clusterConfig) nodeGroupConfig {
	r := reader{p}
	ng := nodeGroupConfig{
		Name:             r.str(path+".name", g.Name),
		InstanceTypes:    r.strs(path+".instanceTypes", g.InstanceTypes),
		CapacityType:     r.str(path+".capacityType", g.CapacityType),
		AmiType:          r.str(path+".amiType", g.AmiType),
		DiskSize:         r.integer(path+".diskSize", g.DiskSize, defaultDiskSize),
		MetadataHopLimit: r.integer(path+".metadataHopLimit", g.MetadataHopLimit, defaultMetadataHopLimit),
		Labels:           r.strMap(path+".labels", g.Labels),
		Subnets:          readStrings(r, path+".subnetIds", g.SubnetIds),
		Tags:             readStringMap(r, path+".tags", g.Tags),
	}
	validateComputeName(p, path+".name", ng.Name, "node group")
	// EKS names the group "<cluster>-<name>-<generation>"; cut to fit, two long names
	// could differ only in what was cut, and the name a user looks for in the console
	// would not be the one they wrote.
	ng.EksName = cluster.Name + "-" + ng.Name
	if ng.Name != "" && len(ng.EksName) > maxEksNodeGroupPrefix {
		p.addf("%s.name: %q makes the EKS node group name %q plus a %d-character generation suffix (\"-\" and %d characters that change when the group is replaced), %d characters, over EKS's %d; shorten the node group name (or clusterName) so that \"<clusterName>-<name>\" has at most %d characters",
			path, ng.Name, ng.EksName, 1+nodeGroupGenerationLen, nodeGroupGenerationLen, len(ng.EksName)+1+nodeGroupGenerationLen, maxEksNodeGroupName, maxEksNodeGroupPrefix)
	}

	if types, given, known := plainStrings(g.InstanceTypes); given && known && len(types) == 0 {
		p.addf("%s.instanceTypes: empty; list at least one instance type, or omit instanceTypes for the default %s", path, defaultInstanceType)
	}
	if len(ng.InstanceTypes) == 0 {
		ng.InstanceTypes = []string{defaultInstanceType}
	}
	for j, t := range ng.InstanceTypes {
		if !instanceTypePattern.MatchString(t) {
			p.addf("%s.instanceTypes[%d]: %q is not an EC2 instance type; use a name like %q", path, j, t, defaultInstanceType)
		} else if slices.Index(ng.InstanceTypes, t) < j {
			p.addf("%s.instanceTypes[%d]: %q is listed twice; list each instance type once", path, j, t)
		}
	}
	if ng.CapacityType == "" {
		ng.CapacityType = defaultCapacityType
	}
	if !slices.Contains(capacityTypes, ng.CapacityType) {
		p.addf("%s.capacityType: unknown capacity type %q; use ON_DEMAND or SPOT", path, ng.CapacityType)
	}
	if ng.AmiType == "" {
		ng.AmiType = defaultAmiType
	}
	if !slices.Contains(amiTypes, ng.AmiType) {
		p.addf("%s.amiType: unknown AMI type %q; use one of %s", path, ng.AmiType, strings.Join(amiTypes, ", "))
	}
	if strings.HasPrefix(ng.AmiType, "AL2_") && minorVersion(cluster.Version) > 32 {
		p.addf("%s.amiType: EKS publishes no %s AMI for Kubernetes %s (1.32 is the last with Amazon Linux 2 AMIs); use %s or AL2023_ARM_64_STANDARD", path, ng.AmiType, cluster.Version, defaultAmiType)
	}
	if ng.DiskSize < 1 || ng.DiskSize > 16384 {
		p.addf("%s.diskSize: %d GiB is outside 1-16384; give the root volume size in GiB (default %d)", path, ng.DiskSize, defaultDiskSize)
	}
	if ng.MetadataHopLimit < 1 || ng.MetadataHopLimit > maxMetadataHopLimit {
		p.addf("%s.metadataHopLimit: %d is outside 1-%d; give 1 (default: pods off the host network cannot reach IMDS) or 2 (they can, and can use the node role)", path, ng.MetadataHopLimit, maxMetadataHopLimit)
	}
	resolveScaling(p, path+".scaling", g.Scaling, &ng)
	// Node auto repair is on by default (EKS leaves it off for compatibility; Auto Mode
	// turns it on): EKS replaces or reboots nodes that stay NotReady. Windows has none.
	ng.NodeRepair = r.boolean(path+".nodeRepair", g.NodeRepair, !ng.windows())
	if ng.windows() {
		if repair, _ := await(g.NodeRepair).value.(bool); repair {
			p.addf("%s.nodeRepair: EKS node auto repair is not available for Windows nodes (amiType %s); remove nodeRepair or set it to false", path, ng.AmiType)
		}
		ng.NodeRepair = false
	}

	ng.Taints = resolveTaints(p, path, g.Taints)
	checkNodeLabels(p, path+".labels", ng.Labels)
	checkEksNodeGroupKeys(p, path, ng.Labels, ng.Taints)

	resolveNodeCustom(p, path, g, &ng, cluster)
	for _, f := range []string{"amiType", "capacityType", "instanceTypes"} {
		if p.unknown[path+"."+f] {
			ng.PreviewUnknown = append(ng.PreviewUnknown, f)
		}
	}

	// Only subnets the user gave are checked here: the default, privateSubnetIds, was
	// checked under its own name, and reporting it again under a path the user never
	// wrote would only confuse.
	if g.SubnetIds == nil {
		ng.Subnets = cluster.PrivateSubnets
	} else if ng.Subnets.Known && len(ng.Subnets.Values) == 0 {
		p.addf("%s.subnetIds: empty; give the node subnets, or omit subnetIds to use privateSubnetIds", path)
	} else {
		validateSubnetIDs(p, path+".subnetIds", ng.Subnets.Values)
	}

	if u := g.UpdateConfig; u != nil {
		ng.MaxUnavailable = r.integer(path+".updateConfig.maxUnavailable", u.MaxUnavailable, 0)
		ng.MaxUnavailablePercentage = r.integer(path+".updateConfig.maxUnavailablePercentage", u.MaxUnavailablePercentage, 0)
		_, countGiven, _ := plainInt(u.MaxUnavailable)
		_, pctGiven, _ := plainInt(u.MaxUnavailablePercentage)
		switch {
		case countGiven && pctGiven:
			p.addf("%s.updateConfig: both maxUnavailable and maxUnavailablePercentage are given; give one", path)
		case countGiven && (ng.MaxUnavailable < 1 || ng.MaxUnavailable > 100):
			p.addf("%s.updateConfig.maxUnavailable: %d is outside 1-100; give how many nodes may be unavailable at once", path, ng.MaxUnavailable)
		case pctGiven && (ng.MaxUnavailablePercentage < 1 || ng.MaxUnavailablePercentage > 100):
			p.addf("%s.updateConfig.maxUnavailablePercentage: %d is outside 1-100; give a percentage", path, ng.MaxUnavailablePercentage)
		}
	}
	if ng.MaxUnavailable == 0 && ng.MaxUnavailablePercentage == 0 {
		ng.MaxUnavailable = 1
	}
	for _, k := range sortedKeys(ng.Tags.Values) {
		if strings.HasPrefix(strings.ToLower(k), "aws:") {
			p.addf("%s.tags: key %q uses the reserved prefix 'aws:'; rename the tag", path, k)
		}
	}

	if arn, given, known := plainString(g.NodeRoleArn); given && (!known || arn != "") {
		ng.NodeRoleArn = g.NodeRoleArn
		if known && !iamRoleArnPattern.MatchString(arn) {
			p.addf("%s.nodeRoleArn: %q is not an IAM role ARN; give arn:aws:iam::<account>:role/<name>, or omit it to use the shared node role", path, arn)
		}
	}
	return ng
}

// resolveScaling fills in the node counts and checks min <= desired <= max. Counts not
// given follow the ones that are: desired defaults to 2 within [min, max], max to at
// least 3 and at least min and desired.
func resolveScaling(p *problems, path string, s *NodeGroupScalingArgs, ng *nodeGroupConfig) {
	if s == nil {
		s = &NodeGroupScalingArgs{}
	}
	r := reader{p}
	minV, minGiven, _ := plainInt(s.MinSize)
	desV, desGiven, _ := plainInt(s.DesiredSize)
	maxV, maxGiven, _ := plainInt(s.MaxSize)
	minV = r.integer(path+".minSize", s.MinSize, minV)
	desV = r.integer(path+".desiredSize", s.DesiredSize, desV)
	maxV = r.integer(path+".maxSize", s.MaxSize, maxV)
	if !minGiven {
		minV = defaultMinSize
		if desGiven && desV < minV {
			minV = max(desV, 0)
		}
		if maxGiven && maxV < minV {
			minV = max(maxV, 0)
		}
	}
	if !maxGiven {
		maxV = max(defaultMaxSize, minV)
		if desGiven {
			maxV = max(maxV, desV)
		}
	}
	if !desGiven {
		desV = min(max(defaultDesiredSize, minV), maxV)
	}
	ng.MinSize, ng.DesiredSize, ng.MaxSize = minV, desV, maxV
	switch {
	case minV < 0:
		p.addf("%s: minSize %d is negative; give 0 or more", path, minV)
	case maxV < 1:
		p.addf("%s: maxSize %d is less than 1; EKS needs a maximum of at least 1 node, raise maxSize", path, maxV)
	case minV > maxV:
		p.addf("%s: minSize %d is greater than maxSize %d; raise maxSize or lower minSize", path, minV, maxV)
	case desV < minV:
		p.addf("%s: desiredSize %d is less than minSize %d; raise desiredSize or lower minSize", path, desV, minV)
	case desV > maxV:
		p.addf("%s: desiredSize %d is greater than maxSize %d; raise maxSize or lower desiredSize", path, desV, maxV)
	}
}

func resolveFargateProfile(p *problems, path string, f FargateProfileArgs, cluster *clusterConfig) fargateProfileConfig {
	r := reader{p}
	fp := fargateProfileConfig{
		Name:    r.str(path+".name", f.Name),
		Subnets: readStrings(r, path+".subnetIds", f.SubnetIds),
	}
	validateComputeName(p, path+".name", fp.Name, "Fargate profile")
	if len(fp.Name) > maxFargateProfileLen {
		p.addf("%s.name: %q is longer than %d characters; shorten it", path, fp.Name, maxFargateProfileLen)
	}
	switch n := len(f.Selectors); {
	case n == 0:
		p.addf("%s.selectors: empty, so the profile would run no pod; add a selector with a namespace (and optionally labels)", path)
	case n > maxFargateSelectors:
		p.addf("%s.selectors: %d selectors, but EKS allows at most %d per profile; split them across profiles", path, n, maxFargateSelectors)
	}
	for j, s := range f.Selectors {
		sp := fmt.Sprintf("%s.selectors[%d]", path, j)
		sel := fargateSelectorConfig{Namespace: r.str(sp+".namespace", s.Namespace), Labels: r.strMap(sp+".labels", s.Labels)}
		if sel.Namespace == "" {
			p.addf("%s.namespace: missing; give the namespace of the pods to run on Fargate", sp)
		}
		fp.Selectors = append(fp.Selectors, sel)
	}
	if f.SubnetIds == nil {
		fp.Subnets = cluster.PrivateSubnets // checked as privateSubnetIds
	} else if fp.Subnets.Known && len(fp.Subnets.Values) == 0 {
		p.addf("%s.subnetIds: empty; give private subnets, or omit subnetIds to use privateSubnetIds", path)
	} else {
		validateSubnetIDs(p, path+".subnetIds", fp.Subnets.Values)
	}
	for j, id := range fp.Subnets.Values {
		if slices.Contains(cluster.PublicSubnets.Values, id) {
			p.addf("%s.subnetIds[%d]: %q is one of publicSubnetIds, but Fargate runs pods only in private subnets; give private subnet IDs, or omit subnetIds to use privateSubnetIds", path, j, id)
		}
	}
	return fp
}

// minorVersion is the minor of a MAJOR.MINOR version of Kubernetes 1, 0 when it is not one.
func minorVersion(v string) int {
	minor, ok := strings.CutPrefix(v, "1.")
	if !ok {
		return 0
	}
	n, err := strconv.Atoi(minor)
	if err != nil {
		return 0
	}
	return n
}

func validateComputeName(p *problems, path, name, what string) {
	switch {
	case name == "":
		p.addf("%s: missing; give the %s a name, unique within the platform", path, what)
	case !computeNamePattern.MatchString(name):
		p.addf("%s: %q is not a valid %s name; start with a letter or digit, then letters, digits, '-' or '_'", path, name, what)
	}
}

func validateSubnetIDs(p *problems, path string, ids []string) {
	for j, id := range ids {
		if !subnetIDPattern.MatchString(id) {
			p.addf("%s[%d]: %q is not a subnet ID; give an ID like subnet-0123456789abcdef0", path, j, id)
		} else if slices.Index(ids, id) < j {
			p.addf("%s[%d]: %q is listed twice; list each subnet once", path, j, id)
		}
	}
}

// uniqueNames reports a name given to two items of one list: the name is part of their
// resource and EKS names, which must not collide.
type uniqueNames struct {
	list, what string
	seen       map[string]int
}

func (u *uniqueNames) check(p *problems, i int, name string) {
	if name == "" {
		return
	}
	if u.seen == nil {
		u.seen = map[string]int{}
	}
	if prev, ok := u.seen[name]; ok {
		p.addf("%s[%d].name: %q is also the name of %s[%d]; give each %s a unique name", u.list, i, name, u.list, prev, u.what)
		return
	}
	u.seen[name] = i
}

// resolveTaints reads the taints of a node group, a Karpenter NodePool or an Auto Mode
// NodePool: each needs a key and one of EKS's effects (NO_SCHEDULE, ...; the NodePools
// get their Kubernetes spelling when they are made), and a key and value Kubernetes
// accepts (checkTaint, k8snames.go).
func resolveTaints(p *problems, path string, in []TaintArgs) []taintConfig {
	r := reader{p}
	var out []taintConfig
	for j, t := range in {
		tp := fmt.Sprintf("%s.taints[%d]", path, j)
		taint := taintConfig{Key: r.str(tp+".key", t.Key), Value: r.str(tp+".value", t.Value), Effect: r.str(tp+".effect", t.Effect)}
		if taint.Key == "" {
			p.addf("%s.key: missing; give the taint's key", tp)
		}
		if !slices.Contains(taintEffects, taint.Effect) {
			p.addf("%s.effect: %q is not a taint effect; use one of %s", tp, taint.Effect, strings.Join(taintEffects, ", "))
		}
		checkTaint(p, tp, taint)
		out = append(out, taint)
	}
	return out
}
