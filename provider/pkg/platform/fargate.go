package platform

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/eks"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// fargateIn is what fargateProfiles reads.
type fargateIn struct {
	ComputeConfig computeConfig
	Cluster       *clusterResult
	Workers       *workerRolesResult
	// After is what every profile waits for (the script's beforeCompute).
	After barrier
}

// fargateProfiles makes the Fargate profiles one after another (rule 5): EKS creates or
// deletes one profile at a time per cluster and rejects a second concurrent one with
// ResourceInUseException, so profile i+1 depends on profile i. Every profile also waits
// for in.After.
func (b *build) fargateProfiles(in fargateIn) (*fargateResult, error) {
	res := &fargateResult{}
	cluster, workers := in.Cluster, in.Workers
	var previous pulumi.Resource
	for _, f := range in.ComputeConfig.FargateProfiles {
		var selectors eks.FargateProfileSelectorArray
		for _, s := range f.Selectors {
			sel := eks.FargateProfileSelectorArgs{Namespace: pulumi.String(s.Namespace)}
			if len(s.Labels) > 0 {
				labels := pulumi.StringMap{}
				for _, k := range sortedKeys(s.Labels) {
					labels[k] = pulumi.String(s.Labels[k])
				}
				sel.Labels = labels
			}
			selectors = append(selectors, sel)
		}
		deps := in.After
		if previous != nil {
			deps = append(deps[:len(deps):len(deps)], previous)
		}
		profile, err := eks.NewFargateProfile(b.ctx, b.child("fargate-"+f.Name), &eks.FargateProfileArgs{
			ClusterName:         cluster.Name,
			FargateProfileName:  pulumi.String(f.Name),
			PodExecutionRoleArn: workers.FargateRoleArn,
			SubnetIds:           f.Subnets.input(),
			Selectors:           selectors,
			Tags:                b.tags(),
		}, b.opts(pulumi.DependsOn(deps),
			// Every property of a profile is create-only and its name is fixed: a change
			// deletes the old profile before creating the new one.
			pulumi.DeleteBeforeReplace(true),
		)...)
		if err != nil {
			return nil, err
		}
		res.Profiles = append(res.Profiles, profile)
		res.Ready = append(res.Ready, profile)
		previous = profile
	}
	return res, nil
}
