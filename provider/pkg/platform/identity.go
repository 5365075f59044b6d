package platform

import (
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-tls/sdk/v5/go/tls"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// identityResult is the cluster's IAM OIDC provider, for IRSA roles.
type identityResult struct {
	Provider *iam.OpenIdConnectProvider
	// IssuerURL is https://oidc.eks.<region>.amazonaws.com/id/<id>.
	IssuerURL pulumi.StringOutput
	// IssuerHost is the URL without its scheme, the prefix of IAM condition keys.
	IssuerHost pulumi.StringOutput
}

// oidcProvider makes the IAM OIDC provider from the cluster's issuer (ordering rule 2: it
// follows the cluster through the issuer URL; IRSA roles follow it through its ARN).
// The thumbprint comes from pulumi-tls in Output form, so previews work with the issuer
// still unknown and nobody runs an openssl script.
func (b *build) oidcProvider(cluster *clusterResult) (*identityResult, error) {
	issuer := cluster.Cluster.Identities.Index(pulumi.Int(0)).Oidcs().Index(pulumi.Int(0)).Issuer().Elem()
	cert := tls.GetCertificateOutput(b.ctx, tls.GetCertificateOutputArgs{Url: issuer}, pulumi.Parent(b.parent))
	// The chain is listed root first; IAM wants the root CA's fingerprint.
	thumbprint := cert.Certificates().Index(pulumi.Int(0)).Sha1Fingerprint()
	provider, err := iam.NewOpenIdConnectProvider(b.ctx, b.child("oidc"), &iam.OpenIdConnectProviderArgs{
		Url:             issuer,
		ClientIdLists:   pulumi.StringArray{pulumi.String("sts.amazonaws.com")},
		ThumbprintLists: pulumi.StringArray{thumbprint},
		Tags:            b.tags(),
	}, b.opts()...)
	if err != nil {
		return nil, err
	}
	return &identityResult{
		Provider:  provider,
		IssuerURL: issuer,
		// From the cluster's issuer, not the provider's url, which IAM stores without
		// the scheme.
		IssuerHost: issuer.ApplyT(func(u string) string {
			return strings.TrimPrefix(u, "https://")
		}).(pulumi.StringOutput),
	}, nil
}

// irsaRoleTrust is IrsaTrust for this cluster's provider, as an Output. Building it from
// the provider's outputs makes every IRSA role depend on the provider.
func (id *identityResult) irsaRoleTrust(namespace, serviceAccount string) pulumi.StringOutput {
	return pulumi.All(id.Provider.Arn, id.IssuerHost).ApplyT(func(v []any) string {
		return irsaTrust(v[0].(string), v[1].(string), namespace, serviceAccount).JSON()
	}).(pulumi.StringOutput)
}
