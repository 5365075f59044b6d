package platform

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/eksplatform/pulumi-eksplatform/provider/internal/mocktest"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// autoModeArgs is SCENARIOS #10: Auto Mode with both built-in pools, no node group,
// ExternalDNS, and a GPU NodePool.
func autoModeArgs() *Args {
	a := minimalArgs()
	a.NodeGroups = nil
	a.AutoMode = &AutoModeArgs{
		Enabled: boolIn(true),
		NodePools: []AutoModeNodePoolArgs{{
			Name: strIn("gpu"),
			Requirements: []AutoModeNodeRequirementArgs{
				{Key: strIn("eks.amazonaws.com/instance-category"), Operator: strIn("In"), Values: strsIn("g")},
			},
			Taints: []TaintArgs{{Key: strIn("nvidia.com/gpu"), Effect: strIn("NO_SCHEDULE")}},
			Limits: strMapIn(map[string]string{"nvidia.com/gpu": "4"}),
		}},
	}
	a.Addons = &HelmAddonsArgs{ExternalDns: &ExternalDnsAddonArgs{Enabled: boolIn(true),
		HostedZoneIds: strsIn("Z0123456789ABCDEFGHIJ"), DomainFilters: strsIn("example.com")}}
	return a
}

// inputAt reads a nested value of a recorded resource's inputs.
func inputAt(r mocktest.Resource, keys ...string) resource.PropertyValue {
	v := resource.NewObjectProperty(r.Inputs)
	for _, k := range keys {
		if v.IsSecret() {
			v = v.SecretValue().Element
		}
		if !v.IsObject() {
			return resource.NewNullProperty()
		}
		v = v.ObjectValue()[resource.PropertyKey(k)]
	}
	return v
}

func TestAutoModeClusterFields(t *testing.T) {
	m, _ := deploy(t, "demo", autoModeArgs())
	c := m.Find(t, "demo-cluster")
	for _, p := range [][]string{
		{"computeConfig", "enabled"},
		{"storageConfig", "blockStorage", "enabled"},
		{"kubernetesNetworkConfig", "elasticLoadBalancing", "enabled"},
	} {
		if v := inputAt(c, p...); !v.IsBool() || !v.BoolValue() {
			t.Errorf("%s = %v, want true", strings.Join(p, "."), v)
		}
	}
	if v := inputAt(c, "bootstrapSelfManagedAddons"); !v.IsBool() || v.BoolValue() {
		t.Errorf("bootstrapSelfManagedAddons = %v, want false (Auto Mode requires it)", v)
	}
	pools := inputAt(c, "computeConfig", "nodePools")
	if !pools.IsArray() || len(pools.ArrayValue()) != 2 || pools.ArrayValue()[0].StringValue() != "general-purpose" || pools.ArrayValue()[1].StringValue() != "system" {
		t.Errorf("nodePools = %v, want both built-in pools", pools)
	}
	role := m.Find(t, "demo-auto-node-role")
	if v := inputAt(c, "computeConfig", "nodeRoleArn"); !v.IsString() || !strings.HasSuffix(v.StringValue(), "role/demo-auto-node") {
		t.Errorf("nodeRoleArn = %v, want the platform's node role", v)
	}
	m.RequireOrder(t, "rule 1", []mocktest.Resource{role}, []mocktest.Resource{c})
}

// Without the input, the cluster is sent no Auto Mode field: upgrading the component
// changes nothing on an existing platform. Given as enabled false, all three are sent
// false (one request switches Auto Mode off).
func TestAutoModeFieldsOnlyWhenGiven(t *testing.T) {
	m, _ := deploy(t, "demo", minimalArgs())
	c := m.Find(t, "demo-cluster")
	for _, k := range []string{"computeConfig", "storageConfig", "kubernetesNetworkConfig"} {
		if _, ok := c.Inputs[resource.PropertyKey(k)]; ok {
			t.Errorf("%s sent without autoMode", k)
		}
	}
	args := minimalArgs()
	args.AutoMode = &AutoModeArgs{Enabled: boolIn(false)}
	m, _ = deploy(t, "demo", args)
	c = m.Find(t, "demo-cluster")
	for _, p := range [][]string{
		{"computeConfig", "enabled"},
		{"storageConfig", "blockStorage", "enabled"},
		{"kubernetesNetworkConfig", "elasticLoadBalancing", "enabled"},
	} {
		if v := inputAt(c, p...); !v.IsBool() || v.BoolValue() {
			t.Errorf("%s = %v, want false", strings.Join(p, "."), v)
		}
	}
	if v := inputAt(c, "computeConfig", "nodeRoleArn"); !v.IsNull() {
		t.Errorf("nodeRoleArn = %v with Auto Mode off", v)
	}
}

func TestAutoModeIAM(t *testing.T) {
	m, _ := deploy(t, "demo", autoModeArgs())
	var trust struct {
		Statement []struct{ Action []string }
	}
	if err := json.Unmarshal([]byte(str(m.Find(t, "demo-cluster-role"), "assumeRolePolicy")), &trust); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(trust.Statement[0].Action, []string{"sts:AssumeRole", "sts:TagSession"}) {
		t.Errorf("cluster role trust actions = %v, want sts:AssumeRole and sts:TagSession", trust.Statement[0].Action)
	}
	for _, p := range []string{"AmazonEKSClusterPolicy", "AmazonEKSComputePolicy", "AmazonEKSBlockStoragePolicy", "AmazonEKSLoadBalancingPolicy", "AmazonEKSNetworkingPolicy"} {
		a := m.Find(t, "demo-cluster-role-"+p)
		if !strings.HasSuffix(str(a, "policyArn"), ":policy/"+p) {
			t.Errorf("%s attaches %s", a.Name, str(a, "policyArn"))
		}
	}
	for _, p := range []string{"AmazonEKSWorkerNodeMinimalPolicy", "AmazonEC2ContainerRegistryPullOnly"} {
		m.Find(t, "demo-auto-node-role-"+p)
	}
	// No shared node role (no node group), and the node role has no CNI policy.
	for _, name := range m.Names() {
		if strings.HasPrefix(name, "demo-node-role") || strings.Contains(name, "CNI") {
			t.Errorf("%s registered under Auto Mode with no node group", name)
		}
	}
	// Off, the plain cluster role.
	m, _ = deploy(t, "plain", minimalArgs())
	if strings.Contains(str(m.Find(t, "plain-cluster-role"), "assumeRolePolicy"), "TagSession") {
		t.Error("cluster role trusts sts:TagSession without autoMode")
	}
}

// Under Auto Mode with no node group, nothing Auto Mode runs itself is installed
// again, and the ALB controller is not installed unless asked for.
func TestAutoModeInstallsNoSecondCopy(t *testing.T) {
	m, _ := deploy(t, "demo", autoModeArgs())
	if got := m.OfType("aws:eks/addon:Addon"); len(got) != 0 {
		t.Errorf("EKS add-ons under Auto Mode with no node group: %v", got)
	}
	for _, r := range m.OfType("kubernetes:helm.sh/v3:Release") {
		if str(r, "chart") == "aws-load-balancer-controller" {
			t.Error("ALB controller installed by default under Auto Mode")
		}
	}
	// With a node group (moving to Auto Mode), the node add-ons stay for its nodes.
	args := autoModeArgs()
	args.NodeGroups = []NodeGroupArgs{{Name: strIn("general")}}
	m, _ = deploy(t, "demo", args)
	var names []string
	for _, a := range m.OfType("aws:eks/addon:Addon") {
		names = append(names, str(a, "addonName"))
	}
	slices.Sort(names)
	if want := []string{"coredns", "eks-pod-identity-agent", "kube-proxy", "vpc-cni"}; !slices.Equal(names, want) {
		t.Errorf("add-ons with a node group under Auto Mode = %v, want %v", names, want)
	}
}

func TestAutoModeNodePoolAndNodeClass(t *testing.T) {
	m, _ := deploy(t, "demo", autoModeArgs())
	nc := m.Find(t, "demo-auto-nodeclass")
	if nc.Type != "kubernetes:eks.amazonaws.com/v1:NodeClass" {
		t.Errorf("NodeClass type %s", nc.Type)
	}
	if v := inputAt(nc, "metadata", "name"); v.StringValue() != "eksplatform" {
		t.Errorf("NodeClass name %v", v)
	}
	if v := inputAt(nc, "spec", "role"); v.StringValue() != "demo-auto-node" {
		t.Errorf("NodeClass role %v, want the node role's name", v)
	}
	if v := inputAt(nc, "spec", "subnetSelectorTerms"); !v.IsArray() || len(v.ArrayValue()) != 2 {
		t.Errorf("NodeClass subnets %v, want the private subnets", v)
	}
	np := m.Find(t, "demo-auto-nodepool-gpu")
	if np.Type != "kubernetes:karpenter.sh/v1:NodePool" {
		t.Errorf("NodePool type %s", np.Type)
	}
	if v := inputAt(np, "spec", "template", "spec", "nodeClassRef", "name"); v.StringValue() != "eksplatform" {
		t.Errorf("nodeClassRef %v", v)
	}
	taint := inputAt(np, "spec", "template", "spec", "taints").ArrayValue()[0].ObjectValue()
	if taint["effect"].StringValue() != "NoSchedule" || taint["key"].StringValue() != "nvidia.com/gpu" {
		t.Errorf("taint %v, want nvidia.com/gpu NoSchedule", taint)
	}
	if v := inputAt(np, "spec", "limits", "nvidia.com/gpu"); v.StringValue() != "4" {
		t.Errorf("limits %v", v)
	}
	if v := inputAt(np, "spec", "disruption", "consolidationPolicy"); v.StringValue() != "WhenEmptyOrUnderutilized" {
		t.Errorf("consolidationPolicy %v", v)
	}
	m.RequireOrder(t, "NodePool after its NodeClass", []mocktest.Resource{nc}, []mocktest.Resource{np})
	// With built-in pools EKS makes the node role's access entry itself: none here.
	for _, e := range m.OfType("aws:eks/accessEntry:AccessEntry") {
		if str(e, "type") == "EC2" {
			t.Errorf("EC2 access entry %s made although EKS makes it for the built-in pools' role", e.Name)
		}
	}
}

// Without built-in pools EKS makes no access entry for the role: the platform makes the
// EC2 entry with AmazonEKSAutoNodePolicy, and the pools wait for it.
func TestAutoModeCustomPoolsOnlyAccessEntry(t *testing.T) {
	args := autoModeArgs()
	args.AutoMode.BuiltInNodePools = strsIn()
	m, _ := deploy(t, "demo", args)
	c := m.Find(t, "demo-cluster")
	if v := inputAt(c, "computeConfig", "nodeRoleArn"); !v.IsNull() {
		t.Errorf("nodeRoleArn %v sent with no built-in pool (EKS refuses it)", v)
	}
	entry := m.Find(t, "demo-access-auto-node")
	if str(entry, "type") != "EC2" {
		t.Errorf("entry type %q, want EC2", str(entry, "type"))
	}
	assoc := m.Find(t, "demo-access-auto-node-AmazonEKSAutoNodePolicy")
	if !strings.HasSuffix(str(assoc, "policyArn"), "cluster-access-policy/AmazonEKSAutoNodePolicy") {
		t.Errorf("policy %q", str(assoc, "policyArn"))
	}
	np := m.Find(t, "demo-auto-nodepool-gpu")
	m.RequireOrder(t, "nodes join with their access", []mocktest.Resource{entry, assoc}, []mocktest.Resource{np})
}

// Rule 4 under Auto Mode: a release waits for the compute that can run it. With the
// general-purpose pool that is the cluster itself, never the GPU pool.
func TestAutoModeReleasesRunOnBuiltInPools(t *testing.T) {
	m, _ := deploy(t, "demo", autoModeArgs())
	dns := m.Find(t, "demo-external-dns")
	if m.DependsOn(dns.Name, "demo-auto-nodepool-gpu") {
		t.Error("ExternalDNS waits for the GPU NodePool")
	}
	m.RequireOrder(t, "rule 4", []mocktest.Resource{m.Find(t, "demo-cluster")}, []mocktest.Resource{dns})
	// Custom pools only: the untainted one it can run on.
	args := autoModeArgs()
	args.AutoMode.BuiltInNodePools = strsIn()
	args.AutoMode.NodePools = append(args.AutoMode.NodePools, AutoModeNodePoolArgs{Name: strIn("general")})
	m, _ = deploy(t, "demo", args)
	dns = m.Find(t, "demo-external-dns")
	if !m.DependsOn(dns.Name, "demo-auto-nodepool-general") || m.DependsOn(dns.Name, "demo-auto-nodepool-gpu") {
		t.Error("ExternalDNS must wait for the general NodePool, not the tainted GPU one")
	}
}

// The classes of Auto Mode's own controllers, when asked for: EKS makes neither.
func TestAutoModeStorageAndIngressClasses(t *testing.T) {
	args := autoModeArgs()
	args.AutoMode.StorageClass = &AutoModeStorageClassArgs{Enabled: boolIn(true), IsDefault: boolIn(true)}
	args.AutoMode.IngressClass = &AutoModeIngressClassArgs{Enabled: boolIn(true)}
	m, _ := deploy(t, "demo", args)
	sc := m.Find(t, "demo-auto-storageclass")
	if str(sc, "provisioner") != "ebs.csi.eks.amazonaws.com" || str(sc, "volumeBindingMode") != "WaitForFirstConsumer" {
		t.Errorf("StorageClass %v", sc.Inputs)
	}
	if v := inputAt(sc, "parameters", "encrypted"); v.StringValue() != "true" {
		t.Errorf("StorageClass volumes not encrypted: %v", v)
	}
	if v := inputAt(sc, "metadata", "annotations", "storageclass.kubernetes.io/is-default-class"); v.StringValue() != "true" {
		t.Errorf("StorageClass not the default: %v", v)
	}
	if v := inputAt(sc, "metadata", "name"); v.StringValue() != "auto-ebs-sc" {
		t.Errorf("StorageClass name %v", v)
	}
	params := m.Find(t, "demo-auto-ingressclassparams")
	if params.Type != "kubernetes:eks.amazonaws.com/v1:IngressClassParams" || inputAt(params, "spec", "scheme").StringValue() != "internal" {
		t.Errorf("IngressClassParams %s %v, want scheme internal by default", params.Type, params.Inputs)
	}
	ic := m.Find(t, "demo-auto-ingressclass")
	if inputAt(ic, "spec", "controller").StringValue() != "eks.amazonaws.com/alb" || inputAt(ic, "spec", "parameters", "name").StringValue() != "alb" {
		t.Errorf("IngressClass %v", ic.Inputs)
	}
	if v := inputAt(ic, "metadata", "annotations"); !v.IsNull() {
		t.Errorf("IngressClass is the default without isDefault: %v", v)
	}
	m.RequireOrder(t, "IngressClass after its parameters", []mocktest.Resource{params}, []mocktest.Resource{ic})
	// Not asked for: none.
	m, _ = deploy(t, "demo", autoModeArgs())
	for _, n := range m.Names() {
		if strings.Contains(n, "storageclass") || strings.Contains(n, "ingressclass") {
			t.Errorf("%s made without being asked for", n)
		}
	}
}
