package provider_test

import (
	"slices"
	"testing"

	"github.com/eksplatform/pulumi-eksplatform/provider/constructtest"
	"github.com/eksplatform/pulumi-eksplatform/provider/internal/settingsapi"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// settingsCarries checks that the settings resource got the input key as it was sent:
// the value, secret when secret, unknown when unknown, and depending on what the
// Output depended on.
func settingsCarries(key string, want resource.PropertyValue) func(r *report, e enc, res *constructtest.Result) {
	return func(r *report, e enc, res *constructtest.Result) {
		settings := res.OfType(settingsapi.Token)
		if len(settings) != 1 {
			r.errorf("want one %s, got %d", settingsapi.Token, len(settings))
			return
		}
		s := settings[0]
		v, computed, isSecret, ok := get(s.Inputs, key)
		switch {
		case !ok:
			r.errorf("%s has no %s", s.Name, key)
		case !e.known():
			if !computed {
				r.errorf("%s.%s = %v at preview, want unknown", s.Name, key, v)
			}
		case computed || !v.DeepEquals(want):
			r.errorf("%s.%s = %v, want %v", s.Name, key, v, want)
		}
		if e.encoding == secret && !isSecret {
			r.errorf("%s.%s lost its secretness", s.Name, key)
		}
		if e.encoding == output && !slices.Contains(s.AllDeps(), subnetURN) {
			r.errorf("%s does not depend on %s, which %s came from", s.Name, subnetURN, key)
		}
	}
}

// clusterSettingsCases: every input of the cluster settings stage, each encoding.
func clusterSettingsCases() []boundaryCase {
	return []boundaryCase{
		{
			name: "deletionProtection false",
			inputs: func(e enc) resource.PropertyMap {
				return inputs(map[string]any{"deletionProtection": e.wrap(false)})
			},
			expect: succeed,
			check:  settingsCarries(settingsapi.DeletionProtection, resource.NewProperty(false)),
		},
		{
			name: "controlPlaneTier tier-xl",
			inputs: func(e enc) resource.PropertyMap {
				return inputs(map[string]any{"controlPlaneTier": e.wrap("tier-xl")})
			},
			expect: succeed,
			check:  settingsCarries(settingsapi.ControlPlaneTier, resource.NewProperty("tier-xl")),
		},
		{
			name: "controlPlaneTier unknown tier",
			inputs: func(e enc) resource.PropertyMap {
				return inputs(map[string]any{"controlPlaneTier": e.wrap("tier-3xl")})
			},
			expect: rejectKnown(`controlPlaneTier: "tier-3xl" is not a provisioned control plane tier; use one of standard, tier-xl, tier-2xl, tier-4xl, tier-8xl`),
		},
	}
}

func TestConstructBoundaryClusterSettings(t *testing.T) {
	for _, tc := range clusterSettingsCases() {
		for _, e := range encodings {
			for _, mode := range []constructtest.Mode{constructtest.Up, constructtest.Preview} {
				t.Run(tc.name+"/"+e.String()+"/"+mode.String(), func(t *testing.T) {
					rep := &report{t: t}
					runBoundaryCase(rep, tc, enc{e, mode})
					for _, f := range rep.failures {
						t.Error(f)
					}
				})
			}
		}
	}
}
