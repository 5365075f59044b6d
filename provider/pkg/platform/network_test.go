package platform

import (
	"testing"
)

func TestSubnetTagsOnePerSubnetAndKey(t *testing.T) {
	m, _ := deploy(t, "demo", minimalArgs())
	got := map[string]string{}
	for _, tag := range m.OfType("aws:ec2/tag:Tag") {
		got[str(tag, "resourceId")+" "+str(tag, "key")] = str(tag, "value")
		if tag.Parent != "demo" {
			t.Errorf("%s: parent %q, want the component", tag.Name, tag.Parent)
		}
	}
	want := map[string]string{
		pub1 + " kubernetes.io/cluster/demo":       "shared",
		pub1 + " kubernetes.io/role/elb":           "1",
		pub2 + " kubernetes.io/cluster/demo":       "shared",
		pub2 + " kubernetes.io/role/elb":           "1",
		priv1 + " kubernetes.io/cluster/demo":      "shared",
		priv1 + " kubernetes.io/role/internal-elb": "1",
		priv2 + " kubernetes.io/cluster/demo":      "shared",
		priv2 + " kubernetes.io/role/internal-elb": "1",
	}
	if len(got) != len(want) {
		t.Errorf("got %d tags %v, want %d", len(got), got, len(want))
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("tag %s = %q, want %q", k, got[k], v)
		}
	}
	for _, r := range m.Resources() {
		if r.Type == "aws:ec2/subnet:Subnet" {
			t.Errorf("the platform must never own the user's subnets, but registered %s", r.Name)
		}
	}
}

func TestSubnetTagsUseTheClusterName(t *testing.T) {
	args := minimalArgs()
	args.ClusterName = strIn("prod-eu")
	m, _ := deploy(t, "platform", args)
	tag := m.Find(t, "platform-"+priv1+"-cluster-tag")
	if str(tag, "key") != "kubernetes.io/cluster/prod-eu" {
		t.Errorf("key %q, want the cluster name, not the component name", str(tag, "key"))
	}
}

func TestSubnetTagNamesDoNotDependOnListOrder(t *testing.T) {
	a := minimalArgs()
	m1, _ := deploy(t, "demo", a)
	b := minimalArgs()
	b.PrivateSubnetIds = strsIn(priv2, priv1)
	m2, _ := deploy(t, "demo", b)
	key := func(names []string) map[string]bool {
		out := map[string]bool{}
		for _, n := range names {
			out[n] = true
		}
		return out
	}
	n1, n2 := key(m1.Names()), key(m2.Names())
	for n := range n1 {
		if !n2[n] {
			t.Errorf("reordering subnets renamed %s (a rename is a delete and create)", n)
		}
	}
}

// A fleet shares subnets: each platform writes only its own cluster tag, so destroying
// one cannot remove the load balancer role tags the others rely on.
func TestSubnetRoleTagsOff(t *testing.T) {
	args := minimalArgs()
	args.SubnetRoleTags = boolIn(false)
	m, _ := deploy(t, "demo", args)
	tags := m.OfType("aws:ec2/tag:Tag")
	if len(tags) != 4 {
		t.Errorf("%d tags, want one cluster tag per subnet (4)", len(tags))
	}
	for _, tag := range tags {
		if str(tag, "key") != "kubernetes.io/cluster/demo" {
			t.Errorf("%s writes %s with subnetRoleTags false", tag.Name, str(tag, "key"))
		}
	}
	m.RequireOrder(t, "rule 1", tags, m.OfType("aws:eks/cluster:Cluster"))
}
