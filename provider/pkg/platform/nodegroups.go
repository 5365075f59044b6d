package platform

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strconv"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/eks"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// nodeGroupsIn is what nodeGroups reads. Besides the compute inputs it needs the
// cluster's name (the groups' EKS names) and the security group inputs (which groups
// get a launch template's security groups).
type nodeGroupsIn struct {
	ComputeConfig        computeConfig
	ClusterConfig        clusterConfig
	SecurityGroupsConfig securityGroupsConfig
	Cluster              *clusterResult
	Workers              *workerRolesResult
	SecurityGroups       *securityGroupsResult
	// After is what every group waits for (the script's beforeNodes).
	After barrier
}

// nodeGroups makes the managed node groups, in parallel.
func (b *build) nodeGroups(in nodeGroupsIn) (*nodeGroupsResult, error) {
	res := &nodeGroupsResult{}
	// A group removed from nodeGroups is deleted by the engine; say so before it is.
	for _, w := range in.ComputeConfig.removedGroupWarnings(b.upgrade.live, in.ClusterConfig.Name) {
		_ = b.ctx.Log.Warn(w, &pulumi.LogArgs{Resource: b.parent})
	}
	for _, g := range in.ComputeConfig.NodeGroups {
		ng, planned, err := b.nodeGroup(in, g)
		if err != nil {
			return nil, err
		}
		res.planned = append(res.planned, planned)
		res.Groups = append(res.Groups, ng)
		res.Ready = append(res.Ready, ng)
	}
	return res, nil
}

// nodeGroup makes one managed node group and its launch template.
func (b *build) nodeGroup(in nodeGroupsIn, g nodeGroupConfig) (*eks.NodeGroup, plannedName, error) {
	cluster, compute := in.Cluster, in.ComputeConfig
	tags := b.tags(g.Tags)
	instanceTags := b.tags(g.Tags, plainMapOf(map[string]string{"Name": g.EksName}))
	lt, err := ec2.NewLaunchTemplate(b.ctx, b.child("ng-"+g.Name+"-lt"), &ec2.LaunchTemplateArgs{
		Description: pulumi.String("Nodes of EKS node group " + g.EksName),
		// IMDSv2 only, with a hop limit of 1 by default: the response cannot cross the
		// extra hop of a pod's network namespace, so pods off the host network cannot
		// read the node role's credentials (they use IRSA or Pod Identity instead).
		// metadataHopLimit 2 lets them reach IMDS, as EKS's own launch templates do.
		MetadataOptions: ec2.LaunchTemplateMetadataOptionsArgs{
			HttpEndpoint:            pulumi.String("enabled"),
			HttpTokens:              pulumi.String("required"),
			HttpPutResponseHopLimit: pulumi.Int(g.MetadataHopLimit),
		},
		// With a launch template EKS rejects the node group's diskSize: the size goes
		// on the root (Bottlerocket: data) volume here.
		BlockDeviceMappings: ec2.LaunchTemplateBlockDeviceMappingArray{ec2.LaunchTemplateBlockDeviceMappingArgs{
			DeviceName: pulumi.String(rootDevice(g.AmiType)),
			Ebs: ec2.LaunchTemplateBlockDeviceMappingEbsArgs{
				VolumeSize:          pulumi.Int(g.DiskSize),
				VolumeType:          pulumi.String("gp3"),
				Encrypted:           pulumi.String("true"),
				DeleteOnTermination: pulumi.String("true"),
			},
		}},
		TagSpecifications: ec2.LaunchTemplateTagSpecificationArray{
			ec2.LaunchTemplateTagSpecificationArgs{ResourceType: pulumi.String("instance"), Tags: instanceTags},
			ec2.LaunchTemplateTagSpecificationArgs{ResourceType: pulumi.String("volume"), Tags: instanceTags},
		},
		// A custom AMI (amiType CUSTOM) is the template's image; EKS then merges no user
		// data, so the platform's NodeConfig bootstraps the node (nodeuserdata.go).
		ImageId:                          g.Custom.AmiIDInput,
		UserData:                         b.userData(g, cluster),
		CapacityReservationSpecification: capacityReservation(g),
		Placement:                        placementGroup(g),
		// The cluster security group, the node security group and the group's extras;
		// nil when there are neither (securitygroups.go).
		VpcSecurityGroupIds: launchTemplateSecurityGroups(g, in.SecurityGroups, in.SecurityGroupsConfig),
		Tags:                tags,
	}, b.opts()...)
	if err != nil {
		return nil, plannedName{}, err
	}

	roleArn := g.NodeRoleArn
	if roleArn == nil {
		roleArn = in.Workers.NodeRoleArn
	}
	var taints eks.NodeGroupTaintArray
	for _, t := range g.Taints {
		taint := eks.NodeGroupTaintArgs{Key: pulumi.String(t.Key), Effect: pulumi.String(t.Effect)}
		if t.Value != "" {
			taint.Value = pulumi.String(t.Value)
		}
		taints = append(taints, taint)
	}
	update := eks.NodeGroupUpdateConfigArgs{}
	if g.MaxUnavailablePercentage > 0 {
		update.MaxUnavailablePercentage = pulumi.Int(g.MaxUnavailablePercentage)
	} else {
		update.MaxUnavailable = pulumi.Int(g.MaxUnavailable)
	}
	var labels pulumi.StringMap
	if len(g.Labels) > 0 {
		labels = pulumi.StringMap{}
		for _, k := range sortedKeys(g.Labels) {
			labels[k] = pulumi.String(g.Labels[k])
		}
	}
	var repair eks.NodeGroupNodeRepairConfigPtrInput
	if !g.windows() {
		// Windows nodes have no node auto repair; the block is left out for them.
		repair = eks.NodeGroupNodeRepairConfigArgs{Enabled: pulumi.Bool(g.NodeRepair)}
	}
	subnets := g.Subnets.input()
	// With an AMI ID in the launch template EKS rejects amiType, releaseVersion and
	// version on the group (EKS user guide, "Limits and conditions when specifying an
	// AMI ID"): a custom AMI's version is its image.
	var amiType, version pulumi.StringPtrInput
	if !g.custom() {
		amiType = pulumi.String(g.AmiType)
		// The control plane's version, so bumping kubernetesVersion upgrades the
		// nodes after the cluster.
		version = cluster.Cluster.Version
	}
	var releaseVersion pulumi.StringPtrInput
	if g.Custom.ReleaseVersion != nil {
		releaseVersion = g.Custom.ReleaseVersion.ToStringOutput().ToStringPtrOutput()
	}
	// "<cluster>-<name>-<generation>": the generation changes exactly when a change
	// forces EKS to make a new group, so the new group never takes the old one's name
	// and can be created before the old one is deleted. A group 0.1.0 made keeps its
	// name while nothing create-only changes (nodeGroupEksName).
	live := b.upgrade.live
	name := pulumi.All(roleArn, subnets, lt.ID()).ApplyT(func(v []any) string {
		want := desiredNodeGroupFields(g, v[0].(string), v[1].([]string), string(v[2].(pulumi.ID)))
		n := compute.nodeGroupEksName(live, g, want)
		// The preview (and the up) says which groups this run replaces, and why. With a
		// create-only input unknown at preview the name is not this one (below), and
		// warnUnknownNodeGroupNames says so instead.
		if len(g.PreviewUnknown) == 0 {
			if w := replacementWarning(g, compute.liveGroupsOf(live, g), n, want, live); w != "" {
				_ = b.ctx.Log.Warn(w, &pulumi.LogArgs{Resource: b.parent})
			}
		}
		return n
	}).(pulumi.StringOutput)
	if len(g.PreviewUnknown) > 0 {
		// At preview an unknown instanceTypes, capacityType or amiType was read as its
		// default: a name computed from that could keep a group the update replaces.
		// Unknown, the preview plans the replacement, and the update decides.
		name = pulumi.All(name, pulumi.UnsafeUnknownOutput(nil)).ApplyT(func(v []any) string {
			return v[0].(string)
		}).(pulumi.StringOutput)
	}
	ng, err := eks.NewNodeGroup(b.ctx, b.child("ng-"+g.Name), &eks.NodeGroupArgs{
		ClusterName:    cluster.Name,
		NodeGroupName:  name,
		Version:        version,
		ReleaseVersion: releaseVersion,
		NodeRoleArn:    roleArn,
		SubnetIds:      subnets,
		InstanceTypes:  pulumi.ToStringArray(g.InstanceTypes),
		CapacityType:   pulumi.String(g.CapacityType),
		AmiType:        amiType,
		ScalingConfig: eks.NodeGroupScalingConfigArgs{
			MinSize:     pulumi.Int(g.MinSize),
			DesiredSize: pulumi.Int(g.DesiredSize),
			MaxSize:     pulumi.Int(g.MaxSize),
		},
		UpdateConfig:     update,
		NodeRepairConfig: repair,
		Labels:           labels,
		Taints:           taints,
		LaunchTemplate: eks.NodeGroupLaunchTemplateArgs{
			Id: lt.ID(),
			// A launch template change rolls the nodes to the new version in place.
			Version: lt.LatestVersion.ApplyT(strconv.Itoa).(pulumi.StringOutput),
		},
		Tags: tags,
	}, b.opts(pulumi.DependsOn(in.After),
		// The desired size is only the size at creation; the Cluster Autoscaler (or a
		// person) owns it afterwards, and `pulumi up` must not scale the group back.
		pulumi.IgnoreChanges([]string{"scalingConfig.desiredSize"}),
		// No DeleteBeforeReplace: a replacement gets a new EKS name (the generation), so
		// Pulumi's default applies: the new group is created, its nodes join, and only
		// then is the old group deleted, so pods always have somewhere to go.
	)...)
	return ng, plannedName{g: g, name: name, roleArn: roleArn, subnets: subnets, ltID: lt.ID()}, err
}

// nodeGroupGenerationLen is the length of the generation suffix of a node group's EKS
// name.
const nodeGroupGenerationLen = 8

// nodeGroupGeneration is the suffix of a node group's EKS name: a hash of the values
// of every property the platform sets that pulumi-aws marks as forcing replacement
// (amiType, capacityType, instanceTypes, nodeRoleArn, subnetIds, launchTemplate.id;
// clusterName and the group's name are in the prefix; diskSize and remoteAccess are
// not set). Equal values give the same suffix, so a second `pulumi up` changes
// nothing; a change that replaces the group changes the suffix. subnetIds is a set to
// the provider, so their order does not count; the order of instanceTypes does.
func nodeGroupGeneration(g nodeGroupConfig, roleArn string, subnets []string, launchTemplateID string) string {
	sorted := slices.Sorted(slices.Values(subnets))
	h := sha256.New()
	for _, field := range []string{
		"amiType=" + g.AmiType,
		"capacityType=" + g.CapacityType,
		"instanceTypes=" + strings.Join(g.InstanceTypes, ","),
		"nodeRoleArn=" + roleArn,
		"subnetIds=" + strings.Join(sorted, ","),
		"launchTemplate.id=" + launchTemplateID,
	} {
		h.Write([]byte(field + "\n"))
	}
	return hex.EncodeToString(h.Sum(nil))[:nodeGroupGenerationLen]
}

// rootDevice is the volume diskSize applies to for an AMI type, as EKS sizes it.
func rootDevice(amiType string) string {
	switch {
	case strings.HasPrefix(amiType, "BOTTLEROCKET_"):
		return "/dev/xvdb"
	case strings.HasPrefix(amiType, "WINDOWS_"):
		return "/dev/sda1"
	default:
		return "/dev/xvda"
	}
}

// capacityReservation targets the group's On-Demand Capacity Reservation; nil if none.
func capacityReservation(g nodeGroupConfig) ec2.LaunchTemplateCapacityReservationSpecificationPtrInput {
	if g.Custom.CapacityReservationID == nil {
		return nil
	}
	return ec2.LaunchTemplateCapacityReservationSpecificationArgs{
		CapacityReservationTarget: ec2.LaunchTemplateCapacityReservationSpecificationCapacityReservationTargetArgs{
			CapacityReservationId: g.Custom.CapacityReservationID,
		},
	}
}

// placement puts the group's instances in a placement group (cluster placement for
// EFA / GPU groups); nil if none.
func placementGroup(g nodeGroupConfig) ec2.LaunchTemplatePlacementPtrInput {
	if g.Custom.PlacementGroup == nil {
		return nil
	}
	return ec2.LaunchTemplatePlacementArgs{GroupName: g.Custom.PlacementGroup}
}
