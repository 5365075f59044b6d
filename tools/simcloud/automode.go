package simcloud

import (
	"fmt"
	"slices"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// EKS Auto Mode, as the EKS API behaves (evidence in docs/design.md, "EKS Auto Mode"):
//
//   - computeConfig.enabled, storageConfig.blockStorage.enabled and
//     kubernetesNetworkConfig.elasticLoadBalancing.enabled must be equal in every create
//     and update request, or EKS answers InvalidParameterException;
//   - with Auto Mode on at create, bootstrapSelfManagedAddons must be false;
//   - a node role needs built-in node pools;
//   - a running Auto Mode cluster's node role cannot change: the provider replaces the
//     cluster (diff.go asks for it);
//   - with built-in pools EKS makes the node role's EC2 access entry itself, so a second
//     one fails with ResourceInUseException;
//   - the built-in pools are compute: coredns and Helm releases have nodes to run on,
//     and so do custom NodePools;
//   - the NodePool, NodeClass and IngressClassParams APIs exist only while Auto Mode is on: creating or
//     deleting one on a cluster without it fails as the API server answers for an
//     unknown kind.

const (
	typNodePool     = "kubernetes:karpenter.sh/v1:NodePool"
	typNodeClass    = "kubernetes:eks.amazonaws.com/v1:NodeClass"
	typIngressClass = "kubernetes:eks.amazonaws.com/v1:IngressClassParams"
)

// autoMode is a cluster's Auto Mode configuration, read from its inputs.
type autoMode struct {
	compute, storage, loadBalancing bool
	nodePools                       []string
	nodeRoleArn                     string
}

func readAutoMode(in resource.PropertyMap) autoMode {
	flag := func(path ...string) bool {
		v := get(in, path...)
		return v.IsBool() && v.BoolValue()
	}
	return autoMode{
		compute:       flag("computeConfig", "enabled"),
		storage:       flag("storageConfig", "blockStorage", "enabled"),
		loadBalancing: flag("kubernetesNetworkConfig", "elasticLoadBalancing", "enabled"),
		nodePools:     strs(in, "computeConfig", "nodePools"),
		nodeRoleArn:   str(in, "computeConfig", "nodeRoleArn"),
	}
}

// builtInCompute reports whether EKS runs built-in node pools for the cluster.
func (a autoMode) builtInCompute() bool { return a.compute && len(a.nodePools) > 0 }

// checkAutoModeRequest is what EKS checks in a CreateCluster or UpdateClusterConfig.
func checkAutoModeRequest(in resource.PropertyMap, create bool) error {
	a := readAutoMode(in)
	if a.compute != a.storage || a.compute != a.loadBalancing {
		return fmt.Errorf("InvalidParameterException: For EKS Auto Mode, please ensure that all required configs, including computeConfig, kubernetesNetworkConfig, and blockStorage are all either fully enabled or fully disabled")
	}
	if v := get(in, "bootstrapSelfManagedAddons"); create && a.compute && (!v.IsBool() || v.BoolValue()) {
		return fmt.Errorf("InvalidParameterException: When EKS Auto Mode is enabled, bootstrapSelfManagedAddons must be set to false")
	}
	if a.nodeRoleArn != "" && len(a.nodePools) == 0 {
		return fmt.Errorf("InvalidParameterException: When Compute Config nodeRoleArn is not null or empty, nodePool value(s) must be provided")
	}
	for _, p := range a.nodePools {
		if p != "general-purpose" && p != "system" {
			return fmt.Errorf("InvalidParameterException: unknown node pool %q", p)
		}
	}
	return nil
}

// nodeRoleChanged reports a change of the node role of a cluster whose Auto Mode
// compute is on (adding a role, or dropping it while switching Auto Mode off, is not).
func nodeRoleChanged(olds, news resource.PropertyMap) bool {
	o, n := readAutoMode(olds), readAutoMode(news)
	return o.compute && n.compute && o.nodeRoleArn != "" && o.nodeRoleArn != n.nodeRoleArn
}

// clusterAutoMode is the Auto Mode of the live cluster, from the simulated cloud.
func (v view) clusterAutoMode(cluster string) autoMode {
	if v.l == nil || cluster == "" {
		return autoMode{}
	}
	o, ok := v.l.getObject(typCluster, cluster)
	if !ok {
		return autoMode{}
	}
	in, err := decodeMap(o.Inputs)
	if err != nil {
		return autoMode{}
	}
	return readAutoMode(in)
}

// hasCompute reports whether something can run pods on the cluster: a node group, a
// Fargate profile, Auto Mode's built-in pools, or a custom NodePool.
func (v view) hasCompute(cluster string) bool {
	return v.clusterHas(cluster, typNodeGroup, typFargate, typNodePool) || v.clusterAutoMode(cluster).builtInCompute()
}

// updateWarning is what an update leaves behind that no error shows: switching Auto
// Mode's compute off terminates every instance it launched, so on a cluster with no
// node group or Fargate profile every pod is left with nowhere to run.
func updateWarning(r *res, cluster string, v view) string {
	if r.Type != typCluster {
		return ""
	}
	if readAutoMode(r.Old).compute && !readAutoMode(r.Inputs).compute && !v.clusterHas(cluster, typNodeGroup, typFargate) {
		return "Auto Mode switched off with no node group or Fargate profile: its instances are terminated and no pod has a node"
	}
	return ""
}

// checkAutoModeObject is the API server's answer for a NodePool or NodeClass on a
// cluster without Auto Mode: the kind is not served.
func checkAutoModeObject(r *res, cluster string, v view) error {
	if cluster == "" || !v.exists(typCluster, cluster) || v.clusterAutoMode(cluster).compute ||
		(r.Type == typNodePool && karpenterServes(r, cluster, v)) {
		return nil
	}
	kind, group := "NodePool", "karpenter.sh/v1"
	switch r.Type {
	case typNodeClass:
		kind, group = "NodeClass", "eks.amazonaws.com/v1"
	case typIngressClass:
		kind, group = "IngressClassParams", "eks.amazonaws.com/v1"
	}
	return fmt.Errorf("no matches for kind %q in version %q (cluster %s has EKS Auto Mode off)", kind, group, cluster)
}

// checkAutoNodeEntry fails a second access entry for the node role EKS made one for.
func checkAutoNodeEntry(r *res, cluster string, v view) error {
	a := v.clusterAutoMode(cluster)
	if a.builtInCompute() && slices.Contains([]string{a.nodeRoleArn}, str(r.Inputs, "principalArn")) {
		return fmt.Errorf("ResourceInUseException: The specified access entry resource is already in use on this cluster (%s in %s, made by EKS for the Auto Mode node role)",
			a.nodeRoleArn, cluster)
	}
	return nil
}
