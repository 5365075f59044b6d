package addons

import "github.com/pulumi/pulumi/sdk/v3/go/pulumi"

// Args are the `addons` input: one field per catalogue add-on, keyed as in schema.yaml.
// An add-on's own settings type lives in its file; this struct only lists them.
type Args struct {
	AwsLoadBalancerController *CommonArgs          `pulumi:"awsLoadBalancerController"`
	ExternalDns               *ExternalDNSArgs     `pulumi:"externalDns"`
	ClusterAutoscaler         *CommonArgs          `pulumi:"clusterAutoscaler"`
	MetricsServer             *CommonArgs          `pulumi:"metricsServer"`
	CertManager               *CertManagerArgs     `pulumi:"certManager"`
	ExternalSecrets           *ExternalSecretsArgs `pulumi:"externalSecrets"`
}

// CommonArgs are the settings every catalogue add-on has.
type CommonArgs struct {
	Enabled   pulumi.BoolInput   `pulumi:"enabled"`
	Version   pulumi.StringInput `pulumi:"version"`
	Namespace pulumi.StringInput `pulumi:"namespace"`
	Values    pulumi.MapInput    `pulumi:"values"`
	Identity  pulumi.StringInput `pulumi:"identity"`
}

// Reader is how an add-on reads and checks its own inputs: the platform's reader, which
// waits for Outputs, records problems with their input paths, and at preview leaves
// unknown values to the update.
type Reader interface {
	// String reads a string input ("" when not given or unknown).
	String(path string, in pulumi.StringInput) string
	// Strings reads a list input; known is false at preview when it is not known yet.
	Strings(path string, in pulumi.StringArrayInput) (values []string, known bool)
	// Problem records one problem: "<path>: <problem>; <fix>".
	Problem(format string, args ...any)
}

// SettingsContext is what an add-on's defaults may depend on.
type SettingsContext struct {
	ClusterName string
	// KubernetesVersion is the cluster's MAJOR.MINOR.
	KubernetesVersion string
}
