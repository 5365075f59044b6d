package platform

import (
	"fmt"
	"path"

	"github.com/eksplatform/pulumi-eksplatform/provider/pkg/addons"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/eks"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// The IAM roles the platform makes: newRole for every role, serviceAccountRole for the
// roles workloads run as (add-ons, Karpenter, the user's charts), and the ways a role is
// given its permissions (rolePolicy). Their trust policies are in iam_trust.go.

// managedPolicyArn is the ARN of an AWS-managed policy in the current partition
// (aws, aws-cn, aws-us-gov), so the platform works outside the commercial regions.
func (b *build) managedPolicyArn(policy string) pulumi.StringOutput {
	return b.partition.ApplyT(func(partition string) string {
		return fmt.Sprintf("arn:%s:iam::aws:policy/%s", partition, policy)
	}).(pulumi.StringOutput)
}

// roleSpec describes an IAM role the platform makes.
type roleSpec struct {
	// part is the child-name suffix: the resource is "<name>-<part>".
	part string
	// roleName is the IAM name; physicalName keeps it within IAM's 64 characters.
	roleName        string
	description     string
	trust           pulumi.StringInput
	managedPolicies []string
	extraTags       map[string]string
	opts            []pulumi.ResourceOption
}

// madeRole is a role and the resources that must exist before it is usable.
type madeRole struct {
	Role *iam.Role
	// Ready holds the role and its policy attachments: a consumer depends on all of
	// them, or it could start before its permissions exist.
	Ready []pulumi.Resource
}

// newRole makes an IAM role with AWS-managed policies (names without a path) attached
// by ARN, as "<part>-<policy>". Attachments are independent of one another and run in
// parallel.
func (b *build) newRole(spec roleSpec) (*madeRole, error) {
	role, err := iam.NewRole(b.ctx, b.child(spec.part), &iam.RoleArgs{
		Name:             pulumi.String(physicalName(spec.roleName, 64)),
		Description:      pulumi.String(spec.description),
		AssumeRolePolicy: spec.trust,
		Tags:             b.tags(plainMapOf(spec.extraTags)),
	}, b.opts(spec.opts...)...)
	if err != nil {
		return nil, err
	}
	made := &madeRole{Role: role, Ready: []pulumi.Resource{role}}
	for _, policy := range spec.managedPolicies {
		attached, err := managedPolicy{key: policy, path: policy}.attach(b, role, spec.part)
		if err != nil {
			return nil, err
		}
		made.Ready = append(made.Ready, attached...)
	}
	return made, nil
}

// instanceRole makes a role EC2 instances run as, through an instance profile: the
// nodes of node groups, of Auto Mode and of Karpenter.
func (b *build) instanceRole(part, roleName, description string, managedPolicies []string) (*madeRole, error) {
	return b.newRole(roleSpec{
		part:            part,
		roleName:        roleName,
		description:     description,
		trust:           pulumi.String(serviceTrust("ec2.amazonaws.com", nil).JSON()),
		managedPolicies: managedPolicies,
	})
}

// rolePolicy is one way a role is given permissions. attach makes its resources for
// the role whose child-name part is rolePart and returns them, in the order made.
type rolePolicy interface {
	attach(b *build, role *iam.Role, rolePart string) ([]pulumi.Resource, error)
}

// managedPolicy is an AWS-managed policy, by its path under
// arn:<partition>:iam::aws:policy/ ("AmazonEKS_CNI_Policy",
// "service-role/AmazonEBSCSIDriverPolicy"), attached as "<role part>-<key>".
type managedPolicy struct{ key, path string }

// awsManagedPolicy is the managed policy at path, keyed by its name: the key has no
// '/', which a resource name must not have.
func awsManagedPolicy(policyPath string) managedPolicy {
	return managedPolicy{key: path.Base(policyPath), path: policyPath}
}

func (p managedPolicy) attach(b *build, role *iam.Role, rolePart string) ([]pulumi.Resource, error) {
	return policyArn{key: p.key, arn: b.managedPolicyArn(p.path)}.attach(b, role, rolePart)
}

// policyArn is a policy given by its ARN (the user's), attached as "<role part>-<key>".
type policyArn struct {
	key string
	arn pulumi.StringInput
}

func (p policyArn) attach(b *build, role *iam.Role, rolePart string) ([]pulumi.Resource, error) {
	return madeOne(iam.NewRolePolicyAttachment(b.ctx, b.child(rolePart+"-"+p.key), &iam.RolePolicyAttachmentArgs{
		Role:      role.Name,
		PolicyArn: p.arn,
	}, b.opts()...))
}

// policyDocument is a customer-managed policy the platform makes from a JSON document
// and attaches: resources "<part>" and "<part>-attachment", named by a part of their
// own rather than the role's (the names the first releases gave them).
type policyDocument struct {
	part string
	// name is the IAM name, kept within IAM's 128 characters.
	name, description string
	document          pulumi.StringInput
}

func (p policyDocument) attach(b *build, role *iam.Role, _ string) ([]pulumi.Resource, error) {
	policy, err := iam.NewPolicy(b.ctx, b.child(p.part), &iam.PolicyArgs{
		Name:        pulumi.String(physicalName(p.name, 128)),
		Description: pulumi.String(p.description),
		Policy:      p.document,
		Tags:        b.tags(),
	}, b.opts()...)
	if err != nil {
		return nil, err
	}
	attached, err := policyArn{key: "attachment", arn: policy.Arn}.attach(b, role, p.part)
	if err != nil {
		return nil, err
	}
	return append([]pulumi.Resource{policy}, attached...), nil
}

// inlinePolicy is a JSON document put on the role itself, as "<role part>-inline".
type inlinePolicy struct {
	// name is the IAM name, kept within IAM's 128 characters.
	name     string
	document pulumi.StringInput
}

func (p inlinePolicy) attach(b *build, role *iam.Role, rolePart string) ([]pulumi.Resource, error) {
	return madeOne(iam.NewRolePolicy(b.ctx, b.child(rolePart+"-inline"), &iam.RolePolicyArgs{
		Role:   role.Name,
		Name:   pulumi.String(physicalName(p.name, 128)),
		Policy: p.document,
	}, b.opts()...))
}

// madeOne is a resource just made as the list attach returns.
func madeOne[R pulumi.Resource](r R, err error) ([]pulumi.Resource, error) {
	if err != nil {
		return nil, err
	}
	return []pulumi.Resource{r}, nil
}

// serviceAccountRoleSpec is the IAM role of a workload's service accounts.
type serviceAccountRoleSpec struct {
	// part, roleName and description are the role's, as in roleSpec.
	part, roleName, description string
	// identity is how the role is assumed (addons.IRSA or addons.PodIdentity);
	// namespace and serviceAccounts are exactly who may assume it.
	identity        string
	namespace       string
	serviceAccounts []string
	// policies are the role's permissions, made in this order.
	policies []rolePolicy
	// association, with Pod Identity, is the association the platform makes for the
	// role's one service account; nil when the role's user makes it (an EKS add-on
	// names its associations itself, and EKS makes them).
	association *podIdentityAssociation
}

// podIdentityAssociation is a Pod Identity association the platform makes:
// "<name>-<part>" in cluster, after the agent that answers it.
type podIdentityAssociation struct {
	part    string
	cluster pulumi.StringInput
	agent   []pulumi.Resource
}

// serviceAccountRole is a workload's role: its ARN, how and by whom it is assumed, and
// what must exist before the workload's pods ask for credentials.
type serviceAccountRole struct {
	arn      pulumi.StringOutput
	identity string
	// serviceAccounts run as the role.
	serviceAccounts []string
	// ready holds the role, its policies and attachments, and the association.
	ready []pulumi.Resource
}

// serviceAccountRole makes the role service accounts run as: trusted by exactly those
// service accounts of this cluster through EKS Pod Identity, or through the cluster's
// OIDC provider (IRSA); its policies; and with Pod Identity the association when the
// platform makes it. The service accounts come from the caller's one source, the same
// one the workload's configuration uses.
func (b *build) serviceAccountRole(spec serviceAccountRoleSpec, identity *identityResult) (*serviceAccountRole, error) {
	role, err := b.newRole(roleSpec{
		part:        spec.part,
		roleName:    spec.roleName,
		description: spec.description,
		trust:       b.serviceAccountTrust(spec.identity, identity, spec.namespace, spec.serviceAccounts...),
	})
	if err != nil {
		return nil, err
	}
	made := &serviceAccountRole{arn: role.Role.Arn, identity: spec.identity, serviceAccounts: spec.serviceAccounts,
		ready: append([]pulumi.Resource{}, role.Ready...)}
	for _, policy := range spec.policies {
		attached, err := policy.attach(b, role.Role, spec.part)
		if err != nil {
			return nil, err
		}
		made.ready = append(made.ready, attached...)
	}
	if a := spec.association; a != nil && spec.identity == addons.PodIdentity {
		if len(spec.serviceAccounts) != 1 {
			return nil, fmt.Errorf("internal error: role %s: the platform makes a Pod Identity association for one service account, not %d", spec.part, len(spec.serviceAccounts))
		}
		assoc, err := eks.NewPodIdentityAssociation(b.ctx, b.child(a.part), &eks.PodIdentityAssociationArgs{
			ClusterName:    a.cluster,
			Namespace:      pulumi.String(spec.namespace),
			ServiceAccount: pulumi.String(spec.serviceAccounts[0]),
			RoleArn:        role.Role.Arn,
			Tags:           b.tags(),
		}, b.opts(pulumi.DependsOn(a.agent))...)
		if err != nil {
			return nil, err
		}
		made.ready = append(made.ready, assoc)
	}
	return made, nil
}
