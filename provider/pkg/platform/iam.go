package platform

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

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

// newRole makes an IAM role with AWS-managed policies attached by ARN. Attachments are
// independent of one another and run in parallel.
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
		attachment, err := iam.NewRolePolicyAttachment(b.ctx, b.child(spec.part+"-"+policy), &iam.RolePolicyAttachmentArgs{
			Role:      role.Name,
			PolicyArn: b.managedPolicyArn(policy),
		}, b.opts()...)
		if err != nil {
			return nil, err
		}
		made.Ready = append(made.Ready, attachment)
	}
	return made, nil
}
