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
		// The EKS release calendar on the pinned day, 2026-12-07 (clock_test.go).
		{"version past extended support", func(a *Args) { a.KubernetesVersion = strIn("1.31"); a.UpgradePolicy = strIn("EXTENDED") },
			[]string{"kubernetesVersion: 1.31 left EKS extended support on 2026-11-26: EKS creates no cluster at it and upgrades running ones itself; choose 1.32 or later (1.32, 1.33, 1.34 only with upgradePolicy: EXTENDED)"}},
		{"version older than the calendar", func(a *Args) { a.KubernetesVersion = strIn("1.28") },
			[]string{"kubernetesVersion: 1.28 is not a version the platform's EKS release calendar knows (1.29 to 1.36, read 2026-12-07); use one of the versions on 2026-12-07 EKS runs 1.35, 1.36 in standard support, and 1.32, 1.33, 1.34 only with upgradePolicy: EXTENDED"}},
		{"version newer than the calendar", func(a *Args) { a.KubernetesVersion = strIn("1.37") },
			[]string{"kubernetesVersion: 1.37 is not a version the platform's EKS release calendar knows (1.29 to 1.36, read 2026-12-07)", "(if EKS released 1.37 after that date, upgrade the component)"}},
		{"version past standard support with the STANDARD default", func(a *Args) { a.KubernetesVersion = strIn("1.34") },
			[]string{"kubernetesVersion: 1.34 left EKS standard support on 2026-12-02; set upgradePolicy: EXTENDED (extended support until 2027-12-02, billed per cluster-hour at the extended-support rate) or choose 1.35 or later"}},
		{"version past standard support with STANDARD given", func(a *Args) { a.KubernetesVersion = strIn("1.32"); a.UpgradePolicy = strIn("STANDARD") },
			[]string{"kubernetesVersion: 1.32 left EKS standard support on 2026-03-23; set upgradePolicy: EXTENDED (extended support until 2027-03-23"}},
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

// A version past standard support runs with upgradePolicy EXTENDED; one in standard
// support runs with either policy.
func TestSupportCalendarAccepts(t *testing.T) {
	for _, tc := range []struct{ version, policy string }{
		{"1.34", "EXTENDED"}, {"1.32", "EXTENDED"}, {"1.35", "STANDARD"}, {"1.36", ""}, {"1.36", "EXTENDED"},
	} {
		args := minimalArgs()
		args.KubernetesVersion = strIn(tc.version)
		if tc.policy != "" {
			args.UpgradePolicy = strIn(tc.policy)
		}
		if cfg, err := resolve(false, "demo", args); err != nil || cfg.Cluster.Version != tc.version {
			t.Errorf("%s on %q: %v", tc.version, tc.policy, err)
		}
	}
}

// The default version is the newest in standard support on the run's date, from the
// calendar: 1.36 on the pinned day, 1.35 before 1.36 came out, and none (an error that
// says to set the version or upgrade the component) once the calendar knows no version
// in standard support.
func TestDefaultVersionFollowsTheCalendar(t *testing.T) {
	for _, tc := range []struct{ day, want, err string }{
		{"2026-12-07", "1.36", ""},
		{"2026-05-01", "1.35", ""},
		{"2027-08-02", "", "kubernetesVersion: not given, and the platform's EKS release calendar (1.29 to 1.36, read 2026-12-07) knows no version in standard support on 2027-08-02 to default to; set kubernetesVersion, or upgrade the component for a newer calendar"},
	} {
		t.Run(tc.day, func(t *testing.T) {
			pinToday(t, tc.day)
			cfg, err := resolve(false, "demo", minimalArgs())
			switch {
			case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
				t.Errorf("want %q, got %v", tc.err, err)
			case tc.err == "" && (err != nil || cfg.Cluster.Version != tc.want):
				t.Errorf("default %v (%v), want %s", cfg, err, tc.want)
			}
		})
	}
}

// At preview an unknown upgradePolicy cannot be read: a version past standard support
// is not refused then (the update, where the policy is known, checks it) and the
// preview says so; a version past extended support is refused whatever the policy.
func TestSupportCalendarWithUnknownPolicyAtPreview(t *testing.T) {
	args := minimalArgs()
	args.KubernetesVersion = strIn("1.34")
	args.UpgradePolicy = pulumi.UnsafeUnknownOutput(nil).ApplyT(func(any) string { return "EXTENDED" }).(pulumi.StringOutput)
	markUnknownAtPreview(args, "upgradePolicy")
	cfg, err := resolve(true, "demo", args)
	if err != nil {
		t.Fatalf("preview with an unknown upgradePolicy: %v", err)
	}
	if len(cfg.Warnings) != 1 || !strings.Contains(cfg.Warnings[0], "upgradePolicy: not known yet at preview; kubernetesVersion 1.34 left EKS standard support on 2026-12-02, so the update refuses it unless upgradePolicy resolves to EXTENDED") {
		t.Errorf("warnings %q", cfg.Warnings)
	}
	args.KubernetesVersion = strIn("1.31")
	if _, err := resolve(true, "demo", args); err == nil || !strings.Contains(err.Error(), "kubernetesVersion: 1.31 left EKS extended support on 2026-11-26") {
		t.Errorf("1.31 with an unknown policy at preview: %v", err)
	}
}
