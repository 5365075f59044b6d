package platform

import (
	"strings"

	"github.com/eksplatform/pulumi-eksplatform/provider/pkg/addons"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-tls/sdk/v5/go/tls"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// oidcProviderIn is what the OIDC provider stage reads: the add-on sections decide
// whether some role uses IRSA.
type oidcProviderIn struct {
	EksAddonsConfig  eksAddonsConfig
	HelmAddonsConfig helmAddonsConfig
	Cluster          *clusterResult
}

// oidcProvider makes the IAM OIDC provider from the cluster's issuer (ordering rule 2: it
// follows the cluster through the issuer URL; IRSA roles follow it through its ARN).
// The thumbprint comes from pulumi-tls in Output form, so previews work with the issuer
// still unknown and nobody runs an openssl script.
//
// The provider is made only when some role trusts it (usesIrsa): an identity provider
// nobody uses is one more way into the account to audit. Without it ProviderArn is "".
func (b *build) oidcProvider(in oidcProviderIn) (*identityResult, error) {
	issuer := in.Cluster.Cluster.Identities.Index(pulumi.Int(0)).Oidcs().Index(pulumi.Int(0)).Issuer().Elem()
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
	if !usesIrsa(in.EksAddonsConfig, in.HelmAddonsConfig) {
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
func usesIrsa(eksAddons eksAddonsConfig, helmAddons helmAddonsConfig) bool {
	for _, a := range helmAddons.Addons {
		if a.HasRole() && a.Identity != addons.PodIdentity {
			return true
		}
	}
	for _, r := range helmAddons.Releases {
		if r.HasRole() && r.Identity != addons.PodIdentity {
			return true
		}
	}
	for _, a := range []eksAddonConfig{eksAddons.VpcCni, eksAddons.EbsCsiDriver} {
		if a.Enabled && a.Identity == addons.IRSA {
			return true
		}
	}
	for _, a := range eksAddons.Extra {
		if a.HasRole() && a.Identity == addons.IRSA {
			return true
		}
	}
	return false
}
