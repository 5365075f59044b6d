package platform

import (
	"encoding/json"
	"maps"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/eks"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// nodeAddons makes the add-ons nodes need (rule 4): vpc-cni (pod networking),
// kube-proxy (service routing) and eks-pod-identity-agent. They are DaemonSets, so EKS
// reports them active with no node yet.
func (b *build) nodeAddons(cluster *clusterResult) (*addonsResult, error) {
	c := b.cfg.EksAddons
	res := &addonsResult{RoleArns: map[string]pulumi.StringOutput{}}
	for _, a := range []eksAddonConfig{c.VpcCni, c.KubeProxy, c.PodIdentityAgent} {
		if !a.Enabled {
			continue
		}
		addon, err := b.eksAddon(cluster, a, nil, nil, nil)
		if err != nil {
			return nil, err
		}
		res.Ready = append(res.Ready, addon)
	}
	return res, nil
}

// workloadAddons makes the EKS add-ons that run pods (rule 4), after the compute in
// after: coredns (configured for Fargate when only Fargate can run it) and the EBS CSI
// driver with its IRSA role.
func (b *build) workloadAddons(cluster *clusterResult, identity *identityResult, after []pulumi.Resource) (*addonsResult, error) {
	c := b.cfg.EksAddons
	res := &addonsResult{RoleArns: map[string]pulumi.StringOutput{}}
	if c.Coredns.Enabled {
		var extra map[string]any
		if c.CorednsOnFargate {
			// Drops coredns's eks.amazonaws.com/compute-type: ec2 annotation so its pods
			// schedule on the kube-system Fargate profile.
			extra = map[string]any{"computeType": "Fargate"}
		}
		addon, err := b.eksAddon(cluster, c.Coredns, extra, nil, after)
		if err != nil {
			return nil, err
		}
		res.Ready = append(res.Ready, addon)
	}
	if c.EbsCsiDriver.Enabled {
		name := b.cfg.Cluster.Name
		role, err := b.newRole(roleSpec{
			part:        "ebs-csi-role",
			roleName:    name + "-ebs-csi",
			description: "EBS CSI driver of EKS cluster " + name,
			trust:       identity.irsaRoleTrust("kube-system", "ebs-csi-controller-sa"),
		})
		if err != nil {
			return nil, err
		}
		// Attached here rather than by newRole: the policy lives under service-role/,
		// which would put a '/' in the attachment's resource name.
		attachment, err := iam.NewRolePolicyAttachment(b.ctx, b.child("ebs-csi-role-AmazonEBSCSIDriverPolicy"), &iam.RolePolicyAttachmentArgs{
			Role:      role.Role.Name,
			PolicyArn: b.managedPolicyArn("service-role/AmazonEBSCSIDriverPolicy"),
		}, b.opts()...)
		if err != nil {
			return nil, err
		}
		deps := append(append([]pulumi.Resource{}, role.Ready...), attachment)
		addon, err := b.eksAddon(cluster, c.EbsCsiDriver, nil, role.Role.Arn, append(deps, after...))
		if err != nil {
			return nil, err
		}
		res.Ready = append(res.Ready, addon)
		res.RoleArns[addonEbsCsiDriver] = role.Role.Arn
	}
	return res, nil
}

// eksAddon makes one EKS managed add-on. extra are configuration values the platform
// sets (the user's win over them); roleArn is its IRSA role, if any; after is what it
// waits for.
func (b *build) eksAddon(cluster *clusterResult, a eksAddonConfig, extra map[string]any, roleArn pulumi.StringInput,
	after []pulumi.Resource,
) (*eks.Addon, error) {
	args := &eks.AddonArgs{
		ClusterName: cluster.Name,
		AddonName:   pulumi.String(a.Name),
		// The platform owns the add-ons' configuration: fields EKS or someone else set
		// are overwritten by what the inputs say.
		ResolveConflictsOnCreate: pulumi.String("OVERWRITE"),
		ResolveConflictsOnUpdate: pulumi.String("OVERWRITE"),
		ConfigurationValues:      configurationValues(a.Values, extra),
		Tags:                     b.tags(),
	}
	if roleArn != nil {
		args.ServiceAccountRoleArn = roleArn.ToStringOutput().ToStringPtrOutput()
	}
	opts := []pulumi.ResourceOption{pulumi.DependsOn(after)}
	if a.Version != nil {
		// The user's version: changing it upgrades (or downgrades) the add-on.
		args.AddonVersion = a.Version.ToStringOutput().ToStringPtrOutput()
	} else {
		// No version given: create with the default version for the cluster's
		// Kubernetes version, then keep it. AWS moves an add-on's default version from
		// time to time; following it would update the add-on on some unrelated later
		// `pulumi up`. ignoreChanges keeps the version in the state (and is not applied
		// when the user gives a version, so an explicit version still upgrades).
		args.AddonVersion = eks.GetAddonVersionOutput(b.ctx, eks.GetAddonVersionOutputArgs{
			AddonName:         pulumi.String(a.Name),
			KubernetesVersion: pulumi.String(b.cfg.Cluster.Version),
			MostRecent:        pulumi.Bool(false),
		}, pulumi.Parent(b.parent)).Version().ToStringPtrOutput()
		opts = append(opts, pulumi.IgnoreChanges([]string{"addonVersion"}))
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
