package platform

import "github.com/pulumi/pulumi/sdk/v3/go/pulumi"

// workerRoles makes the node and Fargate pod execution roles. Not built yet.
func (b *build) workerRoles(cluster *clusterResult) (*workerRolesResult, error) {
	empty := pulumi.String("").ToStringOutput()
	return &workerRolesResult{NodeRoleArn: empty, FargateRoleArn: empty}, nil
}

// compute makes node groups and Fargate profiles. Not built yet.
func (b *build) compute(cluster *clusterResult, workers *workerRolesResult, access *accessResult, base *addonsResult) (*computeResult, error) {
	return &computeResult{}, nil
}
