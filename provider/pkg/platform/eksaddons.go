package platform

import (
	"encoding/json"
	"maps"

	"github.com/eksplatform/pulumi-eksplatform/provider/pkg/addons"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/eks"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// nodeAddonsIn is what the node add-ons stage reads.
type nodeAddonsIn struct {
	EksAddonsConfig eksAddonsConfig
	ClusterConfig   clusterConfig
	Cluster         *clusterResult
	Identity        *identityResult
}

// nodeAddons makes the add-ons nodes need (rule 4): vpc-cni (pod networking),
// kube-proxy (service routing) and eks-pod-identity-agent. They are DaemonSets, so EKS
// reports them active with no node yet. vpc-cni and kube-proxy are what a node needs
// to become Ready when it joins (nodesJoinWith): the CNI, and the Service rules the
// CNI's daemon reaches the API server through.
//
// vpc-cni runs on an IAM role of its own with AmazonEKS_CNI_Policy, which the shared
// node role no longer has: pods that reach the node's credentials cannot manage ENIs.
// With IRSA the role trusts the OIDC provider, so the add-on follows it (rule 2, by
// data flow).
func (b *build) nodeAddons(in nodeAddonsIn) (*addonsResult, error) {
	c := in.EksAddonsConfig
	res := &addonsResult{RoleArns: map[string]pulumi.StringOutput{}}
	for _, a := range []eksAddonConfig{c.VpcCni, c.KubeProxy, c.PodIdentityAgent} {
		if !a.Enabled {
			continue
		}
		var role *serviceAccountRole
		if a.Name == addonVpcCni {
			var err error
			role, err = b.serviceAccountRole(eksAddonRoleSpec(in.ClusterConfig.Name, a, "vpc-cni", "Amazon VPC CNI",
				vpcCniServiceAccount, "AmazonEKS_CNI_Policy"), in.Identity)
			if err != nil {
				return nil, err
			}
			res.RoleArns[addonVpcCni] = role.arn
		}
		addon, err := b.eksAddon(in.Cluster, a, nil, role, nil)
		if err != nil {
			return nil, err
		}
		res.Ready = append(res.Ready, addon)
		if a.Name == addonVpcCni || a.Name == addonKubeProxy {
			res.nodesJoinWith = append(res.nodesJoinWith, addon)
		}
	}
	return res, nil
}

// workloadAddonsIn is what the workload add-ons stage reads.
type workloadAddonsIn struct {
	EksAddonsConfig eksAddonsConfig
	ClusterConfig   clusterConfig
	Cluster         *clusterResult
	Identity        *identityResult
	// After is what the add-ons wait for: the node add-ons and the compute that can
	// schedule them (the script's beforeSystemAddons, rule 4).
	After barrier
}

// workloadAddons makes the EKS add-ons that run pods (rule 4), after the compute in
// in.After: coredns (configured for Fargate when only Fargate can run it) and the EBS
// CSI driver with its own IAM role (IRSA or Pod Identity).
func (b *build) workloadAddons(in workloadAddonsIn) (*addonsResult, error) {
	c := in.EksAddonsConfig
	res := &addonsResult{RoleArns: map[string]pulumi.StringOutput{}}
	if c.Coredns.Enabled {
		var extra map[string]any
		if c.CorednsOnFargate {
			// Drops coredns's eks.amazonaws.com/compute-type: ec2 annotation so its pods
			// schedule on the kube-system Fargate profile.
			extra = map[string]any{"computeType": "Fargate"}
		}
		addon, err := b.eksAddon(in.Cluster, c.Coredns, extra, nil, in.After)
		if err != nil {
			return nil, err
		}
		res.Ready = append(res.Ready, addon)
	}
	if c.EbsCsiDriver.Enabled {
		role, err := b.serviceAccountRole(eksAddonRoleSpec(in.ClusterConfig.Name, c.EbsCsiDriver, "ebs-csi", "EBS CSI driver",
			ebsCsiDriverServiceAccount, "service-role/AmazonEBSCSIDriverPolicy"), in.Identity)
		if err != nil {
			return nil, err
		}
		addon, err := b.eksAddon(in.Cluster, c.EbsCsiDriver, nil, role, in.After)
		if err != nil {
			return nil, err
		}
		res.Ready = append(res.Ready, addon)
		res.RoleArns[addonEbsCsiDriver] = role.arn
	}
	return res, nil
}

// eksAddonRoleSpec is the role vpc-cni or the EBS CSI driver of cluster name runs as:
// "<name>-<short>-role" (IAM name "<cluster>-<short>"), trusted by exactly its
// kube-system service account, with one AWS-managed policy, attached as
// "<name>-<short>-role-<policy's name>". With Pod Identity the add-on names the
// association (eksAddon), and EKS makes it.
func eksAddonRoleSpec(name string, a eksAddonConfig, short, what, serviceAccount, managed string) serviceAccountRoleSpec {
	return serviceAccountRoleSpec{
		part:            short + "-role",
		roleName:        name + "-" + short,
		description:     what + " of EKS cluster " + name,
		identity:        a.Identity,
		namespace:       "kube-system",
		serviceAccounts: []string{serviceAccount},
		policies:        []rolePolicy{awsManagedPolicy(managed)},
	}
}

// eksAddon makes one EKS managed add-on. extra are configuration values the platform
// sets (the user's win over them); role is the one it runs as, if any; after is what it
// waits for.
func (b *build) eksAddon(cluster *clusterResult, a eksAddonConfig, extra map[string]any, role *serviceAccountRole,
	after barrier,
) (*eks.Addon, error) {
	args := &eks.AddonArgs{
		ClusterName: cluster.Name,
		AddonName:   pulumi.String(a.Name),
		// The platform owns the add-ons' configuration: fields EKS or someone else set
		// are overwritten by what the inputs say.
		ResolveConflictsOnCreate: pulumi.String(orOverwrite(a.OnCreate)),
		ResolveConflictsOnUpdate: pulumi.String(orOverwrite(a.OnUpdate)),
		ConfigurationValues:      configurationValues(a.Values, extra),
		Tags:                     b.tags(),
	}
	if role != nil {
		if role.identity == addons.PodIdentity {
			// EKS makes the association for each of the add-on's service accounts itself.
			var associations eks.AddonPodIdentityAssociationArray
			for _, sa := range role.serviceAccounts {
				associations = append(associations, eks.AddonPodIdentityAssociationArgs{
					RoleArn:        role.arn,
					ServiceAccount: pulumi.String(sa),
				})
			}
			args.PodIdentityAssociations = associations
		} else {
			args.ServiceAccountRoleArn = role.arn.ToStringPtrOutput()
		}
		// The role and its policies exist before the add-on's pods ask for credentials.
		after = join(role.ready, after)
	}
	opts := []pulumi.ResourceOption{pulumi.DependsOn(after)}
	if a.Version != nil {
		// The user's version: changing it upgrades (or downgrades) the add-on.
		args.AddonVersion = a.Version.ToStringOutput().ToStringPtrOutput()
	} else {
		// No version given: the default version for the Kubernetes version the control
		// plane runs once its own create or update is done (the cluster's version
		// output, so the add-on follows the control plane: kube-proxy must not be newer
		// than the API server). It is kept afterwards: AWS moves an add-on's default
		// version from time to time, and following it would update the add-on on some
		// unrelated later `pulumi up`, so ignoreChanges keeps the version in the state —
		// except on a run that moves the cluster to a new minor (upgrade.Following),
		// where every such add-on moves to the new minor's default.
		args.AddonVersion = eks.GetAddonVersionOutput(b.ctx, eks.GetAddonVersionOutputArgs{
			AddonName:         pulumi.String(a.Name),
			KubernetesVersion: cluster.Cluster.Version,
			MostRecent:        pulumi.Bool(false),
		}, pulumi.Parent(b.parent)).Version().ToStringPtrOutput()
		if !b.upgrade.Following {
			opts = append(opts, pulumi.IgnoreChanges([]string{"addonVersion"}))
		}
	}
	return eks.NewAddon(b.ctx, b.child(a.Name), args, b.opts(opts...)...)
}

// configurationValues renders the add-on's configuration as JSON with sorted keys
// (encoding/json sorts map keys), so it is the same bytes on every run. The user's
// values may hold Outputs, so they are rendered in an Apply. nil when there are none.
func configurationValues(values pulumi.MapInput, extra map[string]any) pulumi.StringPtrInput {
	if values == nil && len(extra) == 0 {
		return nil
	}
	if values == nil {
		values = pulumi.Map{}
	}
	return values.ToMapOutput().ApplyT(func(user map[string]any) (*string, error) {
		merged := maps.Clone(extra)
		if merged == nil {
			merged = map[string]any{}
		}
		maps.Copy(merged, user)
		if len(merged) == 0 {
			return nil, nil
		}
		out, err := json.Marshal(merged)
		if err != nil {
			return nil, err
		}
		s := string(out)
		return &s, nil
	}).(pulumi.StringPtrOutput)
}

// orOverwrite is a conflict resolution mode, OVERWRITE when not set.
func orOverwrite(mode string) string {
	if mode == "" {
		return "OVERWRITE"
	}
	return mode
}
