package platform

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/eks"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// accessIn is what accessEntries reads: the access inputs, and the cluster.
type accessIn struct {
	AccessConfig accessConfig
	Cluster      *clusterResult
}

// accessEntries grants access to the cluster through EKS access entries with their
// policy associations (API, API_AND_CONFIG_MAP modes; rule 3: compute waits for them).
//
// Node roles get no access entry from the platform: in the API modes EKS creates the
// EC2_LINUX (or EC2_WINDOWS) entry of a managed node group's role, and the
// FARGATE_LINUX entry of a profile's pod execution role, when it creates the group or
// profile. A second entry made here would fail with ResourceInUseException, and
// deleting it on destroy would cut off nodes EKS still tracks. In the modes that read
// aws-auth the platform maps the node and Fargate roles itself (awsauth.go), because the
// ConfigMap is written before any node exists and a later update must keep them.
func (b *build) accessEntries(in accessIn) (*readyResult, error) {
	cfg, cluster := in.AccessConfig, in.Cluster
	res := &readyResult{}
	if cfg.CallerIsAdmin {
		// The entry is for the role behind the caller's session (an assumed-role
		// session ARN is not a valid principal), as terraform-aws-eks does. When someone
		// else runs `pulumi up`, only this entry's principal changes: the entry and its
		// association are replaced, the cluster is untouched.
		caller := aws.GetCallerIdentityOutput(b.ctx, aws.GetCallerIdentityOutputArgs{}, pulumi.Parent(b.parent))
		issuer := iam.GetSessionContextOutput(b.ctx, iam.GetSessionContextOutputArgs{Arn: caller.Arn()},
			pulumi.Parent(b.parent)).IssuerArn()
		err := b.accessEntry(cluster, accessEntryConfig{
			Path:         "callerIsAdmin",
			Key:          "caller",
			PrincipalArn: issuer,
			Type:         "STANDARD",
			Policies:     []accessPolicyConfig{{Name: accessPolicyNames["ClusterAdmin"]}},
		}, res)
		if err != nil {
			return nil, err
		}
	}
	for _, e := range cfg.Entries {
		if err := b.accessEntry(cluster, e, res); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// accessEntry makes one access entry and its policy associations, appending them to
// res.Ready.
func (b *build) accessEntry(cluster *clusterResult, e accessEntryConfig, res *readyResult) error {
	args := &eks.AccessEntryArgs{
		ClusterName:      cluster.Name,
		PrincipalArn:     e.PrincipalArn,
		Type:             pulumi.String(e.Type),
		KubernetesGroups: e.KubernetesGroups,
		Tags:             b.tags(),
	}
	if e.Username != nil && !isEmpty(e.Username) {
		args.UserName = e.Username.ToStringOutput().ToStringPtrOutput()
	}
	entry, err := eks.NewAccessEntry(b.ctx, b.child("access-"+e.Key), args, b.opts(b.aliasedFrom(e.LegacyKey, "access-"+e.LegacyKey))...)
	if err != nil {
		return err
	}
	res.Ready = append(res.Ready, entry)
	for _, policy := range e.Policies {
		scope := eks.AccessPolicyAssociationAccessScopeArgs{Type: pulumi.String("cluster")}
		if len(policy.Namespaces) > 0 {
			scope = eks.AccessPolicyAssociationAccessScopeArgs{
				Type:       pulumi.String("namespace"),
				Namespaces: pulumi.ToStringArray(policy.Namespaces),
			}
		}
		assoc, err := eks.NewAccessPolicyAssociation(b.ctx, b.child("access-"+e.Key+"-"+policy.Name), &eks.AccessPolicyAssociationArgs{
			ClusterName: cluster.Name,
			// From the entry, so the association follows it (EKS needs the entry first).
			PrincipalArn: entry.PrincipalArn,
			PolicyArn:    b.accessPolicyArn(policy),
			AccessScope:  scope,
		}, b.opts(b.aliasedFrom(e.LegacyKey, "access-"+e.LegacyKey+"-"+policy.Name))...)
		if err != nil {
			return err
		}
		res.Ready = append(res.Ready, assoc)
	}
	return nil
}

// accessPolicyArn is the policy's ARN as given, or looked up by name in the cluster's
// partition.
func (b *build) accessPolicyArn(policy accessPolicyConfig) pulumi.StringInput {
	if policy.Arn != "" {
		return pulumi.String(policy.Arn)
	}
	return b.partition.ApplyT(func(partition string) string {
		return fmt.Sprintf("arn:%s:eks::aws:cluster-access-policy/%s", partition, policy.Name)
	}).(pulumi.StringOutput)
}

// aliasedFrom is an alias to the child name part an earlier version used; no option
// when when is "".
func (b *build) aliasedFrom(when, part string) pulumi.ResourceOption {
	if when == "" {
		return pulumi.Aliases(nil)
	}
	return pulumi.Aliases([]pulumi.Alias{{Name: pulumi.String(b.child(part))}})
}
