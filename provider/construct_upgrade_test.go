package provider_test

import (
	"strings"
	"testing"

	"github.com/eksplatform/pulumi-eksplatform/provider"
	"github.com/eksplatform/pulumi-eksplatform/provider/constructtest"
	"github.com/eksplatform/pulumi-eksplatform/provider/internal/mocktest"
	"github.com/eksplatform/pulumi-eksplatform/provider/pkg/platform"
)

// constructOnLiveCluster constructs "demo" while the account runs cluster "demo" on
// liveVersion, with the one node group given (EKS name → version).
func constructOnLiveCluster(t *testing.T, in map[string]any, mode constructtest.Mode, liveVersion string, groups map[string]string) (*constructtest.Result, error) {
	t.Helper()
	m := mocktest.New()
	m.SetLiveCluster("demo", liveVersion, groups)
	return constructtest.Run(constructtest.Options{
		Construct: provider.Construct, Type: platform.TypeToken, Name: "demo",
		Inputs: inputs(in), Mode: mode, Mocks: m,
	})
}

// TestConstructVersionStep: the version step is read against the running cluster
// through the plugin's real Construct path, whatever the SDK's encoding of
// kubernetesVersion. A jump of two minors and a downgrade are refused with the allowed
// version and no child registered; at preview an unknown version is left to the
// update, which refuses it; a one-minor bump succeeds and warns about a pinned add-on.
func TestConstructVersionStep(t *testing.T) {
	for _, e := range encodings {
		for _, mode := range []constructtest.Mode{constructtest.Up, constructtest.Preview} {
			en := enc{e, mode}
			t.Run(e.String()+"/"+mode.String(), func(t *testing.T) {
				for _, tc := range []struct {
					live, want string
					errHas     string
				}{
					{"1.34", "1.36", "kubernetesVersion: 1.36 is more than one minor version above the 1.34 cluster demo runs"},
					{"1.36", "1.35", "kubernetesVersion: 1.35 is older than the 1.36 cluster demo runs"},
				} {
					res, err := constructOnLiveCluster(t, map[string]any{"kubernetesVersion": en.wrap(tc.want)}, mode, tc.live, nil)
					if err != nil && res != nil {
						if kids := res.Children(platform.TypeToken); len(kids) > 0 {
							t.Errorf("%s → %s: %d children registered: %v", tc.live, tc.want, len(kids), names(kids))
						}
					}
					if !en.known() {
						continue // either outcome at preview: the update checks it
					}
					if err == nil || !strings.Contains(err.Error(), tc.errHas) {
						t.Errorf("%s → %s: want an error containing %q, got %v", tc.live, tc.want, tc.errHas, err)
					}
				}
				res, err := constructOnLiveCluster(t, map[string]any{
					"kubernetesVersion": en.wrap("1.36"),
					"eksAddons":         map[string]any{"vpcCni": map[string]any{"version": "v1.19.2-eksbuild.1"}},
				}, mode, "1.35", map[string]string{"demo-general-0123abcd": "1.35"})
				if err != nil {
					t.Fatalf("one-minor bump: %v", err)
				}
				if !en.known() {
					return
				}
				warned := false
				for _, l := range res.Logs {
					if strings.Contains(l.Message, "eksAddons.vpcCni.version: v1.19.2-eksbuild.1 stays pinned across the upgrade to 1.36") {
						warned = true
					}
				}
				if !warned {
					t.Errorf("one-minor bump: no warning about the pinned vpc-cni; logs: %+v", res.Logs)
				}
			})
		}
	}
}
