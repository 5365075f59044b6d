// Package platform is the EksPlatform component: plain Pulumi Go code, usable in-process
// from Go programs and served to other languages by the provider plugin's Construct.
//
// The public surface is New, Args (and the types it nests), EksPlatform and its outputs,
// and TypeToken. Everything else (the resolved configuration, defaults, the stages) is
// internal; what the plugin alone needs reaches it through provider/internal packages.
package platform

import (
	"github.com/eksplatform/pulumi-eksplatform/provider/pkg/addons"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// TypeToken is the component's type in schema.yaml.
const TypeToken = "eksplatform:index:EksPlatform"

// EksPlatform is the component resource. Its outputs are flat values (names, ARNs,
// kubeconfig) that every SDK handles well.
type EksPlatform struct {
	pulumi.ResourceState

	Kubeconfig                  pulumi.StringOutput    `pulumi:"kubeconfig"`
	ClusterName                 pulumi.StringOutput    `pulumi:"clusterName"`
	ClusterArn                  pulumi.StringOutput    `pulumi:"clusterArn"`
	ClusterEndpoint             pulumi.StringOutput    `pulumi:"clusterEndpoint"`
	ClusterCertificateAuthority pulumi.StringOutput    `pulumi:"clusterCertificateAuthority"`
	ClusterSecurityGroupId      pulumi.StringOutput    `pulumi:"clusterSecurityGroupId"`
	NodeSecurityGroupId         pulumi.StringOutput    `pulumi:"nodeSecurityGroupId"`
	ClusterRoleArn              pulumi.StringOutput    `pulumi:"clusterRoleArn"`
	KmsKeyArn                   pulumi.StringOutput    `pulumi:"kmsKeyArn"`
	OidcProviderArn             pulumi.StringOutput    `pulumi:"oidcProviderArn"`
	OidcIssuerUrl               pulumi.StringOutput    `pulumi:"oidcIssuerUrl"`
	NodeRoleArn                 pulumi.StringOutput    `pulumi:"nodeRoleArn"`
	FargatePodExecutionRoleArn  pulumi.StringOutput    `pulumi:"fargatePodExecutionRoleArn"`
	AddonRoleArns               pulumi.StringMapOutput `pulumi:"addonRoleArns"`
}

// New builds the platform. Inputs are resolved and validated before anything is
// registered, so bad input leaves nothing half-created.
func New(ctx *pulumi.Context, name string, args *Args, opts ...pulumi.ResourceOption) (*EksPlatform, error) {
	p, _, err := newPlatform(ctx, name, args, opts...)
	return p, err
}

// newPlatform is New, also returning the barriers it ordered the stages with, so tests
// can check each barrier's contents: resolve, the component, preflight (what the
// running cluster decides), then the stage script.
func newPlatform(ctx *pulumi.Context, name string, args *Args, opts ...pulumi.ResourceOption) (*EksPlatform, *barriers, error) {
	cfg, err := resolve(ctx.DryRun(), name, args)
	if err != nil {
		return nil, nil, err
	}
	p := &EksPlatform{}
	if err := ctx.RegisterComponentResource(TypeToken, name, p, opts...); err != nil {
		return nil, nil, err
	}
	b, err := preflight(ctx, cfg, p)
	if err != nil {
		return nil, nil, err
	}
	// A stage that fails returns no barriers; outputs that fail to register still
	// return the component with its error.
	w, err := b.runStages(cfg, p)
	if w == nil {
		return nil, nil, err
	}
	return p, w, err
}

// runStages is the stage script: the whole ordering of the platform. Every stage is one
// call taking one input struct: the results it uses, the configuration sections it
// reads, and its waits by name. Every wait that the data flow alone would not express
// is a named barrier, with the rule of docs/ordering.md it implements beside it.
// Stages never reach into each other's results to decide what to wait for. cfg is read
// here only: each stage gets its sections from it, by name.
func (b *build) runStages(cfg *config, p *EksPlatform) (*barriers, error) {
	w := &barriers{}
	var s stageResults
	var err error

	// Rule 8: the roles of the cluster, the nodes and Fargate pods, the subnet tags, the
	// KMS key and the log group need nothing of each other and start together.
	if s.subnets, err = b.subnetTags(subnetTagsIn{ClusterConfig: cfg.Cluster, KarpenterConfig: cfg.Karpenter}); err != nil {
		return nil, err
	}
	if s.clusterRole, err = b.clusterRole(clusterRoleIn{ClusterConfig: cfg.Cluster, AutoModeConfig: cfg.AutoMode}); err != nil {
		return nil, err
	}
	if s.secrets, err = b.secretsKey(secretsKeyIn{ClusterConfig: cfg.Cluster, ClusterRole: s.clusterRole}); err != nil {
		return nil, err
	}
	if s.logs, err = b.controlPlaneLogGroup(logGroupIn{ClusterConfig: cfg.Cluster, Secrets: s.secrets}); err != nil {
		return nil, err
	}
	if s.workers, err = b.workerRoles(workerRolesIn{ComputeConfig: cfg.Compute, ClusterConfig: cfg.Cluster,
		AutoModeConfig: cfg.AutoMode}); err != nil {
		return nil, err
	}
	// Karpenter's node role and interruption queue need no cluster either.
	if s.karpenterPre, err = b.karpenterPrerequisites(karpenterPrerequisitesIn{KarpenterConfig: cfg.Karpenter,
		ClusterConfig: cfg.Cluster, ComputeConfig: cfg.Compute}); err != nil {
		return nil, err
	}

	// Rule 1: what EKS reads or would create itself exists before the cluster.
	// Under Auto Mode the built-in pools launch nodes as soon as the cluster is active:
	// their role and its policies come first too.
	w.beforeCluster = join(s.subnets.Ready, s.clusterRole.Ready, s.secrets.Ready, s.logs.Ready, s.workers.AutoReady)
	if s.cluster, err = b.cluster(clusterIn{ClusterConfig: cfg.Cluster, AutoModeConfig: cfg.AutoMode, ClusterRole: s.clusterRole,
		Secrets: s.secrets, AutoNodeRoleArn: s.workers.AutoNodeRoleArn, After: w.beforeCluster}); err != nil {
		return nil, err
	}
	// Rule 2: the OIDC provider follows the cluster through its issuer URL (data flow).
	if s.identity, err = b.oidcProvider(oidcProviderIn{EksAddonsConfig: cfg.EksAddons, HelmAddonsConfig: cfg.HelmAddons,
		Cluster: s.cluster}); err != nil {
		return nil, err
	}
	// Rule 7: every Kubernetes resource uses this provider, built from the cluster.
	if s.kube, err = b.kubernetesProvider(kubeIn{KubeAuthConfig: cfg.Kube, Cluster: s.cluster}); err != nil {
		return nil, err
	}

	// The node security group and the security group rules need only the cluster (its
	// security group and VPC), and run beside the access entries (rule 8).
	if s.securityGroups, err = b.securityGroups(securityGroupsIn{SecurityGroupsConfig: cfg.SecurityGroups,
		ClusterConfig: cfg.Cluster, KarpenterConfig: cfg.Karpenter, Cluster: s.cluster}); err != nil {
		return nil, err
	}

	// Rule 3: access entries first; aws-auth maps the worker roles, and in
	// API_AND_CONFIG_MAP mode the component's own Kubernetes provider may be authorized
	// only through those entries.
	if s.access, err = b.accessEntries(accessIn{AccessConfig: cfg.Access, Cluster: s.cluster}); err != nil {
		return nil, err
	}
	w.beforeAwsAuth = join(s.access.Ready, s.workers.Ready, s.karpenterPre.nodeRoleReady())
	if s.awsAuth, err = b.awsAuth(awsAuthIn{ClusterConfig: cfg.Cluster, AccessConfig: cfg.Access, ComputeConfig: cfg.Compute,
		Kube: s.kube, Workers: s.workers, Karpenter: s.karpenterPre, After: w.beforeAwsAuth}); err != nil {
		return nil, err
	}

	// Rule 4: the add-ons nodes need (vpc-cni, kube-proxy, pod identity agent).
	if s.nodeAddons, err = b.nodeAddons(nodeAddonsIn{EksAddonsConfig: cfg.EksAddons, ClusterConfig: cfg.Cluster,
		Cluster: s.cluster, Identity: s.identity}); err != nil {
		return nil, err
	}
	// Rule 4: eksAddons.extra node agents (DaemonSets only, which EKS reports active with
	// no node yet) start with them; nothing waits for them but the ALB controller.
	if s.earlyAddons, err = b.extraEksAddons(extraEksAddonsIn{Extra: cfg.EksAddons.extraEksAddonsPlaced(false),
		ClusterConfig: cfg.Cluster, Cluster: s.cluster, Identity: s.identity,
		After: func(string) barrier { return nil }}); err != nil {
		return nil, err
	}

	// Auto Mode's custom NodePools and their NodeClass are Kubernetes objects: they need
	// the component's access to the API server (rule 3), like the charts' CRDs.
	w.beforeAutoModePools = join(s.access.Ready, s.awsAuth.Ready)
	if s.autoMode, err = b.autoModePools(autoModePoolsIn{AutoModeConfig: cfg.AutoMode, ClusterConfig: cfg.Cluster, Cluster: s.cluster,
		Kube: s.kube, Workers: s.workers, SecurityGroups: s.securityGroups, After: w.beforeAutoModePools}); err != nil {
		return nil, err
	}

	// Rule 3: no node or Fargate pod tries to join before it is granted access, and the
	// roles it runs as have their policies.
	w.beforeCompute = join(s.access.Ready, s.awsAuth.Ready, s.workers.Ready)
	// Rule 4: a node is Ready only once the CNI runs on it, and the CNI's daemon reaches
	// the API server through kube-proxy's rules; EKS fails a group whose nodes stay
	// NotReady. Only a recorded dependency guarantees the add-ons are there when nodes
	// join, whatever the engine's --parallel (with more node groups than slots, an
	// add-on started "alongside" them may wait behind them for a slot, and their nodes
	// join with no CNI), so node groups wait for vpc-cni and kube-proxy themselves:
	// about a minute, both created at once. Nothing at join reads the pod identity
	// agent: it overlaps the groups, and what uses it waits for it. Fargate runs none
	// of these DaemonSets.
	// Rule 11: nodes start with the security groups and rules the user declared, and
	// on destroy the rules go only after the nodes.
	w.beforeNodes = join(w.beforeCompute, s.nodeAddons.nodesJoinWith, s.securityGroups.Ready)
	if s.nodeGroups, err = b.nodeGroups(nodeGroupsIn{ComputeConfig: cfg.Compute, ClusterConfig: cfg.Cluster, SecurityGroupsConfig: cfg.SecurityGroups,
		Cluster: s.cluster, Workers: s.workers, SecurityGroups: s.securityGroups, After: w.beforeNodes}); err != nil {
		return nil, err
	}
	// Rule 5: the stage chains the profiles one after another.
	if s.fargate, err = b.fargateProfiles(fargateIn{ComputeConfig: cfg.Compute, Cluster: s.cluster, Workers: s.workers,
		After: w.beforeCompute}); err != nil {
		return nil, err
	}

	// Rule 4: add-ons that run pods wait for the compute that can schedule them, not
	// for all of it. coredns and the EBS CSI controller run in kube-system and tolerate
	// CriticalAddonsOnly (a system node group's taint); with a node group they run on
	// nodes (coredns is annotated for EC2), on a Fargate-only cluster on its profile.
	place := newPlacement(placementIn{ComputeConfig: cfg.Compute, AutoModeConfig: cfg.AutoMode,
		NodeGroups: s.nodeGroups, Fargate: s.fargate, Cluster: s.cluster, AutoMode: s.autoMode})
	w.systemAddonsSchedulable = place.schedulableFor("kube-system", corednsPodLabels, systemAddonTolerations,
		len(cfg.Compute.NodeGroups) > 0)
	// They also need the node add-ons, which nodes no longer wait for: kube-proxy routes
	// a pod's way to the API server, the CNI gives it an address.
	w.beforeSystemAddons = join(s.nodeAddons.Ready, w.systemAddonsSchedulable)
	if s.workloadAddons, err = b.workloadAddons(workloadAddonsIn{EksAddonsConfig: cfg.EksAddons, ClusterConfig: cfg.Cluster,
		Cluster: s.cluster, Identity: s.identity, After: w.beforeSystemAddons}); err != nil {
		return nil, err
	}
	// Rule 4: eksAddons.extra add-ons with a Deployment (and every add-on the platform
	// does not know) wait, like coredns, for the node add-ons and for the compute that
	// can schedule pods of their namespace; with no namespace known, for all compute.
	w.beforeLateEksAddons = s.nodeAddons.Ready
	if s.lateAddons, err = b.extraEksAddons(extraEksAddonsIn{Extra: cfg.EksAddons.extraEksAddonsPlaced(true),
		ClusterConfig: cfg.Cluster, Cluster: s.cluster, Identity: s.identity,
		After: func(namespace string) barrier {
			return join(w.beforeLateEksAddons, place.schedulableForNamespace(namespace))
		}}); err != nil {
		return nil, err
	}
	// Rule 6: Helm add-ons wait for access and the node add-ons (kube-proxy routes the
	// pods' way to the API server), and for the compute that can run them (rule 4), so
	// the ALB controller is also deleted before its nodes on destroy.
	w.beforeWorkloads = join(s.access.Ready, s.awsAuth.Ready, s.nodeAddons.Ready)
	// Pod Identity associations are answered by the agent: they follow it.
	w.beforePodIdentity = s.nodeAddons.Ready
	// Rule 6: the CRDs of a chart (applied by the platform, so a chart bump upgrades
	// them) need only the API server and the component's access to it, not nodes.
	w.beforeCRDs = join(s.access.Ready, s.awsAuth.Ready)

	// Rules 4 and 10: the Karpenter controller runs on compute Karpenter does not manage
	// (validation requires some), after coredns (it resolves the AWS endpoints through
	// the cluster's DNS); its EC2NodeClass and NodePools follow the release, so on
	// destroy they go first, while the controller still runs to terminate their nodes.
	w.karpenterControllerSchedulable = place.schedulableFor(addons.KarpenterNamespace, addons.KarpenterPodLabels, karpenterTolerations, false)
	w.beforeKarpenter = join(w.beforeWorkloads, s.workloadAddons.Ready, w.karpenterControllerSchedulable)
	if s.karpenter, err = b.karpenter(karpenterIn{KarpenterConfig: cfg.Karpenter, ClusterConfig: cfg.Cluster,
		Cluster: s.cluster, Identity: s.identity, Kube: s.kube, Prerequisites: s.karpenterPre, SecurityGroups: s.securityGroups,
		PodIdentity: w.beforePodIdentity, CRDs: w.beforeCRDs, Controller: w.beforeKarpenter}); err != nil {
		return nil, err
	}
	// Rule 4: Helm releases no node group or profile fits may run on Karpenter's
	// capacity, once a NodePool exists.
	place = place.withKarpenterPools(cfg.Karpenter.NodePools, s.karpenter.NodePools)
	releaseAfter := func(extra barrier) namespaceBarrier {
		return func(namespace string) barrier {
			return join(w.beforeWorkloads, extra, place.schedulableFor(namespace, nil, nil, false))
		}
	}
	// The three calls below differ only in the part of the section each installs and in
	// what its releases wait for (rule 9).
	helmIn := func(install helmAddonsConfig, after namespaceBarrier) helmAddonsIn {
		return helmAddonsIn{Install: install, HelmAddonsConfig: cfg.HelmAddons, ClusterConfig: cfg.Cluster,
			Cluster: s.cluster, Identity: s.identity, Kube: s.kube,
			PodIdentity: w.beforePodIdentity, CRDs: w.beforeCRDs, After: after}
	}
	// Rule 9: the ALB controller's Service webhook (failurePolicy Fail) rejects every
	// other Service until its pods are ready. It goes after the EKS add-ons that make
	// Services (coredns; of eksAddons.extra metrics-server, the CloudWatch agent and
	// any the platform does not know), and every other release after it (an atomic
	// install is done when its pods are ready, so the webhook is then served).
	// The Karpenter chart makes Services too, so its release is done before the ALB
	// controller's starts.
	blockers, rest, releases := cfg.HelmAddons.split()
	w.beforeServiceBlockers = join(s.workloadAddons.Ready, s.earlyAddons.Ready, s.lateAddons.Ready, s.karpenter.Controller)
	if s.serviceBlockers, err = b.helmAddons(helmIn(blockers, releaseAfter(w.beforeServiceBlockers))); err != nil {
		return nil, err
	}
	w.beforeOtherReleases = s.serviceBlockers.Ready
	if s.helm, err = b.helmAddons(helmIn(rest, releaseAfter(w.beforeOtherReleases))); err != nil {
		return nil, err
	}
	// Rule 9: cert-manager's and external-secrets' webhooks (failurePolicy Fail) reject
	// their own kinds (a Certificate, an ExternalSecret) until their pods serve them; a
	// chart of the user's may make such objects, so helmReleases wait for those add-ons.
	w.beforeUserReleases = join(w.beforeOtherReleases, s.helm.Guards)
	if s.helmReleases, err = b.helmAddons(helmIn(releases, releaseAfter(w.beforeUserReleases))); err != nil {
		return nil, err
	}
	err = b.outputs(outputsIn{Platform: p, Results: &s, KarpenterConfig: cfg.Karpenter})
	// Last, so reading the planned node group names holds no registration up.
	b.warnUnknownNodeGroupNames(cfg.Compute, s.nodeGroups.planned)
	return w, err
}
