package mocktest

import (
	"maps"
	"slices"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// LiveCluster is a running EKS cluster as getCluster reports it, with AWS's field names.
type LiveCluster struct {
	Version string
	Tags    map[string]string
	// RoleArn is the cluster's IAM role ("" reports none).
	RoleArn string
	// AutoCompute and AutoNodeRoleArn are computeConfigs[0].enabled and .nodeRoleArn.
	AutoCompute     bool
	AutoNodeRoleArn string
}

// ClusterArn is the ARN of the EKS cluster name in the mocks' account and region.
func ClusterArn(name string) string {
	return "arn:aws:eks:" + Region + ":" + Account + ":cluster/" + name
}

// SetLiveClusters makes getClusters list these clusters and getCluster answer for each
// (version, tags, role, ARN, computeConfigs), as an account with several clusters does. Node
// groups answer empty unless SetLiveCluster set them.
func (m *Mocks) SetLiveClusters(clusters map[string]LiveCluster) {
	names := slices.Sorted(maps.Keys(clusters))
	m.Invokes["aws:eks/getClusters:getClusters"] = func(resource.PropertyMap) resource.PropertyMap {
		var vs []resource.PropertyValue
		for _, n := range names {
			vs = append(vs, resource.NewProperty(n))
		}
		return resource.PropertyMap{"id": resource.NewProperty(Region), "names": resource.NewProperty(vs)}
	}
	m.Invokes["aws:eks/getCluster:getCluster"] = func(a resource.PropertyMap) resource.PropertyMap {
		c := clusters[a["name"].StringValue()]
		tags := resource.PropertyMap{}
		for k, v := range c.Tags {
			tags[resource.PropertyKey(k)] = resource.NewProperty(v)
		}
		out := resource.PropertyMap{"id": a["name"], "name": a["name"], "version": resource.NewProperty(c.Version),
			"status": resource.NewProperty("ACTIVE"), "tags": resource.NewObjectProperty(tags),
			"arn": resource.NewProperty(ClusterArn(a["name"].StringValue())), "roleArn": resource.NewProperty(c.RoleArn)}
		if c.AutoCompute || c.AutoNodeRoleArn != "" {
			out["computeConfigs"] = resource.NewProperty([]resource.PropertyValue{resource.NewObjectProperty(resource.PropertyMap{
				"enabled":     resource.NewProperty(c.AutoCompute),
				"nodeRoleArn": resource.NewProperty(c.AutoNodeRoleArn),
				"nodePools":   resource.NewProperty([]resource.PropertyValue{}),
			})})
		}
		return out
	}
	if _, ok := m.Invokes["aws:eks/getNodeGroups:getNodeGroups"]; !ok {
		m.Invokes["aws:eks/getNodeGroups:getNodeGroups"] = func(a resource.PropertyMap) resource.PropertyMap {
			return resource.PropertyMap{"id": a["clusterName"], "clusterName": a["clusterName"],
				"names": resource.NewProperty([]resource.PropertyValue{})}
		}
	}
}
