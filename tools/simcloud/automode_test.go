package simcloud

import (
	"context"
	"slices"
	"strings"
	"testing"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

const autoNodeRole = "arn:aws:iam::123456789012:role/demo-auto-node"

// autoCluster is a cluster's inputs with Auto Mode's three capabilities set to on (or
// off), the built-in pools given and the node role with them.
func autoCluster(name string, on bool, pools ...string) map[string]any {
	in := clusterInputs(name)
	in["bootstrapSelfManagedAddons"] = false
	compute := map[string]any{"enabled": on}
	if len(pools) > 0 {
		anyPools := []any{}
		for _, p := range pools {
			anyPools = append(anyPools, p)
		}
		compute["nodePools"] = anyPools
		compute["nodeRoleArn"] = autoNodeRole
	}
	in["computeConfig"] = compute
	in["storageConfig"] = map[string]any{"blockStorage": map[string]any{"enabled": on}}
	in["kubernetesNetworkConfig"] = map[string]any{"elasticLoadBalancing": map[string]any{"enabled": on}}
	return in
}

func TestAutoModeCapabilitiesMustAgree(t *testing.T) {
	s := newServer(t, "aws", tempJournal(t), "")
	for name, edit := range map[string]func(m map[string]any){
		"storage off": func(m map[string]any) {
			m["storageConfig"] = map[string]any{"blockStorage": map[string]any{"enabled": false}}
		},
		"no load balancing": func(m map[string]any) { delete(m, "kubernetesNetworkConfig") },
	} {
		in := autoCluster("c-"+strings.ReplaceAll(name, " ", "-"), true, "general-purpose")
		edit(in)
		_, _, err := create(t, s, typCluster, name, in)
		if err == nil || !strings.Contains(err.Error(), "all either fully enabled or fully disabled") {
			t.Errorf("%s: err = %v", name, err)
		}
	}
	in := autoCluster("boot", true, "general-purpose")
	in["bootstrapSelfManagedAddons"] = true
	if _, _, err := create(t, s, typCluster, "boot", in); err == nil || !strings.Contains(err.Error(), "bootstrapSelfManagedAddons must be set to false") {
		t.Errorf("bootstrap: err = %v", err)
	}
	in = autoCluster("role", true)
	in["computeConfig"].(map[string]any)["nodeRoleArn"] = autoNodeRole
	if _, _, err := create(t, s, typCluster, "role", in); err == nil || !strings.Contains(err.Error(), "nodePool value(s) must be provided") {
		t.Errorf("role without pools: err = %v", err)
	}
	mustCreate(t, s, typCluster, "ok", autoCluster("ok", true, "general-purpose", "system"))
	mustCreate(t, s, typCluster, "plain", clusterInputs("plain"))
	// An update is checked the same way.
	bad := autoCluster("plain", true, "general-purpose")
	delete(bad, "storageConfig")
	if _, err := s.Update(context.Background(), &pulumirpc.UpdateRequest{Urn: urnOf(typCluster, "plain"), Id: "plain",
		Olds: props(t, clusterInputs("plain")), News: props(t, bad)}); err == nil || !strings.Contains(err.Error(), "fully enabled") {
		t.Errorf("update: err = %v", err)
	}
}

// Enabling Auto Mode on a cluster made without it, and switching it off again, are
// updates; only changing the node role of a running Auto Mode cluster replaces it.
func TestAutoModeSwitchesInPlace(t *testing.T) {
	s := newServer(t, "aws", tempJournal(t), "")
	plain := clusterInputs("demo")
	plain["bootstrapSelfManagedAddons"] = false
	on, off := autoCluster("demo", true, "general-purpose", "system"), autoCluster("demo", false)
	for name, c := range map[string]struct {
		olds, news map[string]any
		replace    bool
	}{
		"enable":     {plain, on, false},
		"disable":    {on, off, false},
		"re-enable":  {off, on, false},
		"pools only": {on, autoCluster("demo", true, "general-purpose"), false},
		"role change": {on, func() map[string]any {
			m := autoCluster("demo", true, "general-purpose", "system")
			m["computeConfig"].(map[string]any)["nodeRoleArn"] = "arn:aws:iam::123456789012:role/other"
			return m
		}(), true},
		"ip family": {on, func() map[string]any {
			m := autoCluster("demo", true, "general-purpose", "system")
			m["kubernetesNetworkConfig"].(map[string]any)["ipFamily"] = "ipv6"
			return m
		}(), true},
	} {
		d := diff(t, s, typCluster, c.olds, c.news)
		if d.Changes != pulumirpc.DiffResponse_DIFF_SOME {
			t.Errorf("%s: no change reported", name)
		}
		if got := len(d.Replaces) > 0; got != c.replace {
			t.Errorf("%s: replaces %v, want replacement %v", name, d.Replaces, c.replace)
		}
	}
}

func TestAutoModeBuiltInPoolsAreComputeAndOwnTheirAccessEntry(t *testing.T) {
	j := tempJournal(t)
	a := newServer(t, "aws", j, "")
	mustCreate(t, a, typCluster, "c", autoCluster("demo", true, "general-purpose", "system"))
	k := kubeServer(t, j, "demo")
	mustCreate(t, k, typRelease, "external-dns", map[string]any{"chart": "external-dns", "version": "1.16.1"})
	if w := warningOf(t, j, typRelease, "external-dns"); w != "" {
		t.Errorf("a release on the built-in pools: warning %q, want none", w)
	}
	_, _, err := create(t, a, typAccessEnt, "auto-node", map[string]any{"clusterName": "demo", "principalArn": autoNodeRole, "type": "EC2"})
	if err == nil || !strings.Contains(err.Error(), "ResourceInUseException") {
		t.Errorf("a second entry for the node role: err = %v", err)
	}
	mustCreate(t, k, typNodeClass, "nc", map[string]any{"metadata": map[string]any{"name": "eksplatform"}})
	mustCreate(t, k, typNodePool, "gpu", map[string]any{"metadata": map[string]any{"name": "gpu"}})
}

func TestAutoModeObjectsNeedAutoMode(t *testing.T) {
	j := tempJournal(t)
	a := newServer(t, "aws", j, "")
	mustCreate(t, a, typCluster, "c", clusterInputs("demo"))
	k := kubeServer(t, j, "demo")
	_, _, err := create(t, k, typNodePool, "gpu", map[string]any{"metadata": map[string]any{"name": "gpu"}})
	if err == nil || !strings.Contains(err.Error(), `no matches for kind "NodePool"`) {
		t.Errorf("NodePool without Auto Mode: err = %v", err)
	}
	// Custom pools only (no built-in one): EKS makes no entry, the platform's is fine,
	// and the NodePool is the compute a release runs on.
	mustCreate(t, a, typCluster, "c2", autoCluster("other", true))
	k2 := kubeServer(t, j, "other")
	mustCreate(t, a, typAccessEnt, "auto-node", map[string]any{"clusterName": "other", "principalArn": autoNodeRole, "type": "EC2"})
	mustCreate(t, k2, typRelease, "early", map[string]any{"chart": "external-dns", "version": "1.16.1"})
	mustCreate(t, k2, typNodePool, "gpu", map[string]any{"metadata": map[string]any{"name": "gpu"}})
	mustCreate(t, k2, typRelease, "late", map[string]any{"chart": "external-dns", "version": "1.16.1"})
	got := []string{warningOf(t, j, typRelease, "early"), warningOf(t, j, typRelease, "late")}
	if !slices.Equal(got, []string{"no nodes", ""}) {
		t.Errorf("warnings = %q, want no nodes before the NodePool and none after", got)
	}
}

func TestAutoModeOffWithoutOtherComputeIsWarned(t *testing.T) {
	j := tempJournal(t)
	s := newServer(t, "aws", j, "")
	on, off := autoCluster("demo", true, "general-purpose"), autoCluster("demo", false)
	mustCreate(t, s, typCluster, "c", on)
	if _, err := s.Update(context.Background(), &pulumirpc.UpdateRequest{Urn: urnOf(typCluster, "c"), Id: "demo",
		Olds: props(t, on), News: props(t, off)}); err != nil {
		t.Fatal(err)
	}
	var w string
	for _, e := range readJournal(t, j) {
		if e.Op == "update" {
			w = e.Warning
		}
	}
	if !strings.Contains(w, "Auto Mode switched off with no node group") {
		t.Errorf("warning %q", w)
	}
}
