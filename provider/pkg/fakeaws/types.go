package fakeaws

import (
	"encoding/base64"
	"sort"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// Resource is one create or update as the output computations see it.
type Resource struct {
	Type string
	URN  string
	// Name is the resource's name, the last part of its URN.
	Name   string
	Inputs resource.PropertyMap
	// Old holds the previous outputs on update; nil on create.
	Old    resource.PropertyMap
	Region string
}

// Named is the input key (a name such as "name" or "nodeGroupName"), or the
// resource's Name when it is unset: the fakes autoname nothing.
func (r *Resource) Named(key string) string { return OrDefault(Str(r.Inputs, key), r.Name) }

func (r *Resource) arn(service, rest string) string {
	return "arn:" + Partition + ":" + service + ":" + OrDefault(r.Region, DefaultRegion) + ":" + Account + ":" + rest
}

// Type is what real AWS and its Pulumi provider do with one resource type.
type Type struct {
	// CreateOnly lists the property paths ("name", "vpcConfig.subnetIds")
	// whose change forces replacement, as in the real provider's schema.
	CreateOnly []string
	// Outputs returns the id and the computed outputs, to overlay on the inputs.
	Outputs func(r *Resource) (string, map[string]any)
}

// Outputs is the id and the computed outputs of r, from its type's entry in
// Types. A type not in Types gets a hash of the URN as its id and no outputs
// beyond its inputs.
func Outputs(r *Resource) (string, resource.PropertyMap) {
	t, ok := Types[r.Type]
	if !ok {
		return Hex(32, r.URN), resource.PropertyMap{}
	}
	id, out := t.Outputs(r)
	return id, resource.NewPropertyMapFromMap(out)
}

func clusterName(r *Resource) string { return Str(r.Inputs, "clusterName") }

// clusterPart is the id and outputs of a named part of a cluster, such as a
// node group (its name is input nameKey), and its cluster and name. EKS ends
// such an ARN in a UUID.
func clusterPart(r *Resource, nameKey, kind, seed string) (id string, out map[string]any, cluster, name string) {
	cluster, name = clusterName(r), r.Named(nameKey)
	return cluster + ":" + name, map[string]any{
		nameKey:  name,
		"arn":    r.arn("eks", kind+"/"+cluster+"/"+name+"/"+UUID(seed, cluster, name)),
		"status": "ACTIVE",
	}, cluster, name
}

// Types are the AWS resource types the platform makes, by type token.
var Types = map[string]Type{
	"aws:iam/role:Role": {
		CreateOnly: []string{"name", "namePrefix", "path"},
		Outputs: func(r *Resource) (string, map[string]any) {
			n := r.Named("name")
			return n, map[string]any{
				"name":     n,
				"arn":      "arn:" + Partition + ":iam::" + Account + ":role" + iamPath(r) + n,
				"uniqueId": "AROA" + strings.ToUpper(Hex(17, "role", n)),
			}
		},
	},
	"aws:iam/policy:Policy": {
		CreateOnly: []string{"name", "namePrefix", "path", "description"},
		Outputs: func(r *Resource) (string, map[string]any) {
			n := r.Named("name")
			arn := "arn:" + Partition + ":iam::" + Account + ":policy" + iamPath(r) + n
			return arn, map[string]any{
				"name":     n,
				"arn":      arn,
				"policyId": "ANPA" + strings.ToUpper(Hex(17, "policy", n)),
			}
		},
	},
	"aws:iam/rolePolicyAttachment:RolePolicyAttachment": {
		CreateOnly: []string{"role", "policyArn"},
		Outputs: func(r *Resource) (string, map[string]any) {
			role := Str(r.Inputs, "role")
			return role + "-" + Hex(20, role, Str(r.Inputs, "policyArn")), nil
		},
	},
	"aws:iam/openIdConnectProvider:OpenIdConnectProvider": {
		CreateOnly: []string{"url"},
		Outputs: func(r *Resource) (string, map[string]any) {
			arn := "arn:" + Partition + ":iam::" + Account + ":oidc-provider/" + strings.TrimPrefix(Str(r.Inputs, "url"), "https://")
			return arn, map[string]any{"arn": arn}
		},
	},
	"aws:kms/key:Key": {
		CreateOnly: []string{"customerMasterKeySpec", "keyUsage", "multiRegion", "customKeyStoreId", "xksKeyId"},
		Outputs: func(r *Resource) (string, map[string]any) {
			id := Hash(r.Name)
			return id, map[string]any{"keyId": id, "arn": r.arn("kms", "key/"+id)}
		},
	},
	"aws:kms/alias:Alias": {
		CreateOnly: []string{"name", "namePrefix"},
		Outputs: func(r *Resource) (string, map[string]any) {
			n := OrDefault(Str(r.Inputs, "name"), "alias/"+r.Name)
			target := Str(r.Inputs, "targetKeyId")
			if !strings.HasPrefix(target, "arn:") {
				target = r.arn("kms", "key/"+target)
			}
			return n, map[string]any{"name": n, "arn": r.arn("kms", n), "targetKeyArn": target}
		},
	},
	"aws:cloudwatch/logGroup:LogGroup": {
		CreateOnly: []string{"name", "namePrefix"},
		Outputs: func(r *Resource) (string, map[string]any) {
			n := r.Named("name")
			return n, map[string]any{"name": n, "arn": r.arn("logs", "log-group:"+n)}
		},
	},
	"aws:ec2/tag:Tag": {
		CreateOnly: []string{"resourceId", "key"},
		Outputs: func(r *Resource) (string, map[string]any) {
			return Str(r.Inputs, "resourceId") + "," + Str(r.Inputs, "key"), nil
		},
	},
	// A VPC and its subnets, for programs that make their network in the same stack as
	// the platform: ids are vpc-/subnet- and 17 hex digits, as EC2 gives them, hashed
	// from the URN (stable across runs, different in every stack).
	"aws:ec2/vpc:Vpc": {
		CreateOnly: []string{"cidrBlock", "instanceTenancy", "ipv4IpamPoolId", "ipv4NetmaskLength"},
		Outputs: func(r *Resource) (string, map[string]any) {
			id := "vpc-" + Hex(17, "vpc", r.URN)
			return id, map[string]any{
				"arn":                    r.arn("ec2", "vpc/"+id),
				"ownerId":                Account,
				"defaultSecurityGroupId": "sg-" + Hex(17, "vpc-sg", id),
				"defaultNetworkAclId":    "acl-" + Hex(17, "vpc-acl", id),
				"defaultRouteTableId":    "rtb-" + Hex(17, "vpc-rtb", id),
				"mainRouteTableId":       "rtb-" + Hex(17, "vpc-rtb", id),
				"dhcpOptionsId":          "dopt-" + Hex(17, "vpc-dopt", id),
				"instanceTenancy":        OrDefault(Str(r.Inputs, "instanceTenancy"), "default"),
			}
		},
	},
	"aws:ec2/subnet:Subnet": {
		CreateOnly: []string{"vpcId", "cidrBlock", "availabilityZone", "availabilityZoneId", "outpostArn", "ipv6Native"},
		Outputs: func(r *Resource) (string, map[string]any) {
			id := "subnet-" + Hex(17, "subnet", r.URN)
			az := OrDefault(Str(r.Inputs, "availabilityZone"), OrDefault(r.Region, DefaultRegion)+"a")
			return id, map[string]any{
				"arn":              r.arn("ec2", "subnet/"+id),
				"ownerId":          Account,
				"availabilityZone": az,
			}
		},
	},
	// A security group (the platform's node security group, or one a program makes) and
	// its rules, with EC2's ids: sg- and sgr- and 17 hex digits. A group given namePrefix
	// is named the prefix and a unique suffix (26 characters, as the provider makes it).
	// Of a group, name, namePrefix, description and vpcId are create-only; of a rule (the
	// vpc resources) securityGroupId (terraform-provider-aws
	// vpc_security_group_ingress_rule.go: RequiresReplace; other changes are
	// ModifySecurityGroupRules in place, except a change of the peer's kind).
	"aws:ec2/securityGroup:SecurityGroup": {
		CreateOnly: []string{"name", "namePrefix", "description", "vpcId"},
		Outputs: func(r *Resource) (string, map[string]any) {
			id := "sg-" + Hex(17, "security-group", r.URN)
			name := Str(r.Inputs, "name")
			if name == "" {
				name = OrDefault(Str(r.Inputs, "namePrefix"), r.Name+"-") + Hex(26, "security-group-name", r.URN)
			}
			return id, map[string]any{"arn": r.arn("ec2", "security-group/"+id), "ownerId": Account, "name": name}
		},
	},
	"aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": {CreateOnly: []string{"securityGroupId"}, Outputs: securityGroupRuleOutputs},
	"aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule":   {CreateOnly: []string{"securityGroupId"}, Outputs: securityGroupRuleOutputs},
	"aws:ec2/launchTemplate:LaunchTemplate": {
		CreateOnly: []string{"name", "namePrefix"},
		Outputs:    launchTemplateOutputs,
	},
	"aws:eks/cluster:Cluster": {
		// As terraform-provider-aws v5.100.0 (bridged by pulumi-aws v6.83.4) has it; the
		// sources read are in provider/pkg/platform/clusterguard.go. Of
		// kubernetesNetworkConfig only the IP family and the service CIDR are
		// create-only: elasticLoadBalancing (Auto Mode) is updated in place, as are
		// computeConfig and storageConfig, except that a node role of a cluster with
		// Auto Mode on cannot change, and encryptionConfig, except that removing it
		// replaces the cluster (the simulator's diff checks both cases). vpcConfig's
		// subnetIds and securityGroupIds are updated in place (since v5.25.0).
		CreateOnly: []string{"name", "roleArn", "kubernetesNetworkConfig.ipFamily",
			"kubernetesNetworkConfig.serviceIpv4Cidr", "outpostConfig", "bootstrapSelfManagedAddons",
			"accessConfig.bootstrapClusterCreatorAdminPermissions"},
		Outputs: clusterOutputs,
	},
	"aws:eks/nodeGroup:NodeGroup": {
		CreateOnly: []string{"clusterName", "nodeGroupName", "nodeGroupNamePrefix", "amiType", "capacityType",
			"diskSize", "instanceTypes", "nodeRoleArn", "subnetIds", "remoteAccess"},
		Outputs: func(r *Resource) (string, map[string]any) {
			id, out, c, ng := clusterPart(r, "nodeGroupName", "nodegroup", "ng")
			out["resources"] = []any{map[string]any{
				"autoscalingGroups":           []any{map[string]any{"name": "eks-" + ng + "-" + UUID("asg", c, ng)}},
				"remoteAccessSecurityGroupId": "",
			}}
			return id, out
		},
	},
	"aws:eks/fargateProfile:FargateProfile": {
		CreateOnly: []string{"clusterName", "fargateProfileName", "podExecutionRoleArn", "selectors", "subnetIds"},
		Outputs: func(r *Resource) (string, map[string]any) {
			id, out, _, _ := clusterPart(r, "fargateProfileName", "fargateprofile", "fp")
			return id, out
		},
	},
	"aws:eks/addon:Addon": {
		CreateOnly: []string{"clusterName", "addonName"},
		Outputs: func(r *Resource) (string, map[string]any) {
			c, a := clusterName(r), Str(r.Inputs, "addonName")
			return c + ":" + a, map[string]any{
				"arn":          r.arn("eks", "addon/"+c+"/"+a+"/"+UUID("addon", c, a)),
				"addonVersion": OrDefault(Str(r.Inputs, "addonVersion"), AddonVersion(a, "")),
			}
		},
	},
	"aws:eks/accessEntry:AccessEntry": {
		CreateOnly: []string{"clusterName", "principalArn", "type"},
		Outputs: func(r *Resource) (string, map[string]any) {
			c, p := clusterName(r), Str(r.Inputs, "principalArn")
			return c + ":" + p, map[string]any{
				"accessEntryArn": r.arn("eks", "access-entry/"+c+"/role/"+Account+"/"+LastSegment(p)+"/"+UUID("ae", c, p)),
				"type":           OrDefault(Str(r.Inputs, "type"), "STANDARD"),
			}
		},
	},
	"aws:eks/accessPolicyAssociation:AccessPolicyAssociation": {
		CreateOnly: []string{"clusterName", "principalArn", "policyArn", "accessScope"},
		Outputs: func(r *Resource) (string, map[string]any) {
			return clusterName(r) + "#" + Str(r.Inputs, "principalArn") + "#" + Str(r.Inputs, "policyArn"), nil
		},
	},
	// Karpenter's interruption queue and its EventBridge rules. SQS identifies a queue by
	// its URL; the ARN and URL are made from the region, account and name.
	"aws:sqs/queue:Queue": {
		CreateOnly: []string{"name", "namePrefix", "fifoQueue"},
		Outputs: func(r *Resource) (string, map[string]any) {
			n := r.Named("name")
			url := "https://sqs." + OrDefault(r.Region, DefaultRegion) + ".amazonaws.com/" + Account + "/" + n
			return url, map[string]any{"name": n, "url": url, "arn": r.arn("sqs", n)}
		},
	},
	"aws:sqs/queuePolicy:QueuePolicy": {
		CreateOnly: []string{"queueUrl"},
		Outputs: func(r *Resource) (string, map[string]any) {
			return Str(r.Inputs, "queueUrl"), nil
		},
	},
	"aws:cloudwatch/eventRule:EventRule": {
		CreateOnly: []string{"name", "namePrefix", "eventBusName"},
		Outputs: func(r *Resource) (string, map[string]any) {
			n := r.Named("name")
			return n, map[string]any{"name": n, "arn": r.arn("events", "rule/"+n)}
		},
	},
	"aws:cloudwatch/eventTarget:EventTarget": {
		CreateOnly: []string{"rule", "targetId", "eventBusName"},
		Outputs: func(r *Resource) (string, map[string]any) {
			return Str(r.Inputs, "rule") + "-" + Str(r.Inputs, "targetId"), nil
		},
	},
	"aws:eks/podIdentityAssociation:PodIdentityAssociation": {
		CreateOnly: []string{"clusterName", "namespace", "serviceAccount"},
		Outputs: func(r *Resource) (string, map[string]any) {
			c := clusterName(r)
			id := "a-" + Hex(17, "pia", c, Str(r.Inputs, "namespace"), Str(r.Inputs, "serviceAccount"))
			return c + "," + id, map[string]any{
				"associationId":  id,
				"associationArn": r.arn("eks", "podidentityassociation/"+c+"/"+id),
			}
		},
	},
}

func securityGroupRuleOutputs(r *Resource) (string, map[string]any) {
	id := "sgr-" + Hex(17, "security-group-rule", r.URN)
	return id, map[string]any{"arn": r.arn("ec2", "security-group-rule/"+id), "securityGroupRuleId": id}
}

func iamPath(r *Resource) string {
	p := OrDefault(Str(r.Inputs, "path"), "/")
	if !strings.HasSuffix(p, "/") {
		p += "/"
	}
	return p
}

func launchTemplateOutputs(r *Resource) (string, map[string]any) {
	id := "lt-" + Hex(17, "lt", r.URN)
	latest := 1.0
	def := 1.0
	if r.Old != nil { // every update makes a new template version
		if v, ok := Num(r.Old, "latestVersion"); ok {
			latest = v + 1
		}
		if v, ok := Num(r.Old, "defaultVersion"); ok {
			def = v
		}
		if b := Get(r.Inputs, "updateDefaultVersion"); b.IsBool() && b.BoolValue() {
			def = latest
		}
	}
	return id, map[string]any{
		"name":           r.Named("name"),
		"arn":            r.arn("ec2", "launch-template/"+id),
		"latestVersion":  latest,
		"defaultVersion": def,
	}
}

// ClusterEndpoint is the API server URL EKS gives the named cluster.
func ClusterEndpoint(name, region string) string {
	return "https://" + Hash(name) + ".gr7." + OrDefault(region, DefaultRegion) + ".eks.amazonaws.com"
}

// ClusterIssuer is the OIDC issuer URL EKS gives the named cluster.
func ClusterIssuer(name, region string) string {
	return "https://oidc.eks." + OrDefault(region, DefaultRegion) + ".amazonaws.com/id/" + Hash(name)
}

func clusterOutputs(r *Resource) (string, map[string]any) {
	n := r.Named("name")
	subnets := Strs(r.Inputs, "vpcConfig", "subnetIds")
	sort.Strings(subnets)
	vpc := resource.PropertyMap{}
	if v := Get(r.Inputs, "vpcConfig"); v.IsObject() {
		vpc = v.ObjectValue().Copy()
	}
	vpc["clusterSecurityGroupId"] = resource.NewProperty("sg-" + Hex(17, "sg", n))
	vpc["vpcId"] = resource.NewProperty("vpc-" + Hex(17, append([]string{"vpc"}, subnets...)...))
	ca := map[string]any{"data": base64.StdEncoding.EncodeToString([]byte(PEM("ca/" + n)))}
	out := map[string]any{
		"name":                   n,
		"arn":                    r.arn("eks", "cluster/"+n),
		"endpoint":               ClusterEndpoint(n, r.Region),
		"certificateAuthority":   ca,
		"certificateAuthorities": []any{ca},
		"identities":             []any{map[string]any{"oidcs": []any{map[string]any{"issuer": ClusterIssuer(n, r.Region)}}}},
		"vpcConfig":              resource.NewObjectProperty(vpc),
		"status":                 "ACTIVE",
		"version":                OrDefault(Str(r.Inputs, "version"), DefaultKubernetesVersion),
		"platformVersion":        "eks.1",
		"clusterId":              UUID("cluster", n),
	}
	if Get(r.Inputs, "kubernetesNetworkConfig").IsNull() {
		out["kubernetesNetworkConfig"] = map[string]any{"ipFamily": "ipv4", "serviceIpv4Cidr": "172.20.0.0/16"}
	}
	return n, out
}

// addonDefaults are plausible current versions; kube-proxy follows the
// Kubernetes minor version as the real catalogue does.
var addonDefaults = map[string]string{
	"vpc-cni":                "v1.19.0-eksbuild.1",
	"coredns":                "v1.11.4-eksbuild.2",
	"eks-pod-identity-agent": "v1.3.4-eksbuild.1",
	"aws-ebs-csi-driver":     "v1.41.0-eksbuild.1",
	"aws-efs-csi-driver":     "v2.1.4-eksbuild.1",
	"snapshot-controller":    "v8.1.0-eksbuild.2",
}

// AddonVersion is the default version of an EKS add-on for a Kubernetes
// version ("" for DefaultKubernetesVersion), as getAddonVersion returns it and
// as EKS installs it when the add-on names no version.
func AddonVersion(addon, k8s string) string {
	k8s = OrDefault(k8s, DefaultKubernetesVersion)
	if addon == "kube-proxy" {
		return "v" + k8s + ".0-eksbuild.2"
	}
	return OrDefault(addonDefaults[addon], "v1.0.0-eksbuild.1")
}
