package platform

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/eks"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// kubeIn is what kubernetesProvider reads: how the provider authenticates, and the
// cluster it talks to.
type kubeIn struct {
	KubeAuthConfig kubeAuthConfig
	Cluster        *clusterResult
}

// kubernetesProvider builds the kubeconfig and the explicit provider from the cluster's
// endpoint and CA. In exec mode the provider's configuration is the kubeconfig itself,
// identical on every run; in token mode it embeds a fresh token (secret), so the
// provider shows an update on each `pulumi up`.
func (b *build) kubernetesProvider(in kubeIn) (*kubeResult, error) {
	auth := in.KubeAuthConfig
	cl := in.Cluster.Cluster
	ca := cl.CertificateAuthority.Data().Elem()
	kc := pulumi.All(cl.Name, cl.Endpoint, ca, b.region).ApplyT(func(v []any) string {
		return kubeconfigJSON(v[0].(string), v[1].(string), v[2].(string), v[3].(string), auth, "")
	}).(pulumi.StringOutput)

	providerConfig := kc
	if auth.Mode == kubeAuthToken {
		token := eks.GetClusterAuthOutput(b.ctx, eks.GetClusterAuthOutputArgs{Name: cl.Name}, pulumi.Parent(b.parent)).Token()
		providerConfig = pulumi.ToSecret(pulumi.All(cl.Name, cl.Endpoint, ca, b.region, token).ApplyT(func(v []any) string {
			return kubeconfigJSON(v[0].(string), v[1].(string), v[2].(string), v[3].(string), auth, v[4].(string))
		})).(pulumi.StringOutput)
	}
	provider, err := kubernetes.NewProvider(b.ctx, b.child("k8s"), &kubernetes.ProviderArgs{
		Kubeconfig: providerConfig,
		// Server-side apply: updates apply only the fields the platform writes. Creates
		// are client-side since pulumi-kubernetes #4278 (an existing object fails with
		// AlreadyExists); aws-auth, which EKS may have made, has a provider of its own.
		EnableServerSideApply: pulumi.Bool(true),
		// Update ConfigMaps in place. By default the provider replaces a ConfigMap whose
		// data changes (delete, then create, for a fixed name): a new aws-auth mapping
		// would delete aws-auth and lock every node out until it is recreated.
		EnableConfigMapMutable: pulumi.Bool(true),
	}, b.opts()...)
	if err != nil {
		return nil, err
	}
	return &kubeResult{Provider: provider, Kubeconfig: kc, providerConfig: providerConfig}, nil
}
