package addons

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/eksplatform/pulumi-eksplatform/provider/pkg/iampolicy"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

func externalSecretsSettingsOf(t *testing.T, in *ExternalSecretsArgs) (ExternalSecretsSettings, []string) {
	t.Helper()
	r := &literalReader{}
	s := ExternalSecrets().Settings("addons.externalSecrets", in, r, SettingsContext{ClusterName: "demo"})
	return s.(ExternalSecretsSettings), r.problems
}

// The read policy of external-secrets' docs, its example ARN replaced by the given
// secrets and parameters; "*" only for the two actions that take no resource.
func TestExternalSecretsPolicyReadsOnlyTheGivenSecretsAndParameters(t *testing.T) {
	secret := "arn:aws:secretsmanager:eu-west-1:111122223333:secret:db-password-AbCdEf"
	s, problems := externalSecretsSettingsOf(t, &ExternalSecretsArgs{
		SecretsManagerArns: pulumi.ToStringArray([]string{exampleSecretPrefix, secret, secret}),
		ParameterStoreArns: pulumi.ToStringArray([]string{exampleParameterPath}),
	})
	if len(problems) != 1 || !strings.Contains(problems[0], "listed twice") {
		t.Fatalf("problems %v, want the repeat only", problems)
	}
	js, err := ExternalSecrets().Policy(PolicyContext{Partition: "aws", Settings: s})
	if err != nil {
		t.Fatal(err)
	}
	var doc iampolicy.Document
	if err := json.Unmarshal([]byte(js), &doc); err != nil {
		t.Fatal(err)
	}
	want := []iampolicy.Statement{
		{Sid: "ListAndBatchSecrets", Effect: "Allow", Action: []string{"secretsmanager:ListSecrets", "secretsmanager:BatchGetSecretValue"}, Resource: []string{"*"}},
		{Sid: "ReadGivenSecrets", Effect: "Allow", Action: []string{"secretsmanager:GetResourcePolicy", "secretsmanager:GetSecretValue",
			"secretsmanager:DescribeSecret", "secretsmanager:ListSecretVersionIds"}, Resource: []string{exampleSecretPrefix, secret}},
		{Sid: "ReadGivenParameters", Effect: "Allow", Action: []string{"ssm:GetParameter*"}, Resource: []string{exampleParameterPath}},
	}
	if !reflect.DeepEqual(doc.Statement, want) {
		t.Errorf("policy %s", js)
	}
	for _, st := range doc.Statement {
		for _, act := range st.Action {
			if strings.Contains(act, "Put") || strings.Contains(act, "Create") || strings.Contains(act, "Delete") {
				t.Errorf("a write action %s", act)
			}
		}
	}
	// Parameters only: no Secrets Manager statement at all.
	ps, _ := externalSecretsSettingsOf(t, &ExternalSecretsArgs{ParameterStoreArns: pulumi.ToStringArray([]string{exampleParameterPath})})
	js, _ = ExternalSecrets().Policy(PolicyContext{Partition: "aws", Settings: ps})
	if strings.Contains(js, "secretsmanager") || !strings.Contains(js, exampleParameterPath) {
		t.Errorf("parameters only: %s", js)
	}
}

func TestExternalSecretsRoleOnlyWithArns(t *testing.T) {
	a := ExternalSecrets()
	none, problems := externalSecretsSettingsOf(t, &ExternalSecretsArgs{})
	if len(problems) > 0 || a.HasRoleFor(none) {
		t.Fatalf("no ARNs: role %v, problems %v", a.HasRoleFor(none), problems)
	}
	if v, _ := Lookup(a.Render(ValuesContext{Settings: none}), "installCRDs"); v != false {
		t.Errorf("installCRDs = %v, want false (the platform applies the CRDs)", v)
	}
	some, _ := externalSecretsSettingsOf(t, &ExternalSecretsArgs{SecretsManagerArns: pulumi.ToStringArray([]string{exampleSecretPrefix})})
	if !a.HasRoleFor(some) {
		t.Error("ARNs given, but no role")
	}
	pending := ExternalSecretsSettings{ArnsPending: true}
	if !a.HasRoleFor(pending) || !PolicyPending(pending) || PolicyPending(some) {
		t.Error("ARNs unknown at preview: want the role planned and its policy pending")
	}
}

func TestExternalSecretsValidation(t *testing.T) {
	sm := func(arns ...string) *ExternalSecretsArgs {
		return &ExternalSecretsArgs{SecretsManagerArns: pulumi.ToStringArray(arns)}
	}
	ps := func(arns ...string) *ExternalSecretsArgs {
		return &ExternalSecretsArgs{ParameterStoreArns: pulumi.ToStringArray(arns)}
	}
	cases := []struct {
		name string
		in   *ExternalSecretsArgs
		want string
	}{
		{"identity without ARNs", &ExternalSecretsArgs{Identity: pulumi.String("irsa")},
			"addons.externalSecrets.secretsManagerArns: required with identity (or parameterStoreArns); give the ARNs or ARN prefixes"},
		{"a secret name, not an ARN", sm("prod/db"),
			`addons.externalSecrets.secretsManagerArns[0]: "prod/db" is not an ARN of this kind with a concrete region and account; give one like arn:aws:secretsmanager:`},
		{"a parameter ARN among secrets", sm("arn:aws:ssm:us-west-2:111122223333:parameter/prod/db"),
			`addons.externalSecrets.secretsManagerArns[0]: "arn:aws:ssm:`},
		{"a wildcard region", sm("arn:aws:secretsmanager:*:111122223333:secret:prod-*"),
			"secretsManagerArns[0]: \"arn:aws:secretsmanager:*:111122223333:secret:prod-*\" is not an ARN of this kind with a concrete region and account"},
		{"a wildcard account", ps("arn:aws:ssm:us-west-2:*:parameter/prod/*"),
			"parameterStoreArns[0]: \"arn:aws:ssm:us-west-2:*:parameter/prod/*\" is not an ARN"},
		{"every secret", sm("arn:aws:secretsmanager:us-west-2:111122223333:secret:*"),
			"secretsManagerArns[0]: \"arn:aws:secretsmanager:us-west-2:111122223333:secret:*\" names every one in the account and region; name the secrets or a prefix like"},
		{"every parameter", ps("arn:aws:ssm:us-west-2:111122223333:parameter/*"),
			"parameterStoreArns[0]: \"arn:aws:ssm:us-west-2:111122223333:parameter/*\" names every one"},
		{"the parameter's leading slash kept", ps("arn:aws:ssm:us-west-2:111122223333:parameter//prod/db"),
			"parameterStoreArns[0]: \"arn:aws:ssm:us-west-2:111122223333:parameter//prod/db\" has the parameter's leading / twice; write parameter/<path> without"},
		{"an unknown partition", sm("arn:aws-xx:secretsmanager:us-west-2:111122223333:secret:prod-*"),
			"secretsManagerArns[0]: \"arn:aws-xx:"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, problems := externalSecretsSettingsOf(t, c.in)
			if joined := strings.Join(problems, "\n"); !strings.Contains(joined, c.want) {
				t.Errorf("problems %q do not contain %q", problems, c.want)
			}
		})
	}
	// What is valid: GovCloud and China, prefixes, names with the random suffix.
	_, problems := externalSecretsSettingsOf(t, &ExternalSecretsArgs{
		SecretsManagerArns: pulumi.ToStringArray([]string{"arn:aws-us-gov:secretsmanager:us-gov-west-1:111122223333:secret:app/db-??????",
			"arn:aws-cn:secretsmanager:cn-north-1:111122223333:secret:app-AbCdEf"}),
		ParameterStoreArns: pulumi.ToStringArray([]string{"arn:aws:ssm:ap-southeast-2:111122223333:parameter/app/db_password"}),
	})
	if len(problems) > 0 {
		t.Errorf("valid ARNs rejected: %v", problems)
	}
}

// external-secrets' 25 CRDs, every one carrying the label its cert controller's partial
// cache selects on.
func TestExternalSecretsCRDsAreTheBundle(t *testing.T) {
	crds, err := ExternalSecrets().CRDs()
	if err != nil {
		t.Fatal(err)
	}
	if len(crds) != 25 {
		t.Fatalf("%d CRDs, want 25", len(crds))
	}
	for _, c := range crds {
		if v, _ := Lookup(c.Object, "metadata", "labels", "external-secrets.io/component"); v != "controller" {
			t.Errorf("%s: label external-secrets.io/component = %v, want controller", c.Name, v)
		}
		if _, conv := Lookup(c.Object, "spec", "conversion"); conv {
			t.Errorf("%s: has a conversion webhook the chart's defaults would not render", c.Name)
		}
	}
}
