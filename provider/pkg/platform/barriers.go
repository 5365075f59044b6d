package platform

import "github.com/pulumi/pulumi/sdk/v3/go/pulumi"

// barrier is a named wait: the resources a stage is ordered after that the data flow
// alone would not order it after (aws-auth before nodes, coredns after nodes carry no
// data). Stages take their waits as barrier fields of their input struct, so each is
// passed by name and two cannot be swapped by position. docs/ordering.md lists them
// with their rules.
type barrier []pulumi.Resource

// namespaceBarrier is a wait that depends on the namespace a workload runs in: the
// compute that can schedule its pods (rule 4) and what every such workload waits for.
// The stage script builds it (placement.go answers which compute).
type namespaceBarrier func(namespace string) barrier

// join concatenates Ready lists (and barriers) into one barrier.
func join(lists ...[]pulumi.Resource) barrier {
	var all barrier
	for _, l := range lists {
		all = append(all, l...)
	}
	return all
}

// barriers are the named waits of the stage script (runStages), kept for tests
// (barriers_test.go checks each one's contents). Each is documented where the script
// builds it.
type barriers struct {
	beforeCluster barrier
	beforeAwsAuth barrier
	beforeCompute barrier
	// beforeNodes includes the node security group and every security group rule.
	beforeNodes barrier
	// systemAddonsSchedulable is the compute coredns and the EBS CSI driver wait for;
	// beforeSystemAddons adds the node add-ons.
	systemAddonsSchedulable barrier
	beforeSystemAddons      barrier
	// beforeLateEksAddons is what every eksAddons.extra add-on placed after compute
	// waits for, besides the compute that can schedule its namespace.
	beforeLateEksAddons barrier
	beforeWorkloads     barrier
	beforePodIdentity   barrier
	// beforeAutoModePools is what Auto Mode's NodeClass and NodePools wait for.
	beforeAutoModePools barrier
	// beforeCRDs is what the charts' CRDs wait for.
	beforeCRDs barrier
	// beforeOtherReleases are the releases every other release waits for (rule 9).
	beforeOtherReleases barrier
	// beforeUserReleases are those plus the catalogue add-ons whose webhooks guard
	// objects a user's chart may make: what every helmReleases entry waits for (rule 9).
	beforeUserReleases barrier
	// karpenterControllerSchedulable is the compute the Karpenter controller runs on
	// (never Karpenter's own); beforeKarpenter is all its release waits for but its
	// role and queue.
	karpenterControllerSchedulable barrier
	beforeKarpenter                barrier
	// beforeServiceBlockers is what the ALB controller waits for besides its compute:
	// the add-ons and releases that create Services before it (rule 9).
	beforeServiceBlockers barrier
}
