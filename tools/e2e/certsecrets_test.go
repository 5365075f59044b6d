package e2e

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/eksplatform/pulumi-eksplatform/sdk/go/eksplatform"
	"github.com/eksplatform/pulumi-eksplatform/tools/internal/journal"
	"github.com/eksplatform/pulumi-eksplatform/tools/internal/runner"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

const (
	cmZone        = "Z0CERTMANAGER1EXAMPLE"
	esoSecrets    = "arn:aws:secretsmanager:us-west-2:123456789012:secret:prod/app-*"
	esoParameters = "arn:aws:ssm:us-west-2:123456789012:parameter/prod/app/*"
)

// policyDoc is an IAM policy as the component writes it.
type policyDoc struct {
	Statement []struct {
		Action    []string                     `json:"Action"`
		Resource  []string                     `json:"Resource"`
		Condition map[string]map[string]string `json:"Condition"`
	} `json:"Statement"`
}

// scenarioCertificatesAndSecrets: cert-manager with a Route 53 DNS-01 role (IRSA) and
// external-secrets reading a secret prefix and a parameter path (Pod Identity), beside
// the ALB controller and a team's chart. Each role trusts exactly its add-on's service
// account and names only what was given; the CRDs (6 and 25) are applied before their
// releases, which skip the charts' own; the two releases follow the ALB controller
// (their charts make Services) and the team's chart follows them (the simulator fails
// a chart installed while their webhooks have no endpoints, rule 9). A second up
// changes nothing; destroy leaves only the retained CRDs.
func scenarioCertificatesAndSecrets(t *testing.T) {
	ctx := testCtx(t)
	a := scenarioArgs()
	a.NodeGroups = eksplatform.NodeGroupArray{eksplatform.NodeGroupArgs{
		Name: pulumi.String("general"), InstanceTypes: pulumi.StringArray{pulumi.String("m5.large")},
	}}
	a.Addons = eksplatform.HelmAddonsArgs{
		AwsLoadBalancerController: eksplatform.HelmAddonArgs{Enabled: pulumi.Bool(true)},
		CertManager: eksplatform.CertManagerAddonArgs{
			Enabled:              pulumi.Bool(true),
			Route53HostedZoneIds: pulumi.StringArray{pulumi.String(cmZone)},
		},
		ExternalSecrets: eksplatform.ExternalSecretsAddonArgs{
			Enabled:            pulumi.Bool(true),
			Identity:           pulumi.String("podIdentity"),
			SecretsManagerArns: pulumi.StringArray{pulumi.String(esoSecrets)},
			ParameterStoreArns: pulumi.StringArray{pulumi.String(esoParameters)},
		},
	}
	a.HelmReleases = eksplatform.HelmReleaseArray{eksplatform.HelmReleaseArgs{
		Name: pulumi.String("web"), Chart: pulumi.String("oci://registry.example.com/charts/web"),
		Version: pulumi.String("1.0.0"), Namespace: pulumi.String("web"),
	}}
	// The 31 CRDs (up to 364 KB each) are operations of their own and make every state
	// checkpoint large: with the engine's default of 4 operations per core they queue
	// the vpc-cni add-on's create behind them for longer than a simulated node boot
	// takes at the default scale (360 ms), though not than a real one (minutes). So this
	// platform runs as the README advises large ones to (--parallel 32), on a clock ten
	// times slower than the other tests'.
	ws, err := runner.NewWorkspace(runner.Options{Dir: t.TempDir(), Scale: 10 * scale()})
	if err != nil {
		t.Fatal(err)
	}
	ws, s := scenarioStackIn(t, ws, "certsecrets", a)
	s.Parallel = 32
	sum, j, g := upOnce(t, ctx, ws, s, "up")
	requireFirstUpClean(t, "up", j, g)
	cr := j.Creates()

	alb := cr.Type(tRelease).Name(child("aws-load-balancer-controller")).Entries
	team := cr.Type(tRelease).Name(child("release-web-web")).Entries
	requireCount(t, "the team's release", team, 1, false)
	oidcArn := str(mustNode(t, g, tOIDC, child("oidc")).Res.Outputs, "arn")
	roleArns, _ := sum.Outputs["addonRoleArns"].Value.(map[string]any)
	for _, c := range []struct {
		name, namespace, identity string
		crds                      int
		crdGroups                 []string
		names                     []string
	}{
		{"cert-manager", "cert-manager", "irsa", 6, []string{"cert-manager.io", "acme.cert-manager.io"}, []string{"arn:aws:route53:::hostedzone/" + cmZone}},
		{"external-secrets", "external-secrets", "podIdentity", 25, []string{"external-secrets.io", "generators.external-secrets.io"}, []string{esoSecrets, esoParameters}},
	} {
		rel := cr.Type(tRelease).Name(child(c.name)).Entries
		requireCount(t, c.name+" release", rel, 1, false)
		requireBefore(t, "rule 9", "the ALB controller before "+c.name+" (its chart makes Services)", alb, rel)
		requireBefore(t, "rule 9", c.name+" before the team's chart (its webhook guards what a chart may make)", rel, team)

		// The CRDs: applied by the platform before the release, which skips the chart's.
		crds := cr.Type(tCRD).Filter(func(e journal.Entry) bool {
			for _, grp := range c.crdGroups {
				if strings.HasSuffix(e.Name, "."+grp) {
					return true
				}
			}
			return false
		}).Entries
		requireCount(t, c.name+" CRDs", crds, c.crds, false)
		requireBefore(t, "CRDs", c.name+"'s CRDs before its release", crds, rel)
		release := mustNode(t, g, tRelease, child(c.name))
		if str(release.Res.Inputs, "skipCrds") != "true" {
			t.Errorf("%s: release skipCrds = %q, want true", c.name, str(release.Res.Inputs, "skipCrds"))
		}
		if got := str(release.Res.Inputs, "values", "serviceAccount", "name"); got != c.name {
			t.Errorf("%s: chart service account %q, want %q", c.name, got, c.name)
		}

		// The role trusts exactly the add-on's service account.
		role := mustNode(t, g, tRole, child(c.name+"-role"))
		doc := parseTrust(t, role)
		if len(doc.Statement) != 1 {
			t.Fatalf("trust of %s: %d statements", role.Name, len(doc.Statement))
		}
		switch c.identity {
		case "irsa":
			st := doc.Statement[0]
			if st.Principal["Federated"] != oidcArn || len(st.Condition) != 1 {
				t.Errorf("trust of %s: principal %v condition %v, want Federated %s and StringEquals only", role.Name, st.Principal, st.Condition, oidcArn)
			}
			var subs []string
			for k, v := range st.Condition["StringEquals"] {
				if strings.HasSuffix(k, ":sub") {
					subs = append(subs, v.(string))
				}
			}
			if want := "system:serviceaccount:" + c.namespace + ":" + c.name; len(subs) != 1 || subs[0] != want {
				t.Errorf("trust of %s: sub %q, want exactly %q", role.Name, subs, want)
			}
			if got := str(release.Res.Inputs, "values", "serviceAccount", "annotations", "eks.amazonaws.com/role-arn"); got != str(role.Res.Outputs, "arn") {
				t.Errorf("%s: role-arn annotation %q, want %q", c.name, got, str(role.Res.Outputs, "arn"))
			}
		case "podIdentity":
			trust := str(role.Res.Inputs, "assumeRolePolicy")
			if !strings.Contains(trust, "pods.eks.amazonaws.com") || strings.Contains(trust, "Federated") {
				t.Errorf("trust of %s is not Pod Identity's: %s", role.Name, trust)
			}
			assoc := mustNode(t, g, tPodIdentity, child(c.name+"-pod-identity"))
			if str(assoc.Res.Inputs, "namespace") != c.namespace || str(assoc.Res.Inputs, "serviceAccount") != c.name ||
				str(assoc.Res.Inputs, "roleArn") != str(role.Res.Outputs, "arn") {
				t.Errorf("association of %s: %s/%s → %s", c.name, str(assoc.Res.Inputs, "namespace"), str(assoc.Res.Inputs, "serviceAccount"), str(assoc.Res.Inputs, "roleArn"))
			}
			requireBefore(t, "rule 6", "the association of "+c.name+" before its release",
				cr.Type(tPodIdentity).Name(child(c.name+"-pod-identity")).Entries, rel)
		}
		if roleArns[c.name] != str(role.Res.Outputs, "arn") {
			t.Errorf("addonRoleArns[%s] = %v, want %s", c.name, roleArns[c.name], str(role.Res.Outputs, "arn"))
		}

		// The policy names only what was given; "*" only for actions that take no resource.
		var pol policyDoc
		raw := str(mustNode(t, g, "aws:iam/policy:Policy", child(c.name+"-policy")).Res.Inputs, "policy")
		if err := json.Unmarshal([]byte(raw), &pol); err != nil {
			t.Fatalf("%s policy: %v\n%s", c.name, err, raw)
		}
		for _, want := range c.names {
			if !strings.Contains(raw, want) {
				t.Errorf("%s policy does not name %s: %s", c.name, want, raw)
			}
		}
		for _, st := range pol.Statement {
			for _, r := range st.Resource {
				if r == "*" && !strings.Contains(strings.Join(st.Action, " "), "List") {
					t.Errorf("%s policy: %v on *", c.name, st.Action)
				}
			}
			if strings.Contains(strings.Join(st.Action, " "), "ChangeResourceRecordSets") &&
				st.Condition["ForAllValues:StringEquals"]["route53:ChangeResourceRecordSetsRecordTypes"] != "TXT" {
				t.Errorf("%s policy: record changes not limited to TXT: %v", c.name, st.Condition)
			}
		}
	}

	// A second up with the same inputs changes nothing, in the state or the cloud.
	n := readJournal(t, ws).Len()
	sum2, err2 := s.Up(ctx)
	err = err2
	if err != nil {
		t.Fatalf("second up: %v", err)
	}
	if sum2.Changed() != 0 {
		t.Errorf("second up: want every resource unchanged, got %s", sum2)
	}
	for _, e := range readJournal(t, ws).Since(n).Mutations().Entries {
		t.Errorf("second up touched the cloud: %s", journal.Label(e))
	}

	all, del := destroyAll(t, ctx, ws, s)
	checkDestroy(t, all, del, g)
}
