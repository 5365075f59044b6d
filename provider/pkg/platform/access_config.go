package platform

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Access entry types EKS accepts; STANDARD is the default.
var accessEntryTypes = []string{"STANDARD", "EC2_LINUX", "EC2_WINDOWS", "FARGATE_LINUX"}

// accessPolicyNames maps the short policy names users write to EKS's access policies.
var accessPolicyNames = map[string]string{
	"ClusterAdmin": "AmazonEKSClusterAdminPolicy",
	"Admin":        "AmazonEKSAdminPolicy",
	"Edit":         "AmazonEKSEditPolicy",
	"View":         "AmazonEKSViewPolicy",
}

var (
	accessPolicyArnPattern = regexp.MustCompile(`^arn:aws[a-z-]*:eks::aws:cluster-access-policy/([A-Za-z0-9]+)$`)
	// An IAM role or user ARN, with an optional path.
	iamPrincipalArnPattern = regexp.MustCompile(`^arn:aws[a-z-]*:iam::[0-9]{12}:(role|user)/(.+/)?([^/]+)$`)
	iamUserArnPattern      = regexp.MustCompile(`^arn:aws[a-z-]*:iam::[0-9]{12}:user/.+$`)
	stsSessionArnPattern   = regexp.MustCompile(`^arn:aws[a-z-]*:sts::[0-9]{12}:assumed-role/([^/]+)/`)
	namespacePattern       = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`)
)

// AccessConfig is the resolved input of the access stage.
type accessConfig struct {
	// CallerIsAdmin gives the identity running `pulumi up` a ClusterAdmin access entry.
	CallerIsAdmin bool
	// Entries are `admins` (first, as ClusterAdmin entries) then `accessEntries`.
	Entries      []accessEntryConfig
	RoleMappings []roleMappingConfig
	UserMappings []userMappingConfig
	// AwsAuthTakeover forces aws-auth's apply (pulumi.com/patchForce): the platform's
	// mappings replace what another field manager wrote (awsauth.go).
	AwsAuthTakeover bool
}

// AccessEntryConfig is one access entry. The principal may be an Output; Key, which
// names the resources, is derived from the ARN when it is known and from the position
// otherwise.
type accessEntryConfig struct {
	// Path is the input path, for messages (`admins[0]`, `accessEntries[2]`).
	Path string
	// Key names the entry's resources; LegacyKey, when set, is the name an earlier
	// version gave them (an alias).
	Key, LegacyKey   string
	PrincipalArn     pulumi.StringInput
	Type             string
	KubernetesGroups pulumi.StringArrayInput
	Username         pulumi.StringInput
	Policies         []accessPolicyConfig
}

// AccessPolicyConfig is one policy association.
type accessPolicyConfig struct {
	// Name is the EKS policy name (AmazonEKSViewPolicy), which names the resource.
	Name string
	// Arn is the ARN the user gave; "" means the policy is looked up in the cluster's
	// partition.
	Arn string
	// Namespaces scope the policy; empty means cluster-wide.
	Namespaces []string
}

// RoleMappingConfig is one mapRoles entry of aws-auth.
type roleMappingConfig struct {
	RoleArn  pulumi.StringInput
	Username pulumi.StringInput
	Groups   pulumi.StringArrayInput
}

// UserMappingConfig is one mapUsers entry of aws-auth.
type userMappingConfig struct {
	UserArn  pulumi.StringInput
	Username pulumi.StringInput
	Groups   pulumi.StringArrayInput
}

func resolveAccess(p *problems, args *Args, cluster clusterConfig, compute computeConfig) accessConfig {
	r := reader{p}
	mode := cluster.AuthenticationMode
	a := accessConfig{}

	callerGiven := args.CallerIsAdmin != nil
	a.CallerIsAdmin = r.boolean("callerIsAdmin", args.CallerIsAdmin, cluster.UsesAccessEntries())
	if a.CallerIsAdmin && !cluster.UsesAccessEntries() && callerGiven {
		p.addf("callerIsAdmin: true needs access entries, which authenticationMode CONFIG_MAP does not have; choose authenticationMode API_AND_CONFIG_MAP, or remove callerIsAdmin (in CONFIG_MAP mode the cluster creator is admin through bootstrapClusterCreatorAdminPermissions)")
	}
	if !cluster.UsesAccessEntries() {
		a.CallerIsAdmin = false
	}

	admins := stringElems(r, "admins", args.Admins)
	if len(admins) > 0 && !cluster.UsesAccessEntries() {
		p.addf("admins: authenticationMode CONFIG_MAP has no access entries; choose authenticationMode API_AND_CONFIG_MAP, or map the principals with roleMappings/userMappings")
	}
	for i, arn := range admins {
		path := fmt.Sprintf("admins[%d]", i)
		validatePrincipalArn(p, path, arn)
		a.Entries = append(a.Entries, accessEntryConfig{
			Path:         path,
			PrincipalArn: arn,
			Type:         "STANDARD",
			Policies:     []accessPolicyConfig{{Name: accessPolicyNames["ClusterAdmin"]}},
		})
	}
	if len(args.AccessEntries) > 0 && !cluster.UsesAccessEntries() {
		p.addf("accessEntries: authenticationMode CONFIG_MAP has no access entries; choose authenticationMode API_AND_CONFIG_MAP, or map the principals with roleMappings/userMappings")
	}
	for i, e := range args.AccessEntries {
		a.Entries = append(a.Entries, resolveAccessEntry(p, fmt.Sprintf("accessEntries[%d]", i), e))
	}
	keyEntries(a.Entries)
	checkDuplicatePrincipals(p, a.Entries)
	nodeRoles := compute.givenNodeRoleArns()
	checkNodeRoleEntries(p, nodeRoles, a.Entries)

	if mode == "API" {
		if len(args.RoleMappings) > 0 {
			p.addf("roleMappings: authenticationMode API does not read the aws-auth ConfigMap; choose authenticationMode API_AND_CONFIG_MAP (or CONFIG_MAP), or grant access with accessEntries/admins instead")
		}
		if len(args.UserMappings) > 0 {
			p.addf("userMappings: authenticationMode API does not read the aws-auth ConfigMap; choose authenticationMode API_AND_CONFIG_MAP (or CONFIG_MAP), or grant access with accessEntries/admins instead")
		}
	}
	// Unknown at preview, it takes its default (not forced) and is checked at the update.
	a.AwsAuthTakeover = r.boolean("awsAuthTakeover", args.AwsAuthTakeover, false)
	if a.AwsAuthTakeover && mode == "API" {
		p.addf("awsAuthTakeover: authenticationMode API does not read the aws-auth ConfigMap, so the platform writes none to take over; remove awsAuthTakeover, or choose authenticationMode API_AND_CONFIG_MAP (or CONFIG_MAP)")
	}
	seen := map[string]string{}
	for i, m := range args.RoleMappings {
		path := fmt.Sprintf("roleMappings[%d]", i)
		arn, given, known := plainString(m.RoleArn)
		switch {
		case !given || (known && arn == ""):
			p.addf("%s.roleArn: missing; give the IAM role ARN to map", path)
		case known && !iamRoleArnPattern.MatchString(arn):
			p.addf("%s.roleArn: %q is not an IAM role ARN; give arn:aws:iam::<account>:role/<name>%s", path, arn, sessionHint(arn))
		case known && seen[arn] != "":
			p.addf("%s.roleArn: %q is also mapped by %s; map each role once", path, arn, seen[arn])
		case known && nodeRoles[arn] != "":
			p.addf("%s.roleArn: %q is %s, which the platform maps automatically (system:bootstrappers, system:nodes); remove this mapping", path, arn, nodeRoles[arn])
		}
		if known && arn != "" && seen[arn] == "" {
			seen[arn] = path
		}
		requireUsername(p, path, m.Username)
		a.RoleMappings = append(a.RoleMappings, roleMappingConfig(m))
	}
	for i, m := range args.UserMappings {
		path := fmt.Sprintf("userMappings[%d]", i)
		arn, given, known := plainString(m.UserArn)
		switch {
		case !given || (known && arn == ""):
			p.addf("%s.userArn: missing; give the IAM user ARN to map", path)
		case known && !iamUserArnPattern.MatchString(arn):
			p.addf("%s.userArn: %q is not an IAM user ARN; give arn:aws:iam::<account>:user/<name> (map roles with roleMappings)", path, arn)
		case known && seen[arn] != "":
			p.addf("%s.userArn: %q is also mapped by %s; map each user once", path, arn, seen[arn])
		}
		if known && arn != "" && seen[arn] == "" {
			seen[arn] = path
		}
		requireUsername(p, path, m.Username)
		a.UserMappings = append(a.UserMappings, userMappingConfig(m))
	}
	return a
}

func resolveAccessEntry(p *problems, path string, e AccessEntryArgs) accessEntryConfig {
	r := reader{p}
	c := accessEntryConfig{
		Path:             path,
		PrincipalArn:     e.PrincipalArn,
		Type:             r.str(path+".type", e.Type),
		KubernetesGroups: e.KubernetesGroups,
		Username:         e.Username,
	}
	if _, given, known := plainString(e.PrincipalArn); !given || (known && isEmpty(e.PrincipalArn)) {
		p.addf("%s.principalArn: missing; give the ARN of the IAM role or user", path)
	} else {
		validatePrincipalArn(p, path+".principalArn", e.PrincipalArn)
	}
	if c.Type == "" {
		c.Type = "STANDARD"
	}
	if !slices.Contains(accessEntryTypes, c.Type) {
		p.addf("%s.type: unknown access entry type %q; use one of %s", path, c.Type, strings.Join(accessEntryTypes, ", "))
	}
	if c.Type != "STANDARD" {
		// EKS sets the username and groups of node entries itself and rejects policies on them.
		if len(e.AccessPolicies) > 0 {
			p.addf("%s.accessPolicies: EKS does not associate access policies with %s entries; remove them or use type STANDARD", path, c.Type)
		}
		if e.KubernetesGroups != nil || e.Username != nil {
			p.addf("%s: EKS sets the username and groups of %s entries itself; remove kubernetesGroups and username or use type STANDARD", path, c.Type)
		}
	}
	seen := map[string]string{}
	for j, ap := range e.AccessPolicies {
		ppath := fmt.Sprintf("%s.accessPolicies[%d]", path, j)
		policy := r.str(ppath+".policy", ap.Policy)
		namespaces := r.strs(ppath+".namespaces", ap.Namespaces)
		pc := accessPolicyConfig{Namespaces: namespaces}
		if full, ok := accessPolicyNames[policy]; ok {
			pc.Name = full
		} else if m := accessPolicyArnPattern.FindStringSubmatch(policy); m != nil {
			pc.Name, pc.Arn = m[1], policy
		} else {
			if policy == "" {
				p.addf("%s.policy: missing; use ClusterAdmin, Admin, Edit, View or an arn:aws:eks::aws:cluster-access-policy/... ARN", ppath)
			} else {
				p.addf("%s.policy: unknown access policy %q; use ClusterAdmin, Admin, Edit, View or an arn:aws:eks::aws:cluster-access-policy/... ARN", ppath, policy)
			}
			continue
		}
		if prev, ok := seen[pc.Name]; ok {
			p.addf("%s.policy: %s is also associated by %s; associate each policy once (list every namespace in one association)", ppath, pc.Name, prev)
		}
		seen[pc.Name] = ppath
		for k, ns := range namespaces {
			if !namespacePattern.MatchString(ns) || len(ns) > 63 {
				p.addf("%s.namespaces[%d]: %q is not a Kubernetes namespace name; use lowercase letters, digits and '-'", ppath, k, ns)
			}
		}
		c.Policies = append(c.Policies, pc)
	}
	return c
}

// validatePrincipalArn checks a known principal ARN.
func validatePrincipalArn(p *problems, path string, in pulumi.StringInput) {
	arn, _, known := plainString(in)
	if !known {
		return
	}
	if !iamPrincipalArnPattern.MatchString(arn) {
		p.addf("%s: %q is not an IAM role or user ARN; give arn:aws:iam::<account>:role/<name> or arn:aws:iam::<account>:user/<name>%s", path, arn, sessionHint(arn))
	}
}

// sessionHint explains the usual mistake of passing an assumed-role session ARN.
func sessionHint(arn string) string {
	if m := stsSessionArnPattern.FindStringSubmatch(arn); m != nil {
		return fmt.Sprintf(" (this is an STS session of role %s: give the role's IAM ARN)", m[1])
	}
	return ""
}

func requireUsername(p *problems, path string, in pulumi.StringInput) {
	if _, given, known := plainString(in); !given || (known && isEmpty(in)) {
		p.addf("%s.username: missing; give the Kubernetes username the principal maps to", path)
	}
}

// keyEntries gives each entry a stable resource-name key: "<role|user>-<name>" from the
// ARN, so adding or removing another entry renames nothing, whether the ARN was a
// literal or an Output. A secret ARN is keyed by a hash of it, so it never appears in a
// URN. Only at preview, for an ARN not known yet, is the key the position (the update
// names it by its ARN). Two ARNs with the same name (different accounts or paths) get a
// short hash of the ARN appended.
//
// Before 0.2 an ARN given as an Output was keyed by its position; such entries carry
// that name as an alias, so upgrading the component renames them in place.
func keyEntries(entries []accessEntryConfig) {
	count := map[string]int{}
	for i := range entries {
		e := &entries[i]
		position := strings.NewReplacer("[", "-", "]", "").Replace(e.Path)
		a := await(e.PrincipalArn)
		arn, _ := a.value.(string)
		if a.known {
			if m := iamPrincipalArnPattern.FindStringSubmatch(arn); m != nil {
				e.Key = m[1] + "-" + m[3]
				if a.secret {
					e.Key = nameKey(arn, true)
				}
			}
			if _, literal := e.PrincipalArn.(pulumi.String); !literal && e.Key != "" {
				e.LegacyKey = position
			}
		}
		if e.Key == "" {
			e.Key = position
		}
		count[e.Key]++
	}
	for i := range entries {
		e := &entries[i]
		if count[e.Key] > 1 {
			arn, _, _ := plainString(e.PrincipalArn)
			sum := sha256.Sum256([]byte(arn))
			e.Key += "-" + hex.EncodeToString(sum[:])[:8]
		}
	}
}

// checkDuplicatePrincipals rejects two entries for one principal: EKS has one access
// entry per principal, so the second create would fail after the cluster exists.
func checkDuplicatePrincipals(p *problems, entries []accessEntryConfig) {
	seen := map[string]string{}
	for _, e := range entries {
		arn, _, known := plainString(e.PrincipalArn)
		if !known || arn == "" {
			continue
		}
		if prev, ok := seen[arn]; ok {
			p.addf("%s: principal %q is also given by %s; EKS allows one access entry per principal, so merge them into one entry", e.Path, arn, prev)
			continue
		}
		seen[arn] = e.Path
	}
}

// checkNodeRoleEntries rejects an EC2 access entry for a node group's own role: EKS
// creates that entry itself when the node group is created, and two would conflict.
func checkNodeRoleEntries(p *problems, nodeRoles map[string]string, entries []accessEntryConfig) {
	for _, e := range entries {
		arn, _, known := plainString(e.PrincipalArn)
		if known && nodeRoles[arn] != "" {
			p.addf("%s: %q is %s; EKS creates the access entry of a managed node group's role itself, so remove this entry", e.Path, arn, nodeRoles[arn])
		}
	}
}

// givenNodeRoleArns are the node groups' own known node roles, by ARN.
func (c computeConfig) givenNodeRoleArns() map[string]string {
	out := map[string]string{}
	for i, g := range c.NodeGroups {
		if arn, _, known := plainString(g.NodeRoleArn); known && arn != "" {
			if _, ok := out[arn]; !ok {
				out[arn] = fmt.Sprintf("nodeGroups[%d].nodeRoleArn", i)
			}
		}
	}
	return out
}

// stringElems returns the elements of a string array, each an Input that carries its
// own secretness and dependencies. An array that is itself an Output is read once known;
// unknown at preview, it has no elements yet (noted under path).
func stringElems(r reader, path string, in pulumi.StringArrayInput) []pulumi.StringInput {
	switch v := in.(type) {
	case nil:
		return nil
	case pulumi.StringArray:
		return slices.Clone([]pulumi.StringInput(v))
	}
	values, _, known := plainStrings(in)
	r.note(path, known)
	out := make([]pulumi.StringInput, len(values))
	for i := range values {
		out[i] = in.ToStringArrayOutput().Index(pulumi.Int(i))
	}
	return out
}

// isEmpty reports whether a known string input is "".
func isEmpty(in pulumi.StringInput) bool {
	s, _, known := plainString(in)
	return known && s == ""
}
