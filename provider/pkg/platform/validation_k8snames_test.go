package platform

import (
	"strings"
	"testing"
)

// What the API server (or the EKS API) refuses is refused at validation, with the path
// and the fix (issue 23): malformed label and taint keys, restricted NodePool labels and
// requirement keys, EC2NodeClass tags Karpenter writes itself, and NodePool fields the
// CRD constrains.
func TestValidationKubernetesNames(t *testing.T) {
	badTaint := []TaintArgs{{Key: strIn("bad key!"), Effect: strIn("NO_SCHEDULE")}}
	cases := map[string]struct {
		args  func() *Args
		edit  func(a *Args)
		wants []string
	}{
		"node group taint key": {minimalArgs, func(a *Args) { a.NodeGroups[0].Taints = badTaint },
			[]string{`nodeGroups[0].taints[0].key: "bad key!" is not a Kubernetes taint key: its name part must be letters, digits`, `use a key like "team"`}},
		"node group taint value": {minimalArgs, func(a *Args) {
			a.NodeGroups[0].Taints = []TaintArgs{{Key: strIn("dedicated"), Value: strIn("a/b"), Effect: strIn("NO_SCHEDULE")}}
		}, []string{`nodeGroups[0].taints[0].value: "a/b" is not a Kubernetes taint value`}},
		"node group taint key too long for EKS": {minimalArgs, func(a *Args) {
			a.NodeGroups[0].Taints = []TaintArgs{{Key: strIn("example.com/" + strings.Repeat("k", 60)), Effect: strIn("NO_SCHEDULE")}}
		}, []string{"nodeGroups[0].taints[0].key:", "has 72 characters, and EKS allows at most 63"}},
		"node group label key": {minimalArgs, func(a *Args) { a.NodeGroups[0].Labels = strMapIn(map[string]string{"bad key!": "x"}) },
			[]string{`nodeGroups[0].labels: key "bad key!" is not a Kubernetes label key`}},
		"node group label value": {minimalArgs, func(a *Args) { a.NodeGroups[0].Labels = strMapIn(map[string]string{"team": "two words"}) },
			[]string{`nodeGroups[0].labels.team: "two words" is not a Kubernetes label value`}},
		"node group label the kubelet refuses": {minimalArgs, func(a *Args) {
			a.NodeGroups[0].Labels = strMapIn(map[string]string{"node-role.kubernetes.io/worker": "true"})
		}, []string{`nodeGroups[0].labels: key "node-role.kubernetes.io/worker" would keep the nodes from joining`, "node.kubernetes.io/<name>"}},
		"node group empty label value": {minimalArgs, func(a *Args) { a.NodeGroups[0].Labels = strMapIn(map[string]string{"team": ""}) },
			[]string{"nodeGroups[0].labels.team: empty, and EKS refuses an empty label value on a managed node group; give a value"}},
		"karpenter taint key": {karpenterArgs, func(a *Args) { a.Karpenter.NodePools[0].Taints = badTaint },
			[]string{`karpenter.nodePools[0].taints[0].key: "bad key!" is not a Kubernetes taint key`}},
		"karpenter label in the karpenter.sh domain": {karpenterArgs, func(a *Args) {
			a.Karpenter.NodePools[1].Labels = strMapIn(map[string]string{"karpenter.sh/team": "gpu"})
		}, []string{`karpenter.nodePools[1].labels: key "karpenter.sh/team" is refused by the NodePool CRD (label domain "karpenter.sh" is restricted`}},
		"karpenter hostname label": {karpenterArgs, func(a *Args) {
			a.Karpenter.NodePools[1].Labels = strMapIn(map[string]string{"kubernetes.io/hostname": "x"})
		}, []string{`karpenter.nodePools[1].labels: key "kubernetes.io/hostname" is refused by the NodePool CRD (label "kubernetes.io/hostname" is restricted`}},
		"karpenter label key": {karpenterArgs, func(a *Args) {
			a.Karpenter.NodePools[1].Labels = strMapIn(map[string]string{"bad key!": "x"})
		}, []string{`karpenter.nodePools[1].labels: key "bad key!" is not a Kubernetes label key`}},
		"karpenter nodeClass tag": {karpenterArgs, func(a *Args) {
			a.Karpenter.NodeClass = &KarpenterNodeClassArgs{Tags: strMapIn(map[string]string{"karpenter.sh/nodepool": "x", "eks:eks-cluster-name": "demo"})}
		}, []string{
			`karpenter.nodeClass.tags: key "eks:eks-cluster-name" is refused by Karpenter's EC2NodeClass CRD (tag contains a restricted tag matching eks:eks-cluster-name)`,
			`karpenter.nodeClass.tags: key "karpenter.sh/nodepool" is refused by Karpenter's EC2NodeClass CRD`,
			"remove it (Karpenter tags its instances with it itself)",
		}},
		"platform tag with karpenter": {karpenterArgs, func(a *Args) {
			a.Tags = strMapIn(map[string]string{"kubernetes.io/cluster/demo": "owned"})
		}, []string{`tags: key "kubernetes.io/cluster/demo" is refused by Karpenter's EC2NodeClass CRD (tag contains a restricted tag matching kubernetes.io/cluster/), and with karpenter enabled the platform writes its tags into the EC2NodeClass`}},
		"auto mode requirement on karpenter.sh/nodepool": {autoModeArgs, func(a *Args) {
			a.AutoMode.NodePools[0].Requirements[0] = AutoModeNodeRequirementArgs{Key: strIn("karpenter.sh/nodepool"), Operator: strIn("In"), Values: strsIn("gpu")}
		}, []string{`autoMode.nodePools[0].requirements[0].key: "karpenter.sh/nodepool" is refused by the NodePool CRD (label "karpenter.sh/nodepool" is restricted`}},
		"auto mode requirement key syntax": {autoModeArgs, func(a *Args) {
			a.AutoMode.NodePools[0].Requirements[0].Key = strIn("bad key!")
		}, []string{`autoMode.nodePools[0].requirements[0].key: "bad key!" is not a Kubernetes label key`}},
		"auto mode requirement value": {autoModeArgs, func(a *Args) {
			a.AutoMode.NodePools[0].Requirements[0].Values = strsIn("g", "p 4")
		}, []string{`autoMode.nodePools[0].requirements[0].values[1]: "p 4" is not a Kubernetes label value`}},
		"auto mode Gt negative": {autoModeArgs, func(a *Args) {
			a.AutoMode.NodePools[0].Requirements[0] = AutoModeNodeRequirementArgs{Key: strIn("eks.amazonaws.com/instance-cpu"), Operator: strIn("Gt"), Values: strsIn("-1")}
		}, []string{"autoMode.nodePools[0].requirements[0].values: Gt takes exactly one integer value, 0 or more"}},
		"auto mode labels": {autoModeArgs, func(a *Args) {
			a.AutoMode.NodePools[0].Labels = strMapIn(map[string]string{"karpenter.sh/nodepool": "gpu", "kubernetes.io/hostname": "x"})
		}, []string{
			`autoMode.nodePools[0].labels: key "karpenter.sh/nodepool" is refused by the NodePool CRD`,
			`autoMode.nodePools[0].labels: key "kubernetes.io/hostname" is refused by the NodePool CRD`,
		}},
		"auto mode taint key": {autoModeArgs, func(a *Args) { a.AutoMode.NodePools[0].Taints = badTaint },
			[]string{`autoMode.nodePools[0].taints[0].key: "bad key!" is not a Kubernetes taint key`}},
		"auto mode consolidateAfter": {autoModeArgs, func(a *Args) { a.AutoMode.NodePools[0].ConsolidateAfter = strIn("5 minutes") },
			[]string{`autoMode.nodePools[0].consolidateAfter: "5 minutes" is not a Karpenter duration`}},
		"auto mode limits": {autoModeArgs, func(a *Args) { a.AutoMode.NodePools[0].Limits = strMapIn(map[string]string{"cpu": "lots"}) },
			[]string{`autoMode.nodePools[0].limits.cpu: "lots" is not a Kubernetes quantity`}},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			a := c.args()
			c.edit(a)
			requireInvalid(t, a, c.wants...)
		})
	}
}

// Keys that are well-formed, and the CRDs' own exceptions, pass.
func TestValidationKubernetesNamesAccepts(t *testing.T) {
	a := autoModeArgs()
	a.AutoMode.NodePools[0].Labels = strMapIn(map[string]string{"example.com/team": "ml", "karpenter.sh/capacity-type": "spot"})
	a.AutoMode.NodePools[0].Requirements = append(a.AutoMode.NodePools[0].Requirements,
		AutoModeNodeRequirementArgs{Key: strIn("karpenter.sh/capacity-type"), Operator: strIn("In"), Values: strsIn("spot", "on-demand")},
		AutoModeNodeRequirementArgs{Key: strIn("eks.amazonaws.com/instance-cpu"), Operator: strIn("Gt"), Values: strsIn("0")})
	deploy(t, "demo", a)
	k := karpenterArgs()
	k.Karpenter.NodePools[1].Labels = strMapIn(map[string]string{"karpenter.k8s.aws/instance-family": "g5"})
	k.Tags = strMapIn(map[string]string{"team": "ml", "kubernetes.io/role/elb": "1"})
	deploy(t, "demo", k)
	n := minimalArgs()
	n.NodeGroups[0].Labels = strMapIn(map[string]string{"node.kubernetes.io/role": "batch"})
	n.NodeGroups[0].Taints = []TaintArgs{{Key: strIn("example.com/dedicated"), Value: strIn("batch"), Effect: strIn("NO_SCHEDULE")}}
	deploy(t, "demo", n)
}

// An Auto Mode NodePool writes consolidateAfter (the CRD requires it): Karpenter's
// pools' default, or what was given.
func TestAutoModeNodePoolConsolidateAfter(t *testing.T) {
	for given, want := range map[string]string{"": "1m", "30s": "30s", "Never": "Never"} {
		a := autoModeArgs()
		if given != "" {
			a.AutoMode.NodePools[0].ConsolidateAfter = strIn(given)
		}
		m, _ := deploy(t, "demo", a)
		np := m.Find(t, "demo-auto-nodepool-gpu")
		if v := inputAt(np, "spec", "disruption", "consolidateAfter"); !v.IsString() || v.StringValue() != want {
			t.Errorf("consolidateAfter given %q: %v, want %q", given, v, want)
		}
	}
}
