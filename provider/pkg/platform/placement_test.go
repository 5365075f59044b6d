package platform

import (
	"slices"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// fakeResource stands in for a registered node group or profile; placement only
// compares identities.
type fakeResource struct {
	pulumi.ResourceState
	name string
}

func TestSchedulableFor(t *testing.T) {
	sys := nodeGroupConfig{Name: "system", DesiredSize: 2, AmiType: defaultAmiType,
		Taints: []taintConfig{{Key: "CriticalAddonsOnly", Effect: "NO_SCHEDULE"}}}
	empty := nodeGroupConfig{Name: "batch", DesiredSize: 0, AmiType: defaultAmiType}
	win := nodeGroupConfig{Name: "win", DesiredSize: 1, AmiType: "WINDOWS_CORE_2022_x86_64"}
	general := nodeGroupConfig{Name: "general", DesiredSize: 1, AmiType: defaultAmiType,
		Taints: []taintConfig{{Key: "soft", Effect: "PREFER_NO_SCHEDULE"}}}
	jobs := fargateProfileConfig{Name: "jobs", Selectors: []fargateSelectorConfig{{Namespace: "job-*"}}}
	web := fargateProfileConfig{Name: "web", Selectors: []fargateSelectorConfig{{Namespace: "apps", Labels: map[string]string{"tier": "web"}}}}
	made := func(names ...string) []pulumi.Resource {
		var out []pulumi.Resource
		for _, n := range names {
			out = append(out, &fakeResource{name: n})
		}
		return out
	}
	groups, profiles := made("system", "batch", "win", "general"), made("jobs", "web")
	pl := placement{groups: []nodeGroupConfig{sys, empty, win, general}, profiles: []fargateProfileConfig{jobs, web},
		groupsMade: groups, profilesMade: profiles}
	name := func(rs []pulumi.Resource) []string {
		var out []string
		for _, r := range rs {
			out = append(out, r.(*fakeResource).name)
		}
		return out
	}
	cases := []struct {
		what      string
		namespace string
		labels    map[string]string
		tolerates []toleration
		onNodes   bool
		want      []string
	}{
		{"untolerated taint, empty and Windows groups are skipped; PreferNoSchedule does not repel", "default", nil, nil, false, []string{"general"}},
		{"a toleration admits the system group, first in order", "kube-system", nil, systemAddonTolerations, false, []string{"system"}},
		{"a namespace a profile matches by wildcard runs on Fargate", "job-nightly", nil, nil, false, []string{"jobs"}},
		{"a label selector matches only pods with the label", "apps", map[string]string{"tier": "web"}, nil, false, []string{"web"}},
		{"without the label the pods go to nodes", "apps", nil, nil, false, []string{"general"}},
		{"pods pinned to EC2 skip Fargate", "job-nightly", nil, nil, true, []string{"general"}},
	}
	for _, c := range cases {
		if got := name(pl.schedulableFor(c.namespace, c.labels, c.tolerates, c.onNodes)); !slices.Equal(got, c.want) {
			t.Errorf("%s: got %v, want %v", c.what, got, c.want)
		}
	}
	// Nothing known to fit: every node group and profile, the safe default.
	tainted := placement{groups: []nodeGroupConfig{sys}, groupsMade: made("system")}
	if got := name(tainted.schedulableFor("default", nil, nil, false)); !slices.Equal(got, []string{"system"}) {
		t.Errorf("fallback: got %v, want every node group and profile", got)
	}
}
