package platform

import (
	"github.com/eksplatform/pulumi-eksplatform/provider/pkg/addons"
	helmv3 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/helm/v3"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// helmAddonsIn is what one call of the Helm add-ons stage reads.
type helmAddonsIn struct {
	// Install are the catalogue add-ons and user's charts this call installs: one part of
	// HelmAddonsConfig (helmAddonsConfig.split).
	Install helmAddonsConfig
	// HelmAddonsConfig is the whole section: a user's release named like a catalogue
	// add-on with a role reports its role under <namespace>/<name> (catalogueRole).
	HelmAddonsConfig helmAddonsConfig
	ClusterConfig    clusterConfig
	Cluster          *clusterResult
	Identity         *identityResult
	Kube             *kubeResult
	// PodIdentity is what the platform's Pod Identity associations wait for: the agent.
	PodIdentity barrier
	// CRDs is what the charts' CRDs wait for: the component's access to the API server.
	CRDs barrier
	// After is what a release of a namespace waits for (rules 4, 6 and 9).
	After namespaceBarrier
}

// helmAddons installs the catalogue add-ons and the user's own charts of in.Install
// (rule 6): each release uses the component's Kubernetes provider (rule 7) and waits for
// its IAM role, policy and association and for in.After(its namespace), which runStages
// builds. Pod Identity associations wait for in.PodIdentity. An add-on whose chart's
// CRDs the catalogue vendors gets them as resources of their own (crds.go), which wait
// for in.CRDs, and its release waits for them and skips the chart's crds/. Releases of
// one call are independent of one another and install in parallel.
func (b *build) helmAddons(in helmAddonsIn) (*addonsResult, error) {
	out := &addonsResult{RoleArns: map[string]pulumi.StringOutput{}}
	cfg, cluster, kube, name := in.Install, in.Cluster, in.Kube, in.ClusterConfig.Name
	if len(cfg.Addons) == 0 && len(cfg.Releases) == 0 {
		return out, nil
	}
	vpcID := cluster.Cluster.VpcConfig.VpcId().Elem()

	for _, c := range cfg.Addons {
		a := c.Addon
		roleArn := pulumi.String("").ToStringOutput()
		var ready []pulumi.Resource
		if c.HasRole() {
			ctx := addons.PolicyContext{ClusterName: name, Settings: c.Settings}
			policy := b.partition.ApplyT(func(partition string) (string, error) {
				pc := ctx
				pc.Partition = partition
				return a.Policy(pc)
			}).(pulumi.StringOutput)
			if addons.PolicyPending(c.Settings) {
				// At preview, with the ARNs or zones the policy names not known yet, the
				// policy is unknown too (never a policy of what is known so far).
				policy = pulumi.UnsafeUnknownOutput(nil).ApplyT(func(any) string { return "" }).(pulumi.StringOutput)
			}
			made, err := b.serviceAccountRole(helmRoleSpec(a.Name, name+"-"+a.Name,
				a.Chart+" add-on of "+name, policy, c.Namespace, a.ServiceAccount, c.Identity,
				cluster, in.PodIdentity), in.Identity)
			if err != nil {
				return nil, err
			}
			roleArn, ready = made.arn, made.ready
			out.RoleArns[a.Name] = roleArn
		}
		values := pulumi.All(roleArn, vpcID, b.region, userValues(c.Values)).ApplyT(func(v []any) (map[string]any, error) {
			platform := a.Render(addons.ValuesContext{
				ClusterName:       name,
				KubernetesVersion: in.ClusterConfig.Version,
				Region:            v[2].(string),
				VpcID:             v[1].(string),
				Namespace:         c.Namespace,
				Identity:          c.Identity,
				RoleArn:           v[0].(string),
				Settings:          c.Settings,
			})
			// The platform's entries of the add-on's MergedLists survive the user's lists
			// (validation has rejected values that would remove what the platform needs).
			return a.MergeValues(platform, v[3].(map[string]any)), nil
		}).(pulumi.MapOutput)
		args := &helmv3.ReleaseArgs{
			Name:            pulumi.String(a.Name),
			Chart:           pulumi.String(a.Chart),
			Version:         pulumi.String(c.Version),
			RepositoryOpts:  &helmv3.RepositoryOptsArgs{Repo: pulumi.String(a.Repository)},
			Namespace:       pulumi.String(c.Namespace),
			CreateNamespace: pulumi.Bool(true),
			Atomic:          pulumi.Bool(true),
			Timeout:         pulumi.Int(defaultHelmTimeout),
			Values:          values,
		}
		// The chart's CRDs, when the catalogue vendors them, are the platform's own
		// resources (crds.go), applied before the release, which then skips crds/.
		var crds []pulumi.Resource
		if b.vendorsCRDs(a, c.Version) {
			var err error
			if crds, err = b.crds(a, kube, in.CRDs); err != nil {
				return nil, err
			}
			args.SkipCrds = pulumi.Bool(true)
		}
		release, err := helmv3.NewRelease(b.ctx, b.child(a.Name), args,
			b.opts(pulumi.Provider(kube.Provider), pulumi.DependsOn(join(ready, in.After(c.Namespace), crds)))...)
		if err != nil {
			return nil, err
		}
		out.Ready = append(out.Ready, release)
		if len(a.GuardsAPIGroups) > 0 {
			out.Guards = append(out.Guards, release)
		}
	}

	for _, c := range cfg.Releases {
		part := "release-" + c.Namespace + "-" + c.Name
		var ready []pulumi.Resource
		values := c.Values
		if c.HasRole() {
			made, err := b.serviceAccountRole(helmRoleSpec(part, name+"-"+c.Namespace+"-"+c.Name,
				"Helm release "+c.Namespace+"/"+c.Name+" of "+name, c.IamPolicy, c.Namespace, c.ServiceAccount, c.Identity,
				cluster, in.PodIdentity), in.Identity)
			if err != nil {
				return nil, err
			}
			ready = made.ready
			values = releaseValues(c, made.arn)
			key := c.Name
			if _, taken := out.RoleArns[key]; taken || in.HelmAddonsConfig.catalogueRole(key) {
				key = c.Namespace + "/" + c.Name
			}
			out.RoleArns[key] = made.arn
		}
		args := &helmv3.ReleaseArgs{
			Name:            pulumi.String(c.Name),
			Chart:           pulumi.String(c.Chart),
			Namespace:       pulumi.String(c.Namespace),
			CreateNamespace: pulumi.Bool(true),
			Atomic:          pulumi.Bool(true),
			Timeout:         pulumi.Int(defaultHelmTimeout),
		}
		if c.Version != "" {
			args.Version = pulumi.String(c.Version)
		}
		if c.Repository != "" {
			args.RepositoryOpts = &helmv3.RepositoryOptsArgs{Repo: pulumi.String(c.Repository)}
		}
		if values != nil {
			args.Values = values
		}
		release, err := helmv3.NewRelease(b.ctx, b.child(part), args,
			b.opts(pulumi.Provider(kube.Provider), pulumi.DependsOn(join(ready, in.After(c.Namespace))))...)
		if err != nil {
			return nil, err
		}
		out.Ready = append(out.Ready, release)
	}
	return out, nil
}

// releaseValues are a release's values with the service account the role trusts written
// in at the chart's service account path: created, named, and for IRSA annotated with
// the role's ARN, which the user could not write since it is known only here. The
// platform's keys win (validation has rejected values that set them otherwise).
func releaseValues(c helmReleaseConfig, roleArn pulumi.StringOutput) pulumi.MapOutput {
	return pulumi.All(roleArn, userValues(c.Values)).ApplyT(func(v []any) map[string]any {
		sa := releaseServiceAccountValues(c, v[0].(string))
		platform := map[string]any{}
		addons.DeepMergeInto(addons.EnsurePath(platform, c.ServiceAccountPath), sa)
		return addons.DeepMerge(v[1].(map[string]any), platform)
	}).(pulumi.MapOutput)
}

// releaseServiceAccountCreateKeys are the keys under the service account path by which
// charts are told to create their service account: most charts read `create` (the
// `helm create` scaffold), others `enabled` (podinfo and charts like it). The platform
// cannot know which a user's chart reads, so it sets both: a chart ignores the key it
// does not read (Helm passes unknown values through unless the chart's
// values.schema.json forbids them, and then Helm says which key). Creating the account
// as a Kubernetes object of the platform's own instead would collide with the account
// the chart already made on every existing release (AlreadyExists, then Helm deleting
// the account it no longer renders) and would need the namespace before the release.
var releaseServiceAccountCreateKeys = []string{"create", "enabled"}

// releaseServiceAccountValues are the values at a release's service account path: the
// account created (both conventions), named, and for IRSA annotated with the role.
func releaseServiceAccountValues(c helmReleaseConfig, roleArn string) map[string]any {
	sa := addons.ServiceAccountValues(addons.ValuesContext{
		ServiceAccount: c.ServiceAccount,
		Identity:       c.Identity,
		RoleArn:        roleArn,
	})
	for _, k := range releaseServiceAccountCreateKeys {
		sa[k] = true
	}
	return sa
}

// userValues is the user's values as an Output of a plain map ({} when not given).
func userValues(in pulumi.MapInput) pulumi.MapOutput {
	if in == nil {
		return pulumi.Map{}.ToMapOutput()
	}
	return in.ToMapOutput()
}

// helmRoleSpec is the role of a chart's service account: one policy of its own, made
// from document, and with Pod Identity the association in cluster, after agent, which
// the platform makes (a chart cannot, as an EKS add-on does). Its resources are
// "<part>-role", "<part>-policy" (the IAM policy, named and described as the role) and
// "<part>-pod-identity".
func helmRoleSpec(part, roleName, description string, document pulumi.StringInput,
	namespace, serviceAccount, identity string, cluster *clusterResult, agent barrier,
) serviceAccountRoleSpec {
	return serviceAccountRoleSpec{
		part:            part + "-role",
		roleName:        roleName,
		description:     description,
		identity:        identity,
		namespace:       namespace,
		serviceAccounts: []string{serviceAccount},
		policies:        []rolePolicy{policyDocument{part: part + "-policy", name: roleName, description: description, document: document}},
		association:     &podIdentityAssociation{part: part + "-pod-identity", cluster: cluster.Name, agent: agent},
	}
}
