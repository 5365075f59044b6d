package platform

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// outputsIn is what outputs reads: the component, every stage's result, and whether
// Karpenter (whose role is among the add-on roles) is on.
type outputsIn struct {
	Platform        *EksPlatform
	Results         *stageResults
	KarpenterConfig karpenterConfig
}

// outputs sets the component's outputs and registers them with the engine.
func (b *build) outputs(in outputsIn) error {
	p, s := in.Platform, in.Results
	cluster, identity, kube, workers := s.cluster, s.identity, s.kube, s.workers
	cl := cluster.Cluster
	p.Kubeconfig = pulumi.ToSecret(kube.Kubeconfig).(pulumi.StringOutput)
	p.ClusterName = cl.Name
	p.ClusterArn = cl.Arn
	p.ClusterEndpoint = cl.Endpoint
	p.ClusterCertificateAuthority = cl.CertificateAuthority.Data().Elem()
	p.ClusterSecurityGroupId = cl.VpcConfig.ClusterSecurityGroupId().Elem()
	p.NodeSecurityGroupId = s.securityGroups.NodeID
	p.ClusterRoleArn = cluster.Role.Arn
	p.KmsKeyArn = cluster.KmsKeyArn
	p.OidcProviderArn = identity.ProviderArn
	p.OidcIssuerUrl = identity.IssuerURL
	p.NodeRoleArn = workers.NodeRoleArn
	p.FargatePodExecutionRoleArn = workers.FargateRoleArn

	roles := pulumi.StringMap{}
	for _, set := range []*addonsResult{s.nodeAddons, s.earlyAddons, s.workloadAddons, s.lateAddons, s.serviceBlockers, s.helm, s.helmReleases} {
		for _, name := range sortedKeys(set.RoleArns) {
			roles[name] = set.RoleArns[name]
		}
	}
	if s.karpenter != nil && in.KarpenterConfig.Enabled {
		// The controller's role, under its release name like the catalogue's.
		roles["karpenter"] = s.karpenter.RoleArn
	}
	p.AddonRoleArns = roles.ToStringMapOutput()

	return b.ctx.RegisterResourceOutputs(p, pulumi.Map{
		"kubeconfig":                  p.Kubeconfig,
		"clusterName":                 p.ClusterName,
		"clusterArn":                  p.ClusterArn,
		"clusterEndpoint":             p.ClusterEndpoint,
		"clusterCertificateAuthority": p.ClusterCertificateAuthority,
		"clusterSecurityGroupId":      p.ClusterSecurityGroupId,
		"nodeSecurityGroupId":         p.NodeSecurityGroupId,
		"clusterRoleArn":              p.ClusterRoleArn,
		"kmsKeyArn":                   p.KmsKeyArn,
		"oidcProviderArn":             p.OidcProviderArn,
		"oidcIssuerUrl":               p.OidcIssuerUrl,
		"nodeRoleArn":                 p.NodeRoleArn,
		"fargatePodExecutionRoleArn":  p.FargatePodExecutionRoleArn,
		"addonRoleArns":               p.AddonRoleArns,
	})
}
