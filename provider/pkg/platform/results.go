package platform

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/eks"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sqs"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Every stage's result type is here: what the stage made and its Ready list, the
// resources a consumer must depend on to be ordered after the stage. Many orderings carry no data (aws-auth before nodes,
// coredns after nodes), so the script passes Ready lists on as barriers (barriers.go)
// rather than relying on the data flow. A stage's input struct is beside the stage.

// stageResults is what each stage of the script returned.
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

// readyResult is a stage that hands on nothing but its Ready list.
type readyResult struct {
	Ready []pulumi.Resource
}

// clusterResult is what later stages need of the cluster.
type clusterResult struct {
	Cluster *eks.Cluster
	Role    *iam.Role
	// KmsKeyArn is the key encrypting secrets, "" when encryption is off.
	KmsKeyArn pulumi.StringOutput
	// Name is the cluster's name as an Output, so consumers depend on the cluster.
	Name pulumi.StringOutput
}

// secretsResult is the key that encrypts Kubernetes secrets and the cluster role's
// permission to use it.
type secretsResult struct {
	// KeyArn is "" when encryption is off.
	KeyArn pulumi.StringOutput
	Ready  []pulumi.Resource
}

// kubeResult is the component's own Kubernetes provider and the user-facing kubeconfig.
type kubeResult struct {
	// Provider is used by every Kubernetes resource of the platform (ordering rule 7):
	// never an ambient kubeconfig, which could point at another cluster.
	Provider *kubernetes.Provider
	// Kubeconfig is the exec-based kubeconfig, for the output (made secret there).
	Kubeconfig pulumi.StringOutput
	// providerConfig is the kubeconfig the provider uses (the token form in token
	// mode), for aws-auth's own provider (awsauth.go).
	providerConfig pulumi.StringOutput
}

// securityGroupsResult is the node security group and the rules of both groups.
type securityGroupsResult struct {
	// ClusterID is the cluster security group EKS made.
	ClusterID pulumi.StringOutput
	// Node is the node security group; nil when not made. NodeID is its ID, "" then.
	Node   *ec2.SecurityGroup
	NodeID pulumi.StringOutput
	// Ready are the node security group and every rule: what nodes wait for.
	Ready []pulumi.Resource
}

// nodeGroup is the node security group as a dependency list (empty when not made).
func (r *securityGroupsResult) nodeGroup() []pulumi.Resource {
	if r.Node == nil {
		return nil
	}
	return []pulumi.Resource{r.Node}
}

// autoModeResult is the Auto Mode compute the platform made beyond the cluster: its
// NodeClass, the node role's access entry, and the custom NodePools, index for index.
type autoModeResult struct {
	NodePools []pulumi.Resource
	Ready     []pulumi.Resource
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

// identityResult is the cluster's IAM OIDC provider, for IRSA roles.
type identityResult struct {
	// Provider is nil when no role of the platform uses IRSA.
	Provider *iam.OpenIdConnectProvider
	// ProviderArn is the provider's ARN, "" when there is no provider.
	ProviderArn pulumi.StringOutput
	// IssuerURL is https://oidc.eks.<region>.amazonaws.com/id/<id>, the cluster's
	// issuer, which exists with or without a provider.
	IssuerURL pulumi.StringOutput
	// IssuerHost is the URL without its scheme, the prefix of IAM condition keys.
	IssuerHost pulumi.StringOutput
}

// karpenterPrereqs are the Karpenter resources that need no cluster.
type karpenterPrereqs struct {
	NodeRole *madeRole
	Queue    *sqs.Queue
	// QueueReady is the queue, its policy, the rules and their targets.
	QueueReady []pulumi.Resource
}

// nodeRoleReady is the node role and its attachments (aws-auth maps it), none without
// Karpenter.
func (k *karpenterPrereqs) nodeRoleReady() []pulumi.Resource {
	if k == nil {
		return nil
	}
	return k.NodeRole.Ready
}

// karpenterResult is the controller and its capacity.
type karpenterResult struct {
	// Controller is the release and everything before it (CRDs, role, association):
	// what another release waits for to start after the controller.
	Controller []pulumi.Resource
	// NodePools are the NodePools, in config order (placement reads them).
	NodePools []pulumi.Resource
	RoleArn   pulumi.StringOutput
}
