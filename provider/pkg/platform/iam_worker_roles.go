package platform

import "github.com/pulumi/pulumi/sdk/v3/go/pulumi"

// Policies of the shared node role, as EKS documents them for managed node groups,
// except AmazonEKS_CNI_Policy: vpc-cni has a role of its own (eksaddons.go), so a pod
// that reaches the node's credentials cannot create, attach or delete ENIs.
var nodeRolePolicies = []string{"AmazonEKSWorkerNodePolicy", "AmazonEC2ContainerRegistryReadOnly"}

// workerRolesIn is what the worker roles stage reads.
type workerRolesIn struct {
	ComputeConfig  computeConfig
	ClusterConfig  clusterConfig
	AutoModeConfig autoModeConfig
}

// workerRoles makes the roles nodes and Fargate pods run as: the shared node role when
// some node group has no nodeRoleArn of its own, the Fargate pod execution role when
// there are profiles. Neither needs the cluster (the Fargate trust names it by its
// plain name), so both run in parallel with it (rule 8); the access stage maps them.
func (b *build) workerRoles(in workerRolesIn) (*workerRolesResult, error) {
	c := in.ComputeConfig
	name := in.ClusterConfig.Name
	empty := pulumi.String("").ToStringOutput()
	res := &workerRolesResult{NodeRoleArn: empty, FargateRoleArn: empty, AutoNodeRoleArn: empty}
	if err := b.autoModeNodeRole(in, res); err != nil {
		return nil, err
	}

	if c.UsesSharedNodeRole() {
		policies := nodeRolePolicies
		if c.NodeSsmAccess {
			policies = append(policies[:len(policies):len(policies)], "AmazonSSMManagedInstanceCore")
		}
		role, err := b.instanceRole("node-role", name+"-node", "Nodes of EKS cluster "+name, policies)
		if err != nil {
			return nil, err
		}
		res.NodeRole = role
		res.NodeRoleArn = role.Role.Arn
		res.Ready = append(res.Ready, role.Ready...)
	}

	if len(c.FargateProfiles) > 0 {
		role, err := b.newRole(roleSpec{
			part:            "fargate-role",
			roleName:        name + "-fargate",
			description:     "Fargate pod execution role of EKS cluster " + name,
			trust:           b.fargateRoleTrust(),
			managedPolicies: []string{"AmazonEKSFargatePodExecutionRolePolicy"},
		})
		if err != nil {
			return nil, err
		}
		res.FargateRole = role
		res.FargateRoleArn = role.Role.Arn
		res.Ready = append(res.Ready, role.Ready...)
	}
	return res, nil
}

// autoModeNodeRole is the role Auto Mode's instances run as, with the two managed
// policies AWS documents for it (the minimal worker policy and ECR pull-only; no CNI
// policy, which Auto Mode's networking has through the cluster role). Its name is fixed,
// so its ARN never changes: EKS does not let the node role of a running Auto Mode
// cluster change, and the provider would replace the cluster for it.
func (b *build) autoModeNodeRole(in workerRolesIn, res *workerRolesResult) error {
	a := in.AutoModeConfig
	switch {
	case !a.NeedsNodeRole():
		return nil
	case a.NodeRoleArn != nil:
		res.AutoNodeRoleArn = a.NodeRoleArn.ToStringOutput()
		return nil
	}
	name := in.ClusterConfig.Name
	// Auto Mode launches EC2 instances with this role's instance profile.
	role, err := b.instanceRole("auto-node-role", name+"-auto-node", "EKS Auto Mode nodes of "+name, autoModeNodePolicies)
	if err != nil {
		return err
	}
	res.AutoNodeRole = role
	res.AutoNodeRoleArn = role.Role.Arn
	res.AutoReady = role.Ready
	return nil
}
