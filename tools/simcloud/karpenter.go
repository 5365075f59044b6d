package simcloud

import (
	"context"
	"fmt"
	"strings"
)

// Karpenter, as it behaves on EKS (rule 10 of docs/ordering.md):
//
//   - its controller launches EC2 instances for a NodePool's pending pods; the
//     simulator launches one instance when a NodePool is created while a Karpenter
//     controller (a live Helm release named karpenter, not being deleted) runs on the
//     cluster, and journals it as op "launch" of aws:ec2/instance:Instance;
//   - deleting a NodePool deletes its NodeClaims, whose finalizer holds until the
//     controller has drained and terminated each instance (about a minute): with the
//     controller running for the whole of it, the delete ends after that and the
//     instance is journaled "terminate";
//   - with the controller gone (or going: its release's delete in flight, or finishing
//     before the termination did), nothing terminates the instance: it keeps running,
//     outside any state, and the simulator journals it "orphan" with a warning;
//   - the NodePool and EC2NodeClass kinds are served once Karpenter's CRDs are applied
//     (automode.go serves karpenter.sh NodePools under Auto Mode as well).
//
// Journals count launches and terminations by instance ID, so a test checks "no
// orphaned instance" as launches == terminations (tools/e2e checkDestroy).

const (
	typEC2NodeClass = "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass"
	typInstance     = "aws:ec2/instance:Instance"
	typCRD          = "kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition"

	// OpLaunch, OpTerminate and OpOrphan are the journal ops of Karpenter's instances.
	OpLaunch    = "launch"
	OpTerminate = "terminate"
	OpOrphan    = "orphan"

	karpenterRelease = "karpenter"
	// karpenterTermination is how long draining and terminating a NodePool's nodes
	// takes, in simulated minutes (Minutes[typInstance]).
	karpenterNodePoolCRD  = "nodepools.karpenter.sh"
	karpenterNodeClassCRD = "ec2nodeclasses.karpenter.k8s.aws"
)

// karpenterRunning reports whether a Karpenter controller runs on the cluster: its
// release is live, and no delete of a Karpenter chart is in flight.
func karpenterRunning(cluster string, v view) bool {
	if cluster == "" {
		return false
	}
	for _, o := range v.inflightOf(typRelease, cluster) {
		if o.Op == "delete" && isKarpenterChart(o.Name) {
			return false
		}
	}
	for _, id := range v.ids(typRelease) {
		if strings.HasSuffix(id, "/"+karpenterRelease) && v.cluster[typRelease+"\x00"+id] == cluster {
			return true
		}
	}
	return false
}

func isKarpenterChart(chart string) bool {
	return chart == karpenterRelease || strings.HasSuffix(chart, "/"+karpenterRelease)
}

// karpenterServes reports whether the cluster's API server serves the kind of r
// because Karpenter's CRDs are applied.
func karpenterServes(r *res, cluster string, v view) bool {
	crd := karpenterNodePoolCRD
	if r.Type == typEC2NodeClass {
		crd = karpenterNodeClassCRD
	}
	return v.exists(typCRD, crd) && v.cluster[typCRD+"\x00"+crd] == cluster
}

// checkKarpenterObject is the API server's answer for an EC2NodeClass before
// Karpenter's CRDs exist.
func checkKarpenterObject(r *res, cluster string, v view) error {
	if cluster == "" || !v.exists(typCluster, cluster) || karpenterServes(r, cluster, v) {
		return nil
	}
	return fmt.Errorf(`no matches for kind "EC2NodeClass" in version "karpenter.k8s.aws/v1" (cluster %s has no Karpenter CRDs)`, cluster)
}

// nodePoolInstance is the ID of the instance Karpenter launches for a NodePool.
func nodePoolInstance(urn string) string { return "i-" + hexOf(17, "karpenter", urn) }

// karpenterLaunch journals the instance Karpenter launches for a NodePool just created,
// if a controller runs; without one, the NodePool's create carries a warning (nothing
// will ever launch its nodes).
func (s *Server) karpenterLaunch(r *res, cluster string) error {
	var running bool
	if err := s.ledger.peek(func(v view) error { running = karpenterRunning(cluster, v); return nil }); err != nil {
		return err
	}
	if !running {
		return nil
	}
	t := nowMS()
	return s.ledger.record(Entry{Op: OpLaunch, Type: typInstance, Name: r.Name, StartMS: t, EndMS: t,
		ID: nodePoolInstance(r.URN), Cluster: cluster, Detail: "launched by Karpenter for NodePool " + r.Name})
}

// karpenterTerminate is the end of a NodePool's delete: its instance is terminated by
// the controller if the controller ran when the delete started and still runs once
// the termination is done; otherwise it is journaled orphaned.
func (s *Server) karpenterTerminate(ctx context.Context, r *res, cluster string, runningAtStart bool) error {
	id := nodePoolInstance(r.URN)
	var live bool
	if err := s.ledger.peek(func(v view) error { live = v.exists(typInstance, id); return nil }); err != nil {
		return err
	}
	if !live {
		return nil
	}
	running := runningAtStart
	if running {
		if err := s.sleep(ctx, typInstance); err != nil {
			return err
		}
		if err := s.ledger.peek(func(v view) error { running = karpenterRunning(cluster, v); return nil }); err != nil {
			return err
		}
	}
	t := nowMS()
	if running {
		return s.ledger.record(Entry{Op: OpTerminate, Type: typInstance, Name: r.Name, StartMS: t, EndMS: t,
			ID: id, Cluster: cluster, Detail: "terminated by Karpenter with NodePool " + r.Name})
	}
	return s.ledger.record(Entry{Op: OpOrphan, Type: typInstance, Name: r.Name, StartMS: t, EndMS: t, ID: id, Cluster: cluster,
		Warning: fmt.Sprintf("orphaned instance %s: NodePool %s was deleted while no Karpenter controller ran on cluster %s, so nothing terminated it", id, r.Name, cluster)})
}
