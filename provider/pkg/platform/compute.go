package platform

import (
	"slices"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// compute makes the node groups (each with its launch template) and the Fargate
// profiles. All of them wait for access (rule 3: aws-auth and access entries exist
// before any node or pod tries to join) and for the worker roles and their policy
// attachments. Node groups also wait for the base add-ons (rule 4: vpc-cni, kube-proxy
// and the pod identity agent are there when the first node starts). Fargate profiles do
// not: Fargate runs none of those DaemonSets and does not support Pod Identity, so the
// wait would only lengthen the critical path (rule 8; `make bench` measured 0.94
// simulated minutes on a platform with Fargate). Node groups are created in parallel;
// profiles are chained (rule 5); node groups and profiles do not wait for each other.
func (b *build) compute(cluster *clusterResult, workers *workerRolesResult, access *accessResult, base *addonsResult) (*computeResult, error) {
	var before []pulumi.Resource
	before = append(before, access.Ready...)
	before = append(before, workers.Ready...)
	nodesBefore := append(slices.Clone(before), base.Ready...)

	res := &computeResult{}
	for _, g := range b.cfg.Compute.NodeGroups {
		ng, err := b.nodeGroup(cluster, workers, g, pulumi.DependsOn(nodesBefore))
		if err != nil {
			return nil, err
		}
		res.NodeGroups = append(res.NodeGroups, ng)
		res.Ready = append(res.Ready, ng)
	}
	profiles, err := b.fargateProfiles(cluster, workers, before)
	if err != nil {
		return nil, err
	}
	res.FargateProfiles = profiles
	for _, p := range profiles {
		res.Ready = append(res.Ready, p)
	}
	return res, nil
}
