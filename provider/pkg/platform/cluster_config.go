package platform

import (
	"fmt"
	"net"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Defaults of the cluster stage, following current AWS guidance. The default Kubernetes
// version is not a constant: it is the newest version in EKS standard support on the
// run's date (support_calendar.go).
const (
	defaultLogRetentionDays   = 30
	defaultAuthenticationMode = "API"
	defaultUpgradePolicy      = upgradePolicyStandard
)

// Upgrade policies (the cluster's upgradePolicy.supportType).
const (
	// upgradePolicyStandard: at the end of standard support EKS upgrades the control
	// plane to the next version itself; no extended-support charge.
	upgradePolicyStandard = "STANDARD"
	// upgradePolicyExtended: past standard support the cluster keeps its version and is
	// billed at the extended-support rate.
	upgradePolicyExtended = "EXTENDED"
)

// upgradePolicies are the policies EKS knows; which versions each allows on a day is the
// EKS release calendar's (support_calendar.go).
var upgradePolicies = []string{upgradePolicyStandard, upgradePolicyExtended}

// DefaultLogTypes are the control-plane logs worth their cost on every cluster.
var defaultLogTypes = []string{"api", "audit", "authenticator"}

var (
	allLogTypes         = []string{"api", "audit", "authenticator", "controllerManager", "scheduler"}
	authenticationModes = []string{"API", "API_AND_CONFIG_MAP", "CONFIG_MAP"}
	// CloudWatch Logs accepts only these retention periods.
	logRetentionValues = []int{1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653}

	clusterNamePattern = regexp.MustCompile(`^[0-9A-Za-z][A-Za-z0-9\-_]*$`)
	versionPattern     = regexp.MustCompile(`^[1-9][0-9]*\.[0-9]+$`)
	subnetIDPattern    = regexp.MustCompile(`^subnet-([0-9a-f]{8}|[0-9a-f]{17})$`)
	kmsKeyArnPattern   = regexp.MustCompile(`^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:(key|alias)/.+$`)
)

// ClusterConfig is the resolved input of the network and cluster stages.
type clusterConfig struct {
	Name    string
	Version string
	// Today is the run's date, read once from the clock (provider/internal/clock): the
	// EKS release calendar is checked against it.
	Today time.Time
	// UpgradePolicy is the cluster's support type, STANDARD or EXTENDED.
	UpgradePolicy  string
	PublicSubnets  stringList
	PrivateSubnets stringList
	// SubnetRoleTags says whether the platform owns the subnets' load balancer role
	// tags; platforms sharing subnets must leave them to one owner.
	SubnetRoleTags    bool
	EndpointPublic    bool
	EndpointPrivate   bool
	PublicAccessCidrs stringList
	LogTypes          []string
	LogRetentionDays  int
	SecretsEncryption bool
	// KmsKeyArn is the user's key; nil means the component makes one (when encrypting).
	KmsKeyArn pulumi.StringInput
	Tags      stringMap
	// ZonalShift is zonalShiftConfig.enabled; always sent, so turning it off is a change.
	ZonalShift bool
	// Protect gives the cluster Pulumi's protect option (not AWS deletion protection,
	// which pulumi-aws v6 does not have).
	Protect bool
	// AllowReplacement is allowClusterReplacement: a change that replaces the cluster
	// goes ahead (with a warning) instead of being refused (clusterguard.go).
	AllowReplacement bool
	// Unread are the input paths a replacement check reads that are unknown at
	// preview; the update, where they are known, checks them.
	Unread []string

	AuthenticationMode string
	// BootstrapCreatorAdmin is create-only on EKS, so it is a fixed value, never derived
	// from who runs `pulumi up`.
	BootstrapCreatorAdmin bool
	// VersionStepUnread: clusterName or kubernetesVersion is unknown at preview, so the
	// running cluster is not read; the update, where both are known, checks the step.
	VersionStepUnread bool
}

// subnetIDs are all the cluster's subnets, private first, as a resource input.
func (c clusterConfig) subnetIDs() pulumi.StringArrayInput {
	return concatLists(c.PrivateSubnets, c.PublicSubnets)
}

// PlatformKey reports whether the platform makes the KMS key (encryption on, no
// kmsKeyArn); the control-plane log group is then encrypted with it too.
func (c clusterConfig) PlatformKey() bool { return c.SecretsEncryption && c.KmsKeyArn == nil }

// UsesAccessEntries reports whether the mode has EKS access entries.
func (c clusterConfig) UsesAccessEntries() bool { return c.AuthenticationMode != "CONFIG_MAP" }

// UsesConfigMap reports whether the mode reads the aws-auth ConfigMap.
func (c clusterConfig) UsesConfigMap() bool { return c.AuthenticationMode != "API" }

func resolveCluster(p *problems, name string, args *Args, today time.Time) clusterConfig {
	r := reader{p}
	c := clusterConfig{
		Name:               r.str("clusterName", args.ClusterName),
		Version:            r.str("kubernetesVersion", args.KubernetesVersion),
		Today:              today,
		UpgradePolicy:      r.str("upgradePolicy", args.UpgradePolicy),
		PublicSubnets:      readStrings(r, "publicSubnetIds", args.PublicSubnetIds),
		PrivateSubnets:     readStrings(r, "privateSubnetIds", args.PrivateSubnetIds),
		SubnetRoleTags:     r.boolean("subnetRoleTags", args.SubnetRoleTags, true),
		EndpointPublic:     r.boolean("endpointPublicAccess", args.EndpointPublicAccess, true),
		EndpointPrivate:    r.boolean("endpointPrivateAccess", args.EndpointPrivateAccess, true),
		PublicAccessCidrs:  readStrings(r, "publicAccessCidrs", args.PublicAccessCidrs),
		LogTypes:           r.strs("enabledLogTypes", args.EnabledLogTypes),
		LogRetentionDays:   r.integer("logRetentionDays", args.LogRetentionDays, defaultLogRetentionDays),
		SecretsEncryption:  r.boolean("secretsEncryption", args.SecretsEncryption, true),
		KmsKeyArn:          args.KmsKeyArn,
		Tags:               readStringMap(r, "tags", args.Tags),
		ZonalShift:         r.boolean("zonalShift", args.ZonalShift, false),
		Protect:            r.boolean("protectCluster", args.ProtectCluster, false),
		AllowReplacement:   r.boolean("allowClusterReplacement", args.AllowClusterReplacement, false),
		AuthenticationMode: r.str("authenticationMode", args.AuthenticationMode),
	}
	c.VersionStepUnread = p.unknown["clusterName"] || p.unknown["kubernetesVersion"]
	if c.Name == "" {
		c.Name = name
	}
	if c.Version == "" {
		v, ok := defaultVersion(today)
		if !ok && !p.unknown["kubernetesVersion"] {
			p.addf("kubernetesVersion: not given, and the platform's EKS release calendar (%s) knows no version in standard support on %s to default to; set kubernetesVersion, or upgrade the component for a newer calendar",
				calendarSummary(), dateOf(today))
		}
		c.Version = v
	}
	if c.UpgradePolicy == "" {
		c.UpgradePolicy = defaultUpgradePolicy
	}
	if args.EnabledLogTypes == nil {
		c.LogTypes = slices.Clone(defaultLogTypes)
	}
	if c.AuthenticationMode == "" {
		c.AuthenticationMode = defaultAuthenticationMode
	}
	c.BootstrapCreatorAdmin = r.boolean("bootstrapClusterCreatorAdminPermissions",
		args.BootstrapClusterCreatorAdminPermissions, c.AuthenticationMode == "CONFIG_MAP")
	if kms, given, known := plainString(args.KmsKeyArn); !given || (known && kms == "") {
		c.KmsKeyArn = nil
	} else if known && !kmsKeyArnPattern.MatchString(kms) {
		p.addf("kmsKeyArn: %q is not a KMS key ARN; give arn:aws:kms:<region>:<account>:key/<id>", kms)
	}
	validateCluster(p, c)
	return c
}

func validateCluster(p *problems, c clusterConfig) {
	if len(c.Name) > 100 || !clusterNamePattern.MatchString(c.Name) {
		p.addf("clusterName: %q is not a valid EKS cluster name; use 1-100 characters that start with a letter or digit, followed by letters, digits, '-' or '_'", c.Name)
	}
	switch {
	case c.Version == "":
		// No default on the run's date: resolveCluster reported it.
	case !versionPattern.MatchString(c.Version):
		p.addf("kubernetesVersion: %q is not a Kubernetes version; use MAJOR.MINOR, for example %q", c.Version, exampleVersion(c.Today))
	default:
		validateSupport(p, c, p.unknown["upgradePolicy"])
	}
	if !slices.Contains(upgradePolicies, c.UpgradePolicy) {
		p.addf("upgradePolicy: unknown policy %q; use STANDARD (EKS upgrades the control plane at the end of standard support) or EXTENDED (the version is kept and billed at the extended-support rate)", c.UpgradePolicy)
	}
	validateSubnets(p, c)
	if !c.EndpointPublic && !c.EndpointPrivate {
		p.addf("endpointPublicAccess, endpointPrivateAccess: both are false, so nothing could reach the API server; enable at least one")
	}
	if !c.EndpointPublic && len(c.PublicAccessCidrs.Values) > 0 {
		p.addf("publicAccessCidrs: given while endpointPublicAccess is false; remove them or enable the public endpoint")
	}
	for i, cidr := range c.PublicAccessCidrs.Values {
		validateCidr(p, fmt.Sprintf("publicAccessCidrs[%d]", i), cidr)
	}
	seen := map[string]bool{}
	for i, t := range c.LogTypes {
		if !slices.Contains(allLogTypes, t) {
			p.addf("enabledLogTypes[%d]: unknown log type %q; use one of %s", i, t, strings.Join(allLogTypes, ", "))
		} else if seen[t] {
			p.addf("enabledLogTypes[%d]: %q is listed twice; list each log type once", i, t)
		}
		seen[t] = true
	}
	if !slices.Contains(logRetentionValues, c.LogRetentionDays) {
		p.addf("logRetentionDays: %d is not a retention CloudWatch Logs allows; use one of %s", c.LogRetentionDays, joinInts(logRetentionValues))
	}
	if !c.SecretsEncryption && c.KmsKeyArn != nil {
		p.addf("kmsKeyArn: given while secretsEncryption is false; remove kmsKeyArn or set secretsEncryption to true")
	}
	if !slices.Contains(authenticationModes, c.AuthenticationMode) {
		p.addf("authenticationMode: unknown mode %q; use one of %s", c.AuthenticationMode, strings.Join(authenticationModes, ", "))
	}
	if c.AuthenticationMode == "CONFIG_MAP" && !c.BootstrapCreatorAdmin {
		p.addf("bootstrapClusterCreatorAdminPermissions: EKS requires true in CONFIG_MAP mode; remove the input or choose authenticationMode API_AND_CONFIG_MAP")
	}
	for _, k := range sortedKeys(c.Tags.Values) {
		if strings.HasPrefix(strings.ToLower(k), "aws:") {
			p.addf("tags: key %q uses the reserved prefix 'aws:'; rename the tag", k)
		}
		if strings.HasPrefix(k, guardTagPrefix) {
			p.addf("tags: key %q uses the prefix %q of the tags the platform records on the cluster (its identity and the create-only settings EKS does not report); rename the tag", k, guardTagPrefix)
		}
	}
}

func validateSubnets(p *problems, c clusterConfig) {
	if !c.PrivateSubnets.Known || !c.PublicSubnets.Known {
		return // at preview; checked at the update
	}
	if len(c.PrivateSubnets.Values) == 0 {
		p.addf("privateSubnetIds: empty; give the private subnets nodes and Fargate pods run in (EKS also needs subnets in at least two Availability Zones)")
	}
	if len(c.PublicSubnets.Values)+len(c.PrivateSubnets.Values) < 2 && len(c.PrivateSubnets.Values) > 0 {
		p.addf("publicSubnetIds, privateSubnetIds: EKS needs at least two subnets in different Availability Zones; add another subnet")
	}
	where := map[string]string{}
	check := func(list string, ids []string) {
		for i, id := range ids {
			path := fmt.Sprintf("%s[%d]", list, i)
			if !subnetIDPattern.MatchString(id) {
				p.addf("%s: %q is not a subnet ID; give an ID like subnet-0123456789abcdef0", path, id)
				continue
			}
			switch prev, ok := where[id]; {
			case ok && strings.HasPrefix(prev, list+"["):
				p.addf("%s: %q is listed twice (also %s); list each subnet once", path, id, prev)
			case ok:
				p.addf("%s: %q is both public and private (also %s); a subnet is one or the other, remove it from one list", path, id, prev)
			default:
				where[id] = path
			}
		}
	}
	check("privateSubnetIds", c.PrivateSubnets.Values)
	check("publicSubnetIds", c.PublicSubnets.Values)
}

func validateCidr(p *problems, path, cidr string) {
	ip, network, err := net.ParseCIDR(cidr)
	switch {
	case err != nil || ip.To4() == nil:
		p.addf("%s: %q is not an IPv4 CIDR block; use the form 203.0.113.0/24", path, cidr)
	case !ip.Equal(network.IP):
		p.addf("%s: %q has host bits set; use %s", path, cidr, network.String())
	}
}

func joinInts(v []int) string {
	s := make([]string, len(v))
	for i, n := range v {
		s[i] = fmt.Sprint(n)
	}
	return strings.Join(s, ", ")
}
