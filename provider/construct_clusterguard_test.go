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
