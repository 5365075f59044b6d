package simcloud

import "fmt"

// A managed node group's create ends when its nodes are Ready, and a node is Ready only
// once the cluster's CNI runs on it: kubelet reports "container runtime network not
// ready: cni plugin not initialized" until then, and EKS fails the group with
// NodeCreationFailure when that lasts (terraform-aws-eks #1972, #3446). The CNI is a
// DaemonSet, so it is enough that the vpc-cni add-on exists by the time the nodes have
// booted; it need not exist when the group's create starts. So: a node group whose
// create reaches its end on a cluster without an active vpc-cni add-on fails (rule 4 of
// docs/ordering.md).
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
	if cluster == "" || !v.exists(typCluster, cluster) || v.exists(typAddon, cluster+":vpc-cni") {
		return nil
	}
	return fmt.Errorf("NodeCreationFailure: Unhealthy nodes in the kubernetes cluster (container runtime network not ready: cni plugin not initialized; cluster %s has no vpc-cni add-on)", cluster)
}
