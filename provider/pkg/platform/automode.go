package platform

import (
	"strings"

	networkingv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/networking/v1"
	storagev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/storage/v1"

	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apiextensions"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// autoModePoolsIn is what autoModePools reads. Besides Auto Mode's own section it needs
// the cluster's: the private subnets its NodeClass launches nodes into.
type autoModePoolsIn struct {
	AutoModeConfig autoModeConfig
	ClusterConfig  clusterConfig
	Cluster        *clusterResult
	Kube           *kubeResult
	Workers        *workerRolesResult
	SecurityGroups *securityGroupsResult
	// After is what the Kubernetes objects wait for: access for the component's own
	// provider (rule 3), as for the charts' CRDs.
	After barrier
}

// autoModePools makes the custom NodePools and what they run on. EKS makes its own
// "default" NodeClass only with built-in pools; the platform's NodeClass serves the
// custom pools either way, so they do not change when the built-in pools do. It names
// the Auto Mode node role (EKS's own access entry for it exists only with built-in
// pools; otherwise the platform makes the EC2 entry with AmazonEKSAutoNodePolicy, as
// AWS documents for custom NodeClasses).
func (b *build) autoModePools(in autoModePoolsIn) (*autoModeResult, error) {
	a, cluster, kube, workers, sg, after := in.AutoModeConfig, in.Cluster, in.Kube, in.Workers, in.SecurityGroups, in.After
	res := &autoModeResult{}
	if err := b.autoModeClasses(a, kube, after, res); err != nil {
		return nil, err
	}
	if !a.NodeClass() {
		return res, nil
	}
	var nodesJoin []pulumi.Resource
	if a.NodeAccessEntry() {
		entries := &readyResult{}
		err := b.accessEntry(cluster, accessEntryConfig{
			Path:         "autoMode.nodePools",
			Key:          "auto-node",
			PrincipalArn: workers.AutoNodeRoleArn,
			Type:         "EC2",
			Policies:     []accessPolicyConfig{{Name: autoNodeAccessPolicy}},
		}, entries)
		if err != nil {
			return nil, err
		}
		nodesJoin = entries.Ready
	}
	opts := func(extra ...pulumi.Resource) []pulumi.ResourceOption {
		return b.opts(pulumi.Provider(kube.Provider), pulumi.DependsOn(join(after, extra)))
	}
	// The role by name, as the NodeClass API takes it: the last segment of its ARN.
	roleName := workers.AutoNodeRoleArn.ApplyT(func(arn string) string {
		return arn[strings.LastIndex(arn, "/")+1:]
	}).(pulumi.StringOutput)
	subnets := in.ClusterConfig.PrivateSubnets.input().ToStringArrayOutput().ApplyT(func(ids []string) []map[string]string {
		terms := make([]map[string]string, len(ids))
		for i, id := range ids {
			terms[i] = map[string]string{"id": id}
		}
		return terms
	})
	// The cluster security group, and the node security group when the platform makes
	// one (securitygroups.go): custom pools' nodes carry it like the node groups'.
	securityGroups := pulumi.Array{pulumi.Map{"id": cluster.Cluster.VpcConfig.ClusterSecurityGroupId()}}
	if sg.Node != nil {
		securityGroups = append(securityGroups, pulumi.Map{"id": sg.NodeID})
	}
	nodeClass, err := apiextensions.NewCustomResource(b.ctx, b.child("auto-nodeclass"), &apiextensions.CustomResourceArgs{
		ApiVersion: pulumi.String("eks.amazonaws.com/v1"),
		Kind:       pulumi.String("NodeClass"),
		Metadata:   metav1.ObjectMetaArgs{Name: pulumi.String(autoModeNodeClass)},
		OtherFields: kubernetes.UntypedArgs{"spec": pulumi.Map{
			"role":                       roleName,
			"subnetSelectorTerms":        subnets,
			"securityGroupSelectorTerms": securityGroups,
		}},
	}, opts(append(workers.Ready, workers.AutoReady...)...)...)
	if err != nil {
		return nil, err
	}
	res.Ready = append(res.Ready, nodesJoin...)
	res.Ready = append(res.Ready, nodeClass)
	for _, np := range a.NodePools {
		pool, err := apiextensions.NewCustomResource(b.ctx, b.child("auto-nodepool-"+np.Name), &apiextensions.CustomResourceArgs{
			ApiVersion:  pulumi.String("karpenter.sh/v1"),
			Kind:        pulumi.String("NodePool"),
			Metadata:    metav1.ObjectMetaArgs{Name: pulumi.String(np.Name)},
			OtherFields: kubernetes.UntypedArgs{"spec": nodePoolSpec(np)},
		}, opts(append([]pulumi.Resource{nodeClass}, nodesJoin...)...)...)
		if err != nil {
			return nil, err
		}
		res.NodePools = append(res.NodePools, pool)
		res.Ready = append(res.Ready, pool)
	}
	return res, nil
}

// nodePoolSpec is a NodePool's spec on the platform's NodeClass. Taint effects are
// given as for node groups (NO_SCHEDULE) and written as Kubernetes spells them.
func nodePoolSpec(np autoModeNodePoolConfig) pulumi.Map {
	requirements := pulumi.Array{}
	for _, r := range np.Requirements {
		req := pulumi.Map{"key": pulumi.String(r.Key), "operator": pulumi.String(r.Operator)}
		if len(r.Values) > 0 {
			req["values"] = pulumi.ToStringArray(r.Values)
		}
		requirements = append(requirements, req)
	}
	nodeSpec := pulumi.Map{
		"nodeClassRef": pulumi.Map{
			"group": pulumi.String("eks.amazonaws.com"),
			"kind":  pulumi.String("NodeClass"),
			"name":  pulumi.String(autoModeNodeClass),
		},
		"requirements": requirements,
	}
	if len(np.Taints) > 0 {
		taints := pulumi.Array{}
		for _, t := range np.Taints {
			taint := pulumi.Map{"key": pulumi.String(t.Key), "effect": pulumi.String(kubernetesEffectOfTaint[t.Effect])}
			if t.Value != "" {
				taint["value"] = pulumi.String(t.Value)
			}
			taints = append(taints, taint)
		}
		nodeSpec["taints"] = taints
	}
	template := pulumi.Map{"spec": nodeSpec}
	if len(np.Labels) > 0 {
		template["metadata"] = pulumi.Map{"labels": pulumi.ToStringMap(np.Labels)}
	}
	spec := pulumi.Map{
		"template": template,
		// The NodePool CRD requires consolidateAfter whenever disruption is given.
		"disruption": pulumi.Map{"consolidationPolicy": pulumi.String(np.ConsolidationPolicy), "consolidateAfter": pulumi.String(np.ConsolidateAfter)},
	}
	if len(np.Limits) > 0 {
		spec["limits"] = pulumi.ToStringMap(np.Limits)
	}
	return spec
}

// autoModeClasses makes the StorageClass and the IngressClass (with its
// IngressClassParams) of Auto Mode's own controllers, when asked for: EKS makes neither,
// and without them claims and Ingresses find no Auto Mode controller. Volumes are
// encrypted gp3 (with the account's EBS key) and bound where their first pod runs.
func (b *build) autoModeClasses(a autoModeConfig, kube *kubeResult, after barrier, res *autoModeResult) error {
	opts := b.opts(pulumi.Provider(kube.Provider), pulumi.DependsOn(after))
	isDefault := func(annotation string, on bool) pulumi.StringMap {
		if !on {
			return nil
		}
		return pulumi.StringMap{annotation: pulumi.String("true")}
	}
	if sc := a.StorageClass; sc != nil {
		class, err := storagev1.NewStorageClass(b.ctx, b.child("auto-storageclass"), &storagev1.StorageClassArgs{
			Metadata: metav1.ObjectMetaArgs{
				Name:        pulumi.String(sc.Name),
				Annotations: isDefault("storageclass.kubernetes.io/is-default-class", sc.IsDefault),
			},
			Provisioner:       pulumi.String("ebs.csi.eks.amazonaws.com"),
			VolumeBindingMode: pulumi.String("WaitForFirstConsumer"),
			Parameters:        pulumi.StringMap{"type": pulumi.String("gp3"), "encrypted": pulumi.String("true")},
		}, opts...)
		if err != nil {
			return err
		}
		res.Ready = append(res.Ready, class)
	}
	if ic := a.IngressClass; ic != nil {
		params, err := apiextensions.NewCustomResource(b.ctx, b.child("auto-ingressclassparams"), &apiextensions.CustomResourceArgs{
			ApiVersion:  pulumi.String("eks.amazonaws.com/v1"),
			Kind:        pulumi.String("IngressClassParams"),
			Metadata:    metav1.ObjectMetaArgs{Name: pulumi.String(ic.Name)},
			OtherFields: kubernetes.UntypedArgs{"spec": pulumi.Map{"scheme": pulumi.String(ic.Scheme)}},
		}, opts...)
		if err != nil {
			return err
		}
		class, err := networkingv1.NewIngressClass(b.ctx, b.child("auto-ingressclass"), &networkingv1.IngressClassArgs{
			Metadata: metav1.ObjectMetaArgs{
				Name:        pulumi.String(ic.Name),
				Annotations: isDefault("ingressclass.kubernetes.io/is-default-class", ic.IsDefault),
			},
			Spec: networkingv1.IngressClassSpecArgs{
				Controller: pulumi.String("eks.amazonaws.com/alb"),
				Parameters: networkingv1.IngressClassParametersReferenceArgs{
					ApiGroup: pulumi.String("eks.amazonaws.com"),
					Kind:     pulumi.String("IngressClassParams"),
					Name:     pulumi.String(ic.Name),
				},
			},
		}, b.opts(pulumi.Provider(kube.Provider), pulumi.DependsOn(join(after, []pulumi.Resource{params})))...)
		if err != nil {
			return err
		}
		res.Ready = append(res.Ready, params, class)
	}
	return nil
}
