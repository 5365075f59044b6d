package platform

import (
	"strings"

	"github.com/eksplatform/pulumi-eksplatform/provider/pkg/addons"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-tls/sdk/v5/go/tls"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// identityResult is the cluster's IAM OIDC provider, for IRSA roles.
type identityResult struct {
	// Provider is nil when no role of the platform uses IRSA.
	Provider *iam.OpenIdConnectProvider
	// ProviderArn is the provider's ARN, "" when there is no provider.
	ProviderArn pulumi.StringOutput
	// IssuerURL is https://oidc.eks.<region>.amazonaws.com/id/<id>, the cluster's
	// issuer, which exists with or without a provider.
	IssuerURL pulumi.StringOutput
	// IssuerHost is the URL without its scheme, the prefix of IAM condition keys.
	IssuerHost pulumi.StringOutput
}

// oidcProvider makes the IAM OIDC provider from the cluster's issuer (ordering rule 2: it
// follows the cluster through the issuer URL; IRSA roles follow it through its ARN).
// The thumbprint comes from pulumi-tls in Output form, so previews work with the issuer
// still unknown and nobody runs an openssl script.
//
// The provider is made only when some role trusts it (usesIrsa): an identity provider
// nobody uses is one more way into the account to audit. Without it ProviderArn is "".
func (b *build) oidcProvider(cluster *clusterResult) (*identityResult, error) {
	issuer := cluster.Cluster.Identities.Index(pulumi.Int(0)).Oidcs().Index(pulumi.Int(0)).Issuer().Elem()
	res := &identityResult{
		ProviderArn: pulumi.String("").ToStringOutput(),
		IssuerURL:   issuer,
		// From the cluster's issuer, not the provider's url, which IAM stores without
		// the scheme.
		IssuerHost: issuer.ApplyT(func(u string) string {
			return strings.TrimPrefix(u, "https://")
		}).(pulumi.StringOutput),
	}
	// The node add-ons stage reads the identity from the cluster's result.
	if !b.cfg.usesIrsa() {
		return res, nil
	}
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
	res.Provider = provider
	res.ProviderArn = provider.Arn
	return res, nil
}

// usesIrsa reports whether some role the platform makes is assumed through the OIDC
// provider: a catalogue add-on or helmReleases chart with a role and identity irsa, or
// vpc-cni, the EBS CSI driver or an eksAddons.extra add-on with a role and identity
// irsa.
func (c *config) usesIrsa() bool {
	for _, a := range c.HelmAddons.Addons {
		if a.HasRole() && a.Identity != addons.PodIdentity {
			return true
		}
	}
	for _, r := range c.HelmAddons.Releases {
		if r.HasRole() && r.Identity != addons.PodIdentity {
			return true
		}
	}
	for _, a := range []eksAddonConfig{c.EksAddons.VpcCni, c.EksAddons.EbsCsiDriver} {
		if a.Enabled && a.Identity == addons.IRSA {
			return true
		}
	}
	for _, a := range c.EksAddons.Extra {
		if a.HasRole() && a.Identity == addons.IRSA {
			return true
		}
	}
	return false
}
