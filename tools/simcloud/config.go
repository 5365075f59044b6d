package simcloud

import (
	"encoding/json"
	"regexp"
	"slices"
	"strings"

	"github.com/eksplatform/pulumi-eksplatform/provider/pkg/fakeaws"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"gopkg.in/yaml.v3"
)

// region is the aws provider's configured region (default us-west-2).
func (s *Server) region() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return orDefault(str(s.config, "region"), fakeaws.DefaultRegion)
}

// configFromVariables turns "aws:config:region"-style variables (sent by
// engines that do not send Args) into a property map keyed "region".
func configFromVariables(vars map[string]string) resource.PropertyMap {
	m := resource.PropertyMap{}
	for k, v := range vars {
		m[resource.PropertyKey(k[strings.LastIndex(k, ":")+1:])] = resource.NewProperty(v)
	}
	return m
}

var clusterNameArg = regexp.MustCompile(`--cluster-name["'\s,=\-]*([A-Za-z0-9][A-Za-z0-9_.\-]*)`)

// kubeCluster maps the kubernetes provider's kubeconfig to the EKS cluster it
// points at: first by the endpoint hash of a cluster known to the journal,
// then by the `aws eks get-token --cluster-name` argument. "" if unknown
// (e.g. the default provider with an ambient kubeconfig).
func (s *Server) kubeCluster(w *world) string {
	s.mu.Lock()
	kv := get(s.config, "kubeconfig")
	s.mu.Unlock()
	var kc string
	switch {
	case kv.IsString():
		kc = kv.StringValue()
	case kv.IsObject():
		b, _ := json.Marshal(kv.ObjectValue().Mappable())
		kc = string(b)
	default:
		return ""
	}
	servers := kubeconfigServers(kc)
	for _, c := range w.ids(typCluster) {
		// Its real control plane's endpoint (controlplane.go), or, for a cluster made
		// before the test bed had one, EKS's hostname.
		if ep, _, ok := s.knownClusterAddress(c); (ok && slices.Contains(servers, ep)) || strings.Contains(kc, clusterHash(c)) {
			return c
		}
	}
	if m := clusterNameArg.FindStringSubmatch(kc); m != nil {
		return m[1]
	}
	return ""
}

// kubeconfigServers lists the server URLs of a kubeconfig's clusters (JSON or YAML).
func kubeconfigServers(kc string) []string {
	var doc struct {
		Clusters []struct {
			Cluster struct {
				Server string `yaml:"server"`
			} `yaml:"cluster"`
		} `yaml:"clusters"`
	}
	if yaml.Unmarshal([]byte(kc), &doc) != nil {
		return nil
	}
	var out []string
	for _, c := range doc.Clusters {
		out = append(out, c.Cluster.Server)
	}
	return out
}
