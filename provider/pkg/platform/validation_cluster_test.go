package platform

import (
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Every validation of the network and cluster stages: the error names the input path
// and the fix, and nothing is registered.
func TestClusterValidation(t *testing.T) {
	cases := []struct {
		name  string
		edit  func(a *Args)
		wants []string
	}{
		{"empty private subnets", func(a *Args) { a.PrivateSubnetIds = strsIn() }, []string{"privateSubnetIds: empty"}},
		{"no subnets at all", func(a *Args) { a.PrivateSubnetIds = nil; a.PublicSubnetIds = nil }, []string{"privateSubnetIds: empty"}},
		{"one subnet", func(a *Args) { a.PublicSubnetIds = nil; a.PrivateSubnetIds = strsIn(priv1) }, []string{"at least two subnets in different Availability Zones"}},
		{"subnet both public and private", func(a *Args) { a.PublicSubnetIds = strsIn(pub1, priv1) },
			[]string{"publicSubnetIds[1]: \"" + priv1 + "\" is both public and private (also privateSubnetIds[0])"}},
		{"duplicate subnet", func(a *Args) { a.PrivateSubnetIds = strsIn(priv1, priv2, priv1) },
			[]string{"privateSubnetIds[2]: \"" + priv1 + "\" is listed twice (also privateSubnetIds[0])"}},
		{"malformed subnet", func(a *Args) { a.PublicSubnetIds = strsIn("sn-123") }, []string{"publicSubnetIds[0]: \"sn-123\" is not a subnet ID"}},
		{"malformed cidr", func(a *Args) { a.PublicAccessCidrs = strsIn("10.0.0.0/8", "office") },
			[]string{"publicAccessCidrs[1]: \"office\" is not an IPv4 CIDR block"}},
		{"cidr host bits", func(a *Args) { a.PublicAccessCidrs = strsIn("203.0.113.7/24") },
			[]string{"publicAccessCidrs[0]: \"203.0.113.7/24\" has host bits set; use 203.0.113.0/24"}},
		{"cidrs without public endpoint", func(a *Args) { a.EndpointPublicAccess = boolIn(false); a.PublicAccessCidrs = strsIn("10.0.0.0/8") },
			[]string{"publicAccessCidrs: given while endpointPublicAccess is false"}},
		{"no endpoint", func(a *Args) { a.EndpointPublicAccess = boolIn(false); a.EndpointPrivateAccess = boolIn(false) },
			[]string{"endpointPublicAccess, endpointPrivateAccess: both are false"}},
		{"malformed version", func(a *Args) { a.KubernetesVersion = strIn("v1.30") }, []string{"kubernetesVersion: \"v1.30\" is not a Kubernetes version; use MAJOR.MINOR"}},
		{"patch version", func(a *Args) { a.KubernetesVersion = strIn("1.30.2") }, []string{"kubernetesVersion: \"1.30.2\""}},
		{"version out of support", func(a *Args) { a.KubernetesVersion = strIn("1.31") },
			[]string{"kubernetesVersion: 1.31 is not a version EKS supports; use one of 1.32, 1.33, 1.34, 1.35, 1.36 (1.32 and 1.33 only in paid extended support)"}},
		{"version not yet on EKS", func(a *Args) { a.KubernetesVersion = strIn("1.37") }, []string{"kubernetesVersion: 1.37 is not a version EKS supports"}},
		{"extended-support version with the STANDARD default", func(a *Args) { a.KubernetesVersion = strIn("1.33") },
			[]string{"kubernetesVersion: 1.33 is past EKS standard support", "billed at the extended-support rate; set upgradePolicy to EXTENDED", "or use 1.34, 1.35, 1.36"}},
		{"extended-support version with STANDARD given", func(a *Args) { a.KubernetesVersion = strIn("1.32"); a.UpgradePolicy = strIn("STANDARD") },
			[]string{"kubernetesVersion: 1.32 is past EKS standard support"}},
		{"unknown upgrade policy", func(a *Args) { a.UpgradePolicy = strIn("LTS") },
			[]string{`upgradePolicy: unknown policy "LTS"; use STANDARD`, "or EXTENDED"}},
		{"retention not allowed", func(a *Args) { a.LogRetentionDays = intIn(45) },
			[]string{"logRetentionDays: 45 is not a retention CloudWatch Logs allows; use one of 1, 3, 5"}},
		{"unknown log type", func(a *Args) { a.EnabledLogTypes = strsIn("api", "kubelet") },
			[]string{"enabledLogTypes[1]: unknown log type \"kubelet\"; use one of api, audit, authenticator, controllerManager, scheduler"}},
		{"duplicate log type", func(a *Args) { a.EnabledLogTypes = strsIn("api", "api") }, []string{"enabledLogTypes[1]: \"api\" is listed twice"}},
		{"cluster name too long", func(a *Args) { a.ClusterName = strIn(strings.Repeat("a", 101)) }, []string{"clusterName: ", "1-100 characters"}},
		{"cluster name bad start", func(a *Args) { a.ClusterName = strIn("-dev") }, []string{"clusterName: \"-dev\" is not a valid EKS cluster name"}},
		{"cluster name bad char", func(a *Args) { a.ClusterName = strIn("dev.eu") }, []string{"clusterName: \"dev.eu\""}},
		{"component name invalid as cluster name", func(a *Args) { a.ClusterName = strIn("my cluster") }, []string{"clusterName: \"my cluster\""}},
		{"unknown auth mode", func(a *Args) { a.AuthenticationMode = strIn("IAM") }, []string{"authenticationMode: unknown mode \"IAM\"; use one of API, API_AND_CONFIG_MAP, CONFIG_MAP"}},
		{"config map without bootstrap admin", func(a *Args) {
			a.AuthenticationMode = strIn("CONFIG_MAP")
			a.BootstrapClusterCreatorAdminPermissions = boolIn(false)
		}, []string{"bootstrapClusterCreatorAdminPermissions: EKS requires true in CONFIG_MAP mode"}},
		{"key without encryption", func(a *Args) {
			a.SecretsEncryption = boolIn(false)
			a.KmsKeyArn = strIn("arn:aws:kms:us-west-2:123456789012:key/abc")
		}, []string{"kmsKeyArn: given while secretsEncryption is false"}},
		{"malformed key", func(a *Args) { a.KmsKeyArn = strIn("my-key") }, []string{"kmsKeyArn: \"my-key\" is not a KMS key ARN"}},
		{"reserved tag", func(a *Args) { a.Tags = strMapIn(map[string]string{"aws:owner": "x"}) }, []string{"tags: key \"aws:owner\" uses the reserved prefix"}},
		{"unknown provider auth", func(a *Args) { a.KubernetesProviderAuth = strIn("oidc") }, []string{"kubernetesProviderAuth: unknown mode \"oidc\""}},
		{"malformed role", func(a *Args) { a.AwsRoleArn = strIn("EksAdmin") }, []string{"awsRoleArn: \"EksAdmin\" is not an IAM role ARN"}},
		{"output subnet id read as its value", func(a *Args) {
			a.PrivateSubnetIds = pulumi.StringArray{pulumi.String(priv1), pulumi.String("subnet-bad").ToStringOutput()}
		}, []string{`privateSubnetIds[1]: "subnet-bad" is not a subnet ID`}},
		{"an output that never resolves fails closed at the update", func(a *Args) {
			a.KubernetesVersion = pulumi.UnsafeUnknownOutput(nil).ApplyT(func(v any) string { return "1.33" }).(pulumi.StringOutput)
		}, []string{"kubernetesVersion: not known during the update"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			args := minimalArgs()
			tc.edit(args)
			requireInvalid(t, args, tc.wants...)
		})
	}
}

func TestValidationReportsEveryProblemAtOnce(t *testing.T) {
	args := minimalArgs()
	args.KubernetesVersion = strIn("latest")
	args.LogRetentionDays = intIn(2)
	_, err := deployErr(t, args)
	if err == nil || !strings.Contains(err.Error(), "kubernetesVersion") || !strings.Contains(err.Error(), "logRetentionDays") {
		t.Fatalf("want both problems in one error, got %v", err)
	}
}

func TestConfigMapModeDefaultsBootstrapAdminOn(t *testing.T) {
	cfg, err := resolve(false, "demo", &Args{
		PublicSubnetIds:    strsIn(pub1),
		PrivateSubnetIds:   strsIn(priv1),
		AuthenticationMode: strIn("CONFIG_MAP"),
		NodeGroups:         []NodeGroupArgs{{Name: strIn("general")}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if !cfg.Cluster.BootstrapCreatorAdmin {
		t.Error("CONFIG_MAP mode needs bootstrapClusterCreatorAdminPermissions true by default")
	}
}
