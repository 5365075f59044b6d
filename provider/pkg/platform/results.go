package platform

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/eks"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Every stage returns what it made and its Ready list: the resources a consumer must
// depend on to be ordered after the stage. Many orderings carry no data (aws-auth
// before nodes, coredns after nodes), so New passes Ready lists on as barriers rather
// than relying on the data flow.

// barriers are the named waits of New, kept for tests (platform_test.go checks each
// one's contents). Each is documented where New builds it.
type barriers struct {
	beforeCluster []pulumi.Resource
	beforeAwsAuth []pulumi.Resource
	beforeCompute []pulumi.Resource
	// beforeNodes includes the node security group and every security group rule.
	beforeNodes []pulumi.Resource
	// systemAddonsSchedulable is the compute coredns and the EBS CSI driver wait for;
	// beforeSystemAddons adds the node add-ons.
	systemAddonsSchedulable []pulumi.Resource
	beforeSystemAddons      []pulumi.Resource
	// beforeLateEksAddons is what every eksAddons.extra add-on placed after compute
	// waits for, besides the compute that can schedule its namespace.
	beforeLateEksAddons []pulumi.Resource
	beforeWorkloads     []pulumi.Resource
	beforePodIdentity   []pulumi.Resource
	// beforeAutoModePools is what Auto Mode's NodeClass and NodePools wait for.
	beforeAutoModePools []pulumi.Resource
	// beforeCRDs is what the charts' CRDs wait for.
	beforeCRDs []pulumi.Resource
	// beforeOtherReleases are the releases every other release waits for (rule 9).
	beforeOtherReleases []pulumi.Resource
	// beforeUserReleases are those plus the catalogue add-ons whose webhooks guard
	// objects a user's chart may make: what every helmReleases entry waits for (rule 9).
	beforeUserReleases []pulumi.Resource
	// karpenterControllerSchedulable is the compute the Karpenter controller runs on
	// (never Karpenter's own); beforeKarpenter is all its release waits for but its
	// role and queue.
	karpenterControllerSchedulable []pulumi.Resource
	beforeKarpenter                []pulumi.Resource
	// beforeServiceBlockers is what the ALB controller waits for besides its compute:
	// the add-ons and releases that create Services before it (rule 9).
	beforeServiceBlockers []pulumi.Resource
}

// stageResults is what each stage of New returned.
type stageResults struct {
	subnets         *readyResult
	clusterRole     *madeRole
	secrets         *secretsResult
	logs            *readyResult
	workers         *workerRolesResult
	cluster         *clusterResult
	identity        *identityResult
	kube            *kubeResult
	access          *readyResult
	awsAuth         *readyResult
	nodeAddons      *addonsResult
	securityGroups  *securityGroupsResult
	autoMode        *autoModeResult
	earlyAddons     *addonsResult
	nodeGroups      *nodeGroupsResult
	fargate         *fargateResult
	workloadAddons  *addonsResult
	lateAddons      *addonsResult
	karpenterPre    *karpenterPrereqs
	karpenter       *karpenterResult
	serviceBlockers *addonsResult
	helm            *addonsResult
	helmReleases    *addonsResult
}

// join concatenates Ready lists into one barrier.
func join(lists ...[]pulumi.Resource) []pulumi.Resource {
	var all []pulumi.Resource
	for _, l := range lists {
		all = append(all, l...)
	}
	return all
}

// readyResult is a stage that hands on nothing but its Ready list.
type readyResult struct {
	Ready []pulumi.Resource
}

// workerRolesResult holds the roles nodes and Fargate pods run as.
type workerRolesResult struct {
	// NodeRole is the shared node role; nil when no node group uses it.
	NodeRole *madeRole
	// NodeRoleArn is the shared node role's ARN, "" when there is none.
	NodeRoleArn pulumi.StringOutput
	// FargateRole is the pod execution role; nil without Fargate profiles.
	FargateRole *madeRole
	// FargateRoleArn is its ARN, "" when there is none.
	FargateRoleArn pulumi.StringOutput
	Ready          []pulumi.Resource
	// AutoNodeRole is the role of Auto Mode's nodes the platform made (nil when the
	// user gave one, or Auto Mode runs no pool); AutoNodeRoleArn is the role used, the
	// user's or the platform's ("" when none). AutoReady is what the cluster waits for
	// (rule 1: the built-in pools launch nodes as soon as it is active).
	AutoNodeRole    *madeRole
	AutoNodeRoleArn pulumi.StringOutput
	AutoReady       []pulumi.Resource
}

// nodeGroupsResult is the managed node groups, in input order.
type nodeGroupsResult struct {
	Groups []*eks.NodeGroup
	Ready  []pulumi.Resource
	// planned are the groups' EKS names as this run computes them, for the preview's
	// warnings (warnUnknownNodeGroupNames).
	planned []plannedName
}

// fargateResult is the Fargate profiles, in input order.
type fargateResult struct {
	Profiles []*eks.FargateProfile
	Ready    []pulumi.Resource
}

// addonsResult is a set of add-ons and the IAM roles made for them, by add-on name.
type addonsResult struct {
	Ready    []pulumi.Resource
	RoleArns map[string]pulumi.StringOutput
	// Guards are the releases among Ready of add-ons whose webhooks guard API groups
	// (addons.Addon.GuardsAPIGroups).
	Guards []pulumi.Resource
	// nodesJoinWith are the add-ons among them a node needs to become Ready when it
	// joins: vpc-cni and kube-proxy (rule 4).
	nodesJoinWith []pulumi.Resource
}
