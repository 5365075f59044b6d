// Package mocktest records what a Pulumi program registers under mocks (every resource's
// type, name, inputs, parent and dependencies) so unit tests can assert properties and
// ordering rules without a cloud.
package mocktest

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Resource is one registered resource as the engine would have seen it.
type Resource struct {
	Type   string
	Name   string
	Custom bool
	Inputs resource.PropertyMap
	// Parent is the parent's name ("" for the stack).
	Parent string
	// DependsOn are the names of the resources this one depends on directly: explicit
	// DependsOn plus every resource an input value came from.
	DependsOn []string
	// Provider is the explicit provider reference, "" for the default provider.
	Provider string
}

// Mocks implements pulumi.MockResourceMonitor and records every registration and call.
type Mocks struct {
	mu        sync.Mutex
	resources []Resource
	calls     []pulumi.MockCallArgs
	// Invokes answers data sources; tests may replace entries.
	Invokes map[string]func(args resource.PropertyMap) resource.PropertyMap
	// liveNodeGroups are more fields of the live node groups (SetLiveNodeGroups).
	liveNodeGroups map[string]resource.PropertyMap
}

// New returns mocks that answer the invokes the platform uses.
func New() *Mocks {
	return &Mocks{Invokes: defaultInvokes()}
}

// Run runs program under the mocks and returns its error.
func (m *Mocks) Run(program pulumi.RunFunc) error {
	return pulumi.RunErr(program, pulumi.WithMocks("project", "stack", m))
}

// NewResource records the registration and returns the inputs plus computed outputs.
func (m *Mocks) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	r := Resource{Type: args.TypeToken, Name: args.Name, Custom: args.Custom, Inputs: args.Inputs}
	if rpc := args.RegisterRPC; rpc != nil {
		r.Parent = urnName(rpc.GetParent())
		deps := map[string]bool{}
		for _, u := range rpc.GetDependencies() {
			deps[urnName(u)] = true
		}
		for _, pd := range rpc.GetPropertyDependencies() {
			for _, u := range pd.GetUrns() {
				deps[urnName(u)] = true
			}
		}
		for d := range deps {
			r.DependsOn = append(r.DependsOn, d)
		}
		slices.Sort(r.DependsOn)
		r.Provider = args.Provider
	}
	m.mu.Lock()
	m.resources = append(m.resources, r)
	m.mu.Unlock()
	id, outs := computedOutputs(args.TypeToken, args.Name, args.Inputs)
	return id, outs, nil
}

// Call answers an invoke from the Invokes table.
func (m *Mocks) Call(args pulumi.MockCallArgs) (resource.PropertyMap, error) {
	m.mu.Lock()
	m.calls = append(m.calls, args)
	m.mu.Unlock()
	if f, ok := m.Invokes[args.Token]; ok {
		return f(args.Args), nil
	}
	return nil, fmt.Errorf("mocktest: no mock for invoke %s", args.Token)
}

// Resources returns every registered resource, in registration order.
func (m *Mocks) Resources() []Resource {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Clone(m.resources)
}

// Calls returns every invoke made.
func (m *Mocks) Calls() []pulumi.MockCallArgs {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Clone(m.calls)
}

// OfType returns the resources of one type token, in registration order.
func (m *Mocks) OfType(typ string) []Resource {
	var out []Resource
	for _, r := range m.Resources() {
		if r.Type == typ {
			out = append(out, r)
		}
	}
	return out
}

// Find returns the resource with the given name, or fails the test.
func (m *Mocks) Find(t testing.TB, name string) Resource {
	t.Helper()
	for _, r := range m.Resources() {
		if r.Name == name {
			return r
		}
	}
	t.Fatalf("no resource named %q; registered: %s", name, strings.Join(m.Names(), ", "))
	return Resource{}
}

// Names lists every registered name.
func (m *Mocks) Names() []string {
	var out []string
	for _, r := range m.Resources() {
		out = append(out, r.Name)
	}
	return out
}

// DependsOn reports whether resource a depends on resource b, directly or through a
// chain of dependencies: the engine would not start a before b is done.
func (m *Mocks) DependsOn(a, b string) bool {
	byName := map[string]Resource{}
	for _, r := range m.Resources() {
		byName[r.Name] = r
	}
	seen := map[string]bool{}
	var walk func(string) bool
	walk = func(n string) bool {
		if seen[n] {
			return false
		}
		seen[n] = true
		for _, d := range byName[n].DependsOn {
			if d == b || walk(d) {
				return true
			}
		}
		return false
	}
	return walk(a)
}

// RequireOrder fails the test unless every resource in later depends on every resource
// in earlier.
func (m *Mocks) RequireOrder(t testing.TB, rule string, earlier, later []Resource) {
	t.Helper()
	if len(earlier) == 0 || len(later) == 0 {
		t.Fatalf("%s: nothing to order (earlier %d, later %d resources)", rule, len(earlier), len(later))
	}
	for _, l := range later {
		for _, e := range earlier {
			if !m.DependsOn(l.Name, e.Name) {
				t.Errorf("%s: %s (%s) does not depend on %s (%s)", rule, l.Name, l.Type, e.Name, e.Type)
			}
		}
	}
}

// urnName is the resource name at the end of a URN.
func urnName(urn string) string {
	if i := strings.LastIndex(urn, "::"); i >= 0 {
		return urn[i+2:]
	}
	return urn
}

// SetLiveCluster makes the EKS data sources answer as if cluster ran Kubernetes version
// with the managed node groups given (EKS name → version), as a running platform's
// account does on its next `pulumi up`. The cluster carries no tags, as release 0.1.0
// made it, and the role that release gave it ("<cluster>-cluster"), by which the owner
// check (platform/clusterowner.go) knows it for a platform's.
func (m *Mocks) SetLiveCluster(cluster, version string, nodeGroups map[string]string) {
	strs := func(ss []string) resource.PropertyValue {
		var vs []resource.PropertyValue
		for _, s := range ss {
			vs = append(vs, resource.NewProperty(s))
		}
		return resource.NewProperty(vs)
	}
	var groups []string
	for ng := range nodeGroups {
		groups = append(groups, ng)
	}
	slices.Sort(groups)
	m.Invokes["aws:eks/getClusters:getClusters"] = func(resource.PropertyMap) resource.PropertyMap {
		return resource.PropertyMap{"id": resource.NewProperty(Region), "names": strs([]string{cluster})}
	}
	m.Invokes["aws:eks/getCluster:getCluster"] = func(a resource.PropertyMap) resource.PropertyMap {
		return resource.PropertyMap{"id": a["name"], "name": a["name"], "version": resource.NewProperty(version),
			"status": resource.NewProperty("ACTIVE"), "arn": resource.NewProperty(ClusterArn(cluster)),
			"roleArn": resource.NewProperty("arn:aws:iam::" + Account + ":role/" + cluster + "-cluster")}
	}
	m.Invokes["aws:eks/getNodeGroups:getNodeGroups"] = func(a resource.PropertyMap) resource.PropertyMap {
		return resource.PropertyMap{"id": a["clusterName"], "clusterName": a["clusterName"], "names": strs(groups)}
	}
	m.Invokes["aws:eks/getNodeGroup:getNodeGroup"] = func(a resource.PropertyMap) resource.PropertyMap {
		ng := a["nodeGroupName"].StringValue()
		out := resource.PropertyMap{"id": resource.NewProperty(a["clusterName"].StringValue() + ":" + ng),
			"clusterName": a["clusterName"], "nodeGroupName": a["nodeGroupName"],
			"version": resource.NewProperty(nodeGroups[ng]), "status": resource.NewProperty("ACTIVE")}
		m.mu.Lock()
		defer m.mu.Unlock()
		for k, v := range m.liveNodeGroups[ng] {
			out[k] = v
		}
		return out
	}
}

// SetLiveNodeGroups makes cluster run Kubernetes version (SetLiveCluster) with the node
// groups given, each at that version, and getNodeGroup answer each group's fields, in
// the data source's names: "amiType", "capacityType", "instanceTypes", "nodeRoleArn",
// "subnetIds", "launchTemplates" ([{"id": ..., "version": ...}]).
func (m *Mocks) SetLiveNodeGroups(cluster, version string, groups map[string]map[string]any) {
	versions := map[string]string{}
	m.mu.Lock()
	if m.liveNodeGroups == nil {
		m.liveNodeGroups = map[string]resource.PropertyMap{}
	}
	for ng, fields := range groups {
		versions[ng] = version
		m.liveNodeGroups[ng] = resource.NewPropertyMapFromMap(fields)
	}
	m.mu.Unlock()
	m.SetLiveCluster(cluster, version, versions)
}
