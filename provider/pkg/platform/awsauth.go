package platform

import (
	"bytes"
	"encoding/json"
	"strings"

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Usernames and groups EKS itself writes for node and Fargate roles.
const (
	nodeUsername    = "system:node:{{EC2PrivateDNSName}}"
	fargateUsername = "system:node:{{SessionName}}"
)

var (
	nodeRoleGroups    = []string{"system:bootstrappers", "system:nodes"}
	windowsNodeGroups = []string{"system:bootstrappers", "system:nodes", "eks:kube-proxy-windows"}
	fargateGroups     = []string{"system:bootstrappers", "system:nodes", "system:node-proxier"}
)

// awsAuthEntry is one mapRoles / mapUsers entry, its values possibly Outputs.
type awsAuthEntry struct {
	arn      pulumi.StringInput
	username pulumi.StringInput
	groups   pulumi.StringArrayInput
}

// awsAuthIn is what awsAuth reads. It needs three sections: the authentication mode
// (cluster), the mappings (access) and the node groups' own roles (compute).
type awsAuthIn struct {
	ClusterConfig clusterConfig
	AccessConfig  accessConfig
	ComputeConfig computeConfig
	Kube          *kubeResult
	Workers       *workerRolesResult
	// Karpenter is Karpenter's node role and queue; nil when Karpenter is off.
	Karpenter *karpenterPrereqs
	// After is what aws-auth waits for (rule 3).
	After barrier
}

// awsAuth writes the aws-auth ConfigMap in the modes that read it (CONFIG_MAP,
// API_AND_CONFIG_MAP), before any node group or Fargate profile (rule 3).
//
// aws-auth may exist before the platform writes it: EKS makes it when the first managed
// node group joins a CONFIG_MAP cluster, a killed run may have made it, another tool
// may have. Since pulumi-kubernetes #4278 (v4.29.0, so in the v4.33.0 pinned here) a
// create is client-side and fails on an existing object with AlreadyExists unless the
// provider sets upsertExistingObjects. aws-auth is therefore created through a provider
// of its own (awsAuthProvider) that upserts: its create is a server-side apply. Every
// other object stays on the component's provider, where a create never adopts an
// existing object (upsert everywhere loses data on renames, which is why #4278 made it
// opt-in).
//
// The apply is not forced. mapRoles and mapUsers are one string each, and server-side
// apply owns a field whole: whoever last wrote a different value (EKS, a person's
// `kubectl edit`, another tool) owns it, and the platform's apply then fails with a
// field conflict naming that manager instead of silently dropping the mappings it did
// not write. The platform owns what it wrote itself (its own field manager), so its
// later changes apply. docs/ordering.md rule 3 says how to resolve a conflict.
//
// awsAuthTakeover is the explicit input that resolves it: it sets pulumi.com/patchForce
// on aws-auth, so the apply is forced and the platform's mapRoles/mapUsers replace what
// the other manager wrote; mappings not in the platform's inputs are then dropped, as
// the user asked. It is off by default, so nothing is dropped without being asked for.
//
// Because the platform owns mapRoles, it writes every mapping EKS would have added:
// each node role and the Fargate pod execution role.
//
// Karpenter's node role (karpenter, when enabled) is mapped in CONFIG_MAP mode only: in
// the API modes its nodes join through the platform's EC2_LINUX access entry
// (karpenter.go), since EKS makes entries only for managed node groups' roles.
func (b *build) awsAuth(in awsAuthIn) (*readyResult, error) {
	if !in.ClusterConfig.UsesConfigMap() {
		return &readyResult{}, nil
	}
	roles := workerRoleMappings(in.ComputeConfig, in.Workers)
	if in.Karpenter != nil && !in.ClusterConfig.UsesAccessEntries() {
		roles = append(roles, nodeRoleEntry(in.Karpenter.NodeRole.Role.Arn, false))
	}
	for _, m := range in.AccessConfig.RoleMappings {
		roles = append(roles, awsAuthEntry{arn: m.RoleArn, username: m.Username, groups: m.Groups})
	}
	var users []awsAuthEntry
	for _, m := range in.AccessConfig.UserMappings {
		users = append(users, awsAuthEntry{arn: m.UserArn, username: m.Username, groups: m.Groups})
	}
	data := pulumi.StringMap{"mapRoles": renderAwsAuth("rolearn", roles)}
	if len(users) > 0 {
		data["mapUsers"] = renderAwsAuth("userarn", users)
	}
	provider, err := b.awsAuthProvider(in.Kube)
	if err != nil {
		return nil, err
	}
	// The same name and type as in earlier releases: only its provider changes, which
	// the engine carries over without replacing it (the new provider's configuration
	// names the same cluster).
	meta := metav1.ObjectMetaArgs{
		Name:      pulumi.String("aws-auth"),
		Namespace: pulumi.String("kube-system"),
	}
	if in.AccessConfig.AwsAuthTakeover {
		meta.Annotations = pulumi.StringMap{"pulumi.com/patchForce": pulumi.String("true")}
	}
	cm, err := corev1.NewConfigMap(b.ctx, b.child("aws-auth"), &corev1.ConfigMapArgs{
		Metadata: meta,
		Data:     data,
	}, b.opts(pulumi.Provider(provider), pulumi.DependsOn(in.After))...)
	if err != nil {
		return nil, err
	}
	return &readyResult{Ready: []pulumi.Resource{cm}}, nil
}

// awsAuthProvider is the Kubernetes provider of aws-auth alone: the component's own
// configuration (the same cluster, rule 7), plus upsertExistingObjects so that its
// create applies to an aws-auth that already exists.
func (b *build) awsAuthProvider(kube *kubeResult) (*kubernetes.Provider, error) {
	return kubernetes.NewProvider(b.ctx, b.child("k8s-aws-auth"), &kubernetes.ProviderArgs{
		Kubeconfig:             kube.providerConfig,
		EnableServerSideApply:  pulumi.Bool(true),
		EnableConfigMapMutable: pulumi.Bool(true), // a new mapping updates aws-auth in place
		UpsertExistingObjects:  pulumi.Bool(true),
	}, b.opts()...)
}

// workerRoleMappings maps the shared node role, every node group's own role (once
// each) and the Fargate pod execution role, as EKS would.
func workerRoleMappings(compute computeConfig, workers *workerRolesResult) []awsAuthEntry {
	var out []awsAuthEntry
	groups := compute.NodeGroups
	if workers.NodeRole != nil {
		windows := false
		for _, g := range groups {
			windows = windows || (g.NodeRoleArn == nil && g.windows())
		}
		out = append(out, nodeRoleEntry(workers.NodeRoleArn, windows))
	}
	index := map[string]int{}
	for _, g := range groups {
		if g.NodeRoleArn == nil {
			continue
		}
		if arn, _, known := plainString(g.NodeRoleArn); known {
			if i, ok := index[arn]; ok {
				if g.windows() {
					out[i] = nodeRoleEntry(g.NodeRoleArn, true)
				}
				continue
			}
			index[arn] = len(out)
		}
		out = append(out, nodeRoleEntry(g.NodeRoleArn, g.windows()))
	}
	if workers.FargateRole != nil {
		out = append(out, awsAuthEntry{
			arn:      workers.FargateRoleArn,
			username: pulumi.String(fargateUsername),
			groups:   pulumi.ToStringArray(fargateGroups),
		})
	}
	return out
}

func nodeRoleEntry(arn pulumi.StringInput, windows bool) awsAuthEntry {
	groups := nodeRoleGroups
	if windows {
		groups = windowsNodeGroups
	}
	return awsAuthEntry{arn: arn, username: pulumi.String(nodeUsername), groups: pulumi.ToStringArray(groups)}
}

// renderAwsAuth renders entries as the YAML list aws-auth holds, in the order given,
// every scalar double-quoted (JSON string syntax is valid YAML), so the text is the same
// bytes on every run.
func renderAwsAuth(arnKey string, entries []awsAuthEntry) pulumi.StringOutput {
	var values []any
	for _, e := range entries {
		username, groups := e.username, e.groups
		if username == nil {
			username = pulumi.String("")
		}
		if groups == nil {
			groups = pulumi.StringArray{}
		}
		values = append(values, e.arn, username, groups)
	}
	if len(values) == 0 {
		return pulumi.String("[]\n").ToStringOutput()
	}
	return pulumi.All(values...).ApplyT(func(v []any) string {
		var sb strings.Builder
		for i := 0; i+2 < len(v); i += 3 {
			sb.WriteString("- " + arnKey + ": " + yamlQuote(v[i].(string)) + "\n")
			sb.WriteString("  username: " + yamlQuote(v[i+1].(string)) + "\n")
			groups := v[i+2].([]string)
			if len(groups) == 0 {
				sb.WriteString("  groups: []\n")
				continue
			}
			sb.WriteString("  groups:\n")
			for _, g := range groups {
				sb.WriteString("    - " + yamlQuote(g) + "\n")
			}
		}
		return sb.String()
	}).(pulumi.StringOutput)
}

// yamlQuote writes s as a double-quoted scalar (a JSON string is one).
func yamlQuote(s string) string {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil {
		panic(err)
	}
	return strings.TrimSuffix(buf.String(), "\n")
}
