package addons

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/eksplatform/pulumi-eksplatform/provider/pkg/iampolicy"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// ExternalSecretsArgs are external-secrets' inputs: the common ones and its own.
type ExternalSecretsArgs struct {
	Enabled   pulumi.BoolInput   `pulumi:"enabled"`
	Version   pulumi.StringInput `pulumi:"version"`
	Namespace pulumi.StringInput `pulumi:"namespace"`
	Values    pulumi.MapInput    `pulumi:"values"`
	Identity  pulumi.StringInput `pulumi:"identity"`
	// SecretsManagerArns are the Secrets Manager secrets the controller may read: ARNs,
	// or ARN prefixes ending in a wildcard.
	SecretsManagerArns pulumi.StringArrayInput `pulumi:"secretsManagerArns"`
	// ParameterStoreArns are the SSM Parameter Store parameters it may read, likewise.
	ParameterStoreArns pulumi.StringArrayInput `pulumi:"parameterStoreArns"`
}

// ExternalSecretsSettings are external-secrets' own inputs, read.
type ExternalSecretsSettings struct {
	SecretsManagerArns []string
	ParameterStoreArns []string
	// ArnsPending is true at preview while a list is not known yet: the role is
	// planned, its policy left unknown.
	ArnsPending bool
}

// pending reports whether the settings hold values not known yet (at preview).
func (s ExternalSecretsSettings) pending() bool { return s.ArnsPending }

// hasArns reports whether any secret or parameter is given (then a role is made).
func (s ExternalSecretsSettings) hasArns() bool {
	return len(s.SecretsManagerArns)+len(s.ParameterStoreArns) > 0
}

// ARN shapes: a commercial, China or GovCloud partition, a concrete region and
// account (a wildcard there would reach other regions or accounts), then the secret's
// name or the parameter's path without its leading "/" (AWS writes the ARN of
// "/prod/db" as parameter/prod/db). A name may end in (or hold) IAM wildcards, so a
// prefix like prod/app-* names every secret under it.
var (
	secretsManagerArnPattern = regexp.MustCompile(`^arn:(aws|aws-cn|aws-us-gov):secretsmanager:[a-z]{2}(-[a-z]+)+-[0-9]+:[0-9]{12}:secret:([A-Za-z0-9/_+=.@*?-]+)$`)
	parameterStoreArnPattern = regexp.MustCompile(`^arn:(aws|aws-cn|aws-us-gov):ssm:[a-z]{2}(-[a-z]+)+-[0-9]+:[0-9]{12}:parameter/([A-Za-z0-9/_.*?-]+)$`)
)

// ExternalSecrets syncs secrets from AWS Secrets Manager and SSM Parameter Store (and
// other stores) into Kubernetes Secrets.
func ExternalSecrets() Addon {
	return Addon{
		Key:                "externalSecrets",
		Name:               "external-secrets",
		Repository:         "https://charts.external-secrets.io",
		Chart:              "external-secrets",
		Version:            "2.9.0",
		AppVersion:         "v2.9.0",
		Namespace:          "external-secrets",
		ServiceAccount:     "external-secrets",
		ServiceAccountPath: []string{"serviceAccount"},
		Summary:            "with `secretsManagerArns` / `parameterStoreArns`: read only the given secrets (`GetSecretValue`, `DescribeSecret`, `GetResourcePolicy`, `ListSecretVersionIds`) and parameters (`ssm:GetParameter*`); list secrets and batch-read (still needs `GetSecretValue` per secret); without: nothing (no IAM role)",
		sources:            externalSecretsSources,
		Given: func(a *Args) (*CommonArgs, any) {
			x := a.ExternalSecrets
			if x == nil {
				return nil, nil
			}
			return &CommonArgs{Enabled: x.Enabled, Version: x.Version, Namespace: x.Namespace, Values: x.Values, Identity: x.Identity}, x
		},
		Settings: externalSecretsSettings,
		Policy:   externalSecretsPolicy,
		WantsRole: func(s any) bool {
			e, _ := s.(ExternalSecretsSettings)
			return e.hasArns() || e.ArnsPending
		},
		Values: func(ValuesContext) map[string]any {
			// installCRDs false: the platform applies the CRDs (the chart's default is
			// true, which would make Helm fail on CRDs it does not own).
			return map[string]any{"installCRDs": false}
		},
		Owned: []string{"installCRDs"},
		// Its validating webhooks (webhook.failurePolicy, default Fail) match only
		// SecretStores, ClusterSecretStores and ExternalSecrets (templates/
		// validatingwebhook.yaml at 2.9.0), never a Service.
		GuardsAPIGroups: []string{"external-secrets.io"},
	}
}

// externalSecretsSources: the chart and its CRDs at helm-chart-2.9.0 and its Kubernetes
// versions.
var externalSecretsSources = provenance{
	upstream: upstreamRelease{
		Repository: "external-secrets/external-secrets",
		Tag:        "helm-chart-2.9.0",
		Commit:     "cc5bfbc2234ace9cb0caff4ea89c435cf517b27b",
	},
	chartYAML: "deploy/charts/external-secrets/Chart.yaml",
	files: []vendoredFile{
		// deploy/crds/bundle.yaml at the chart's release commit: the chart's
		// templates/crds/ are generated from it at packaging, and with the chart's
		// defaults render the same objects (policies/SOURCES.md, "external-secrets").
		{File: "crds/external-secrets-2.9.0-bundle.yaml", Path: "deploy/crds/bundle.yaml",
			SHA256: "08b08d88e9522436698d6c90510b530d491081fbf92015faa7a571bb8b50bc5b"},
	},
	kube: KubeCompat{
		KubeVersion:       ">= 1.19.0-0",
		KubeVersionSource: "external-secrets/external-secrets@helm-chart-2.9.0:deploy/charts/external-secrets/Chart.yaml",
		// Nothing but the chart's constraint bounds it; the page below lists the tested
		// version only.
		MinMinor:        19,
		SupportedSource: "the chart's kubeVersion (no other bound is documented)",
		TestedMinors:    []int{36},
		TestedSource:    `external-secrets/external-secrets@helm-chart-2.9.0:docs/introduction/stability-support.md: ESO 2.9, Kubernetes Version 1.36; "We do not do test coverage for any other kubernetes version than the ones running on our test suites"`,
	},
}

// externalSecretsSettings reads the secret and parameter ARNs and checks their shape.
// identity given with neither list is an error: there would be nothing for the role to
// read.
func externalSecretsSettings(path string, own any, r Reader, _ SettingsContext) any {
	in := own.(*ExternalSecretsArgs)
	sm, smKnown := r.Strings(path+".secretsManagerArns", in.SecretsManagerArns)
	ps, psKnown := r.Strings(path+".parameterStoreArns", in.ParameterStoreArns)
	s := ExternalSecretsSettings{SecretsManagerArns: sm, ParameterStoreArns: ps, ArnsPending: !smKnown || !psKnown}
	checkArns(r, path+".secretsManagerArns", sm, secretsManagerArnPattern,
		"arn:aws:secretsmanager:us-west-2:111122223333:secret:prod/app-*")
	checkArns(r, path+".parameterStoreArns", ps, parameterStoreArnPattern,
		"arn:aws:ssm:us-west-2:111122223333:parameter/prod/app/*")
	if !s.ArnsPending && !s.hasArns() && r.String(path+".identity", in.Identity) != "" {
		r.Problem("%s.secretsManagerArns: required with identity (or parameterStoreArns); give the ARNs or ARN prefixes (ending in *) of the secrets and parameters external-secrets may read, or remove identity", path)
	}
	return s
}

// checkArns rejects an ARN of the wrong shape, one whose name is only wildcards (every
// secret of the account and region), and repeats.
func checkArns(r Reader, path string, arns []string, pattern *regexp.Regexp, example string) {
	seen := map[string]bool{}
	for i, arn := range arns {
		m := pattern.FindStringSubmatch(arn)
		switch {
		case strings.HasPrefix(arn, "arn:") && strings.Contains(arn, ":parameter//"):
			r.Problem("%s[%d]: %q has the parameter's leading / twice; write parameter/<path> without the path's leading / (AWS's ARN of /prod/db is ...:parameter/prod/db)", path, i, arn)
		case m == nil:
			r.Problem("%s[%d]: %q is not an ARN of this kind with a concrete region and account; give one like %s", path, i, arn, example)
		case strings.Trim(m[len(m)-1], "*?/") == "":
			r.Problem("%s[%d]: %q names every one in the account and region; name the secrets or a prefix like %s", path, i, arn, example)
		case seen[arn]:
			r.Problem("%s[%d]: %q is listed twice; list each once", path, i, arn)
		}
		seen[arn] = true
	}
}

// externalSecretsPolicy is external-secrets' documented read policy for each given
// store (docs/provider/aws-secrets-manager.md and aws-parameter-store.md, "IAM Policy",
// at v2.9.0; policies/SOURCES.md, "external-secrets"), scoped to the given ARNs:
//   - Secrets Manager: ListSecrets and BatchGetSecretValue on "*" as the page has them
//     (neither takes a resource; a batch read still needs GetSecretValue on each
//     secret), and GetResourcePolicy, GetSecretValue, DescribeSecret and
//     ListSecretVersionIds on the given secrets.
//   - Parameter Store: ssm:GetParameter* on the given parameters.
//
// PushSecret's write permissions are not granted. Secrets encrypted with a customer
// managed KMS key also need kms:Decrypt on it, which is not granted here.
func externalSecretsPolicy(pc PolicyContext) (string, error) {
	s, _ := pc.Settings.(ExternalSecretsSettings)
	if !s.hasArns() {
		return "", fmt.Errorf("external-secrets: no secret or parameter ARNs")
	}
	var statements []iampolicy.Statement
	if len(s.SecretsManagerArns) > 0 {
		statements = append(statements,
			iampolicy.Allow("ListAndBatchSecrets", []string{
				"secretsmanager:ListSecrets",
				"secretsmanager:BatchGetSecretValue",
			}, []string{"*"}),
			iampolicy.Allow("ReadGivenSecrets", []string{
				"secretsmanager:GetResourcePolicy",
				"secretsmanager:GetSecretValue",
				"secretsmanager:DescribeSecret",
				"secretsmanager:ListSecretVersionIds",
			}, uniq(s.SecretsManagerArns)))
	}
	if len(s.ParameterStoreArns) > 0 {
		statements = append(statements,
			iampolicy.Allow("ReadGivenParameters", []string{"ssm:GetParameter*"}, uniq(s.ParameterStoreArns)))
	}
	return iampolicy.New(statements...).JSON(), nil
}

// uniq is the list without repeats, in order.
func uniq(in []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, s := range in {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}
