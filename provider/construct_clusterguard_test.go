package provider_test

import (
	"strings"
	"testing"

	"github.com/eksplatform/pulumi-eksplatform/provider"
	"github.com/eksplatform/pulumi-eksplatform/provider/constructtest"
	"github.com/eksplatform/pulumi-eksplatform/provider/internal/mocktest"
	"github.com/eksplatform/pulumi-eksplatform/provider/pkg/platform"
)

// guardedCluster is cluster "demo" as the platform "demo" of project/stack made it:
// bootstrap admin off, secrets encrypted with the platform's own key.
var guardedCluster = mocktest.LiveCluster{Version: "1.36", Tags: map[string]string{
	"eksplatform:platform": "project/stack/demo", "eksplatform:bootstrapClusterCreatorAdminPermissions": "false",
	"eksplatform:secretsEncryption": "true", "eksplatform:secretsKey": "platform",
}}

func constructOnClusters(t *testing.T, in map[string]any, mode constructtest.Mode, clusters map[string]mocktest.LiveCluster) (*constructtest.Result, error) {
	t.Helper()
	m := mocktest.New()
	m.SetLiveClusters(clusters)
	return constructtest.Run(constructtest.Options{
		Construct: provider.Construct, Type: platform.TypeToken, Name: "demo",
		Inputs: inputs(in), Mode: mode, Mocks: m,
	})
}

// TestConstructClusterGuard: through the plugin's real Construct path, whatever the SDK's
// encoding of the changed input, a change that would replace the cluster (a create-only
// setting, a rename) is refused with no child registered; unknown at preview, it is
// warned about and left to the update; allowClusterReplacement, in any encoding, lets
// it go ahead with a warning.
func TestConstructClusterGuard(t *testing.T) {
	cases := []struct {
		name, key string
		value     any
		clusters  map[string]mocktest.LiveCluster
		errHas    string
	}{
		{"bootstrap admin", "bootstrapClusterCreatorAdminPermissions", true, map[string]mocktest.LiveCluster{"demo": guardedCluster},
			"bootstrapClusterCreatorAdminPermissions: changing it from false to true replaces the EKS cluster"},
		{"encryption off", "secretsEncryption", false, map[string]mocktest.LiveCluster{"demo": guardedCluster},
			"secretsEncryption: changing it from true to false replaces the EKS cluster"},
		{"rename", "clusterName", "demo-2", map[string]mocktest.LiveCluster{"demo": guardedCluster},
			"clusterName: changing it from demo to demo-2 replaces the EKS cluster"},
		// Not a replacement: EKS cannot change the key at all (allowClusterReplacement
		// does not help, the provider would not replace the cluster), so it is refused.
		{"secrets key", "kmsKeyArn", "arn:aws:kms:us-west-2:123456789012:key/other", map[string]mocktest.LiveCluster{"demo": guardedCluster},
			"kmsKeyArn: the secrets of the EKS cluster demo are encrypted with the platform's own KMS key (no kmsKeyArn), and EKS cannot change the key"},
	}
	for _, e := range encodings {
		for _, mode := range []constructtest.Mode{constructtest.Up, constructtest.Preview} {
			en := enc{e, mode}
			t.Run(e.String()+"/"+mode.String(), func(t *testing.T) {
				for _, tc := range cases {
					res, err := constructOnClusters(t, map[string]any{tc.key: en.wrap(tc.value)}, mode, tc.clusters)
					if !en.known() {
						if err != nil {
							t.Errorf("%s unknown at preview: want a warning, not %v", tc.name, err)
							continue
						}
						if !logged(res, tc.key+": not known yet at preview") {
							t.Errorf("%s unknown at preview: no warning; logs %+v", tc.name, res.Logs)
						}
						continue
					}
					if err == nil || !strings.Contains(err.Error(), tc.errHas) {
						t.Errorf("%s: want an error containing %q, got %v", tc.name, tc.errHas, err)
					}
					if res != nil {
						if kids := res.Children(platform.TypeToken); len(kids) > 0 {
							t.Errorf("%s: refused but %d children registered: %v", tc.name, len(kids), names(kids))
						}
					}
				}
				// allowClusterReplacement in the same encoding lets the change go ahead.
				res, err := constructOnClusters(t, map[string]any{
					"secretsEncryption": false, "allowClusterReplacement": en.wrap(true),
				}, mode, map[string]mocktest.LiveCluster{"demo": guardedCluster})
				if !en.known() {
					// Unknown at preview: the update decides, so the preview warns.
					if err != nil || !logged(res, "allowClusterReplacement is not known yet at preview: the update refuses this unless it resolves to true") {
						t.Errorf("allow unknown at preview: want a warning, got %v; logs %+v", err, res.Logs)
					}
					return
				}
				if err != nil {
					t.Fatalf("allowed: %v", err)
				}
				if !logged(res, "secretsEncryption: changing it from true to false REPLACES the EKS cluster demo") {
					t.Errorf("allowed: no loud warning; logs %+v", res.Logs)
				}
			})
		}
	}
}

func logged(res *constructtest.Result, s string) bool {
	if res == nil {
		return false
	}
	for _, l := range res.Logs {
		if strings.Contains(l.Message, s) {
			return true
		}
	}
	return false
}

// TestConstructClusterNameTaken: through the plugin's real Construct path, a clusterName
// another cluster holds (another stack's platform, or a cluster made by hand) is
// refused as such with no child registered, whatever the SDK's encoding of the name,
// even where a guarded setting (kmsKeyArn) differs too; unknown at preview it is warned
// about, never refused. With kubernetesVersion unknown at preview the running cluster
// is not read for the version step, but the owner of a known name still is.
func TestConstructClusterNameTaken(t *testing.T) {
	anotherPlatform := mocktest.LiveCluster{Version: "1.36", RoleArn: "arn:aws:iam::" + mocktest.Account + ":role/demo-cluster",
		Tags: map[string]string{
			"eksplatform:platform": "project/prod/demo", "eksplatform:bootstrapClusterCreatorAdminPermissions": "true",
			"eksplatform:secretsEncryption": "true", "eksplatform:secretsKey": "arn:aws:kms:us-west-2:123456789012:key/theirs",
		}}
	byHand := mocktest.LiveCluster{Version: "1.36", RoleArn: "arn:aws:iam::" + mocktest.Account + ":role/AmazonEKSClusterRole"}
	cases := []struct {
		name    string
		cluster mocktest.LiveCluster
		errHas  string
	}{
		{"another platform's", anotherPlatform, `clusterName: the EKS cluster demo is another platform's: its eksplatform:platform tag is "project/prod/demo"`},
		{"made by hand", byHand, "clusterName: an EKS cluster named demo already exists, and the platform did not make it"},
	}
	requireTaken := func(t *testing.T, what string, res *constructtest.Result, err error, errHas string) {
		t.Helper()
		if err == nil || !strings.Contains(err.Error(), errHas) {
			t.Errorf("%s: want an error containing %q, got %v", what, errHas, err)
		} else if strings.Contains(err.Error(), "kmsKeyArn:") {
			t.Errorf("%s: the error names kmsKeyArn, not the name taken: %v", what, err)
		}
		if res != nil {
			if kids := res.Children(platform.TypeToken); len(kids) > 0 {
				t.Errorf("%s: refused but %d children registered: %v", what, len(kids), names(kids))
			}
		}
	}
	for _, e := range encodings {
		for _, mode := range []constructtest.Mode{constructtest.Up, constructtest.Preview} {
			en := enc{e, mode}
			t.Run(e.String()+"/"+mode.String(), func(t *testing.T) {
				for _, tc := range cases {
					res, err := constructOnClusters(t, map[string]any{
						"clusterName": en.wrap("demo"), "kmsKeyArn": "arn:aws:kms:us-west-2:123456789012:key/mine",
					}, mode, map[string]mocktest.LiveCluster{"demo": tc.cluster})
					if !en.known() {
						if err != nil {
							t.Errorf("%s, name unknown at preview: want a warning, not %v", tc.name, err)
						} else if !logged(res, "clusterName: not known yet at preview") {
							t.Errorf("%s, name unknown at preview: no warning; logs %+v", tc.name, res.Logs)
						}
						continue
					}
					requireTaken(t, tc.name, res, err, tc.errHas)
				}
			})
		}
	}
	t.Run("kubernetesVersion unknown at preview", func(t *testing.T) {
		for _, tc := range cases {
			res, err := constructOnClusters(t, map[string]any{
				"kubernetesVersion": constructtest.Unknown(subnetURN), "kmsKeyArn": "arn:aws:kms:us-west-2:123456789012:key/mine",
			}, constructtest.Preview, map[string]mocktest.LiveCluster{"demo": tc.cluster})
			requireTaken(t, tc.name, res, err, tc.errHas)
		}
	})
}
