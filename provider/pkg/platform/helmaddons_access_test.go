package platform

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/eksplatform/pulumi-eksplatform/provider/internal/mocktest"
	"github.com/eksplatform/pulumi-eksplatform/provider/pkg/addons"
	"github.com/eksplatform/pulumi-eksplatform/provider/pkg/iampolicy"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// cert-manager and external-secrets need AWS access only for what the user names:
// enabled without zones or ARNs they get no role, no policy, no annotation.
func TestCertManagerAndExternalSecretsWithoutAwsAccessGetNoRole(t *testing.T) {
	args := withAddons(&HelmAddonsArgs{
		CertManager:     &CertManagerAddonArgs{Enabled: pulumi.Bool(true)},
		ExternalSecrets: &ExternalSecretsAddonArgs{Enabled: pulumi.Bool(true)},
	})
	args.NodeGroups = []NodeGroupArgs{{Name: pulumi.String("general")}}
	m, _ := deploy(t, "demo", args)
	for _, name := range []string{"cert-manager", "external-secrets"} {
		rel := m.Find(t, "demo-"+name)
		for _, part := range []string{"-role", "-policy", "-pod-identity"} {
			for _, r := range m.Resources() {
				if r.Name == "demo-"+name+part {
					t.Errorf("%s: %s made without any AWS access asked for", name, r.Name)
				}
			}
		}
		if _, ok := addons.Lookup(valuesOf(rel), "serviceAccount", "annotations"); ok {
			t.Errorf("%s: service account annotated without a role: %v", name, valuesOf(rel))
		}
		if !rel.Inputs["skipCrds"].BoolValue() {
			t.Errorf("%s: the release does not skip the CRDs the platform applies", name)
		}
	}
}

// With zones and ARNs each gets a role trusted by exactly its own service account, and a
// policy naming only what was given.
func TestCertManagerAndExternalSecretsRolesScopedAndTrustExactlyTheirServiceAccount(t *testing.T) {
	args := withAddons(allAddons())
	args.NodeGroups = []NodeGroupArgs{{Name: pulumi.String("general")}}
	m, _ := deploy(t, "demo", args)
	for _, c := range []struct {
		addon addons.Addon
		names []string
	}{
		{addons.CertManager(), []string{"arn:aws:route53:::hostedzone/Z0123456789ABCDEFGHIJ"}},
		{addons.ExternalSecrets(), []string{testSecretPrefix, testParameterPath}},
	} {
		a := c.addon
		role := m.Find(t, "demo-"+a.Name+"-role")
		sub, aud := irsaSubject(t, trustOf(t, role))
		if sub != "system:serviceaccount:"+a.Namespace+":"+a.ServiceAccount || aud != "sts.amazonaws.com" {
			t.Errorf("%s: trust sub %q aud %q", a.Key, sub, aud)
		}
		rel := m.Find(t, "demo-"+a.Name)
		if sa, _ := a.ServiceAccountName(valuesOf(rel)); sa != a.ServiceAccount {
			t.Errorf("%s: chart service account %q, trust names %q", a.Key, sa, a.ServiceAccount)
		}
		var doc iampolicy.Document
		policy := str(m.Find(t, "demo-"+a.Name+"-policy"), "policy")
		if err := json.Unmarshal([]byte(policy), &doc); err != nil {
			t.Fatalf("%s: %v", a.Key, err)
		}
		for _, want := range c.names {
			if !strings.Contains(policy, want) {
				t.Errorf("%s: policy does not name %s: %s", a.Key, want, policy)
			}
		}
		for _, st := range doc.Statement {
			for _, res := range st.Resource {
				if res == "*" && !strings.Contains(strings.Join(st.Action, ","), "List") {
					t.Errorf("%s: %v on *", a.Key, st.Action)
				}
			}
		}
	}
}

// At preview, zones or ARNs not known yet plan the role with an unknown policy, never
// a policy of what happens to be known.
func TestHelmAddonsPolicyUnknownWhileItsArnsAreUnknown(t *testing.T) {
	m := buildWithStubs(t, withAddons(allAddons()), func(cfg *config) {
		for i, a := range cfg.HelmAddons.Addons {
			switch a.Addon.Key {
			case "certManager":
				cfg.HelmAddons.Addons[i].Settings = addons.CertManagerSettings{ZonesPending: true}
			case "externalSecrets":
				cfg.HelmAddons.Addons[i].Settings = addons.ExternalSecretsSettings{ArnsPending: true}
			}
		}
	})
	for _, name := range []string{"cert-manager", "external-secrets"} {
		policy := m.Find(t, "demo-"+name+"-policy")
		if v, ok := policy.Inputs["policy"]; ok && !v.IsComputed() {
			t.Errorf("%s: policy %v, want unknown", name, v)
		}
		m.Find(t, "demo-"+name+"-role")
	}
	if v := m.Find(t, "demo-external-dns-policy").Inputs["policy"]; !v.IsString() {
		t.Errorf("external-dns: a known policy became %v", v)
	}
}

// Validation reads the add-ons' own inputs before anything is registered.
func TestCertManagerAndExternalSecretsValidation(t *testing.T) {
	t.Run("cert-manager identity without zones", func(t *testing.T) {
		a := allAddons()
		a.CertManager.Route53HostedZoneIds = nil
		a.CertManager.Identity = pulumi.String("irsa")
		requireInvalid(t, withAddons(a), "addons.certManager.route53HostedZoneIds: required with identity")
	})
	t.Run("cert-manager zone as a domain", func(t *testing.T) {
		a := allAddons()
		a.CertManager.Route53HostedZoneIds = pulumi.ToStringArray([]string{"example.com"})
		requireInvalid(t, withAddons(a), `addons.certManager.route53HostedZoneIds[0]: "example.com" is not a Route 53 hosted zone ID`)
	})
	t.Run("external-secrets identity without ARNs", func(t *testing.T) {
		a := allAddons()
		a.ExternalSecrets.SecretsManagerArns = nil
		a.ExternalSecrets.ParameterStoreArns = nil
		a.ExternalSecrets.Identity = pulumi.String("podIdentity")
		requireInvalid(t, withAddons(a), "addons.externalSecrets.secretsManagerArns: required with identity")
	})
	t.Run("external-secrets every secret, from an Output", func(t *testing.T) {
		a := allAddons()
		a.ExternalSecrets.SecretsManagerArns = pulumi.ToStringArrayOutput([]pulumi.StringOutput{
			pulumi.ToSecret(pulumi.String("arn:aws:secretsmanager:us-west-2:123456789012:secret:*")).(pulumi.StringOutput)})
		requireInvalid(t, withAddons(a), "addons.externalSecrets.secretsManagerArns[0]:", "names every one in the account and region")
	})
	t.Run("values turning the chart's CRDs on", func(t *testing.T) {
		a := allAddons()
		a.ExternalSecrets.Values = pulumi.Map{"installCRDs": nil}
		requireInvalid(t, withAddons(a), "addons.externalSecrets.values.installCRDs: null")
	})
}

// Rule 9: cert-manager and external-secrets are installed after the ALB controller like
// every release, beside the other catalogue add-ons (their webhooks reject only their
// own kinds), and the user's charts, which may make such objects, after them.
func TestHelmReleasesWaitForTheAddonsWhoseWebhooksGuardTheirObjects(t *testing.T) {
	args := withAddons(allAddons())
	args.NodeGroups = []NodeGroupArgs{{Name: pulumi.String("general")}}
	args.HelmReleases = []HelmReleaseArgs{{Name: pulumi.String("app"), Chart: pulumi.String("oci://registry.example.com/charts/app"),
		Namespace: pulumi.String("apps")}}
	m, _ := deploy(t, "demo", args)
	alb := m.Find(t, "demo-aws-load-balancer-controller")
	guards := []mocktest.Resource{m.Find(t, "demo-cert-manager"), m.Find(t, "demo-external-secrets")}
	m.RequireOrder(t, "rule 9: cert-manager and external-secrets after the ALB controller", []mocktest.Resource{alb}, guards)
	m.RequireOrder(t, "rule 9: the user's charts after the webhooks that guard what they may make",
		guards, []mocktest.Resource{m.Find(t, "demo-release-apps-app")})
	for _, other := range []string{"demo-metrics-server", "demo-external-dns", "demo-cluster-autoscaler", "demo-cert-manager", "demo-external-secrets"} {
		for _, g := range []string{"demo-cert-manager", "demo-external-secrets"} {
			if other != g && m.DependsOn(other, g) {
				t.Errorf("rule 8: %s waits for %s, whose webhook guards nothing it makes", other, g)
			}
		}
	}
}
