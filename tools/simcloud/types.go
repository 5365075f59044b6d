package simcloud

import (
	"sort"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// res is one resource operation as the output computations see it.
type res struct {
	typ, urn, urnName string
	in                resource.PropertyMap // new inputs
	old               resource.PropertyMap // previous outputs on update; nil on create
	region            string
}

func (r *res) arn(service, rest string) string {
	return "arn:" + partition + ":" + service + ":" + r.region + ":" + account + ":" + rest
}

func (r *res) name(key string) string { return orDefault(str(r.in, key), r.urnName) }

// typeInfo is what the simulator knows about one resource type.
type typeInfo struct {
	// createOnly lists property paths ("name", "vpcConfig.subnetIds") whose
	// change forces replacement, as in the real provider's schema.
	createOnly []string
	// cluster names the EKS cluster the resource belongs to, for the ordering rules.
	cluster func(r *res) string
	// outputs returns the id and the computed outputs overlaid on the inputs.
	outputs func(r *res) (string, map[string]any)
}

func clusterName(r *res) string { return str(r.in, "clusterName") }

var types = map[string]typeInfo{
	"aws:iam/role:Role": {
		createOnly: []string{"name", "namePrefix", "path"},
		outputs: func(r *res) (string, map[string]any) {
			n := r.name("name")
			return n, map[string]any{
				"name":     n,
				"arn":      "arn:aws:iam::" + account + ":role" + iamPath(r) + n,
				"uniqueId": "AROA" + strings.ToUpper(hexOf(17, "role", n)),
			}
		},
	},
	"aws:iam/policy:Policy": {
		createOnly: []string{"name", "namePrefix", "path", "description"},
		outputs: func(r *res) (string, map[string]any) {
			n := r.name("name")
			arn := "arn:aws:iam::" + account + ":policy" + iamPath(r) + n
			return arn, map[string]any{
				"name":     n,
				"arn":      arn,
				"policyId": "ANPA" + strings.ToUpper(hexOf(17, "policy", n)),
			}
		},
	},
	"aws:iam/rolePolicyAttachment:RolePolicyAttachment": {
		createOnly: []string{"role", "policyArn"},
		outputs: func(r *res) (string, map[string]any) {
			role := str(r.in, "role")
			return role + "-" + hexOf(20, role, str(r.in, "policyArn")), nil
		},
	},
	"aws:iam/openIdConnectProvider:OpenIdConnectProvider": {
		createOnly: []string{"url"},
		outputs: func(r *res) (string, map[string]any) {
			arn := "arn:aws:iam::" + account + ":oidc-provider/" + strings.TrimPrefix(str(r.in, "url"), "https://")
			return arn, map[string]any{"arn": arn}
		},
	},
	"aws:kms/key:Key": {
		createOnly: []string{"customerMasterKeySpec", "keyUsage", "multiRegion", "customKeyStoreId", "xksKeyId"},
		outputs: func(r *res) (string, map[string]any) {
			id := uuidOf("kms", r.urn)
			return id, map[string]any{"keyId": id, "arn": r.arn("kms", "key/"+id)}
		},
	},
	"aws:kms/alias:Alias": {
		createOnly: []string{"name", "namePrefix"},
		outputs: func(r *res) (string, map[string]any) {
			n := orDefault(str(r.in, "name"), "alias/"+r.urnName)
			target := str(r.in, "targetKeyId")
			if !strings.HasPrefix(target, "arn:") {
				target = r.arn("kms", "key/"+target)
			}
			return n, map[string]any{"name": n, "arn": r.arn("kms", n), "targetKeyArn": target}
		},
	},
	"aws:cloudwatch/logGroup:LogGroup": {
		createOnly: []string{"name", "namePrefix"},
		outputs: func(r *res) (string, map[string]any) {
			n := r.name("name")
			return n, map[string]any{"name": n, "arn": r.arn("logs", "log-group:"+n)}
		},
	},
	"aws:ec2/tag:Tag": {
		createOnly: []string{"resourceId", "key"},
		outputs: func(r *res) (string, map[string]any) {
			return str(r.in, "resourceId") + "," + str(r.in, "key"), nil
		},
	},
	"aws:ec2/launchTemplate:LaunchTemplate": {
		createOnly: []string{"name", "namePrefix"},
		outputs:    launchTemplateOutputs,
	},
	"aws:eks/cluster:Cluster": {
		createOnly: []string{"name", "roleArn", "vpcConfig.subnetIds", "kubernetesNetworkConfig",
			"outpostConfig", "bootstrapSelfManagedAddons", "accessConfig.bootstrapClusterCreatorAdminPermissions"},
		cluster: func(r *res) string { return r.name("name") },
		outputs: clusterOutputs,
	},
	"aws:eks/nodeGroup:NodeGroup": {
		createOnly: []string{"clusterName", "nodeGroupName", "nodeGroupNamePrefix", "amiType", "capacityType",
			"diskSize", "instanceTypes", "nodeRoleArn", "subnetIds", "remoteAccess"},
		cluster: clusterName,
		outputs: func(r *res) (string, map[string]any) {
			c, ng := clusterName(r), r.name("nodeGroupName")
			return c + ":" + ng, map[string]any{
				"nodeGroupName": ng,
				"arn":           r.arn("eks", "nodegroup/"+c+"/"+ng+"/"+uuidOf("ng", c, ng)),
				"status":        "ACTIVE",
				"resources": []any{map[string]any{
					"autoscalingGroups":           []any{map[string]any{"name": "eks-" + ng + "-" + uuidOf("asg", c, ng)}},
					"remoteAccessSecurityGroupId": "",
				}},
			}
		},
	},
	"aws:eks/fargateProfile:FargateProfile": {
		createOnly: []string{"clusterName", "fargateProfileName", "podExecutionRoleArn", "selectors", "subnetIds"},
		cluster:    clusterName,
		outputs: func(r *res) (string, map[string]any) {
			c, n := clusterName(r), r.name("fargateProfileName")
			return c + ":" + n, map[string]any{
				"fargateProfileName": n,
				"arn":                r.arn("eks", "fargateprofile/"+c+"/"+n+"/"+uuidOf("fp", c, n)),
				"status":             "ACTIVE",
			}
		},
	},
	"aws:eks/addon:Addon": {
		createOnly: []string{"clusterName", "addonName"},
		cluster:    clusterName,
		outputs: func(r *res) (string, map[string]any) {
			c, a := clusterName(r), str(r.in, "addonName")
			return c + ":" + a, map[string]any{
				"arn":          r.arn("eks", "addon/"+c+"/"+a+"/"+uuidOf("addon", c, a)),
				"addonVersion": orDefault(str(r.in, "addonVersion"), addonVersion(a, "")),
			}
		},
	},
	"aws:eks/accessEntry:AccessEntry": {
		createOnly: []string{"clusterName", "principalArn", "type"},
		cluster:    clusterName,
		outputs: func(r *res) (string, map[string]any) {
			c, p := clusterName(r), str(r.in, "principalArn")
			return c + ":" + p, map[string]any{
				"accessEntryArn": r.arn("eks", "access-entry/"+c+"/role/"+account+"/"+lastSegment(p)+"/"+uuidOf("ae", c, p)),
				"type":           orDefault(str(r.in, "type"), "STANDARD"),
			}
		},
	},
	"aws:eks/accessPolicyAssociation:AccessPolicyAssociation": {
		createOnly: []string{"clusterName", "principalArn", "policyArn", "accessScope"},
		cluster:    clusterName,
		outputs: func(r *res) (string, map[string]any) {
			return clusterName(r) + "#" + str(r.in, "principalArn") + "#" + str(r.in, "policyArn"), nil
		},
	},
	"aws:eks/podIdentityAssociation:PodIdentityAssociation": {
		createOnly: []string{"clusterName", "namespace", "serviceAccount"},
		cluster:    clusterName,
		outputs: func(r *res) (string, map[string]any) {
			c := clusterName(r)
			id := "a-" + hexOf(17, "pia", c, str(r.in, "namespace"), str(r.in, "serviceAccount"))
			return c + "," + id, map[string]any{
				"associationId":  id,
				"associationArn": r.arn("eks", "podidentityassociation/"+c+"/"+id),
			}
		},
	},
	"kubernetes:core/v1:ConfigMap": {
		createOnly: []string{"metadata.name", "metadata.namespace"},
		outputs:    func(r *res) (string, map[string]any) { return kubeObject(r, "ConfigMap") },
	},
	"kubernetes:core/v1:ConfigMapPatch": {
		createOnly: []string{"metadata.name", "metadata.namespace"},
		outputs:    func(r *res) (string, map[string]any) { return kubeObject(r, "ConfigMap") },
	},
	"kubernetes:helm.sh/v3:Release": {
		createOnly: []string{"name", "namespace"},
		outputs:    helmOutputs,
	},
}

// infoFor falls back to "echo the inputs, id = hash of the URN" for types the
// simulator has no special knowledge of.
func infoFor(typ string) typeInfo {
	if ti, ok := types[typ]; ok {
		return ti
	}
	return typeInfo{outputs: func(r *res) (string, map[string]any) { return hexOf(32, r.urn), nil }}
}

func iamPath(r *res) string {
	p := orDefault(str(r.in, "path"), "/")
	if !strings.HasSuffix(p, "/") {
		p += "/"
	}
	return p
}

func lastSegment(arn string) string { return arn[strings.LastIndex(arn, "/")+1:] }

func launchTemplateOutputs(r *res) (string, map[string]any) {
	id := "lt-" + hexOf(17, "lt", r.urn)
	latest := 1.0
	def := 1.0
	if r.old != nil { // every update makes a new template version
		if v, ok := num(r.old, "latestVersion"); ok {
			latest = v + 1
		}
		if v, ok := num(r.old, "defaultVersion"); ok {
			def = v
		}
		if b := get(r.in, "updateDefaultVersion"); b.IsBool() && b.BoolValue() {
			def = latest
		}
	}
	return id, map[string]any{
		"name":           r.name("name"),
		"arn":            r.arn("ec2", "launch-template/"+id),
		"latestVersion":  latest,
		"defaultVersion": def,
	}
}

func clusterOutputs(r *res) (string, map[string]any) {
	n := r.name("name")
	h := clusterHash(n)
	subnets := strs(r.in, "vpcConfig", "subnetIds")
	sort.Strings(subnets)
	vpc := resource.PropertyMap{}
	if v := get(r.in, "vpcConfig"); v.IsObject() {
		vpc = v.ObjectValue().Copy()
	}
	vpc["clusterSecurityGroupId"] = resource.NewProperty("sg-" + hexOf(17, "sg", n))
	vpc["vpcId"] = resource.NewProperty("vpc-" + hexOf(17, append([]string{"vpc"}, subnets...)...))
	ca := map[string]any{"data": b64(fakePEM("ca/" + n))}
	out := map[string]any{
		"name":                   n,
		"arn":                    r.arn("eks", "cluster/"+n),
		"endpoint":               "https://" + h + ".gr7." + r.region + ".eks.amazonaws.com",
		"certificateAuthority":   ca,
		"certificateAuthorities": []any{ca},
		"identities": []any{map[string]any{"oidcs": []any{map[string]any{
			"issuer": "https://oidc.eks." + r.region + ".amazonaws.com/id/" + h,
		}}}},
		"vpcConfig":       resource.NewObjectProperty(vpc),
		"status":          "ACTIVE",
		"version":         orDefault(str(r.in, "version"), "1.33"),
		"platformVersion": "eks.1",
		"clusterId":       uuidOf("cluster", n),
	}
	if get(r.in, "kubernetesNetworkConfig").IsNull() {
		out["kubernetesNetworkConfig"] = map[string]any{"ipFamily": "ipv4", "serviceIpv4Cidr": "172.20.0.0/16"}
	}
	return n, out
}

func kubeObject(r *res, kind string) (string, map[string]any) {
	meta := resource.PropertyMap{}
	if v := get(r.in, "metadata"); v.IsObject() {
		meta = v.ObjectValue().Copy()
	}
	n := orDefault(str(r.in, "metadata", "name"), r.urnName)
	ns := orDefault(str(r.in, "metadata", "namespace"), "default")
	meta["name"] = resource.NewProperty(n)
	meta["namespace"] = resource.NewProperty(ns)
	meta["uid"] = resource.NewProperty(uuidOf("k8s", r.urn))
	return ns + "/" + n, map[string]any{
		"apiVersion": "v1",
		"kind":       kind,
		"metadata":   resource.NewObjectProperty(meta),
	}
}

func helmOutputs(r *res) (string, map[string]any) {
	n, ns := r.name("name"), orDefault(str(r.in, "namespace"), "default")
	rev := 1.0
	if v, ok := num(r.old, "status", "revision"); ok {
		rev = v + 1
	}
	return ns + "/" + n, map[string]any{
		"name": n,
		"status": map[string]any{
			"name":       n,
			"namespace":  ns,
			"chart":      str(r.in, "chart"),
			"version":    str(r.in, "version"),
			"appVersion": str(r.in, "version"),
			"revision":   rev,
			"status":     "deployed",
		},
	}
}
