package platform

import (
	"path"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Where a workload's pods can run, for rule 4: an add-on that runs pods waits for the
// compute that can schedule them, not for all compute. Waiting for nothing is the bug
// (coredns DEGRADED, a Helm release timing out with no node); waiting for everything
// is waste (a release in kube-system held back by three chained Fargate profiles for
// another namespace).

// toleration is a pod toleration: Key "" tolerates every taint of Effect.
type toleration struct {
	Key, Effect string
}

// Tolerations of the EKS add-ons' pods, as the add-ons ship them: coredns and the EBS
// CSI controller tolerate CriticalAddonsOnly (the taint of a system node group), and
// the EBS CSI controller also every NoExecute taint.
var systemAddonTolerations = []toleration{{Key: "CriticalAddonsOnly", Effect: "NO_SCHEDULE"}, {Key: "CriticalAddonsOnly", Effect: "NO_EXECUTE"}}

// placement answers which compute can schedule a workload's pods.
type placement struct {
	groups   []nodeGroupConfig
	profiles []fargateProfileConfig
	// made are the node groups and profiles as registered, index for index.
	groupsMade, profilesMade []pulumi.Resource
	// auto is Auto Mode: its built-in pools come with the cluster (EKS runs them once
	// it is active), its custom NodePools are poolsMade, index for index.
	auto      autoModeConfig
	cluster   pulumi.Resource
	poolsMade []pulumi.Resource
	// karpenterPools are Karpenter's NodePools (withKarpenterPools), after the node
	// groups and Auto Mode: capacity Karpenter launches once a NodePool exists.
	karpenterPools     []karpenterNodePoolConfig
	karpenterPoolsMade []pulumi.Resource
}

// withKarpenterPools is pl with Karpenter's NodePools as compute: a workload no node
// group or profile fits (the system group is tainted) waits for the first NodePool it
// tolerates, so it is also deleted before that NodePool on destroy. The Karpenter
// controller itself is placed without them (it must not run on capacity it manages).
func (pl placement) withKarpenterPools(pools []karpenterNodePoolConfig, made []pulumi.Resource) placement {
	pl.karpenterPools, pl.karpenterPoolsMade = pools, made
	return pl
}

// placementIn is the compute placement answers about: the inputs and what the compute
// stages made of them.
type placementIn struct {
	ComputeConfig  computeConfig
	AutoModeConfig autoModeConfig
	NodeGroups     *nodeGroupsResult
	Fargate        *fargateResult
	Cluster        *clusterResult
	AutoMode       *autoModeResult
}

// newPlacement answers for the compute of in; Karpenter's NodePools are added once they
// exist (withKarpenterPools).
func newPlacement(in placementIn) placement {
	return placement{
		groups: in.ComputeConfig.NodeGroups, profiles: in.ComputeConfig.FargateProfiles,
		groupsMade: in.NodeGroups.Ready, profilesMade: in.Fargate.Ready,
		auto: in.AutoModeConfig, cluster: in.Cluster.Cluster, poolsMade: in.AutoMode.NodePools,
	}
}

// schedulableFor is the compute a workload in namespace, with pods labelled labels and
// tolerating tolerates, waits for:
//   - the first Fargate profile (in input order) with a selector matching the
//     namespace and labels: EKS runs a pod on Fargate whenever a profile matches it, so
//     that is where its pods go;
//   - otherwise, under Auto Mode, the built-in general-purpose pool (untainted), which
//     is there as soon as the cluster is: nothing more to wait for;
//   - otherwise the first node group (in input order) that starts with nodes and whose
//     every NoSchedule/NoExecute taint the pods tolerate;
//   - otherwise the first custom NodePool whose taints the pods tolerate, or the
//     built-in system pool (tainted CriticalAddonsOnly) for pods that tolerate that;
//   - otherwise (withKarpenterPools) the first Karpenter NodePool whose taints the
//     pods tolerate;
//   - otherwise, when none is known to fit (the user's values may add tolerations
//     or a node selector the platform cannot read), every node group and profile, as a
//     safe default.
//
// Profiles are chained (rule 5), so depending on a profile also waits for the ones
// before it; the first matching is also the earliest.
//
// onNodes skips Fargate: the pods carry eks.amazonaws.com/compute-type: ec2 (coredns
// does whenever there is a node group) and never run on Fargate; they go to node groups
// before Auto Mode's pools.
func (pl placement) schedulableFor(namespace string, labels map[string]string, tolerates []toleration, onNodes bool) []pulumi.Resource {
	for i, p := range pl.profiles {
		if onNodes {
			break
		}
		for _, s := range p.Selectors {
			if s.matches(namespace, labels) {
				return []pulumi.Resource{pl.profilesMade[i]}
			}
		}
	}
	if !onNodes && pl.auto.BuiltIn(autoModePoolGeneralPurpose) {
		return []pulumi.Resource{pl.cluster}
	}
	for i, g := range pl.groups {
		// Linux pods never run on Windows nodes.
		if g.DesiredSize >= 1 && !g.windows() && g.tolerated(tolerates) {
			return []pulumi.Resource{pl.groupsMade[i]}
		}
	}
	if pl.auto.BuiltIn(autoModePoolGeneralPurpose) {
		return []pulumi.Resource{pl.cluster}
	}
	for i, np := range pl.auto.NodePools {
		if np.tolerated(tolerates) {
			return []pulumi.Resource{pl.poolsMade[i]}
		}
	}
	if pl.auto.BuiltIn(autoModePoolSystem) && (nodeGroupConfig{Taints: []taintConfig{{Key: "CriticalAddonsOnly", Effect: "NO_SCHEDULE"}}}).tolerated(tolerates) {
		return []pulumi.Resource{pl.cluster}
	}
	for i, np := range pl.karpenterPools {
		if (nodeGroupConfig{Taints: np.Taints}).tolerated(tolerates) {
			return []pulumi.Resource{pl.karpenterPoolsMade[i]}
		}
	}
	return join(pl.groupsMade, pl.profilesMade, pl.poolsMade, pl.karpenterPoolsMade)
}

// matches reports whether the selector selects pods of namespace with labels. Fargate
// allows the wildcards * and ? in namespaces and label values; a selector label the
// pods do not carry does not match.
func (s fargateSelectorConfig) matches(namespace string, labels map[string]string) bool {
	if ok, _ := path.Match(s.Namespace, namespace); !ok {
		return false
	}
	for k, v := range s.Labels {
		have, ok := labels[k]
		if !ok {
			return false
		}
		if ok, _ := path.Match(v, have); !ok {
			return false
		}
	}
	return true
}

// tolerated reports whether pods with tolerates can be scheduled on the group's nodes:
// every taint that repels (NoSchedule, NoExecute) is tolerated.
func (g nodeGroupConfig) tolerated(tolerates []toleration) bool {
	for _, t := range g.Taints {
		if t.Effect == "PREFER_NO_SCHEDULE" {
			continue
		}
		ok := false
		for _, tol := range tolerates {
			if (tol.Key == "" || tol.Key == t.Key) && tol.Effect == t.Effect {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	return true
}

// schedulableForNamespace is schedulableFor a workload of namespace with no labels or
// tolerations the platform knows; with the namespace unknown (""), every node group and
// profile, since a profile might select the pods wherever they run.
func (pl placement) schedulableForNamespace(namespace string) []pulumi.Resource {
	if namespace == "" {
		return join(pl.groupsMade, pl.profilesMade, pl.poolsMade)
	}
	return pl.schedulableFor(namespace, nil, nil, false)
}
