package addons

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/eksplatform/pulumi-eksplatform/provider/pkg/iampolicy"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

func certManagerSettingsOf(t *testing.T, in *CertManagerArgs) (CertManagerSettings, []string) {
	t.Helper()
	r := &literalReader{}
	s := CertManager().Settings("addons.certManager", in, r, SettingsContext{ClusterName: "demo"})
	return s.(CertManagerSettings), r.problems
}

// The DNS-01 role is cert-manager's documented policy with hostedzone/* narrowed to the
// given zones: TXT changes only, change status on change/*, zone lookup on "*".
func TestCertManagerPolicyIsTheDocumentedOneScopedToTheGivenZones(t *testing.T) {
	s, problems := certManagerSettingsOf(t, &CertManagerArgs{Route53HostedZoneIds: pulumi.ToStringArray([]string{"Z111", "Z222AB"})})
	if len(problems) > 0 {
		t.Fatal(problems)
	}
	for _, partition := range []string{"aws", "aws-cn", "aws-us-gov"} {
		js, err := CertManager().Policy(PolicyContext{Partition: partition, Settings: s})
		if err != nil {
			t.Fatal(err)
		}
		var doc iampolicy.Document
		if err := json.Unmarshal([]byte(js), &doc); err != nil {
			t.Fatal(err)
		}
		want := []iampolicy.Statement{
			{Sid: "GetChange", Effect: "Allow", Action: []string{"route53:GetChange"}, Resource: []string{"arn:" + partition + ":route53:::change/*"}},
			{Sid: "TxtRecordsInGivenZones", Effect: "Allow",
				Action:    []string{"route53:ChangeResourceRecordSets", "route53:ListResourceRecordSets"},
				Resource:  []string{"arn:" + partition + ":route53:::hostedzone/Z111", "arn:" + partition + ":route53:::hostedzone/Z222AB"},
				Condition: iampolicy.Condition{"ForAllValues:StringEquals": {"route53:ChangeResourceRecordSetsRecordTypes": "TXT"}}},
			{Sid: "FindZones", Effect: "Allow", Action: []string{"route53:ListHostedZonesByName"}, Resource: []string{"*"}},
		}
		if !reflect.DeepEqual(doc.Statement, want) {
			t.Errorf("%s: policy %s", partition, js)
		}
		if strings.Contains(js, "hostedzone/*") {
			t.Errorf("%s: policy reaches every zone: %s", partition, js)
		}
	}
}

// Without zones cert-manager needs no AWS access: no role, no annotation; with them the
// role, and under IRSA the route53 page's fsGroup so the token is readable.
func TestCertManagerRoleOnlyWithZones(t *testing.T) {
	a := CertManager()
	none, problems := certManagerSettingsOf(t, &CertManagerArgs{})
	if len(problems) > 0 || a.HasRoleFor(none) {
		t.Fatalf("no zones: role %v, problems %v", a.HasRoleFor(none), problems)
	}
	values := a.Render(ValuesContext{Identity: IRSA, Settings: none})
	if _, ok := Lookup(values, "serviceAccount", "annotations"); ok {
		t.Errorf("no role, but the service account is annotated: %v", values)
	}
	if _, ok := Lookup(values, "securityContext"); ok {
		t.Errorf("no role, but a securityContext: %v", values)
	}
	if v, _ := Lookup(values, "crds", "enabled"); v != false {
		t.Errorf("crds.enabled = %v, want false (the platform applies the CRDs)", v)
	}
	zones, _ := certManagerSettingsOf(t, &CertManagerArgs{Route53HostedZoneIds: pulumi.ToStringArray([]string{"Z111"})})
	if !a.HasRoleFor(zones) {
		t.Fatal("zones given, but no role")
	}
	irsa := a.Render(ValuesContext{Identity: IRSA, RoleArn: "arn:aws:iam::1:role/demo-cert-manager", Settings: zones})
	if v, _ := Lookup(irsa, "securityContext", "fsGroup"); v != certManagerIRSAFsGroup {
		t.Errorf("IRSA: securityContext.fsGroup = %v, want %d", v, certManagerIRSAFsGroup)
	}
	if v, _ := Lookup(irsa, "serviceAccount", "annotations", RoleArnAnnotation); v != "arn:aws:iam::1:role/demo-cert-manager" {
		t.Errorf("IRSA: role annotation %v", v)
	}
	pod := a.Render(ValuesContext{Identity: PodIdentity, RoleArn: "arn:aws:iam::1:role/demo-cert-manager", Settings: zones})
	if _, ok := Lookup(pod, "securityContext"); ok {
		t.Errorf("Pod Identity needs no token file permissions: %v", pod)
	}
	// Unknown zones at preview: the role is planned and the policy left pending.
	pending := CertManagerSettings{ZonesPending: true}
	if !a.HasRoleFor(pending) || !PolicyPending(pending) || PolicyPending(zones) {
		t.Error("zones unknown at preview: want the role planned and its policy pending")
	}
}

func TestCertManagerValidation(t *testing.T) {
	cases := []struct {
		name string
		in   *CertManagerArgs
		want []string
	}{
		{"identity without zones", &CertManagerArgs{Identity: pulumi.String("podIdentity")},
			[]string{"addons.certManager.route53HostedZoneIds: required with identity", "or remove identity"}},
		{"a domain, not a zone ID", &CertManagerArgs{Route53HostedZoneIds: pulumi.ToStringArray([]string{"example.com"})},
			[]string{`addons.certManager.route53HostedZoneIds[0]: "example.com" is not a Route 53 hosted zone ID; give the ID`}},
		{"the /hostedzone/ path", &CertManagerArgs{Route53HostedZoneIds: pulumi.ToStringArray([]string{"Z1", "/hostedzone/Z2"})},
			[]string{`addons.certManager.route53HostedZoneIds[1]: "/hostedzone/Z2" is not`}},
		{"twice", &CertManagerArgs{Route53HostedZoneIds: pulumi.ToStringArray([]string{"Z1", "Z1"})},
			[]string{`addons.certManager.route53HostedZoneIds[1]: "Z1" is listed twice; list each zone once`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, problems := certManagerSettingsOf(t, c.in)
			joined := strings.Join(problems, "\n")
			for _, w := range c.want {
				if !strings.Contains(joined, w) {
					t.Errorf("problems %q do not contain %q", problems, w)
				}
			}
		})
	}
}

// The six CRDs of cert-manager v1.21.1, each a vendored deploy/crds file unchanged.
func TestCertManagerCRDsAreTheReleases(t *testing.T) {
	crds, err := CertManager().CRDs()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range crds {
		names = append(names, c.Name)
	}
	want := []string{"challenges.acme.cert-manager.io", "orders.acme.cert-manager.io", "certificaterequests.cert-manager.io",
		"certificates.cert-manager.io", "clusterissuers.cert-manager.io", "issuers.cert-manager.io"}
	if !slices.Equal(names, want) {
		t.Errorf("CRDs %v, want %v", names, want)
	}
}

// Rule 9: neither new add-on's webhook touches Services, so neither is installed before
// the other releases; their webhooks guard only their own API groups.
func TestCertManagerAndExternalSecretsBlockNoServices(t *testing.T) {
	for _, a := range []Addon{CertManager(), ExternalSecrets()} {
		if a.BlocksServicesUntilReady {
			t.Errorf("%s: marked as blocking Services; its webhooks match only %v", a.Key, a.GuardsAPIGroups)
		}
	}
	if g := CertManager().GuardsAPIGroups; !slices.Equal(g, []string{"cert-manager.io", "acme.cert-manager.io"}) {
		t.Errorf("cert-manager guards %v", g)
	}
	if g := ExternalSecrets().GuardsAPIGroups; !slices.Equal(g, []string{"external-secrets.io"}) {
		t.Errorf("external-secrets guards %v", g)
	}
	for _, a := range []Addon{AWSLoadBalancerController(), externalDNS(), ClusterAutoscaler(), metricsServer()} {
		if len(a.GuardsAPIGroups) > 0 {
			t.Errorf("%s guards %v", a.Key, a.GuardsAPIGroups)
		}
	}
}
