package platform

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// extraEksAddons makes the eksAddons.extra add-ons of one placement (New calls it once
// with the node add-ons and once after compute, rule 4): each with its own IAM role
// when it has policies, waiting for after(its namespace).
func (b *build) extraEksAddons(cluster *clusterResult, identity *identityResult, list []extraEksAddonConfig,
	after func(namespace string) []pulumi.Resource,
) (*addonsResult, error) {
	res := &addonsResult{RoleArns: map[string]pulumi.StringOutput{}}
	for _, a := range list {
		var role *addonRole
		if a.HasRole() {
			var err error
			if role, err = b.extraEksAddonRole(a, identity); err != nil {
				return nil, err
			}
			res.RoleArns[a.Name] = role.arn
		}
		addon, err := b.eksAddon(cluster, eksAddonConfig{
			Name: a.Name, Enabled: true, Version: a.Version, Values: a.Values,
			OnCreate: a.OnCreate, OnUpdate: a.OnUpdate,
		}, nil, role, after(a.Namespace))
		if err != nil {
			return nil, err
		}
		res.Ready = append(res.Ready, addon)
	}
	return res, nil
}

// serviceAccounts are the ones its role is for: the add-on's, then the table's others.
func (a extraEksAddonConfig) serviceAccounts() []string {
	return append([]string{a.ServiceAccount}, a.AlsoServiceAccounts...)
}

// extraEksAddonRole makes the role an extra add-on runs as: trusted by exactly its
// service accounts through the OIDC provider (IRSA, set as the add-on's
// serviceAccountRoleArn) or by EKS Pod Identity for that service account of this cluster (named by
// the add-on's own podIdentityAssociations, so EKS makes and deletes the association
// with the add-on), with its managed policies attached and its inline policy, if any.
// eksAddon makes the add-on wait for all of them, so its pods never start without
// their permissions.
func (b *build) extraEksAddonRole(a extraEksAddonConfig, identity *identityResult) (*addonRole, error) {
	cluster := b.cfg.Cluster.Name
	part := "eks-addon-" + a.Name + "-role"
	role, err := b.newRole(roleSpec{
		part:        part,
		roleName:    cluster + "-addon-" + a.Name,
		description: "EKS add-on " + a.Name + " of EKS cluster " + cluster,
		trust:       b.serviceAccountTrust(a.Identity, identity, a.Namespace, a.serviceAccounts()...),
	})
	if err != nil {
		return nil, err
	}
	ready := append([]pulumi.Resource{}, role.Ready...)
	for _, policy := range a.Policies {
		arn := policy.Arn
		if arn == nil {
			arn = b.managedPolicyArn(policy.Managed)
		}
		attachment, err := iam.NewRolePolicyAttachment(b.ctx, b.child(part+"-"+policy.Key), &iam.RolePolicyAttachmentArgs{
			Role:      role.Role.Name,
			PolicyArn: arn,
		}, b.opts()...)
		if err != nil {
			return nil, err
		}
		ready = append(ready, attachment)
	}
	if a.IamPolicy != nil {
		inline, err := iam.NewRolePolicy(b.ctx, b.child(part+"-inline"), &iam.RolePolicyArgs{
			Role:   role.Role.Name,
			Name:   pulumi.String(physicalName(cluster+"-addon-"+a.Name, 128)),
			Policy: a.IamPolicy,
		}, b.opts()...)
		if err != nil {
			return nil, err
		}
		ready = append(ready, inline)
	}
	return &addonRole{arn: role.Role.Arn, identity: a.Identity, serviceAccounts: a.serviceAccounts(), ready: ready}, nil
}
