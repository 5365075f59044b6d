package simcloud

import "fmt"

// A managed node group's create ends when its nodes are Ready, and a node is Ready only
// once the cluster's CNI runs on it: kubelet reports "container runtime network not
// ready: cni plugin not initialized" until then, and EKS fails the group with
// NodeCreationFailure when that lasts (terraform-aws-eks #1972, #3446). The CNI is a
// DaemonSet, so it is enough that the vpc-cni add-on is there by the time the nodes have
// booted; it need not exist when the group's create starts.
//
// "There" means active or being created. EKS applies an add-on's manifests when its
// create starts and reports it active once they are applied; vpc-cni is a DaemonSet, which
// needs no node to be applied. A node that registers while the add-on is CREATING gets its
// aws-node pod as soon as the DaemonSet lands, and is NotReady for seconds, not for the
// minutes after which EKS gives up on it. What EKS cannot recover from is a CNI that is
// not coming: no add-on at all, or one that is only created after the node group, which
// is what a program ordering the add-on after its nodes does (the bug rule 4 prevents).
// So: a node group whose create reaches its end on a cluster where vpc-cni is neither
// active nor being created fails (rule 4 of docs/ordering.md).
//
// Some CNI settings are read when a node is created (prefix delegation sets the max pods
// EKS gives the node; custom networking decides the pods' subnets): nodes launched
// before the add-on was configured keep the wrong settings, which no error shows. The
// component orders node groups after vpc-cni in that case (its unit tests check it);
// the simulator keeps no add-on configuration to tell.

// checkNodesJoin is the end of a node group's create: its nodes need a CNI.
func checkNodesJoin(cluster string, v view) error {
	// A node group on a cluster the simulator never made (a unit test of outputs alone)
	// is not checked.
	if cluster == "" || !v.exists(typCluster, cluster) {
		return nil
	}
	cni := cluster + ":vpc-cni"
	if v.exists(typAddon, cni) || v.creating(typAddon, cni) {
		return nil
	}
	return fmt.Errorf("NodeCreationFailure: Unhealthy nodes in the kubernetes cluster (container runtime network not ready: cni plugin not initialized; cluster %s has no vpc-cni add-on)", cluster)
}
