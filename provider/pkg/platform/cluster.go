package platform

import (
	"github.com/eksplatform/pulumi-eksplatform/provider/pkg/iampolicy"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/eks"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// clusterResult is what later stages need of the cluster.
type clusterResult struct {
	Cluster *eks.Cluster
	Role    *iam.Role
	// KmsKeyArn is the key encrypting secrets, "" when encryption is off.
	KmsKeyArn pulumi.StringOutput
	// Name is the cluster's name as an Output, so consumers depend on the cluster.
	Name pulumi.StringOutput
}

// cluster makes the control plane and everything EKS needs to exist before it
// (ordering rule 1): the subnet tags, the cluster role and its policies, the KMS key
// and the log group. EKS would otherwise create /aws/eks/<name>/cluster itself with no
// retention, and the platform's own create would then fail with "already exists".
func (b *build) cluster(network *networkResult) (*clusterResult, error) {
	c := b.cfg.Cluster
	role, err := b.newRole(roleSpec{
		part:            "cluster-role",
		roleName:        c.Name + "-cluster",
		description:     "EKS control plane of " + c.Name,
		trust:           pulumi.String(serviceTrust("eks.amazonaws.com", nil).JSON()),
		managedPolicies: []string{"AmazonEKSClusterPolicy"},
	})
	if err != nil {
		return nil, err
	}
	before := append([]pulumi.Resource{}, network.Tags...)
	before = append(before, role.Ready...)

	keyArn := pulumi.String("").ToStringOutput()
	var encryption eks.ClusterEncryptionConfigPtrInput
	if c.SecretsEncryption {
		keyArn, err = b.secretsKey(role.Role, &before)
		if err != nil {
			return nil, err
		}
		encryption = eks.ClusterEncryptionConfigArgs{
			Resources: pulumi.StringArray{pulumi.String("secrets")},
			Provider:  eks.ClusterEncryptionConfigProviderArgs{KeyArn: keyArn},
		}
	}

	logGroup, err := cloudwatch.NewLogGroup(b.ctx, b.child("cluster-logs"), &cloudwatch.LogGroupArgs{
		Name:            pulumi.String("/aws/eks/" + c.Name + "/cluster"),
		RetentionInDays: pulumi.Int(c.LogRetentionDays),
		Tags:            b.tags(nil),
	}, b.opts()...)
	if err != nil {
		return nil, err
	}
	before = append(before, logGroup)

	vpc := eks.ClusterVpcConfigArgs{
		SubnetIds:             pulumi.ToStringArray(c.SubnetIDs()),
		EndpointPublicAccess:  pulumi.Bool(c.EndpointPublic),
		EndpointPrivateAccess: pulumi.Bool(c.EndpointPrivate),
	}
	if c.EndpointPublic {
		cidrs := c.PublicAccessCidrs
		if len(cidrs) == 0 {
			cidrs = []string{"0.0.0.0/0"}
		}
		vpc.PublicAccessCidrs = pulumi.ToStringArray(cidrs)
	}
	cluster, err := eks.NewCluster(b.ctx, b.child("cluster"), &eks.ClusterArgs{
		Name:                   pulumi.String(c.Name),
		Version:                pulumi.String(c.Version),
		RoleArn:                role.Role.Arn,
		VpcConfig:              vpc,
		EnabledClusterLogTypes: pulumi.ToStringArray(c.LogTypes),
		EncryptionConfig:       encryption,
		AccessConfig: eks.ClusterAccessConfigArgs{
			AuthenticationMode:                      pulumi.String(c.AuthenticationMode),
			BootstrapClusterCreatorAdminPermissions: pulumi.Bool(c.BootstrapCreatorAdmin),
		},
		// vpc-cni, kube-proxy and coredns are EKS managed add-ons of the platform, so
		// EKS must not also install self-managed copies for them to fight over.
		BootstrapSelfManagedAddons: pulumi.Bool(false),
		Tags:                       b.tags(nil),
	}, b.opts(pulumi.DependsOn(before))...)
	if err != nil {
		return nil, err
	}
	return &clusterResult{Cluster: cluster, Role: role.Role, KmsKeyArn: keyArn, Name: cluster.Name}, nil
}

// secretsKey returns the ARN of the key that encrypts secrets: the user's, or a key the
// platform makes with rotation on. Either way the cluster role gets an inline policy to
// use exactly that key, which the cluster waits for (appended to before).
func (b *build) secretsKey(role *iam.Role, before *[]pulumi.Resource) (pulumi.StringOutput, error) {
	c := b.cfg.Cluster
	var keyArn pulumi.StringOutput
	if c.KmsKeyArn != nil {
		keyArn = c.KmsKeyArn.ToStringOutput()
	} else {
		key, err := kms.NewKey(b.ctx, b.child("secrets-key"), &kms.KeyArgs{
			Description:          pulumi.String("Kubernetes secrets of EKS cluster " + c.Name),
			EnableKeyRotation:    pulumi.Bool(true),
			DeletionWindowInDays: pulumi.Int(30),
			Tags:                 b.tags(nil),
		}, b.opts()...)
		if err != nil {
			return keyArn, err
		}
		// The alias only names the key for people; the cluster does not wait for it.
		if _, err := kms.NewAlias(b.ctx, b.child("secrets-key-alias"), &kms.AliasArgs{
			Name:        pulumi.String("alias/eks/" + c.Name),
			TargetKeyId: key.KeyId,
		}, b.opts()...); err != nil {
			return keyArn, err
		}
		keyArn = key.Arn
		*before = append(*before, key)
	}
	policy, err := iam.NewRolePolicy(b.ctx, b.child("cluster-role-kms"), &iam.RolePolicyArgs{
		Role: role.Name,
		Policy: keyArn.ApplyT(func(arn string) string {
			return iampolicy.New(iampolicy.Statement{
				Effect:   "Allow",
				Action:   []string{"kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:ListGrants"},
				Resource: []string{arn},
			}).JSON()
		}).(pulumi.StringOutput),
	}, b.opts()...)
	if err != nil {
		return keyArn, err
	}
	*before = append(*before, policy)
	return keyArn, nil
}
