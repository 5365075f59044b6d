package platform

import "testing"

func TestValidationAutoMode(t *testing.T) {
	cases := map[string]struct {
		edit  func(a *Args)
		wants []string
	}{
		"unknown built-in pool": {func(a *Args) { a.AutoMode.BuiltInNodePools = strsIn("system", "gpu") },
			[]string{`autoMode.builtInNodePools[1]: "gpu" is not a built-in node pool; use general-purpose or system`}},
		"pool listed twice": {func(a *Args) { a.AutoMode.BuiltInNodePools = strsIn("system", "system") },
			[]string{`autoMode.builtInNodePools[1]: "system" is listed twice`}},
		"no compute at all": {func(a *Args) { a.AutoMode.BuiltInNodePools = strsIn(); a.AutoMode.NodePools = nil },
			[]string{"autoMode.builtInNodePools: empty, and there is no custom NodePool, node group or Fargate profile"}},
		"node role without pools": {func(a *Args) {
			a.AutoMode.BuiltInNodePools = strsIn()
			a.AutoMode.NodePools = nil
			a.AutoMode.NodeRoleArn = strIn("arn:aws:iam::123456789012:role/nodes")
			a.NodeGroups = []NodeGroupArgs{{Name: strIn("general")}}
		}, []string{"autoMode.nodeRoleArn: given with no built-in node pool and no custom NodePool"}},
		"malformed node role": {func(a *Args) { a.AutoMode.NodeRoleArn = strIn("nodes") },
			[]string{`autoMode.nodeRoleArn: "nodes" is not an IAM role ARN`}},
		"CONFIG_MAP": {func(a *Args) { a.AuthenticationMode = strIn("CONFIG_MAP") },
			[]string{"authenticationMode: CONFIG_MAP has no access entries, and EKS Auto Mode's nodes join through access entries"}},
		"custom pool named as a built-in one": {func(a *Args) { a.AutoMode.NodePools[0].Name = strIn("system") },
			[]string{`autoMode.nodePools[0].name: "system" is a built-in node pool`}},
		"bad pool name": {func(a *Args) { a.AutoMode.NodePools[0].Name = strIn("GPU_pool") },
			[]string{`autoMode.nodePools[0].name: "GPU_pool" is not a Kubernetes object name`}},
		"two pools, one name": {func(a *Args) {
			a.AutoMode.NodePools = append(a.AutoMode.NodePools, AutoModeNodePoolArgs{Name: strIn("gpu")})
		},
			[]string{`autoMode.nodePools[1].name: "gpu" is also the name of autoMode.nodePools[0]`}},
		"requirement operator": {func(a *Args) { a.AutoMode.NodePools[0].Requirements[0].Operator = strIn("Equals") },
			[]string{`autoMode.nodePools[0].requirements[0].operator: unknown operator "Equals"`}},
		"requirement without values": {func(a *Args) { a.AutoMode.NodePools[0].Requirements[0].Values = nil },
			[]string{"autoMode.nodePools[0].requirements[0].values: In needs at least one value"}},
		"Gt with a word": {func(a *Args) {
			a.AutoMode.NodePools[0].Requirements[0] = AutoModeNodeRequirementArgs{Key: strIn("eks.amazonaws.com/instance-cpu"), Operator: strIn("Gt"), Values: strsIn("many")}
		}, []string{"autoMode.nodePools[0].requirements[0].values: Gt takes exactly one integer value"}},
		"taint effect": {func(a *Args) { a.AutoMode.NodePools[0].Taints[0].Effect = strIn("NoSchedule") },
			[]string{`autoMode.nodePools[0].taints[0].effect: "NoSchedule" is not a taint effect; use one of NO_SCHEDULE`}},
		"consolidation": {func(a *Args) { a.AutoMode.NodePools[0].ConsolidationPolicy = strIn("Never") },
			[]string{`autoMode.nodePools[0].consolidationPolicy: unknown policy "Never"`}},
		"off with custom pools": {func(a *Args) {
			a.AutoMode.Enabled = boolIn(false)
			a.NodeGroups = []NodeGroupArgs{{Name: strIn("general")}}
		},
			[]string{"autoMode.nodePools: given while autoMode.enabled is false; remove the custom NodePools in one `pulumi up` with Auto Mode still on"}},
		"off with pools and role": {func(a *Args) {
			a.AutoMode = &AutoModeArgs{Enabled: boolIn(false), BuiltInNodePools: strsIn("system"), NodeRoleArn: strIn("arn:aws:iam::123456789012:role/nodes")}
			a.NodeGroups = []NodeGroupArgs{{Name: strIn("general")}}
		}, []string{"autoMode.builtInNodePools: given while autoMode.enabled is false", "autoMode.nodeRoleArn: given while autoMode.enabled is false"}},
		"off with nothing else": {func(a *Args) { a.AutoMode = &AutoModeArgs{Enabled: boolIn(false)} },
			[]string{"nodeGroups, fargateProfiles: the platform has no node group and no Fargate profile"}},
		"kube-proxy explicitly": {func(a *Args) { a.EksAddons = &EksAddonsArgs{KubeProxy: &EksAddonArgs{Enabled: boolIn(true)}} },
			[]string{"eksAddons.kubeProxy: enabled under autoMode with no node group; EKS Auto Mode runs kube-proxy on its own nodes"}},
		"EBS CSI explicitly": {func(a *Args) { a.EksAddons = &EksAddonsArgs{EbsCsiDriver: &EksAddonArgs{Enabled: boolIn(true)}} },
			[]string{"eksAddons.ebsCsiDriver: enabled under autoMode with no node group; EKS Auto Mode runs EBS volumes"}},
		"ingress scheme": {func(a *Args) {
			a.AutoMode.IngressClass = &AutoModeIngressClassArgs{Enabled: boolIn(true), Scheme: strIn("public")}
		},
			[]string{`autoMode.ingressClass.scheme: unknown scheme "public"; use internal or internet-facing`}},
		"storage class name": {func(a *Args) {
			a.AutoMode.StorageClass = &AutoModeStorageClassArgs{Enabled: boolIn(true), Name: strIn("Fast SSD")}
		},
			[]string{`autoMode.storageClass.name: "Fast SSD" is not a Kubernetes object name`}},
		"classes with Auto Mode off": {func(a *Args) {
			a.AutoMode = &AutoModeArgs{Enabled: boolIn(false), StorageClass: &AutoModeStorageClassArgs{Enabled: boolIn(true)}}
			a.NodeGroups = []NodeGroupArgs{{Name: strIn("general")}}
		}, []string{"autoMode.storageClass: enabled while autoMode.enabled is false"}},
		"coredns explicitly": {func(a *Args) { a.EksAddons = &EksAddonsArgs{Coredns: &EksAddonArgs{Enabled: boolIn(true)}} },
			[]string{"eksAddons.coredns: enabled under autoMode with no node group; EKS Auto Mode runs cluster DNS"}},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			a := autoModeArgs()
			c.edit(a)
			requireInvalid(t, a, c.wants...)
		})
	}
}

// Pod Identity needs no agent add-on under Auto Mode: its nodes run the agent.
func TestAutoModePodIdentityWithoutAgentAddon(t *testing.T) {
	a := autoModeArgs()
	a.Addons.ExternalDns.Identity = strIn("podIdentity")
	m, _ := deploy(t, "demo", a)
	if len(m.OfType("aws:eks/podIdentityAssociation:PodIdentityAssociation")) != 1 {
		t.Error("ExternalDNS has no Pod Identity association under Auto Mode")
	}
}
