package kubeobjects

import "github.com/pulumi/pulumi/sdk/v3/go/common/resource"

// scenario is a platform's inputs, as the calling SDK sends them to Construct (schema
// names), and the object kinds it must make: a scenario that makes none of what it is
// about would check nothing.
type scenario struct {
	name   string
	inputs map[string]any
	// wantKinds are "apiVersion kind" pairs the platform must register at least once.
	wantKinds []string
	// seed are objects already in the cluster before the platform runs, as EKS makes
	// them, with their field manager.
	seed []seeded
	// refusedWith, when set, is the API server's message for the one object of the
	// scenario it must refuse (every other object is accepted).
	refusedWith string
}

type seeded struct {
	manager string
	object  map[string]any
}

const (
	pub1  = "subnet-0a1b2c3d4e5f60001"
	pub2  = "subnet-0a1b2c3d4e5f60002"
	priv1 = "subnet-0a1b2c3d4e5f60003"
	priv2 = "subnet-0a1b2c3d4e5f60004"
)

func base() map[string]any {
	return map[string]any{
		"publicSubnetIds":  []any{pub1, pub2},
		"privateSubnetIds": []any{priv1, priv2},
	}
}

func with(m map[string]any, kv ...any) map[string]any {
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i].(string)] = kv[i+1]
	}
	return m
}

func taint(key, value, effect string) map[string]any {
	t := map[string]any{"key": key, "effect": effect}
	if value != "" {
		t["value"] = value
	}
	return t
}

// scenarios are SCENARIOS #9 and #10 (as provider/pkg/platform's karpenterArgs and
// autoModeArgs build them), the catalogue add-ons whose CRDs the platform applies, and
// aws-auth in CONFIG_MAP mode.
func scenarios() []scenario {
	return []scenario{
		{
			name: "karpenter-9",
			inputs: with(base(),
				"nodeGroups", []any{map[string]any{
					"name":    "system",
					"scaling": map[string]any{"minSize": 2, "desiredSize": 2, "maxSize": 3},
					"taints":  []any{taint("CriticalAddonsOnly", "true", "NO_SCHEDULE")},
				}},
				"karpenter", map[string]any{"enabled": true, "nodePools": []any{
					map[string]any{
						"name": "general", "instanceCategories": []any{"c", "m", "r"}, "capacityTypes": []any{"on-demand", "spot"},
						"limits":     map[string]any{"cpu": "1000", "memory": "4000Gi"},
						"disruption": map[string]any{"consolidationPolicy": "WhenEmptyOrUnderutilized", "consolidateAfter": "5m"},
					},
					map[string]any{
						"name": "gpu", "instanceFamilies": []any{"g5", "g6"}, "weight": 10,
						"taints": []any{taint("nvidia.com/gpu", "true", "NO_SCHEDULE")},
						"labels": map[string]any{"accelerator": "nvidia"},
						"disruption": map[string]any{"consolidationPolicy": "WhenEmpty", "budgets": []any{
							map[string]any{"nodes": "0", "schedule": "0 9 * * mon-fri", "duration": "8h", "reasons": []any{"Underutilized"}},
						}},
					},
				}},
				"addons", map[string]any{
					"awsLoadBalancerController": map[string]any{"enabled": true},
					"externalDns": map[string]any{"enabled": true, "domainFilters": []any{"example.com"},
						"hostedZoneIds": []any{"Z0123456789ABCDEFGHIJ"}},
				}),
			wantKinds: []string{"karpenter.sh/v1 NodePool", "karpenter.k8s.aws/v1 EC2NodeClass",
				"apiextensions.k8s.io/v1 CustomResourceDefinition"},
		},
		{
			name: "automode-10",
			inputs: with(base(),
				"autoMode", map[string]any{
					"enabled": true,
					"nodePools": []any{map[string]any{
						"name": "gpu",
						"requirements": []any{map[string]any{"key": "eks.amazonaws.com/instance-category",
							"operator": "In", "values": []any{"g"}}},
						"taints": []any{taint("nvidia.com/gpu", "", "NO_SCHEDULE")},
						"limits": map[string]any{"nvidia.com/gpu": "4"},
					}},
					"storageClass": map[string]any{"enabled": true, "isDefault": true},
					"ingressClass": map[string]any{"enabled": true},
				},
				"addons", map[string]any{"externalDns": map[string]any{"enabled": true,
					"hostedZoneIds": []any{"Z0123456789ABCDEFGHIJ"}, "domainFilters": []any{"example.com"}}}),
			wantKinds: []string{"karpenter.sh/v1 NodePool", "storage.k8s.io/v1 StorageClass",
				"networking.k8s.io/v1 IngressClass"},
		},
		{
			name: "addons-with-crds",
			inputs: with(base(),
				"nodeGroups", []any{map[string]any{"name": "general"}},
				"addons", map[string]any{
					"awsLoadBalancerController": map[string]any{"enabled": true},
					"externalDns": map[string]any{"enabled": true, "domainFilters": []any{"example.com"},
						"hostedZoneIds": []any{"Z0123456789ABCDEFGHIJ"}},
					"certManager":     map[string]any{"enabled": true},
					"externalSecrets": map[string]any{"enabled": true},
				}),
			wantKinds: []string{"apiextensions.k8s.io/v1 CustomResourceDefinition"},
		},
		awsAuthOverEks("aws-auth-config-map-over-eks", false,
			`Apply failed with 1 conflict: conflict with "eks": .data.mapRoles`),
		awsAuthOverEks("aws-auth-config-map-takeover", true, ""),
	}
}

// propertyMap is the inputs as the engine hands them to the plugin.
func (s scenario) propertyMap() resource.PropertyMap {
	return resource.NewPropertyMapFromMap(s.inputs)
}

// awsAuthOverEks is aws-auth in CONFIG_MAP mode applied over an aws-auth that EKS
// wrote itself when a node group made outside the platform first joined (its field
// manager owns mapRoles). Unforced, the real API server refuses the platform's apply
// with a field conflict, so a mapping the platform does not know (that node group's
// role) is never dropped silently; with awsAuthTakeover the apply is forced
// (pulumi.com/patchForce) and the platform's mappings replace EKS's (docs/ordering.md
// rule 3).
func awsAuthOverEks(name string, takeover bool, refusedWith string) scenario {
	inputs := with(base(),
		"authenticationMode", "CONFIG_MAP",
		"nodeGroups", []any{map[string]any{"name": "general"}},
		"fargateProfiles", []any{map[string]any{"name": "kube-system",
			"selectors": []any{map[string]any{"namespace": "kube-system"}}}},
		"roleMappings", []any{map[string]any{"roleArn": "arn:aws:iam::123456789012:role/Ops",
			"username": "ops", "groups": []any{"system:masters"}}},
		"userMappings", []any{map[string]any{"userArn": "arn:aws:iam::123456789012:user/alice",
			"username": "alice", "groups": []any{"viewers"}}})
	if takeover {
		inputs = with(inputs, "awsAuthTakeover", true)
	}
	return scenario{
		name:        name,
		inputs:      inputs,
		wantKinds:   []string{"v1 ConfigMap"},
		refusedWith: refusedWith,
		seed: []seeded{{manager: "eks", object: map[string]any{
			"apiVersion": "v1", "kind": "ConfigMap",
			"metadata": map[string]any{"name": "aws-auth", "namespace": "kube-system"},
			"data": map[string]any{"mapRoles": "- rolearn: arn:aws:iam::123456789012:role/outside-node\n" +
				"  username: system:node:{{EC2PrivateDNSName}}\n  groups:\n  - system:bootstrappers\n  - system:nodes\n"},
		}}},
	}
}
