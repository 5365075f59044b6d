package platform

import (
	"fmt"
	"strings"
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

// subnetRoleTags false: the platform writes only its own cluster tag and leaves the load
// balancer role tags to the VPC's own program.
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

// tagRetain is, per subnet and security group tag the platform registers, whether it
// is retained on delete (deployWithOptions records every resource's options).
func tagRetain(o *optionRecorder) map[string]bool {
	tags := map[string]bool{}
	for _, r := range o.OfType("aws:ec2/tag:Tag") {
		tags[r.Name] = o.retain[r.Name]
	}
	return tags
}

// The role tags belong to no one cluster: EC2 holds one value per key and subnet, so
// deleting the platform's Tag would delete it for every other platform on the subnet and
// for whoever wrote it first. They are retained on delete and, once written, keep the
// value someone else gives them. The cluster tag names this cluster alone: it goes with
// the platform (no retain) and is kept at "shared". Names are those of 0.1.0 (no alias
// needed: options are not part of a URN).
func TestSharedSubnetTagsAreNeverDeleted(t *testing.T) {
	o := deployWithOptions(t, minimalArgs())
	tags := tagRetain(o)
	want := map[string]bool{}
	for _, id := range []string{pub1, pub2} {
		want["demo-"+id+"-elb-tag"] = true
		want["demo-"+id+"-cluster-tag"] = false
	}
	for _, id := range []string{priv1, priv2} {
		want["demo-"+id+"-internal-elb-tag"] = true
		want["demo-"+id+"-cluster-tag"] = false
	}
	if len(tags) != len(want) {
		t.Errorf("registered tags %v, want %v", tags, want)
	}
	for name, shared := range want {
		retain, ok := tags[name]
		if !ok {
			t.Errorf("%s not registered", name)
			continue
		}
		if retain != shared {
			t.Errorf("%s: retainOnDelete %v, want %v (shared tags stay, the cluster tag goes)", name, retain, shared)
		}
		ignored := fmt.Sprint(o.ignored[name])
		if shared && ignored != "[value]" {
			t.Errorf("%s: ignoreChanges %s, want [value]: a value someone else sets is theirs", name, ignored)
		}
		if !shared && ignored != "[]" {
			t.Errorf("%s: ignoreChanges %s, want none: the cluster tag is the platform's own", name, ignored)
		}
	}
}

// Karpenter's discovery tag is per cluster (its value is the cluster name), on the private
// subnets and on the cluster security group: it goes with the platform like the cluster tag.
func TestKarpenterSubnetTagIsNotRetained(t *testing.T) {
	o := deployWithOptions(t, karpenterArgs())
	n := 0
	for name, retain := range tagRetain(o) {
		if !strings.HasSuffix(name, "-karpenter-tag") {
			continue
		}
		n++
		if retain {
			t.Errorf("%s is retained; it names this cluster alone", name)
		}
	}
	if n != 3 {
		t.Errorf("%d Karpenter discovery tags, want one per private subnet (2) and the cluster security group's", n)
	}
}
