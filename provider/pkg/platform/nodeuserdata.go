package platform

import (
	"encoding/base64"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"gopkg.in/yaml.v3"
)

// The launch template's user data, rendered from the node group's customization. The
// formats are the EKS user guide's (launch templates, "Amazon EC2 user data") and
// nodeadm's (amazon-eks-ami v20260724, nodeadm/README.md and doc/examples.md): Amazon
// Linux reads a MIME multi-part document whose application/node.eks.aws parts are
// NodeConfig objects, merged in order (a later one wins); Bottlerocket reads TOML
// settings. The bytes are the same on every run (sorted keys), so a second `pulumi up`
// changes nothing; a change makes a new launch template version, which EKS rolls out to
// the nodes in place (the node group keeps its name: nodegroups.go).

// userDataBoundary separates the MIME parts; no part may contain "--" and it.
const userDataBoundary = "==EKSPLATFORM=="

// nodeConfigMediaType is nodeadm's part type.
const nodeConfigMediaType = "application/node.eks.aws"

// clusterBootstrap is what a node of a custom AMI needs to join the cluster: nodeadm's
// ClusterDetails.
type clusterBootstrap struct {
	Name, Endpoint, CertificateAuthority, ServiceCidr string
}

// hasUserData reports whether the group's launch template carries user data.
func (g nodeGroupConfig) hasUserData() bool {
	c := g.Custom
	switch {
	case g.bottlerocket():
		return c.hasKubelet() || c.Bottlerocket != nil
	case g.linuxMime():
		return g.custom() || c.hasKubelet() || c.Nodeadm != nil || len(c.Parts) > 0
	}
	return false
}

// platformNodeConfig is the NodeConfig spec the platform writes: the cluster's details
// for a custom AMI (EKS writes them otherwise), and the kubelet settings. nil when empty.
func platformNodeConfig(g nodeGroupConfig, cluster *clusterBootstrap) map[string]any {
	spec := map[string]any{}
	if g.custom() && cluster != nil {
		spec["cluster"] = map[string]any{
			"name":                 cluster.Name,
			"apiServerEndpoint":    cluster.Endpoint,
			"certificateAuthority": cluster.CertificateAuthority,
			"cidr":                 cluster.ServiceCidr,
		}
	}
	kubelet := map[string]any{}
	config := map[string]any{}
	if g.Custom.MaxPods > 0 {
		config["maxPods"] = g.Custom.MaxPods
	}
	if len(g.Custom.KubeReserved) > 0 {
		config["kubeReserved"] = g.Custom.KubeReserved
	}
	if len(g.Custom.SystemReserved) > 0 {
		config["systemReserved"] = g.Custom.SystemReserved
	}
	if len(config) > 0 {
		kubelet["config"] = config
	}
	// With a custom AMI EKS applies the group's taints only after the node joins, so
	// pods could land first: the kubelet registers the node with them (EKS user guide,
	// "Limits and conditions when specifying an AMI ID").
	if g.custom() && len(g.Taints) > 0 {
		var taints []string
		for _, t := range g.Taints {
			taints = append(taints, kubeletTaint(t))
		}
		kubelet["flags"] = []string{"--register-with-taints=" + strings.Join(taints, ",")}
	}
	if len(kubelet) > 0 {
		spec["kubelet"] = kubelet
	}
	if len(spec) == 0 {
		return nil
	}
	return spec
}

// nodeConfigDocument renders a NodeConfig with the given spec as YAML.
func nodeConfigDocument(spec map[string]any) (string, error) {
	var b strings.Builder
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(map[string]any{"apiVersion": "node.eks.aws/v1alpha1", "kind": "NodeConfig", "spec": spec}); err != nil {
		return "", err
	}
	if err := enc.Close(); err != nil {
		return "", err
	}
	return "---\n" + b.String(), nil
}

type mimePart struct{ ContentType, Content string }

// renderMIME is a MIME multi-part document of the parts, in order.
func renderMIME(parts []mimePart) (string, error) {
	var b strings.Builder
	b.WriteString("MIME-Version: 1.0\n")
	b.WriteString(`Content-Type: multipart/mixed; boundary="` + userDataBoundary + `"` + "\n\n")
	for _, p := range parts {
		if strings.Contains(p.Content, "--"+userDataBoundary) {
			return "", fmt.Errorf("a %s part contains the MIME boundary %q", p.ContentType, "--"+userDataBoundary)
		}
		b.WriteString("--" + userDataBoundary + "\n")
		ct := p.ContentType
		if strings.HasPrefix(ct, "text/") {
			ct += `; charset="us-ascii"`
		}
		b.WriteString("Content-Type: " + ct + "\n\n")
		b.WriteString(p.Content)
		if !strings.HasSuffix(p.Content, "\n") {
			b.WriteString("\n")
		}
		b.WriteString("\n")
	}
	b.WriteString("--" + userDataBoundary + "--\n")
	return b.String(), nil
}

// renderLinuxUserData is the MIME user data of an Amazon Linux group: the platform's
// NodeConfig, the user's NodeConfig spec, then the user's parts.
func renderLinuxUserData(g nodeGroupConfig, cluster *clusterBootstrap, nodeadm map[string]any, contents []string) (string, error) {
	var parts []mimePart
	if spec := platformNodeConfig(g, cluster); spec != nil {
		doc, err := nodeConfigDocument(spec)
		if err != nil {
			return "", err
		}
		parts = append(parts, mimePart{nodeConfigMediaType, doc})
	}
	if len(nodeadm) > 0 {
		doc, err := nodeConfigDocument(nodeadm)
		if err != nil {
			return "", err
		}
		parts = append(parts, mimePart{nodeConfigMediaType, doc})
	}
	for i, p := range g.Custom.Parts {
		parts = append(parts, mimePart{p.ContentType, contents[i]})
	}
	return renderMIME(parts)
}

// renderBottlerocketTOML renders Bottlerocket settings (the [settings] table's contents)
// with the kubelet settings of c merged in.
func renderBottlerocketTOML(settings map[string]any, c nodeCustomConfig) (string, error) {
	merged := deepCopyMap(settings)
	k8s, _ := merged["kubernetes"].(map[string]any)
	if k8s == nil {
		k8s = map[string]any{}
	}
	if c.MaxPods > 0 {
		k8s["max-pods"] = c.MaxPods
	}
	if len(c.KubeReserved) > 0 {
		k8s["kube-reserved"] = stringsToAny(c.KubeReserved)
	}
	if len(c.SystemReserved) > 0 {
		k8s["system-reserved"] = stringsToAny(c.SystemReserved)
	}
	if len(k8s) > 0 {
		merged["kubernetes"] = k8s
	}
	var b strings.Builder
	if err := writeTOMLTable(&b, []string{"settings"}, merged); err != nil {
		return "", err
	}
	return strings.TrimPrefix(b.String(), "\n"), nil
}

// bareKey is a TOML bare key. EKS's TOML merge does not take quoted keys in table
// headers, nor quotes inside quoted keys (EKS user guide, Bottlerocket user data).
var bareKey = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)

func writeTOMLTable(b *strings.Builder, path []string, table map[string]any) error {
	keys := sortedKeys(table)
	var subtables []string
	var lines []string
	for _, k := range keys {
		v := table[k]
		if sub, ok := v.(map[string]any); ok {
			if !bareKey.MatchString(k) {
				return fmt.Errorf("%s.%s: a table name must be letters, digits, '-' or '_' (EKS does not merge quoted table names)", strings.Join(path[1:], "."), k)
			}
			subtables = append(subtables, k)
			_ = sub
			continue
		}
		val, err := tomlValue(v)
		if err != nil {
			return fmt.Errorf("%s: %v", strings.Join(append(slices.Clone(path[1:]), k), "."), err)
		}
		key := k
		if !bareKey.MatchString(k) {
			if strings.ContainsAny(k, `"\`) {
				return fmt.Errorf("%s: key %q has a quote or backslash, which EKS does not merge", strings.Join(path[1:], "."), k)
			}
			key = `"` + k + `"`
		}
		lines = append(lines, key+" = "+val)
	}
	if len(lines) > 0 {
		b.WriteString("\n[" + strings.Join(path, ".") + "]\n")
		for _, l := range lines {
			b.WriteString(l + "\n")
		}
	}
	for _, k := range subtables {
		if err := writeTOMLTable(b, append(slices.Clone(path), k), table[k].(map[string]any)); err != nil {
			return err
		}
	}
	return nil
}

func tomlValue(v any) (string, error) {
	switch x := v.(type) {
	case string:
		if strings.ContainsAny(x, "\"\\\n") {
			return "", fmt.Errorf("string %q has a quote, backslash or newline, which EKS does not merge", x)
		}
		return `"` + x + `"`, nil
	case bool:
		return strconv.FormatBool(x), nil
	case int:
		return strconv.Itoa(x), nil
	case float64:
		if x == math.Trunc(x) && math.Abs(x) < 1<<53 {
			return strconv.FormatInt(int64(x), 10), nil
		}
		return strconv.FormatFloat(x, 'f', -1, 64), nil
	case []any:
		var items []string
		kinds := map[string]bool{}
		for _, e := range x {
			switch n := e.(type) {
			case map[string]any, []any:
				return "", fmt.Errorf("arrays of tables or arrays are not supported; give a list of strings, numbers or booleans")
			case float64:
				if n == math.Trunc(n) {
					kinds["int"] = true
				} else {
					kinds["float"] = true
				}
			default:
				kinds[fmt.Sprintf("%T", e)] = true
			}
			s, err := tomlValue(e)
			if err != nil {
				return "", err
			}
			items = append(items, s)
		}
		if len(kinds) > 1 {
			return "", fmt.Errorf("a list mixes types (EKS does not merge mixed arrays, nor integers with floats); give values of one type")
		}
		return "[" + strings.Join(items, ", ") + "]", nil
	case nil:
		return "", fmt.Errorf("null is not a TOML value; remove the key")
	}
	return "", fmt.Errorf("%T is not a TOML value", v)
}

func deepCopyMap(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		if sub, ok := v.(map[string]any); ok {
			out[k] = deepCopyMap(sub)
		} else {
			out[k] = v
		}
	}
	return out
}

func stringsToAny(m map[string]string) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// userData is the launch template's user data (base64), nil when the group has none.
// It is an Output of the cluster (a custom AMI's NodeConfig) and of the user's inputs,
// so their secretness is kept.
func (b *build) userData(g nodeGroupConfig, cluster *clusterResult) pulumi.StringPtrInput {
	if !g.hasUserData() {
		return nil
	}
	c := g.Custom
	if g.bottlerocket() {
		settings := c.Bottlerocket
		if settings == nil {
			settings = pulumi.Map{}
		}
		return settings.ToMapOutput().ApplyT(func(s map[string]any) (*string, error) {
			doc, err := renderBottlerocketTOML(s, c)
			if err != nil {
				return nil, err
			}
			enc := base64.StdEncoding.EncodeToString([]byte(doc))
			return &enc, nil
		}).(pulumi.StringPtrOutput)
	}
	nodeadm := c.Nodeadm
	if nodeadm == nil {
		nodeadm = pulumi.Map{}
	}
	inputs := []any{nodeadm}
	if g.custom() {
		cl := cluster.Cluster
		inputs = append(inputs, cl.Name, cl.Endpoint, cl.CertificateAuthority.Data().Elem(),
			cl.KubernetesNetworkConfig.ServiceIpv4Cidr().Elem())
	}
	for _, p := range c.Parts {
		inputs = append(inputs, p.Content)
	}
	return pulumi.All(inputs...).ApplyT(func(v []any) (*string, error) {
		spec := v[0].(map[string]any)
		rest := v[1:]
		var boot *clusterBootstrap
		if g.custom() {
			boot = &clusterBootstrap{Name: rest[0].(string), Endpoint: rest[1].(string),
				CertificateAuthority: rest[2].(string), ServiceCidr: rest[3].(string)}
			rest = rest[4:]
		}
		contents := make([]string, len(rest))
		for i, s := range rest {
			contents[i] = s.(string)
		}
		doc, err := renderLinuxUserData(g, boot, spec, contents)
		if err != nil {
			return nil, err
		}
		enc := base64.StdEncoding.EncodeToString([]byte(doc))
		return &enc, nil
	}).(pulumi.StringPtrOutput)
}
