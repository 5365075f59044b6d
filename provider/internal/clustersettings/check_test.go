package clustersettings

import (
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

const testArn = "arn:aws:eks:us-west-2:123456789012:cluster/demo"

// inputs are valid settings inputs with the given changes (a nil value removes a key).
func inputs(changes map[string]any) resource.PropertyMap {
	m := map[string]any{
		"clusterName": "demo", "clusterArn": testArn, "region": "us-west-2",
		"deletionProtection": true, "releaseProtectionOnDelete": true,
	}
	for k, v := range changes {
		if v == nil {
			delete(m, k)
			continue
		}
		m[k] = v
	}
	pm := resource.NewPropertyMapFromMap(m)
	for k, v := range changes {
		if pv, ok := v.(resource.PropertyValue); ok {
			pm[resource.PropertyKey(k)] = pv
		}
	}
	return pm
}

func TestCheckNamesEveryInput(t *testing.T) {
	for _, tc := range []struct {
		name    string
		changes map[string]any
		want    string // "" for valid
	}{
		{"valid", nil, ""},
		{"tier", map[string]any{"controlPlaneTier": "tier-xl"}, ""},
		{"secret profile", map[string]any{"profile": resource.MakeSecret(resource.NewProperty("prod"))}, ""},
		{"unknown tier at preview", map[string]any{"controlPlaneTier": resource.MakeComputed(resource.NewProperty(""))}, ""},
		{"missing ARN", map[string]any{"clusterArn": nil}, "clusterArn: missing"},
		{"bad name", map[string]any{"clusterName": "-x", "clusterArn": "arn:aws:eks:us-west-2:123456789012:cluster/-x"}, `clusterName: "-x" is not an EKS cluster name; use`},
		{"bad arn", map[string]any{"clusterArn": "arn:aws:iam::123456789012:role/demo"}, `clusterArn: "arn:aws:iam::123456789012:role/demo" is not an EKS cluster ARN; give`},
		{"arn of another cluster", map[string]any{"clusterArn": "arn:aws:eks:us-west-2:123456789012:cluster/other"}, `clusterArn: "arn:aws:eks:us-west-2:123456789012:cluster/other" names cluster "other", not "demo"; give`},
		{"arn in another region", map[string]any{"clusterArn": "arn:aws:eks:eu-west-1:123456789012:cluster/demo"}, "clusterArn: the cluster is in region eu-west-1 but the aws provider's region is us-west-2; "},
		{"bad region", map[string]any{"region": "uswest2", "clusterArn": "arn:aws:eks:uswest2:123456789012:cluster/demo"}, `region: "uswest2" is not an AWS region; give`},
		{"bad tier", map[string]any{"controlPlaneTier": "tier-3xl"}, `controlPlaneTier: "tier-3xl" is not a provisioned control plane tier; use one of standard, tier-xl, tier-2xl, tier-4xl, tier-8xl`},
		{"empty tier", map[string]any{"controlPlaneTier": ""}, "controlPlaneTier: empty; use one of"},
		{"protection not a bool", map[string]any{"deletionProtection": "yes"}, "deletionProtection: string is not a boolean; give true or false"},
		{"bad role", map[string]any{"roleArn": "deployer"}, `roleArn: "deployer" is not an IAM role ARN; give arn:aws:iam::<account>:role/<name>`},
		{"role", map[string]any{"roleArn": "arn:aws:iam::123456789012:role/deployer"}, ""},
		{"profile spaces", map[string]any{"profile": " prod"}, `profile: " prod" has leading or trailing spaces; give`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, failures := readSettings(inputs(tc.changes))
			if tc.want == "" {
				if len(failures) != 0 {
					t.Fatalf("want no failure, got %v", failures)
				}
				return
			}
			if len(failures) != 1 || !strings.Contains(failures[0].Error(), tc.want) {
				t.Fatalf("failures %v, want one containing %q", failures, tc.want)
			}
			if prop := strings.SplitN(tc.want, ":", 2)[0]; failures[0].Property != prop {
				t.Errorf("failure names %q, want %q", failures[0].Property, prop)
			}
		})
	}
}

func TestDiffReplacesOnlyForAnotherCluster(t *testing.T) {
	olds := inputs(map[string]any{"controlPlaneTier": "tier-xl"})
	for _, tc := range []struct {
		name              string
		changes           map[string]any
		replaces, updates string
	}{
		{"same", map[string]any{"controlPlaneTier": "tier-xl"}, "", ""},
		{"same secret", map[string]any{"controlPlaneTier": resource.MakeSecret(resource.NewProperty("tier-xl"))}, "", ""},
		{"tier up", map[string]any{"controlPlaneTier": "tier-2xl"}, "", "controlPlaneTier"},
		{"tier left to EKS", map[string]any{"controlPlaneTier": nil}, "", "controlPlaneTier"},
		{"protection off", map[string]any{"controlPlaneTier": "tier-xl", "deletionProtection": false}, "", "deletionProtection"},
		{"protectCluster set", map[string]any{"controlPlaneTier": "tier-xl", "releaseProtectionOnDelete": false}, "", "releaseProtectionOnDelete"},
		{"profile", map[string]any{"controlPlaneTier": "tier-xl", "profile": "prod"}, "", "profile"},
		{"role", map[string]any{"controlPlaneTier": "tier-xl", "roleArn": "arn:aws:iam::123456789012:role/deployer"}, "", "roleArn"},
		{"unknown tier", map[string]any{"controlPlaneTier": resource.MakeComputed(resource.NewProperty(""))}, "", "controlPlaneTier"},
		{"renamed cluster", map[string]any{"controlPlaneTier": "tier-xl", "clusterName": "other", "clusterArn": "arn:aws:eks:us-west-2:123456789012:cluster/other"}, "clusterName,clusterArn", ""},
		{"replaced cluster (ARN unknown)", map[string]any{"controlPlaneTier": "tier-xl", "clusterArn": resource.MakeComputed(resource.NewProperty(""))}, "clusterArn", ""},
		{"another region", map[string]any{"controlPlaneTier": "tier-xl", "region": "eu-west-1"}, "region", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := diffSettings(olds, inputs(tc.changes))
			if got := strings.Join(c.Replaces, ","); got != tc.replaces {
				t.Errorf("replaces %q, want %q", got, tc.replaces)
			}
			if got := strings.Join(c.Updates, ","); got != tc.updates {
				t.Errorf("updates %q, want %q", got, tc.updates)
			}
		})
	}
}

// Drift: Read put EKS's value in the state, so the unchanged inputs differ from it and
// the update repairs it.
func TestDiffSeesDriftInTheState(t *testing.T) {
	state := inputs(map[string]any{"deletionProtection": false}) // someone turned it off
	c := diffSettings(state, inputs(nil))
	if strings.Join(c.Updates, ",") != "deletionProtection" || len(c.Replaces) != 0 {
		t.Errorf("diff %+v, want an update of deletionProtection", c)
	}
}
