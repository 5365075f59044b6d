package platform

import (
	"fmt"

	"github.com/eksplatform/pulumi-eksplatform/provider/pkg/iampolicy"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/eks"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// clusterRoleIn is what clusterRole reads: the cluster's name, and whether the autoMode
// input is given.
type clusterRoleIn struct {
	ClusterConfig  clusterConfig
	AutoModeConfig autoModeConfig
}

// clusterRole is the role the EKS control plane runs as. Under Auto Mode EKS also
// launches instances, volumes and load balancers with it, tagging its sessions: it
// gets the Auto Mode policies and sts:TagSession. It keeps them while the autoMode input
// is there, enabled or not: after Auto Mode is switched off EKS still terminates the
// instances and deletes the load balancers it made, with this role.
func (b *build) clusterRole(in clusterRoleIn) (*madeRole, error) {
	name := in.ClusterConfig.Name
	trust := serviceTrust("eks.amazonaws.com", nil)
	policies := []string{"AmazonEKSClusterPolicy"}
	if in.AutoModeConfig.Given {
		trust.Statement[0].Action = append(trust.Statement[0].Action, "sts:TagSession")
		policies = append(policies, autoModeClusterPolicies...)
	}
	return b.newRole(roleSpec{
		part:            "cluster-role",
		roleName:        name + "-cluster",
		description:     "EKS control plane of " + name,
		trust:           pulumi.String(trust.JSON()),
		managedPolicies: policies,
	})
}

// secretsKeyIn is what secretsKey reads: the encryption settings, and the cluster role
// that is granted the key.
type secretsKeyIn struct {
	ClusterConfig clusterConfig
	ClusterRole   *madeRole
}

// secretsKey returns the key that encrypts secrets: the user's, or a key the platform
// makes with rotation on. Either way the cluster role gets an inline policy to use
// exactly that key. Nothing when encryption is off.
func (b *build) secretsKey(in secretsKeyIn) (*secretsResult, error) {
	c := in.ClusterConfig
	res := &secretsResult{KeyArn: pulumi.String("").ToStringOutput()}
	if !c.SecretsEncryption {
		return res, nil
	}
	if c.KmsKeyArn != nil {
		res.KeyArn = c.KmsKeyArn.ToStringOutput()
	} else {
		account := b.accountID()
		key, err := kms.NewKey(b.ctx, b.child("secrets-key"), &kms.KeyArgs{
			Description:          pulumi.String("Kubernetes secrets and control-plane logs of EKS cluster " + c.Name),
			EnableKeyRotation:    pulumi.Bool(true),
			DeletionWindowInDays: pulumi.Int(30),
			Policy: pulumi.All(b.partition, b.region, account).ApplyT(func(v []any) string {
				return secretsKeyPolicy(v[0].(string), v[1].(string), v[2].(string), c.Name).JSON()
			}).(pulumi.StringOutput),
			Tags: b.tags(),
		}, b.opts()...)
		if err != nil {
			return nil, err
		}
		// The alias only names the key for people; the cluster does not wait for it.
		if _, err := kms.NewAlias(b.ctx, b.child("secrets-key-alias"), &kms.AliasArgs{
			Name:        pulumi.String("alias/eks/" + c.Name),
			TargetKeyId: key.KeyId,
		}, b.opts()...); err != nil {
			return nil, err
		}
		res.KeyArn = key.Arn
		res.Ready = append(res.Ready, key)
	}
	policy, err := iam.NewRolePolicy(b.ctx, b.child("cluster-role-kms"), &iam.RolePolicyArgs{
		Role: in.ClusterRole.Role.Name,
		Policy: res.KeyArn.ApplyT(func(arn string) string {
			return iampolicy.New(iampolicy.Statement{
				Effect:   "Allow",
				Action:   []string{"kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:ListGrants"},
				Resource: []string{arn},
			}).JSON()
		}).(pulumi.StringOutput),
	}, b.opts()...)
	if err != nil {
		return nil, err
	}
	res.Ready = append(res.Ready, policy)
	return res, nil
}

// logGroupIn is what controlPlaneLogGroup reads: the cluster's logging settings and the
// key that encrypts secrets.
type logGroupIn struct {
	ClusterConfig clusterConfig
	Secrets       *secretsResult
}

// controlPlaneLogGroup makes /aws/eks/<name>/cluster with the platform's retention.
// Rule 1: EKS would otherwise create it itself, with no retention, when logging is on,
// and the platform's own create would then fail with "already exists".
//
// With a key the platform makes, the log group is encrypted with it (and so follows the
// key, by data flow). With the user's key (kmsKeyArn) the log group keeps CloudWatch
// Logs' own encryption: CloudWatch may use a KMS key only when the key's policy allows
// it for this log group, and the platform does not change the policy of a key it does
// not own.
func (b *build) controlPlaneLogGroup(in logGroupIn) (*readyResult, error) {
	var key pulumi.StringInput
	if in.ClusterConfig.PlatformKey() {
		key = in.Secrets.KeyArn
	}
	logGroup, err := b.logGroup(in.ClusterConfig, key)
	if err != nil {
		return nil, err
	}
	return &readyResult{Ready: []pulumi.Resource{logGroup}}, nil
}

// logGroup makes /aws/eks/<name>/cluster, encrypted with keyArn unless it is nil.
func (b *build) logGroup(c clusterConfig, keyArn pulumi.StringInput) (*cloudwatch.LogGroup, error) {
	args := &cloudwatch.LogGroupArgs{
		Name:            pulumi.String(controlPlaneLogGroupName(c.Name)),
		RetentionInDays: pulumi.Int(c.LogRetentionDays),
		Tags:            b.tags(),
	}
	if keyArn != nil {
		args.KmsKeyId = keyArn.ToStringOutput().ToStringPtrOutput()
	}
	return cloudwatch.NewLogGroup(b.ctx, b.child("cluster-logs"), args, b.opts()...)
}

// controlPlaneLogGroupName is the log group EKS writes control-plane logs to.
func controlPlaneLogGroupName(cluster string) string { return "/aws/eks/" + cluster + "/cluster" }

// secretsKeyPolicy is the key policy of the platform's key: the account administers it
// (IAM policies, such as the cluster role's, then grant its use), and CloudWatch Logs of
// the region may use it for exactly the control-plane log group, as CloudWatch Logs
// documents for encrypting a log group with a customer-managed key.
func secretsKeyPolicy(partition, region, account, cluster string) iampolicy.Document {
	logGroupArn := fmt.Sprintf("arn:%s:logs:%s:%s:log-group:%s", partition, region, account, controlPlaneLogGroupName(cluster))
	return iampolicy.New(
		iampolicy.Statement{
			Sid:       "AccountAdministersTheKey",
			Effect:    "Allow",
			Principal: &iampolicy.Principal{AWS: fmt.Sprintf("arn:%s:iam::%s:root", partition, account)},
			Action:    []string{"kms:*"},
			Resource:  []string{"*"},
		},
		iampolicy.Statement{
			Sid:       "CloudWatchLogsEncryptsTheControlPlaneLogGroup",
			Effect:    "Allow",
			Principal: &iampolicy.Principal{Service: fmt.Sprintf("logs.%s.amazonaws.com", region)},
			Action:    []string{"kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"},
			Resource:  []string{"*"},
			Condition: iampolicy.Condition{"ArnEquals": {"kms:EncryptionContext:aws:logs:arn": logGroupArn}},
		},
	)
}

// clusterOptions are the cluster's own options: it waits for after (rule 1), and with
// protectCluster the engine refuses to delete or replace it while the option is set.
// AWS is not told: a delete from outside Pulumi (console, CLI) still succeeds. Without
// protectCluster no protect option is given, so the cluster inherits the component's
// (a program may protect the whole platform).
func clusterOptions(c clusterConfig, after barrier) []pulumi.ResourceOption {
	opts := []pulumi.ResourceOption{pulumi.DependsOn(after)}
	if c.Protect {
		opts = append(opts, pulumi.Protect(true))
	}
	return opts
}

// clusterIn is what cluster reads.
type clusterIn struct {
	ClusterConfig  clusterConfig
	AutoModeConfig autoModeConfig
	ClusterRole    *madeRole
	Secrets        *secretsResult
	// AutoNodeRoleArn is the role of Auto Mode's built-in pools ("" without them).
	AutoNodeRoleArn pulumi.StringOutput
	// After is what the cluster waits for (rule 1).
	After barrier
}

// cluster makes the control plane.
func (b *build) cluster(in clusterIn) (*clusterResult, error) {
	c := in.ClusterConfig
	secrets := in.Secrets
	var encryption eks.ClusterEncryptionConfigPtrInput
	if c.SecretsEncryption {
		encryption = eks.ClusterEncryptionConfigArgs{
			Resources: pulumi.StringArray{pulumi.String("secrets")},
			Provider:  eks.ClusterEncryptionConfigProviderArgs{KeyArn: secrets.KeyArn},
		}
	}
	vpc := eks.ClusterVpcConfigArgs{
		SubnetIds:             c.subnetIDs(),
		EndpointPublicAccess:  pulumi.Bool(c.EndpointPublic),
		EndpointPrivateAccess: pulumi.Bool(c.EndpointPrivate),
	}
	if c.EndpointPublic {
		cidrs := c.PublicAccessCidrs
		if cidrs.Known && len(cidrs.Values) == 0 {
			cidrs = listOf([]string{"0.0.0.0/0"})
		}
		vpc.PublicAccessCidrs = cidrs.input()
	}
	args := &eks.ClusterArgs{
		Name:                   pulumi.String(c.Name),
		Version:                pulumi.String(c.Version),
		RoleArn:                in.ClusterRole.Role.Arn,
		VpcConfig:              vpc,
		EnabledClusterLogTypes: pulumi.ToStringArray(c.LogTypes),
		// STANDARD: EKS upgrades the control plane at the end of standard support;
		// EXTENDED: the version is kept, billed at the extended-support rate.
		UpgradePolicy:    eks.ClusterUpgradePolicyArgs{SupportType: pulumi.String(c.UpgradePolicy)},
		EncryptionConfig: encryption,
		AccessConfig: eks.ClusterAccessConfigArgs{
			AuthenticationMode:                      pulumi.String(c.AuthenticationMode),
			BootstrapClusterCreatorAdminPermissions: pulumi.Bool(c.BootstrapCreatorAdmin),
		},
		// vpc-cni, kube-proxy and coredns are EKS managed add-ons of the platform, so
		// EKS must not also install self-managed copies for them to fight over. It is
		// also what Auto Mode requires at create ("When EKS Auto Mode is enabled,
		// bootstrapSelfManagedAddons must be set to false"), and it is create-only: being
		// false on every platform already, enabling Auto Mode later replaces nothing.
		BootstrapSelfManagedAddons: pulumi.Bool(false),
		// Always sent, false included: with the block left out the provider would not
		// turn zonal shift off again. Updated in place.
		ZonalShiftConfig: eks.ClusterZonalShiftConfigArgs{Enabled: pulumi.Bool(c.ZonalShift)},
		// The guard's tags record the platform's identity and the create-only settings
		// EKS does not report (clusterguard.go).
		Tags: b.tags(b.guardTags(c)),
	}
	autoModeFields(args, in.AutoModeConfig, in.AutoNodeRoleArn)
	opts := clusterOptions(c, in.After)
	if b.guard.Replaces {
		// Allowed, under the same name: EKS refuses a second cluster of that name, so the
		// old one goes first (with everything that depends on it).
		opts = append(opts, pulumi.DeleteBeforeReplace(true))
	}
	cluster, err := eks.NewCluster(b.ctx, b.child("cluster"), args, b.opts(opts...)...)
	if err != nil {
		return nil, err
	}
	return &clusterResult{Cluster: cluster, Role: in.ClusterRole.Role, KmsKeyArn: secrets.KeyArn, Name: cluster.Name}, nil
}
