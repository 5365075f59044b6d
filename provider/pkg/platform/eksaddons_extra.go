package platform

import "github.com/pulumi/pulumi/sdk/v3/go/pulumi"

// extraEksAddonsIn is what one call of the extra EKS add-ons stage reads.
type extraEksAddonsIn struct {
	// Extra are the eksAddons.extra add-ons of one placement
	// (eksAddonsConfig.extraEksAddonsPlaced).
	Extra         []extraEksAddonConfig
	ClusterConfig clusterConfig
	Cluster       *clusterResult
	Identity      *identityResult
	// After is what an add-on of a namespace waits for.
	After namespaceBarrier
}

// extraEksAddons makes the eksAddons.extra add-ons of one placement (runStages calls it
// once with the node add-ons and once after compute, rule 4): each with its own IAM
// role when it has policies, waiting for in.After(its namespace).
func (b *build) extraEksAddons(in extraEksAddonsIn) (*addonsResult, error) {
	res := &addonsResult{RoleArns: map[string]pulumi.StringOutput{}}
	for _, a := range in.Extra {
		var role *serviceAccountRole
		if a.HasRole() {
			var err error
			if role, err = b.serviceAccountRole(extraEksAddonRoleSpec(in.ClusterConfig.Name, a), in.Identity); err != nil {
				return nil, err
			}
			res.RoleArns[a.Name] = role.arn
		}
		addon, err := b.eksAddon(in.Cluster, eksAddonConfig{
			Name: a.Name, Enabled: true, Version: a.Version, Values: a.Values,
			OnCreate: a.OnCreate, OnUpdate: a.OnUpdate,
		}, nil, role, in.After(a.Namespace))
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

// extraEksAddonRoleSpec is the role an extra add-on of cluster runs as: trusted by exactly its
// service accounts through the OIDC provider (IRSA, set as the add-on's
// serviceAccountRoleArn) or by EKS Pod Identity for those service accounts of this
// cluster (named by the add-on's own podIdentityAssociations, so EKS makes and deletes
// the associations with the add-on), with its managed policies attached and its inline
// policy, if any. eksAddon makes the add-on wait for all of them, so its pods never
// start without their permissions.
func extraEksAddonRoleSpec(cluster string, a extraEksAddonConfig) serviceAccountRoleSpec {
	var policies []rolePolicy
	for _, policy := range a.Policies {
		if policy.Arn == nil {
			policies = append(policies, managedPolicy{key: policy.Key, path: policy.Managed})
		} else {
			policies = append(policies, policyArn{key: policy.Key, arn: policy.Arn})
		}
	}
	if a.IamPolicy != nil {
		policies = append(policies, inlinePolicy{name: cluster + "-addon-" + a.Name, document: a.IamPolicy})
	}
	return serviceAccountRoleSpec{
		part:            "eks-addon-" + a.Name + "-role",
		roleName:        cluster + "-addon-" + a.Name,
		description:     "EKS add-on " + a.Name + " of EKS cluster " + cluster,
		identity:        a.Identity,
		namespace:       a.Namespace,
		serviceAccounts: a.serviceAccounts(),
		policies:        policies,
	}
}
