package platform

import (
	"strings"
	"testing"

	"github.com/eksplatform/pulumi-eksplatform/provider/internal/mocktest"
)

// platformRoleArn is the role the platform (any release) gives the cluster "demo".
var platformRoleArn = "arn:aws:iam::" + mocktest.Account + ":role/demo-cluster"

// The owner of the running cluster of the platform's name, from its identity tag and,
// without one, its role.
func TestCheckClusterOwner(t *testing.T) {
	const arn = "arn:aws:eks:us-west-2:123456789012:cluster/demo"
	for _, tc := range []struct {
		name  string
		own   clusterOwnership
		wants []string // none: the cluster is this platform's
	}{
		{"this platform's", clusterOwnership{Tags: map[string]string{identityTag: identity}, RoleArn: "arn:aws:iam::1:role/any"}, nil},
		{"made by 0.1.0 (no tag, the platform's role)", clusterOwnership{RoleArn: platformRoleArn}, nil},
		{"another stack's platform", clusterOwnership{Arn: arn, Tags: map[string]string{identityTag: "project/prod/demo"}, RoleArn: platformRoleArn}, []string{
			`clusterName: the EKS cluster demo is another platform's: its eksplatform:platform tag is "project/prod/demo" (project/stack/component), and this platform is "project/stack/demo"`,
			"EKS cluster names are unique in a region and account, so choose another clusterName",
			"claim the cluster first: aws eks tag-resource --resource-arn " + arn + " --tags eksplatform:platform=project/stack/demo",
		}},
		{"another tool's", clusterOwnership{RoleArn: "arn:aws:iam::1:role/eksctl-demo-cluster-ServiceRole-X"}, []string{
			"clusterName: an EKS cluster named demo already exists, and the platform did not make it (it carries no eksplatform:platform tag, and its role arn:aws:iam::1:role/eksctl-demo-cluster-ServiceRole-X is not the platform's demo-cluster)",
			"cannot be adopted", "choose another clusterName, or delete that cluster",
		}},
		{"the platform's role name under a path", clusterOwnership{RoleArn: "arn:aws:iam::1:role/team/demo-cluster"}, []string{"the platform did not make it"}},
		{"no role reported", clusterOwnership{}, []string{"its role (none reported) is not the platform's demo-cluster"}},
		{"the user's own tags only", clusterOwnership{Tags: map[string]string{"team": "x"}, RoleArn: "arn:aws:iam::1:role/by-hand"}, []string{"the platform did not make it"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.own.Name = "demo"
			err := checkClusterOwner(tc.own, identity, platformClusterRole("demo"))
			if len(tc.wants) == 0 {
				if err != nil {
					t.Fatalf("want no error, got %v", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("want an error containing %q, got none", tc.wants)
			}
			for _, w := range tc.wants {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
	// A name long enough for physicalName: 0.1.0's role is the shortened one.
	long := strings.Repeat("c", 60)
	if err := checkClusterOwner(clusterOwnership{Name: long, RoleArn: "arn:aws:iam::1:role/" + physicalName(long+"-cluster", 64)},
		identity, platformClusterRole(long)); err != nil {
		t.Errorf("a 0.1.0 cluster with a shortened role name: %v", err)
	}
}

// A name another cluster holds is refused as such, with no child registered, ahead of
// every check that compares this run with the running cluster: the settings that differ
// (kmsKeyArn, secretsEncryption, bootstrapClusterCreatorAdminPermissions) and the version
// step are not named, since that cluster is not this platform's to change.
func TestClusterNameTakenIsRefusedFirst(t *testing.T) {
	otherKey := "arn:aws:kms:us-west-2:123456789012:key/other"
	// Another stack's platform: bootstrap admin on, secrets under another key, two minors
	// behind the version this run asks for.
	otherTags := map[string]string{identityTag: "project/prod/demo", bootstrapAdminTag: "true",
		secretsEncryptionTag: "true", secretsKeyTag: otherKey}
	for _, tc := range []struct {
		name  string
		edit  func(*Args)
		live  mocktest.LiveCluster
		wants []string
	}{
		{"another platform's, kmsKeyArn differs", func(a *Args) { a.KmsKeyArn = strIn("arn:aws:kms:us-west-2:123456789012:key/mine") },
			mocktest.LiveCluster{Version: "1.36", Tags: otherTags, RoleArn: platformRoleArn},
			[]string{"clusterName: the EKS cluster demo is another platform's", "choose another clusterName"}},
		{"another platform's, encryption off", func(a *Args) { a.SecretsEncryption = boolIn(false) },
			mocktest.LiveCluster{Version: "1.36", Tags: otherTags, RoleArn: platformRoleArn},
			[]string{"clusterName: the EKS cluster demo is another platform's"}},
		{"another platform's, two minors behind", func(a *Args) { a.KubernetesVersion = strIn("1.36") },
			mocktest.LiveCluster{Version: "1.34", Tags: otherTags, RoleArn: platformRoleArn},
			[]string{"clusterName: the EKS cluster demo is another platform's"}},
		{"made by hand", func(a *Args) { a.BootstrapClusterCreatorAdminPermissions = boolIn(true) },
			mocktest.LiveCluster{Version: "1.36", RoleArn: "arn:aws:iam::" + mocktest.Account + ":role/AmazonEKSClusterRole"},
			[]string{"clusterName: an EKS cluster named demo already exists, and the platform did not make it"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := minimalArgs()
			tc.edit(a)
			rec, err := deployOn(t, a, map[string]mocktest.LiveCluster{"demo": tc.live})
			requireRefused(t, rec, err, tc.wants...)
			for _, cause := range []string{"kmsKeyArn:", "secretsEncryption:", "bootstrapClusterCreatorAdminPermissions:", "kubernetesVersion:"} {
				if err != nil && strings.Contains(err.Error(), cause) {
					t.Errorf("the error names %s, not the name taken: %v", strings.TrimSuffix(cause, ":"), err)
				}
			}
		})
	}
}

// Every other cluster of the account is no concern of the owner check: beside another
// platform's cluster and a hand-made one, a first create goes ahead.
func TestOtherClustersDoNotBlockAFirstCreate(t *testing.T) {
	if _, err := deployOn(t, minimalArgs(), map[string]mocktest.LiveCluster{
		"prod":    {Version: "1.36", Tags: map[string]string{identityTag: "project/prod/prod"}},
		"by-hand": {Version: "1.36", RoleArn: "arn:aws:iam::1:role/by-hand"},
	}); err != nil {
		t.Fatal(err)
	}
}
