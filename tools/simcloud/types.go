package simcloud

import (
	"github.com/eksplatform/pulumi-eksplatform/provider/pkg/fakeaws"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// res is one resource operation as the output computations see it; on
// delete, Inputs holds the state.
type res = fakeaws.Resource

// typeInfo is what the simulator knows about one resource type.
type typeInfo struct {
	// createOnly lists property paths ("name", "vpcConfig.subnetIds") whose
	// change forces replacement, as in the real provider's schema.
	createOnly []string
	// cluster names the EKS cluster the resource belongs to, for the ordering rules.
	cluster func(r *res) string
	// outputs returns the id and the computed outputs overlaid on the inputs.
	outputs func(r *res) (string, resource.PropertyMap)
}

func clusterName(r *res) string { return str(r.Inputs, "clusterName") }

// clusterOfType says which EKS cluster a resource of an aws type belongs to.
var clusterOfType = map[string]func(r *res) string{
	typCluster:                        func(r *res) string { return r.Named("name") },
	typNodeGroup:                      clusterName,
	typFargate:                        clusterName,
	typAddon:                          clusterName,
	"aws:eks/accessEntry:AccessEntry": clusterName,
	"aws:eks/accessPolicyAssociation:AccessPolicyAssociation": clusterName,
	"aws:eks/podIdentityAssociation:PodIdentityAssociation":   clusterName,
}

// kubeTypes are the kubernetes personality's types; the aws ones (and the
// fallback for any other type: echo the inputs, id = hash of the URN) are
// fakeaws's, the same the unit tests' mocks use.
var kubeTypes = map[string]typeInfo{
	typConfigMap: {
		createOnly: []string{"metadata.name", "metadata.namespace"},
		outputs:    func(r *res) (string, resource.PropertyMap) { return kubeObject(r, "ConfigMap") },
	},
	typConfigMapPatch: {
		createOnly: []string{"metadata.name", "metadata.namespace"},
		outputs:    func(r *res) (string, resource.PropertyMap) { return kubeObject(r, "ConfigMap") },
	},
	typRelease: {
		createOnly: []string{"name", "namespace"},
		outputs:    helmOutputs,
	},
	// A CustomResourceDefinition is cluster-scoped: its id is its name, so rules can ask
	// whether a kind is served (karpenter.go).
	typCRD: {
		createOnly: []string{"metadata.name"},
		outputs: func(r *res) (string, resource.PropertyMap) {
			n := orDefault(str(r.Inputs, "metadata", "name"), r.Name)
			return n, resource.PropertyMap{}
		},
	},
}

func infoFor(typ string) typeInfo {
	if ti, ok := kubeTypes[typ]; ok {
		return ti
	}
	return typeInfo{createOnly: fakeaws.Types[typ].CreateOnly, cluster: clusterOfType[typ], outputs: fakeaws.Outputs}
}

func kubeObject(r *res, kind string) (string, resource.PropertyMap) {
	meta := resource.PropertyMap{}
	if v := get(r.Inputs, "metadata"); v.IsObject() {
		meta = v.ObjectValue().Copy()
	}
	n := orDefault(str(r.Inputs, "metadata", "name"), r.Name)
	ns := orDefault(str(r.Inputs, "metadata", "namespace"), "default")
	meta["name"] = resource.NewProperty(n)
	meta["namespace"] = resource.NewProperty(ns)
	meta["uid"] = resource.NewProperty(uuidOf("k8s", r.URN))
	return ns + "/" + n, resource.NewPropertyMapFromMap(map[string]any{
		"apiVersion": "v1",
		"kind":       kind,
		"metadata":   resource.NewObjectProperty(meta),
	})
}

func helmOutputs(r *res) (string, resource.PropertyMap) {
	n, ns := r.Named("name"), orDefault(str(r.Inputs, "namespace"), "default")
	rev := 1.0
	if v, ok := num(r.Old, "status", "revision"); ok {
		rev = v + 1
	}
	return ns + "/" + n, resource.NewPropertyMapFromMap(map[string]any{
		"name": n,
		"status": map[string]any{
			"name":       n,
			"namespace":  ns,
			"chart":      str(r.Inputs, "chart"),
			"version":    str(r.Inputs, "version"),
			"appVersion": str(r.Inputs, "version"),
			"revision":   rev,
			"status":     "deployed",
		},
	})
}
