package simcloud

import (
	"context"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/eksplatform/pulumi-eksplatform/provider/pkg/eksversions"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

func withKeys(m map[string]any, kv ...any) map[string]any {
	out := maps.Clone(m)
	for i := 0; i+1 < len(kv); i += 2 {
		out[kv[i].(string)] = kv[i+1]
	}
	return out
}

func update(t *testing.T, s *Server, typ, name, id string, olds, news map[string]any) error {
	t.Helper()
	_, err := s.Update(context.Background(), &pulumirpc.UpdateRequest{
		Id: id, Urn: urnOf(typ, name), Olds: props(t, olds), News: props(t, news),
	})
	return err
}

// EKS moves a control plane one minor at a time, and never down.
func TestClusterVersionStepsOneMinorUp(t *testing.T) {
	s := newServer(t, "aws", tempJournal(t), "")
	in := withKeys(clusterInputs("c1"), "version", "1.34")
	id, _ := mustCreate(t, s, typCluster, "cluster", in)
	for _, tc := range []struct{ from, to, err string }{
		{"1.34", "1.36", "InvalidParameterException: Unsupported Kubernetes minor version update from 1.34 to 1.36"},
		{"1.34", "1.33", "InvalidParameterException: Unsupported Kubernetes minor version update from 1.34 to 1.33"},
		{"1.34", "1.35", ""},
	} {
		err := update(t, s, typCluster, "cluster", id, withKeys(in, "version", tc.from), withKeys(in, "version", tc.to))
		if tc.err == "" && err != nil || tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)) {
			t.Errorf("%s → %s: want %q, got %v", tc.from, tc.to, tc.err, err)
		}
	}
}

// kube-proxy must not be newer than the live control plane (nor three minors older),
// and a node group must not be newer than it: an add-on or node group updated before
// its control plane fails; after it, it succeeds.
func TestAddonAndNodeGroupNotNewerThanControlPlane(t *testing.T) {
	s := newServer(t, "aws", tempJournal(t), "")
	cin := withKeys(clusterInputs("c1"), "version", "1.35")
	cid, _ := mustCreate(t, s, typCluster, "cluster", cin)
	kp := map[string]any{"clusterName": "c1", "addonName": "kube-proxy", "addonVersion": "v1.35.0-eksbuild.2"}
	kid, _ := mustCreate(t, s, typAddon, "kube-proxy", kp)
	mustCreate(t, s, typAddon, "vpc-cni", map[string]any{"clusterName": "c1", "addonName": "vpc-cni"}) // nodes join with a CNI
	ng := map[string]any{"clusterName": "c1", "nodeGroupName": "c1-general-0123abcd", "version": "1.35"}
	nid, _ := mustCreate(t, s, typNodeGroup, "ng", ng)
	if err := update(t, s, typAddon, "kube-proxy", kid, kp, withKeys(kp, "addonVersion", "v1.31.0-eksbuild.2")); err == nil ||
		!strings.Contains(err.Error(), "Addon version specified is not supported") {
		t.Errorf("kube-proxy four minors older: %v", err)
	}
	kp136, ng136 := withKeys(kp, "addonVersion", "v1.36.0-eksbuild.2"), withKeys(ng, "version", "1.36")
	if err := update(t, s, typAddon, "kube-proxy", kid, kp, kp136); err == nil || !strings.Contains(err.Error(), "InvalidParameterException: Addon version specified is not supported") {
		t.Errorf("kube-proxy 1.36 before the control plane: %v", err)
	}
	if err := update(t, s, typNodeGroup, "ng", nid, ng, ng136); err == nil || !strings.Contains(err.Error(), "Requested Nodegroup version 1.36 is not valid for kubernetes version 1.35") {
		t.Errorf("node group 1.36 before the control plane: %v", err)
	}
	if err := update(t, s, typCluster, "cluster", cid, cin, withKeys(cin, "version", "1.36")); err != nil {
		t.Fatal(err)
	}
	if err := update(t, s, typAddon, "kube-proxy", kid, kp, kp136); err != nil {
		t.Errorf("kube-proxy 1.36 after the control plane: %v", err)
	}
	if err := update(t, s, typNodeGroup, "ng", nid, ng, ng136); err != nil {
		t.Errorf("node group 1.36 after the control plane: %v", err)
	}
}

// The EKS data sources answer from the simulated cloud: a cluster that does not exist is
// absent from getClusters, and getCluster fails on it as the real one does.
func TestLiveClusterInvokes(t *testing.T) {
	s := newServer(t, "aws", tempJournal(t), "")
	var list struct {
		ID    string   `json:"id"`
		Names []string `json:"names"`
	}
	invoke(t, s, "aws:eks/getClusters:getClusters", map[string]any{}, &list)
	if len(list.Names) != 0 {
		t.Errorf("no cluster yet: names %v", list.Names)
	}
	if _, err := s.Invoke(context.Background(), &pulumirpc.InvokeRequest{Tok: "aws:eks/getCluster:getCluster",
		Args: props(t, map[string]any{"name": "c1"})}); err == nil || !strings.Contains(err.Error(), "couldn't find resource") {
		t.Errorf("getCluster of a missing cluster: %v", err)
	}
	in := withKeys(clusterInputs("c1"), "version", "1.35")
	in["tags"] = map[string]any{"eksplatform:platform": "p/s/c1"}
	in["computeConfig"] = map[string]any{"enabled": true, "nodePools": []any{"system"}, "nodeRoleArn": "arn:aws:iam::123456789012:role/c1-auto-node"}
	in["storageConfig"] = map[string]any{"blockStorage": map[string]any{"enabled": true}}
	in["kubernetesNetworkConfig"] = map[string]any{"elasticLoadBalancing": map[string]any{"enabled": true}}
	in["bootstrapSelfManagedAddons"] = false
	mustCreate(t, s, typCluster, "cluster", in)
	mustCreate(t, s, typAddon, "vpc-cni", map[string]any{"clusterName": "c1", "addonName": "vpc-cni"})
	mustCreate(t, s, typNodeGroup, "ng", map[string]any{"clusterName": "c1", "nodeGroupName": "c1-general-0123abcd", "version": "1.35"})
	invoke(t, s, "aws:eks/getClusters:getClusters", map[string]any{}, &list)
	if len(list.Names) != 1 || list.Names[0] != "c1" {
		t.Errorf("names %v, want [c1]", list.Names)
	}
	var c struct {
		ID, Name, Version, Status, RoleArn, Arn string
		// The data source's own names (pulumi-aws v6.83.4 LookupClusterResult).
		Tags           map[string]string
		ComputeConfigs []struct {
			Enabled     bool
			NodePools   []string
			NodeRoleArn string
		}
	}
	invoke(t, s, "aws:eks/getCluster:getCluster", map[string]any{"name": "c1"}, &c)
	if c.Version != "1.35" {
		t.Errorf("getCluster version %q", c.Version)
	}
	// The cluster guard reads whose cluster it is, and in which account, from the ARN.
	if c.Arn != "arn:aws:eks:us-west-2:123456789012:cluster/c1" {
		t.Errorf("getCluster arn %q", c.Arn)
	}
	if c.Tags["eksplatform:platform"] != "p/s/c1" || len(c.ComputeConfigs) != 1 || !c.ComputeConfigs[0].Enabled ||
		c.ComputeConfigs[0].NodeRoleArn != "arn:aws:iam::123456789012:role/c1-auto-node" {
		t.Errorf("getCluster tags %v, computeConfigs %+v", c.Tags, c.ComputeConfigs)
	}
	var ngs struct {
		ID, ClusterName string
		Names           []string
	}
	invoke(t, s, "aws:eks/getNodeGroups:getNodeGroups", map[string]any{"clusterName": "c1"}, &ngs)
	if len(ngs.Names) != 1 || ngs.Names[0] != "c1-general-0123abcd" {
		t.Errorf("node groups %v", ngs.Names)
	}
	var ng nodeGroupAnswer
	invoke(t, s, "aws:eks/getNodeGroup:getNodeGroup", map[string]any{"clusterName": "c1", "nodeGroupName": "c1-general-0123abcd"}, &ng)
	if ng.Version != "1.35" {
		t.Errorf("node group version %q", ng.Version)
	}
	// Given no capacity type, EKS reports its default.
	if ng.CapacityType != "ON_DEMAND" {
		t.Errorf("node group capacityType %q, want EKS's default ON_DEMAND", ng.CapacityType)
	}
}

// nodeGroupAnswer is what pulumi-aws's getNodeGroup result carries of the fields the
// simulator answers (the decode refuses any other).
type nodeGroupAnswer struct {
	ID, ClusterName, NodeGroupName, Version, Status string
	AmiType, CapacityType, NodeRoleArn              string
	InstanceTypes, SubnetIds                        []string
	LaunchTemplates                                 []struct{ Id, Name, Version string }
}

// getNodeGroup reports the create-only fields of a running group as DescribeNodegroup
// does: the ones it was created with, its launch template (id, name, version), and
// amiType CUSTOM for a group whose launch template has an AMI (EKS API reference,
// Nodegroup.amiType). The platform compares them with what a run gives the group
// (nodeGroupEksName), so they come from the cloud, drift included.
func TestNodeGroupInvokeReportsCreateOnlyFields(t *testing.T) {
	s := newServer(t, "aws", tempJournal(t), "")
	_, cl := mustCreate(t, s, typCluster, "c", clusterInputs("demo"))
	mustCreate(t, s, typAddon, "vpc-cni", map[string]any{"clusterName": "demo", "addonName": "vpc-cni"})
	ltID, _ := mustCreate(t, s, typLaunchTemplate, "lt", map[string]any{"name": "demo-ng-general-lt-0a1b2c3"})
	role := "arn:aws:iam::123456789012:role/demo-node"
	mustCreate(t, s, typNodeGroup, "ng", map[string]any{
		"clusterName": "demo", "nodeGroupName": "demo-general-0123abcd",
		"amiType": "AL2023_x86_64_STANDARD", "capacityType": "SPOT", "instanceTypes": []any{"m5.large", "m6i.large"},
		"nodeRoleArn": role, "subnetIds": []any{"subnet-b", "subnet-a"},
		"launchTemplate": map[string]any{"id": ltID, "version": "1"},
	})
	var ng nodeGroupAnswer
	invoke(t, s, "aws:eks/getNodeGroup:getNodeGroup", map[string]any{"clusterName": "demo", "nodeGroupName": "demo-general-0123abcd"}, &ng)
	if ng.AmiType != "AL2023_x86_64_STANDARD" || ng.CapacityType != "SPOT" || ng.NodeRoleArn != role ||
		!slices.Equal(ng.InstanceTypes, []string{"m5.large", "m6i.large"}) || !slices.Equal(ng.SubnetIds, []string{"subnet-b", "subnet-a"}) {
		t.Errorf("node group fields %+v", ng)
	}
	if len(ng.LaunchTemplates) != 1 || ng.LaunchTemplates[0].Id != ltID || ng.LaunchTemplates[0].Version != "1" ||
		ng.LaunchTemplates[0].Name != "demo-ng-general-lt-0a1b2c3" {
		t.Errorf("node group launchTemplates %+v, want [{%s demo-ng-general-lt-0a1b2c3 1}]", ng.LaunchTemplates, ltID)
	}

	// A custom AMI in the launch template: EKS reports amiType CUSTOM.
	custom, _ := mustCreate(t, s, typLaunchTemplate, "custom", map[string]any{"name": "custom", "imageId": "ami-0123456789abcdef0",
		"userData": nodeConfigUserData("demo", str(cl, "endpoint"), str(cl, "certificateAuthority", "data"), str(cl, "kubernetesNetworkConfig", "serviceIpv4Cidr"))})
	mustCreate(t, s, typNodeGroup, "gpu", map[string]any{"clusterName": "demo", "nodeGroupName": "demo-gpu-0123abcd",
		"launchTemplate": map[string]any{"id": custom, "version": "1"}})
	invoke(t, s, "aws:eks/getNodeGroup:getNodeGroup", map[string]any{"clusterName": "demo", "nodeGroupName": "demo-gpu-0123abcd"}, &ng)
	if ng.AmiType != "CUSTOM" {
		t.Errorf("custom AMI node group amiType %q, want CUSTOM", ng.AmiType)
	}
}

// The simulated cloud's date in tests: 1.34 left EKS standard support on 2026-12-02.
func pinnedToday() time.Time { return eksversions.Day("2026-12-07").Add(10 * time.Hour) }

// EKS refuses a cluster at a version past extended support, and the STANDARD policy on a
// version past standard support (on create, and on an update to it); EXTENDED, or no
// policy (EKS's default is EXTENDED), runs it. The calendar is the platform's own.
func TestClusterVersionOutOfSupportForItsPolicy(t *testing.T) {
	s := newServer(t, "aws", tempJournal(t), "")
	standard := map[string]any{"supportType": "STANDARD"}
	ids := map[string]string{}
	for _, tc := range []struct {
		name, version string
		policy        map[string]any
		err           string
	}{
		{"c1", "1.34", standard, "InvalidParameterException: Kubernetes version 1.34 is in extended support (its standard support ended on 2026-12-02); upgradePolicy supportType STANDARD is not allowed for it"},
		{"c2", "1.31", map[string]any{"supportType": "EXTENDED"}, "InvalidParameterException: Kubernetes version 1.31 is not supported: its extended support ended on 2026-11-26"},
		{"c3", "1.34", map[string]any{"supportType": "EXTENDED"}, ""},
		{"c4", "1.34", nil, ""},
		{"c5", "1.35", standard, ""},
	} {
		in := withKeys(clusterInputs(tc.name), "version", tc.version)
		if tc.policy != nil {
			in["upgradePolicy"] = tc.policy
		}
		id, _, err := create(t, s, typCluster, tc.name, in)
		ids[tc.name] = id
		if tc.err == "" && err != nil || tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)) {
			t.Errorf("%s at %s, policy %v: want %q, got %v", tc.name, tc.version, tc.policy, tc.err, err)
		}
	}
	// An EXTENDED cluster in extended support cannot go back to STANDARD.
	in := withKeys(clusterInputs("c3"), "version", "1.34", "upgradePolicy", map[string]any{"supportType": "EXTENDED"})
	err := update(t, s, typCluster, "c3", ids["c3"], in, withKeys(in, "upgradePolicy", standard))
	if err == nil || !strings.Contains(err.Error(), "upgradePolicy supportType STANDARD is not allowed") {
		t.Errorf("EXTENDED → STANDARD on 1.34: %v", err)
	}
	// A STANDARD cluster upgraded to a version in standard support is fine.
	in = withKeys(clusterInputs("c5"), "version", "1.35", "upgradePolicy", standard)
	if err := update(t, s, typCluster, "c5", ids["c5"], in, withKeys(in, "version", "1.36")); err != nil {
		t.Errorf("1.35 → 1.36 on STANDARD: %v", err)
	}
}
