package platform

// The EKS add-ons the platform knows beyond its five typed ones: where each installs,
// the service account its IAM role is for, the AWS-managed policies AWS says it needs,
// and whether its pods need schedulable compute (rule 4). Any other add-on may be
// given by name with what the platform cannot infer (namespace, service account,
// policies, placement).
//
// Sources (AWS's own documentation, awsdocs/amazon-eks-user-guide):
//   - latest/ug/workloads/workloads-add-ons-available-eks.adoc at a723e3af13bb: the add-on
//     names; aws-efs-csi-driver: "eksctl create iamserviceaccount --name
//     efs-csi-controller-sa --namespace kube-system ... --attach-policy-arn
//     arn:aws:iam::aws:policy/service-role/AmazonEFSCSIDriverPolicy", after which the
//     page rewrites the trust from efs-csi-controller-sa to "efs-csi-*" with StringLike:
//     the node DaemonSet's efs-csi-node-sa runs as the role too (its name:
//     kubernetes-sigs/aws-efs-csi-driver charts/aws-efs-csi-driver/values.yaml,
//     node.serviceAccount.name, at 00a24b481f21). The platform names both accounts
//     exactly rather than a wildcard;
//     amazon-cloudwatch-observability: "--name cloudwatch-agent --namespace
//     amazon-cloudwatch ... AWSXrayWriteOnlyAccess ... CloudWatchAgentServerPolicy"
//     (both "are required"); snapshot-controller, aws-guardduty-agent and
//     eks-node-monitoring-agent: "doesn't require any permissions"; the node monitoring
//     agent: "You do not need to install this add-on on Amazon EKS Auto Mode clusters".
//   - latest/ug/workloads/community-addons.adoc at 7be511b85c73: metrics-server installs
//     in kube-system with no service account, managed policy or custom permissions;
//     kube-state-metrics in kube-state-metrics and cert-manager in cert-manager, likewise;
//     fluent-bit in fluent-bit as service account fluent-bit, with no managed policy;
//     external-dns in external-dns as service account external-dns, with
//     AmazonRoute53FullAccess as its managed policy. The platform does not attach that
//     one by default: it lets the add-on change every hosted zone of the account, where
//     the catalogue's Helm ExternalDNS is scoped to given zones; give managedPolicyArns
//     or iamPolicy to grant what it needs.
//   - latest/ug/workloads/add-ons-iam.adoc at 2ef9e386c918: an add-on's Pod Identity
//     association names its service account and role; with the agent installed EKS uses
//     the association and ignores serviceAccountRoleArn. Minimum versions for Pod
//     Identity: aws-efs-csi-driver v2.0.5-eksbuild.1; amazon-cloudwatch-observability
//     v3.1.0 (AmazonCloudWatch/latest/monitoring/Container-Insights-setup-EKS-addon).
//   - Workload kinds: the EFS CSI driver runs the efs-csi-controller Deployment beside
//     the efs-csi-node DaemonSet (terraform-aws-eks-blueprints-addons, aws-efs-csi-driver
//     page); the node monitoring agent "runs as a DaemonSet on each node"
//     (aws/eks-node-monitoring-agent README); the GuardDuty security agent runs on the
//     nodes and GuardDuty does not support EKS on Fargate (guardduty/latest/ug,
//     runtime-monitoring); snapshot-controller runs a controller pod, not a DaemonSet
//     (kubernetes-csi/external-snapshotter deploy/kubernetes/snapshot-controller);
//     metrics-server is a Deployment, like the catalogue's Helm metrics-server; the
//     CloudWatch add-on's operator is a Deployment (its agents are DaemonSets).

// knownEksAddon is what the platform knows of one EKS add-on.
type knownEksAddon struct {
	// Namespace is where EKS installs it; "" when the platform does not know (an
	// identity then needs the namespace given).
	Namespace string
	// ServiceAccount is the one its IAM role is for; "" when it needs no role.
	ServiceAccount string
	// AlsoServiceAccounts run as the same role: the add-on's other workloads that call
	// AWS with it (the EFS CSI driver's node DaemonSet mounts with IAM authorization).
	AlsoServiceAccounts []string
	// Policies are the AWS-managed policies AWS documents as required, as their path
	// under arn:<partition>:iam::aws:policy/.
	Policies []string
	// AfterCompute is true when its pods include a Deployment, which with no node to
	// run on leaves the add-on DEGRADED until EKS gives up (rule 4). Node agents that
	// are only DaemonSets are created with the node add-ons: EKS reports them active
	// with no node yet.
	AfterCompute bool
	// AutoModeRuns is true when EKS Auto Mode nodes run it themselves ("You do not need
	// to install this add-on on Amazon EKS Auto Mode clusters").
	AutoModeRuns bool
}

var knownEksAddons = map[string]knownEksAddon{
	"aws-efs-csi-driver": {Namespace: "kube-system", ServiceAccount: "efs-csi-controller-sa",
		AlsoServiceAccounts: []string{"efs-csi-node-sa"},
		Policies:            []string{"service-role/AmazonEFSCSIDriverPolicy"}, AfterCompute: true},
	"amazon-cloudwatch-observability": {Namespace: "amazon-cloudwatch", ServiceAccount: "cloudwatch-agent",
		Policies: []string{"AWSXrayWriteOnlyAccess", "CloudWatchAgentServerPolicy"}, AfterCompute: true},
	"snapshot-controller":       {Namespace: "kube-system", AfterCompute: true},
	"metrics-server":            {Namespace: "kube-system", AfterCompute: true},
	"kube-state-metrics":        {Namespace: "kube-state-metrics", AfterCompute: true},
	"cert-manager":              {Namespace: "cert-manager", AfterCompute: true},
	"external-dns":              {Namespace: "external-dns", ServiceAccount: "external-dns", AfterCompute: true},
	"fluent-bit":                {Namespace: "fluent-bit", ServiceAccount: "fluent-bit", AfterCompute: true},
	"aws-guardduty-agent":       {},
	"eks-node-monitoring-agent": {Namespace: "kube-system", AutoModeRuns: true},
}

// typedEksAddons are the add-ons with inputs of their own, by EKS name.
var typedEksAddons = map[string]string{
	addonVpcCni:           "eksAddons.vpcCni",
	addonKubeProxy:        "eksAddons.kubeProxy",
	addonPodIdentityAgent: "eksAddons.podIdentityAgent",
	addonCoredns:          "eksAddons.coredns",
	addonEbsCsiDriver:     "eksAddons.ebsCsiDriver",
}
