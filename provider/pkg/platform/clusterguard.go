package platform

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"slices"
	"strconv"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// The cluster guard (docs/upgrading.md, "Changes that would replace the cluster"):
// a change of an input the EKS cluster cannot take in place makes the provider replace
// the cluster, and with it every node, add-on and workload. Such a change is refused
// before any child is registered unless allowClusterReplacement is set.
//
// What forces a replacement is the bridged provider's schema. pulumi-aws v6.83.4 bridges
// terraform-provider-aws v5.100.0 (its `upstream` submodule, commit f7a3b98d). That tag
// could not be read here; its internal/service/eks/cluster.go was read at the two stored
// versions around it — before April 2025 (no force_update_version, which pulumi-aws
// v6.83.4 has, added by hashicorp/terraform-provider-aws #42134) and a 2026 v6.x one —
// and both agree on every field the platform sets:
//   - ForceNew: name, role_arn, bootstrap_self_managed_addons,
//     access_config.bootstrap_cluster_creator_admin_permissions,
//     kubernetes_network_config.ip_family and .service_ipv4_cidr (outpost_config too);
//   - CustomizeDiff ForceNewIfChange on encryption_config when it goes from one block to
//     none ("You cannot disable envelope encryption after enabling it"); adding it is an
//     update (AssociateEncryptionConfig);
//   - in place: version, vpc_config (subnet_ids and security_group_ids since v5.25.0,
//     #34209), enabled_cluster_log_types, upgrade_policy, zonal_shift_config, tags,
//     compute_config, storage_config, elastic_load_balancing — except a changed
//     compute_config.node_role_arn of a cluster whose Auto Mode compute is on (#40411).
//
// What the platform checks, against what EKS reports of the running cluster:
//   - first, whose the cluster of the name is (clusterowner.go): another platform's, or
//     one the platform did not make, is refused before any setting is compared;
//   - clusterName: a new name finds no cluster, which looks like a first create; the
//     platform's identity tag finds the cluster it manages under its old name;
//   - bootstrapClusterCreatorAdminPermissions and secretsEncryption (on → off): EKS's
//     DescribeCluster does not return the first, and pulumi-aws v6.83.4's getCluster
//     has no encryptionConfig, so the platform records both as tags on the cluster when
//     it creates or updates it, and reads them back;
//   - autoMode.nodeRoleArn of a cluster with Auto Mode compute on (getCluster's
//     computeConfigs).
//
// Not checked, because the platform never changes them: bootstrapSelfManagedAddons
// (false in every release), the cluster role's ARN (its name is "<clusterName>-cluster",
// so only a rename changes it), ipFamily and serviceIpv4Cidr (not set: EKS's defaults).

// guardTagPrefix starts the keys of the tags the platform records on the cluster.
const guardTagPrefix = "eksplatform:"

const (
	// identityTag holds "<project>/<stack>/<component name>", which finds the cluster a
	// platform manages when clusterName changes, and tells another platform's cluster of
	// the platform's name from its own (clusterowner.go).
	identityTag = guardTagPrefix + "platform"
	// bootstrapAdminTag and secretsEncryptionTag record create-only settings EKS does
	// not report back, as "true" or "false".
	bootstrapAdminTag    = guardTagPrefix + "bootstrapClusterCreatorAdminPermissions"
	secretsEncryptionTag = guardTagPrefix + "secretsEncryption"
	// secretsKeyTag records the key that encrypts the cluster's secrets: "platform" (the
	// key the platform makes), the user's kmsKeyArn, or "sha256:<hex>" of it when it is
	// a secret. EKS cannot change that key: AssociateEncryptionConfig "enable[s]
	// encryption on existing clusters that don't already have encryption enabled", and
	// no API changes the key. pulumi-aws v6.83.4 neither replaces the cluster for a new
	// key_arn nor calls EKS for it (its update associates encryption only where there was
	// none), so a changed key would be recorded in the state and never used.
	secretsKeyTag = guardTagPrefix + "secretsKey"
	// platformKeyValue is secretsKeyTag's value for the platform's own key.
	platformKeyValue = "platform"
)

// guardedInputs are the inputs whose value decides whether the cluster is replaced.
var guardedInputs = []string{
	"clusterName", "bootstrapClusterCreatorAdminPermissions", "authenticationMode",
	"secretsEncryption", "autoMode", "autoMode.enabled", "autoMode.nodeRoleArn", "autoMode.builtInNodePools",
	"allowClusterReplacement",
}

// unreadGuarded are the guarded inputs unknown at preview.
func unreadGuarded(p *problems) []string {
	var out []string
	for _, path := range guardedInputs {
		if p.unknown[path] {
			out = append(out, path)
		}
	}
	return out
}

// tagValuePattern is what an AWS tag value may hold (up to 256 characters).
var tagValuePattern = regexp.MustCompile(`^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,256}$`)

// platformIdentity is the value of identityTag: the project, stack and component name,
// or a hash of them when they do not fit a tag value.
func platformIdentity(project, stack, name string) string {
	id := project + "/" + stack + "/" + name
	if tagValuePattern.MatchString(id) {
		return id
	}
	sum := sha256.Sum256([]byte(id))
	return "sha256:" + hex.EncodeToString(sum[:])
}

// guardTags are the tags the cluster of c carries for the guard. Adding them to a
// cluster made by an earlier release is a tag update, in place.
func (b *build) guardTags(c clusterConfig) stringMap {
	tags := map[string]string{
		identityTag:          platformIdentity(b.ctx.Project(), b.ctx.Stack(), b.name),
		bootstrapAdminTag:    strconv.FormatBool(c.BootstrapCreatorAdmin),
		secretsEncryptionTag: strconv.FormatBool(c.SecretsEncryption),
	}
	if key, known := secretsKeyID(c); known && key != "" {
		tags[secretsKeyTag] = key
	} else if v, ok := b.upgrade.live.Tags[secretsKeyTag]; !known && ok {
		// kmsKeyArn unknown at preview: the tag planned as it is (the update, where the
		// key is known, checks it and records it).
		tags[secretsKeyTag] = v
	}
	return stringMap{Known: true, Values: tags}
}

// secretsKeyID is secretsKeyTag's value for this run: "" without encryption;
// known is false when kmsKeyArn is not known yet (at preview).
func secretsKeyID(c clusterConfig) (id string, known bool) {
	switch {
	case !c.SecretsEncryption:
		return "", true
	case c.PlatformKey():
		return platformKeyValue, true
	}
	a := await(c.KmsKeyArn)
	arn, _ := a.value.(string)
	switch {
	case !a.known:
		return "", false
	case a.secret || !tagValuePattern.MatchString(arn):
		sum := sha256.Sum256([]byte(arn))
		return "sha256:" + hex.EncodeToString(sum[:]), true
	default:
		return arn, true
	}
}

// describeKey names a secretsKeyTag value in a message.
func describeKey(v string) string {
	switch {
	case v == platformKeyValue:
		return "the platform's own KMS key (no kmsKeyArn)"
	case len(v) > 7 && v[:7] == "sha256:":
		return "the secret kmsKeyArn given before (" + v[:19] + "…)"
	default:
		return v
	}
}

// clusterGuard is what the guard decided for this run.
type clusterGuard struct {
	// Replaces: the run replaces the cluster under the same name (allowed), so the
	// cluster is deleted before it is created again: EKS refuses a second cluster of
	// one name ("ResourceInUseException: Cluster already exists with name").
	Replaces bool
	Warnings []string
}

// replacementMessage is the refusal, or with allow the warning, for one input.
func replacementMessage(path, cluster, from, to string, allow bool) string {
	if allow {
		return fmt.Sprintf("%s: changing it from %s to %s REPLACES the EKS cluster %s (and with it every node, add-on and workload): allowClusterReplacement is true, so this run deletes the cluster and creates it again",
			path, from, to, cluster)
	}
	return fmt.Sprintf("%s: changing it from %s to %s replaces the EKS cluster (and with it every node, add-on and workload); keep %s, or set allowClusterReplacement: true to replace it",
		path, from, to, from)
}

// desiredCreateOnly are the values this run gives the cluster's create-only fields
// that the guard compares; a field that is unknown (at preview) is in Unread.
type desiredCreateOnly struct {
	BootstrapAdmin    bool
	SecretsEncryption bool
	// SecretsKey is secretsKeyTag's value for this run ("" without encryption, or when
	// kmsKeyArn is unknown at preview: SecretsKeyUnread).
	SecretsKey       string
	SecretsKeyUnread bool
	// AutoCompute: Auto Mode's compute is on; AutoNodeRoleArn is the role sent with it
	// ("" without built-in pools).
	AutoCompute     bool
	AutoNodeRoleArn string
}

// planClusterGuard compares the cluster this run asks for with the running one, before
// any child is registered. live.Exists is false on a first create and on a rename (the
// name finds nothing), which live.RenamedFrom tells apart.
func planClusterGuard(c clusterConfig, live liveCluster, want desiredCreateOnly) (clusterGuard, error) {
	g := clusterGuard{}
	p := &problems{}
	unread := func(path string) bool { return slices.Contains(c.Unread, path) }
	report := func(path, from, to string, sameName bool) {
		msg := replacementMessage(path, c.Name, from, to, c.AllowReplacement)
		if unread("allowClusterReplacement") {
			// Unknown at preview: the update allows it, or refuses it before anything changes.
			g.Warnings = append(g.Warnings, msg+"; allowClusterReplacement is not known yet at preview: the update refuses this unless it resolves to true")
			return
		}
		if !c.AllowReplacement {
			p.addf("%s", msg)
			return
		}
		g.Warnings = append(g.Warnings, msg)
		g.Replaces = g.Replaces || sameName
	}
	unknownWarning := func(path string) {
		g.Warnings = append(g.Warnings, fmt.Sprintf("%s: not known yet at preview, so a replacement of the EKS cluster %s cannot be ruled out; the update, where it is known, checks it before anything changes",
			path, c.Name))
	}
	if c.VersionStepUnread {
		// clusterName or kubernetesVersion unknown: the running cluster was not read.
		if unread("clusterName") {
			unknownWarning("clusterName")
		} else {
			unknownWarning("kubernetesVersion")
		}
		return g, nil
	}
	if live.RenamedFrom != "" {
		// A new name: the provider creates a second cluster and deletes the first at the
		// end of the run (different names, so create-before-delete works).
		report("clusterName", live.RenamedFrom, c.Name, false)
	}
	if !live.Exists {
		return g, p.err() // a first create (or a rename, reported above): nothing to compare
	}
	for _, path := range c.Unread {
		if path != "clusterName" && path != "allowClusterReplacement" {
			unknownWarning(path)
		}
	}
	if v, ok := live.Tags[bootstrapAdminTag]; ok {
		if have := v == "true"; have != want.BootstrapAdmin && !unread("bootstrapClusterCreatorAdminPermissions") && !unread("authenticationMode") {
			report("bootstrapClusterCreatorAdminPermissions", v, strconv.FormatBool(want.BootstrapAdmin), true)
		}
	} else {
		g.Warnings = append(g.Warnings, fmt.Sprintf("bootstrapClusterCreatorAdminPermissions: EKS does not report it, and the cluster %s carries no %s tag yet (it was made by an earlier release), so whether this run replaces the cluster over it cannot be read; pulumi preview --diff shows it; this run records the tag",
			c.Name, bootstrapAdminTag))
	}
	if v, ok := live.Tags[secretsEncryptionTag]; ok {
		if v == "true" && !want.SecretsEncryption && !unread("secretsEncryption") {
			report("secretsEncryption", "true", "false", true)
		}
	} else if !want.SecretsEncryption {
		g.Warnings = append(g.Warnings, fmt.Sprintf("secretsEncryption: the cluster %s carries no %s tag yet (it was made by an earlier release), so whether turning encryption off replaces it cannot be read; pulumi preview --diff shows it; this run records the tag",
			c.Name, secretsEncryptionTag))
	}
	if v, ok := live.Tags[secretsKeyTag]; ok && want.SecretsKey != "" && want.SecretsKey != v && !unread("secretsEncryption") {
		// No allowClusterReplacement: the provider would not replace the cluster for it.
		p.addf("kmsKeyArn: the secrets of the EKS cluster %s are encrypted with %s, and EKS cannot change the key of a cluster whose secrets are encrypted (pulumi-aws would record the new key and change nothing); keep that key, or move to a new cluster under another clusterName (allowClusterReplacement: true) to use %s",
			c.Name, describeKey(v), describeKey(want.SecretsKey))
	}
	if _, ok := live.Tags[secretsKeyTag]; !ok && want.SecretsKey != "" {
		g.Warnings = append(g.Warnings, fmt.Sprintf("kmsKeyArn: the cluster %s carries no %s tag yet (it was made by an earlier release), so whether this run changes the key of its secrets (which EKS cannot do, and pulumi-aws would not report) cannot be read; this run records the tag",
			c.Name, secretsKeyTag))
	}
	if want.SecretsKeyUnread {
		g.Warnings = append(g.Warnings, fmt.Sprintf("kmsKeyArn: not known yet at preview, so whether it changes the key of the EKS cluster %s (which EKS cannot do) cannot be read; the update, where it is known, refuses a changed key before anything changes",
			c.Name))
	}
	if live.AutoCompute && live.AutoNodeRoleArn != "" && want.AutoCompute && want.AutoNodeRoleArn != live.AutoNodeRoleArn &&
		!unread("autoMode") && !unread("autoMode.enabled") && !unread("autoMode.nodeRoleArn") && !unread("autoMode.builtInNodePools") {
		to := want.AutoNodeRoleArn
		if to == "" {
			to = `"" (no built-in node pools)`
		}
		report("autoMode.nodeRoleArn", live.AutoNodeRoleArn, to, true)
	}
	return g, p.err()
}

// desiredCreateOnly reads what this run gives the guarded fields. The Auto Mode node
// role is the user's, or the platform's "<clusterName>-auto-node", whose ARN is built
// from the partition and account (invokes) like the role's own. A user's role not known
// yet is recorded in c.Unread, which planClusterGuard reads.
func (b *build) desiredCreateOnly(cp *clusterConfig, a autoModeConfig, live liveCluster) (desiredCreateOnly, error) {
	c := *cp
	d := desiredCreateOnly{BootstrapAdmin: c.BootstrapCreatorAdmin, SecretsEncryption: c.SecretsEncryption, AutoCompute: a.Given && a.Enabled}
	if live.Exists {
		var known bool
		d.SecretsKey, known = secretsKeyID(c)
		d.SecretsKeyUnread = !known
	}
	if !d.AutoCompute || !live.AutoCompute || len(a.BuiltInNodePools) == 0 {
		return d, nil // no role is sent without built-in pools (automode_cluster.go)
	}
	if a.NodeRoleArn != nil {
		v, _, known := plainString(a.NodeRoleArn)
		if !known {
			cp.Unread = append(cp.Unread, "autoMode.nodeRoleArn")
		}
		d.AutoNodeRoleArn = v
		return d, nil
	}
	partition, err := awaitStr(b.partition)
	if err != nil {
		return d, fmt.Errorf("reading the AWS partition: %w", err)
	}
	account, err := awaitStr(b.accountID())
	if err != nil {
		return d, fmt.Errorf("reading the AWS account: %w", err)
	}
	d.AutoNodeRoleArn = fmt.Sprintf("arn:%s:iam::%s:role/%s", partition, account, physicalName(c.Name+"-auto-node", 64))
	return d, nil
}

// guardCluster runs the guard and logs its warnings on the component. The owner of the
// running cluster was checked first (readLive); at a preview that did not read it
// (kubernetesVersion unknown) but knows the name, it is checked here, before the rest.
func (b *build) guardCluster(c *clusterConfig, a autoModeConfig, live liveCluster) error {
	if c.VersionStepUnread && !slices.Contains(c.Unread, "clusterName") {
		if err := b.checkNameOwner(); err != nil {
			return err
		}
	}
	want, err := b.desiredCreateOnly(c, a, live)
	if err != nil {
		return err
	}
	if b.guard, err = planClusterGuard(*c, live, want); err != nil {
		return err
	}
	for _, w := range b.guard.Warnings {
		_ = b.ctx.Log.Warn(w, &pulumi.LogArgs{Resource: b.parent})
	}
	return nil
}
