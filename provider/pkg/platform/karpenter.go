package platform

import (
	"fmt"

	"github.com/eksplatform/pulumi-eksplatform/provider/pkg/addons"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/eks"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sqs"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apiextensions"
	helmv3 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/helm/v3"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Karpenter is two stages: what needs no cluster (the nodes' role, the interruption
// queue and its EventBridge rules: IAM, SQS and EventBridge calls that run beside the
// cluster's create, rule 8), and the rest once the controller's compute is up.

// karpenterDiscoveryTag is the tag Karpenter's default selectors find subnets and
// security groups by; the platform puts it on the private subnets and the cluster
// security group, and the EC2NodeClass selects by it.
const karpenterDiscoveryTag = "karpenter.sh/discovery"

// karpenterPrerequisitesIn is what the first Karpenter stage reads: the node role's
// policies follow the node groups' SSM access (computeConfig.NodeSsmAccess).
type karpenterPrerequisitesIn struct {
	KarpenterConfig karpenterConfig
	ClusterConfig   clusterConfig
	ComputeConfig   computeConfig
}

// karpenterPrerequisites makes the role Karpenter's nodes run as (its instance profiles
// are Karpenter's: v1 creates one per EC2NodeClass from spec.role) and, with
// interruption handling, the SQS queue EventBridge delivers interruption events to.
func (b *build) karpenterPrerequisites(in karpenterPrerequisitesIn) (*karpenterPrereqs, error) {
	k := in.KarpenterConfig
	if !k.Enabled {
		return nil, nil
	}
	name := in.ClusterConfig.Name
	role, err := b.instanceRole("karpenter-node-role", name+"-karpenter-node", "Nodes Karpenter launches for EKS cluster "+name,
		addons.KarpenterNodeRolePolicies(in.ComputeConfig.NodeSsmAccess))
	if err != nil {
		return nil, err
	}
	out := &karpenterPrereqs{NodeRole: role}
	if !k.Interruption {
		return out, nil
	}
	retention, sse, err := addons.KarpenterQueueSettings()
	if err != nil {
		return nil, err
	}
	queue, err := sqs.NewQueue(b.ctx, b.child("karpenter-queue"), &sqs.QueueArgs{
		Name:                    pulumi.String(physicalName(name+"-karpenter", 80)),
		MessageRetentionSeconds: pulumi.Int(retention),
		SqsManagedSseEnabled:    pulumi.Bool(sse),
		Tags:                    b.tags(),
	}, b.opts()...)
	if err != nil {
		return nil, err
	}
	policy, err := sqs.NewQueuePolicy(b.ctx, b.child("karpenter-queue-policy"), &sqs.QueuePolicyArgs{
		QueueUrl: queue.Url,
		Policy:   queue.Arn.ApplyT(addons.KarpenterQueuePolicy).(pulumi.StringOutput),
	}, b.opts()...)
	if err != nil {
		return nil, err
	}
	out.Queue = queue
	out.QueueReady = []pulumi.Resource{queue, policy}
	rules, err := addons.KarpenterInterruptionRules()
	if err != nil {
		return nil, err
	}
	for _, r := range rules {
		rule, err := cloudwatch.NewEventRule(b.ctx, b.child("karpenter-"+r.Key), &cloudwatch.EventRuleArgs{
			Name:         pulumi.String(physicalName(name+"-karpenter-"+r.Key, 64)),
			Description:  pulumi.String("Karpenter interruption events of EKS cluster " + name),
			EventPattern: pulumi.String(r.Pattern),
			Tags:         b.tags(),
		}, b.opts()...)
		if err != nil {
			return nil, err
		}
		target, err := cloudwatch.NewEventTarget(b.ctx, b.child("karpenter-"+r.Key+"-target"), &cloudwatch.EventTargetArgs{
			Rule:     rule.Name,
			TargetId: pulumi.String("KarpenterInterruptionQueueTarget"),
			Arn:      queue.Arn,
		}, b.opts()...)
		if err != nil {
			return nil, err
		}
		out.QueueReady = append(out.QueueReady, rule, target)
	}
	return out, nil
}

// karpenterAddon is the chart as the CRD and values code sees it: the settings the
// platform owns (the controller cannot find its cluster or queue without them).
func karpenterAddon(interruption bool) addons.Addon {
	a := addons.KarpenterChartAddon()
	a.ServiceAccountPath = []string{"serviceAccount"}
	a.Owned = []string{"settings.clusterName", "settings.clusterEndpoint"}
	if interruption {
		a.Owned = append(a.Owned, "settings.interruptionQueue")
	}
	return a
}

// karpenterValues are the chart values the platform sets: the cluster, its endpoint
// (no DescribeCluster at start), the queue, the service account, two replicas with a
// PodDisruptionBudget of one unavailable (the chart's defaults, made explicit so a
// chart bump cannot change them silently).
func karpenterValues(cluster, endpoint, queue, roleArn string, k karpenterConfig) map[string]any {
	settings := map[string]any{"clusterName": cluster, "clusterEndpoint": endpoint}
	if k.Interruption {
		settings["interruptionQueue"] = queue
	}
	sa := karpenterAddon(k.Interruption).Render(addons.ValuesContext{Identity: k.Identity, RoleArn: roleArn})
	return addons.DeepMerge(sa, map[string]any{
		"settings":            settings,
		"replicas":            karpenterReplicas,
		"podDisruptionBudget": map[string]any{"name": "karpenter", "maxUnavailable": 1},
	})
}

// karpenterIn is what the second Karpenter stage reads.
type karpenterIn struct {
	KarpenterConfig karpenterConfig
	ClusterConfig   clusterConfig
	Cluster         *clusterResult
	Identity        *identityResult
	Kube            *kubeResult
	// Prerequisites are the node role and the queue (karpenterPrerequisites).
	Prerequisites  *karpenterPrereqs
	SecurityGroups *securityGroupsResult
	// PodIdentity is what the controller's Pod Identity association waits for: the agent.
	PodIdentity barrier
	// CRDs is what Karpenter's CRDs wait for: the component's access to the API server.
	CRDs barrier
	// Controller is what the controller's release waits for besides its role and queue
	// (the script's beforeKarpenter).
	Controller barrier
}

// karpenter installs the controller and its default EC2NodeClass and NodePools.
//
//   - The controller's role trusts exactly kube-system/karpenter (Pod Identity or IRSA)
//     and has upstream's policies, one IAM policy each (none near the size limit).
//   - Nodes join through an EC2_LINUX access entry for the node role (API modes; EKS
//     makes entries only for managed node groups' roles) or, in CONFIG_MAP mode, the
//     aws-auth mapping (awsAuth).
//   - The release waits for in.Controller (access, the node add-ons, coredns, and the
//     compute that runs the controller, never Karpenter's own), its role and the
//     queue; the CRDs for in.CRDs.
//   - The EC2NodeClass and the NodePools depend on the release, so on destroy they are
//     deleted while the controller runs: Kubernetes deletes a NodePool's NodeClaims
//     with it, and each NodeClaim's finalizer holds until the controller has drained
//     and terminated its instance; the EC2NodeClass's finalizer holds until its
//     NodeClaims are gone and the controller has deleted its instance profile. Only
//     then do the controller, its role, the queue and the cluster go (rule 10).
func (b *build) karpenter(in karpenterIn) (*karpenterResult, error) {
	k := in.KarpenterConfig
	out := &karpenterResult{RoleArn: pulumi.String("").ToStringOutput()}
	if !k.Enabled {
		return out, nil
	}
	cluster, kube, pre := in.Cluster, in.Kube, in.Prerequisites
	name := in.ClusterConfig.Name
	a := karpenterAddon(k.Interruption)

	var nodeAccess []pulumi.Resource
	if in.ClusterConfig.UsesAccessEntries() {
		entry, err := eks.NewAccessEntry(b.ctx, b.child("karpenter-node-access"), &eks.AccessEntryArgs{
			ClusterName:  cluster.Name,
			PrincipalArn: pre.NodeRole.Role.Arn,
			Type:         pulumi.String("EC2_LINUX"),
			Tags:         b.tags(),
		}, b.opts()...)
		if err != nil {
			return nil, err
		}
		nodeAccess = append(nodeAccess, entry)
	}
	sgTag, err := ec2.NewTag(b.ctx, b.child("cluster-sg-karpenter-tag"), &ec2.TagArgs{
		ResourceId: cluster.Cluster.VpcConfig.ClusterSecurityGroupId().Elem(),
		Key:        pulumi.String(karpenterDiscoveryTag),
		Value:      pulumi.String(name),
	}, b.opts()...)
	if err != nil {
		return nil, err
	}

	role, err := b.serviceAccountRole(serviceAccountRoleSpec{
		part:            "karpenter-controller-role",
		roleName:        name + "-karpenter",
		description:     "Karpenter controller of EKS cluster " + name,
		identity:        k.Identity,
		namespace:       addons.KarpenterNamespace,
		serviceAccounts: []string{addons.KarpenterServiceAccount},
		policies:        b.karpenterControllerPolicies(in),
		association:     &podIdentityAssociation{part: "karpenter-pod-identity", cluster: cluster.Name, agent: in.PodIdentity},
	}, in.Identity)
	if err != nil {
		return nil, err
	}
	roleReady, roleArn := role.ready, role.arn
	out.RoleArn = roleArn
	crds, err := b.crds(a, kube, in.CRDs)
	if err != nil {
		return nil, err
	}
	queueName := pulumi.String("").ToStringOutput()
	if pre.Queue != nil {
		queueName = pre.Queue.Name
	}
	values := pulumi.All(cluster.Cluster.Endpoint, queueName, roleArn, userValues(k.Values)).ApplyT(func(v []any) map[string]any {
		return a.MergeValues(karpenterValues(name, v[0].(string), v[1].(string), v[2].(string), k), v[3].(map[string]any))
	}).(pulumi.MapOutput)
	release, err := helmv3.NewRelease(b.ctx, b.child("karpenter"), &helmv3.ReleaseArgs{
		Name:      pulumi.String(addons.KarpenterReleaseName),
		Chart:     pulumi.String(addons.KarpenterChart),
		Version:   pulumi.String(addons.KarpenterVersion),
		Namespace: pulumi.String(addons.KarpenterNamespace),
		Atomic:    pulumi.Bool(true),
		Timeout:   pulumi.Int(defaultHelmTimeout),
		SkipCrds:  pulumi.Bool(true),
		Values:    values,
	}, b.opts(pulumi.Provider(kube.Provider), pulumi.DependsOn(join(roleReady, pre.QueueReady, crds, in.Controller)))...)
	if err != nil {
		return nil, err
	}
	out.Controller = join(crds, roleReady, []pulumi.Resource{release})

	nodeClass, err := apiextensions.NewCustomResource(b.ctx, b.child("karpenter-nodeclass-"+karpenterNodeClassName), &apiextensions.CustomResourceArgs{
		ApiVersion:  pulumi.String("karpenter.k8s.aws/v1"),
		Kind:        pulumi.String("EC2NodeClass"),
		Metadata:    metav1.ObjectMetaArgs{Name: pulumi.String(karpenterNodeClassName)},
		OtherFields: kubernetes.UntypedArgs{"spec": b.karpenterNodeClassSpec(in)},
	}, b.opts(pulumi.Provider(kube.Provider),
		// The node security group (tagged for discovery like the cluster's) exists before
		// the EC2NodeClass selects groups by that tag.
		pulumi.DependsOn(join([]pulumi.Resource{release, sgTag}, nodeAccess, pre.NodeRole.Ready, in.SecurityGroups.nodeGroup())))...)
	if err != nil {
		return nil, err
	}
	for _, np := range k.NodePools {
		pool, err := apiextensions.NewCustomResource(b.ctx, b.child("karpenter-nodepool-"+np.Name), &apiextensions.CustomResourceArgs{
			ApiVersion:  pulumi.String("karpenter.sh/v1"),
			Kind:        pulumi.String("NodePool"),
			Metadata:    metav1.ObjectMetaArgs{Name: pulumi.String(np.Name)},
			OtherFields: kubernetes.UntypedArgs{"spec": karpenterNodePoolSpec(np)},
		}, b.opts(pulumi.Provider(kube.Provider), pulumi.DependsOn([]pulumi.Resource{nodeClass, release}))...)
		if err != nil {
			return nil, err
		}
		out.NodePools = append(out.NodePools, pool)
	}
	return out, nil
}

// karpenterControllerPolicies are upstream's policies of the controller, one IAM policy
// each (none near the size limit), rendered for this cluster, its node role and queue.
func (b *build) karpenterControllerPolicies(in karpenterIn) []rolePolicy {
	k, pre := in.KarpenterConfig, in.Prerequisites
	name := in.ClusterConfig.Name
	queueArn := pulumi.String("").ToStringOutput()
	if pre.Queue != nil {
		queueArn = pre.Queue.Arn
	}
	keys := karpenterPolicyKeys(k.Interruption)
	rendered := pulumi.All(b.partition, b.region, b.accountID(), pre.NodeRole.Role.Arn, queueArn).ApplyT(func(v []any) (map[string]string, error) {
		ps, err := addons.KarpenterControllerPolicies(addons.KarpenterVars{
			Partition: v[0].(string), Region: v[1].(string), AccountID: v[2].(string), ClusterName: name,
			NodeRoleArn: v[3].(string), QueueArn: v[4].(string),
		})
		if err != nil {
			return nil, err
		}
		out := map[string]string{}
		for _, p := range ps {
			out[p.Key] = p.JSON
		}
		for _, key := range keys {
			if out[key] == "" {
				return nil, fmt.Errorf("internal error: Karpenter policy %s not rendered (values %q)", key, v)
			}
		}
		return out, nil
	}).(pulumi.StringMapOutput)
	var policies []rolePolicy
	for _, key := range keys {
		policies = append(policies, policyDocument{
			part:        "karpenter-" + key + "-policy",
			name:        name + "-karpenter-" + key,
			description: "Karpenter controller of EKS cluster " + name + ": upstream's " + key + " policy",
			document:    rendered.MapIndex(pulumi.String(key)),
		})
	}
	return policies
}

// karpenterPolicyKeys are the keys of upstream's policies the platform makes, in the
// template's order (read from the template with placeholder values: the resources
// must be registered before the real values are known).
func karpenterPolicyKeys(interruption bool) []string {
	vars := addons.KarpenterVars{Partition: "p", Region: "r", AccountID: "a", ClusterName: "c", NodeRoleArn: "n"}
	if interruption {
		vars.QueueArn = "q"
	}
	ps, err := addons.KarpenterControllerPolicies(vars)
	if err != nil {
		panic(err) // the vendored template is tested (addons.TestKarpenterControllerPolicies*)
	}
	var keys []string
	for _, p := range ps {
		keys = append(keys, p.Key)
	}
	return keys
}

// karpenterNodeClassSpec is the default EC2NodeClass: the node role (Karpenter makes
// its instance profile), the AMI alias, subnets and security groups by the discovery
// tag, an encrypted gp3 root volume (AL2023's /dev/xvda), IMDSv2 with the platform's
// hop limit, and the platform's tags on everything it launches.
func (b *build) karpenterNodeClassSpec(in karpenterIn) pulumi.Map {
	nc, pre := in.KarpenterConfig.NodeClass, in.Prerequisites
	selector := pulumi.Array{pulumi.Map{"tags": pulumi.StringMap{karpenterDiscoveryTag: pulumi.String(in.ClusterConfig.Name)}}}
	return pulumi.Map{
		"role":                       pre.NodeRole.Role.Name,
		"amiSelectorTerms":           pulumi.Array{pulumi.Map{"alias": pulumi.String(nc.AmiAlias)}},
		"subnetSelectorTerms":        selector,
		"securityGroupSelectorTerms": selector,
		"blockDeviceMappings": pulumi.Array{pulumi.Map{
			"deviceName": pulumi.String("/dev/xvda"),
			"ebs": pulumi.Map{
				"volumeSize":          pulumi.Sprintf("%dGi", nc.RootVolumeSize),
				"volumeType":          pulumi.String("gp3"),
				"encrypted":           pulumi.Bool(true),
				"deleteOnTermination": pulumi.Bool(true),
			},
		}},
		"metadataOptions": pulumi.Map{
			"httpEndpoint":            pulumi.String("enabled"),
			"httpProtocolIPv6":        pulumi.String("disabled"),
			"httpPutResponseHopLimit": pulumi.Int(nc.MetadataHopLimit),
			"httpTokens":              pulumi.String("required"),
		},
		"tags": b.tags(nc.Tags),
	}
}

// karpenterTaintEffects are Kubernetes' names of the EKS-style effects the inputs use
// (the same as node groups').
var karpenterTaintEffects = map[string]string{"NO_SCHEDULE": "NoSchedule", "NO_EXECUTE": "NoExecute", "PREFER_NO_SCHEDULE": "PreferNoSchedule"}

// karpenterNodePoolSpec is a NodePool of the default EC2NodeClass (plain values only:
// the NodePool's inputs shape what Karpenter launches and are read at resolve time).
func karpenterNodePoolSpec(np karpenterNodePoolConfig) map[string]any {
	req := func(key string, values []string) map[string]any {
		vs := make([]any, len(values))
		for i, v := range values {
			vs[i] = v
		}
		return map[string]any{"key": key, "operator": "In", "values": vs}
	}
	requirements := []any{req("kubernetes.io/os", []string{"linux"}), req("kubernetes.io/arch", np.Arches), req("karpenter.sh/capacity-type", np.CapacityTypes)}
	if len(np.InstanceCategories) > 0 {
		requirements = append(requirements, req("karpenter.k8s.aws/instance-category", np.InstanceCategories))
	}
	if len(np.InstanceFamilies) > 0 {
		requirements = append(requirements, req("karpenter.k8s.aws/instance-family", np.InstanceFamilies))
	}
	if len(np.Zones) > 0 {
		requirements = append(requirements, req("topology.kubernetes.io/zone", np.Zones))
	}
	podSpec := map[string]any{
		"nodeClassRef": map[string]any{"group": "karpenter.k8s.aws", "kind": "EC2NodeClass", "name": karpenterNodeClassName},
		"requirements": requirements,
		"expireAfter":  np.ExpireAfter,
	}
	if len(np.Taints) > 0 {
		var taints []any
		for _, t := range np.Taints {
			taint := map[string]any{"key": t.Key, "effect": karpenterTaintEffects[t.Effect]}
			if t.Value != "" {
				taint["value"] = t.Value
			}
			taints = append(taints, taint)
		}
		podSpec["taints"] = taints
	}
	template := map[string]any{"spec": podSpec}
	if len(np.Labels) > 0 {
		labels := map[string]any{}
		for _, k := range sortedKeys(np.Labels) {
			labels[k] = np.Labels[k]
		}
		template["metadata"] = map[string]any{"labels": labels}
	}
	disruption := map[string]any{"consolidationPolicy": np.ConsolidationPolicy, "consolidateAfter": np.ConsolidateAfter}
	if len(np.Budgets) > 0 {
		var budgets []any
		for _, bu := range np.Budgets {
			budget := map[string]any{"nodes": bu.Nodes}
			if bu.Schedule != "" {
				budget["schedule"], budget["duration"] = bu.Schedule, bu.Duration
			}
			if len(bu.Reasons) > 0 {
				rs := make([]any, len(bu.Reasons))
				for i, r := range bu.Reasons {
					rs[i] = r
				}
				budget["reasons"] = rs
			}
			budgets = append(budgets, budget)
		}
		disruption["budgets"] = budgets
	}
	spec := map[string]any{"template": template, "disruption": disruption}
	if len(np.Limits) > 0 {
		limits := map[string]any{}
		for _, k := range sortedKeys(np.Limits) {
			limits[k] = np.Limits[k]
		}
		spec["limits"] = limits
	}
	if np.Weight > 0 {
		spec["weight"] = np.Weight
	}
	return spec
}
