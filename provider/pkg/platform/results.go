package platform

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/eks"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// What the later stages hand on. Each Ready list is what a consumer must depend on to
// be ordered after the stage; stages pass Ready lists forward rather than relying on the
// data flow, because many orderings (aws-auth before nodes, coredns after nodes) carry
// no data.

// workerRolesResult holds the roles nodes and Fargate pods run as. They exist before the
// access stage, which maps them (aws-auth) or gives them access entries.
type workerRolesResult struct {
	// NodeRole is the shared node role; nil when no node group uses it.
	NodeRole *madeRole
	// NodeRoleArn is the shared node role's ARN, "" when there is none.
	NodeRoleArn pulumi.StringOutput
	// NodeRoleArns are every role nodes run as: the shared one and groups' own roles.
	NodeRoleArns []pulumi.StringInput
	// FargateRole is the pod execution role; nil without Fargate profiles.
	FargateRole *madeRole
	// FargateRoleArn is its ARN, "" when there is none.
	FargateRoleArn pulumi.StringOutput
	Ready          []pulumi.Resource
}

// accessResult is everything that grants access: access entries, their policy
// associations and the aws-auth ConfigMap. Compute waits for all of it (rule 3).
type accessResult struct {
	Ready []pulumi.Resource
}

// computeResult is the node groups and Fargate profiles. Add-ons that need running nodes
// wait for all of it (rule 4).
type computeResult struct {
	NodeGroups      []*eks.NodeGroup
	FargateProfiles []*eks.FargateProfile
	Ready           []pulumi.Resource
}

// addonsResult is a set of add-ons and the IAM roles made for them, by add-on name.
type addonsResult struct {
	Ready    []pulumi.Resource
	RoleArns map[string]pulumi.StringOutput
}
