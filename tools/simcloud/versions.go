package simcloud

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/eksplatform/pulumi-eksplatform/provider/pkg/eksversions"
	"github.com/eksplatform/pulumi-eksplatform/provider/pkg/fakeaws"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// Kubernetes versions on EKS. The platform's upgrade order (docs/upgrading.md) exists
// because EKS refuses these, so the simulator refuses them too:
//
//   - a control-plane update of more than one minor, or down: EKS answers
//     "InvalidParameterException: Unsupported Kubernetes minor version update from
//     1.22 to 1.25" (terraform-aws-eks #2607; rancher #28939 for a downgrade). That
//     rule is checkUpdate's (rules.go); TestClusterVersionStepsOneMinorUp covers it;
//   - an add-on version the cluster's version does not support: "InvalidParameterException:
//     Addon version specified is not supported" (terraform-provider-aws #33385). For
//     kube-proxy, whose version names its Kubernetes minor, the simulator allows what
//     the Kubernetes skew policy allows: not newer than the control plane, at most
//     three minors older. The other add-ons' simulated versions support every minor;
//   - a node group newer than its control plane (a kubelet must not be newer than the
//     API server). EKS refuses it at the API (eksctl #3727); the message here follows
//     the one EKS gives for a release version (eksctl #7976), since no exact text for
//     a version is published.
//
// Each check compares with the cluster as the simulated cloud holds it at that
// moment, so an add-on or node group updated before its control plane fails.
//
// And the EKS support calendar, on the simulated cloud's date (Options.Today), read from
// the same table the platform validates with (provider/pkg/eksversions): it is a table
// of facts with their sources, checked against the text they were read from, so one
// copy serves both, as the chart facts of helmkube.go do (docs/design.md). EKS refuses
//
//   - a cluster at a version past extended support: "On the end of extended support
//     date, you can no longer create new Amazon EKS clusters with the unsupported
//     version" (the AWS page the table cites);
//   - the STANDARD upgrade policy on a version past standard support: "You cannot
//     disable extended support once your cluster has entered it" (the EKS user guide,
//     disable-extended-support). AWS publishes no exact message for either; the texts
//     below are the simulator's. A cluster that names no policy gets EKS's default,
//     EXTENDED.
//
// Only a change of version or policy is checked on an update, and only versions the
// calendar knows: simulator tests use older versions (1.18) to exercise Helm's rules.

// minor is the minor of "1.NN" or "v1.NN.p-…", and whether it parsed.
func minor(v string) (int, bool) {
	parts := strings.SplitN(strings.TrimPrefix(v, "v"), ".", 3)
	if len(parts) < 2 || parts[0] != "1" {
		return 0, false
	}
	n, err := strconv.Atoi(parts[1])
	return n, err == nil
}

// clusterVersion is the live cluster's Kubernetes version, "" when unknown; it must
// run under locked.
func (s *Server) clusterVersion(cluster string, v view) string {
	if cluster == "" || !v.exists(typCluster, cluster) {
		return ""
	}
	o, ok := s.ledger.getObject(typCluster, cluster)
	if !ok {
		return ""
	}
	in, err := decodeMap(o.Inputs)
	if err != nil {
		return ""
	}
	return str(in, "version")
}

// checkVersions applies the add-on and node group rules above, and Helm's kubeVersion
// check of a release's chart (helmkube.go), to a create (old nil) or update of r; it
// must run under locked.
func (s *Server) checkVersions(r *res, old resource.PropertyMap, cluster string, v view) error {
	switch r.Type {
	case typCluster:
		return s.checkSupport(r.Inputs, old)
	case typAddon:
		if str(r.Inputs, "addonName") != "kube-proxy" {
			return nil
		}
		av, cv := str(r.Inputs, "addonVersion"), s.clusterVersion(cluster, v)
		a, ok1 := minor(av)
		c, ok2 := minor(cv)
		if ok1 && ok2 && (a > c || a < c-3) {
			return fmt.Errorf("InvalidParameterException: Addon version specified is not supported (kube-proxy %s on a %s cluster)", av, cv)
		}
	case typRelease:
		// Helm's kubeVersion check of the chart (helmkube.go), on install and upgrade.
		return checkChartKubeVersion(r, s.clusterVersion(cluster, v))
	case typNodeGroup:
		nv, cv := str(r.Inputs, "version"), s.clusterVersion(cluster, v)
		n, ok1 := minor(nv)
		c, ok2 := minor(cv)
		if ok1 && ok2 && n > c {
			return fmt.Errorf("InvalidParameterException: Requested Nodegroup version %s is not valid for kubernetes version %s", nv, cv)
		}
	}
	return nil
}

// today is the simulated cloud's date.
func (s *Server) today() time.Time {
	if s.opts.Today != nil {
		return s.opts.Today()
	}
	return time.Now()
}

// supportType is a cluster's upgradePolicy.supportType, EKS's default when not given.
func supportType(in resource.PropertyMap) string {
	return orDefault(str(in, "upgradePolicy", "supportType"), "EXTENDED")
}

// checkSupport refuses a cluster create (old nil), or an update that changes its
// version or policy, that EKS refuses on the calendar.
func (s *Server) checkSupport(in, old resource.PropertyMap) error {
	version, policy := str(in, "version"), supportType(in)
	if old != nil && str(old, "version") == version && supportType(old) == policy {
		return nil
	}
	v, ok := eksversions.Lookup(version)
	if !ok {
		return nil
	}
	switch v.Phase(s.today()) {
	case eksversions.Ended:
		return fmt.Errorf("InvalidParameterException: Kubernetes version %s is not supported: its extended support ended on %s", version, v.EndOfExtended)
	case eksversions.Extended:
		if policy == "STANDARD" {
			return fmt.Errorf("InvalidParameterException: Kubernetes version %s is in extended support (its standard support ended on %s); upgradePolicy supportType STANDARD is not allowed for it", version, v.EndOfStandard)
		}
	}
	return nil
}

// liveInputs are the inputs of the live object typ/id, or nil; it takes the lock.
func (s *Server) liveInputs(typ, id string) (resource.PropertyMap, error) {
	var in resource.PropertyMap
	err := s.ledger.locked(func() error {
		v, err := s.ledger.load()
		if err != nil || !v.exists(typ, id) {
			return err
		}
		o, ok := s.ledger.getObject(typ, id)
		if !ok {
			return nil
		}
		in, err = decodeMap(o.Inputs)
		return err
	})
	return in, err
}

// liveIDs are the sorted ids of the live objects of typ; it takes the lock.
func (s *Server) liveIDs(typ string) ([]string, error) {
	var ids []string
	err := s.ledger.locked(func() error {
		v, err := s.ledger.load()
		if err != nil {
			return err
		}
		ids = v.ids(typ)
		return nil
	})
	slices.Sort(ids)
	return ids, err
}

func anyList(ss []string) []any {
	out := make([]any, 0, len(ss))
	for _, s := range ss {
		out = append(out, s)
	}
	return out
}

// The EKS data sources that read what runs: the cluster names of the account, a
// cluster, a cluster's node group names, a node group. Like the real ones, getCluster
// and getNodeGroup fail on a name that does not exist; the lists do not. They answer
// from the simulated cloud (out-of-band changes included), not from the engine's state.
func init() {
	invokes["aws:eks/getClusters:getClusters"] = func(s *Server, _ resource.PropertyMap) (map[string]any, error) {
		if err := s.absorbDrift(); err != nil {
			return nil, err
		}
		ids, err := s.liveIDs(typCluster)
		return map[string]any{"id": s.region(), "names": anyList(ids)}, err
	}
	invokes["aws:eks/getCluster:getCluster"] = func(s *Server, args resource.PropertyMap) (map[string]any, error) {
		name := str(args, "name")
		in, err := s.liveInputs(typCluster, name)
		if err != nil {
			return nil, err
		}
		if in == nil {
			return nil, fmt.Errorf("reading EKS Cluster (%s): couldn't find resource", name)
		}
		out := map[string]any{"id": name, "name": name, "version": str(in, "version"), "status": "ACTIVE",
			"roleArn": str(in, "roleArn"), "tags": map[string]any{},
			// The ARN the cluster's create returned (fakeaws/types.go): the owner check
			// names it in the command that claims a cluster.
			"arn": "arn:" + fakeaws.Partition + ":eks:" + s.region() + ":" + fakeaws.Account + ":cluster/" + name}
		// tags and computeConfigs, with the data source's field names: the cluster guard
		// reads the platform's identity and create-only settings from them.
		if t := get(in, "tags"); t.IsObject() {
			tags := map[string]any{}
			for k, v := range t.ObjectValue() {
				if v = val(v); v.IsString() {
					tags[string(k)] = v.StringValue()
				}
			}
			out["tags"] = tags
		}
		if am := readAutoMode(in); am.compute || am.nodeRoleArn != "" {
			out["computeConfigs"] = []any{map[string]any{"enabled": am.compute, "nodeRoleArn": am.nodeRoleArn,
				"nodePools": anyList(am.nodePools)}}
		}
		return out, nil
	}
	invokes["aws:eks/getNodeGroups:getNodeGroups"] = func(s *Server, args resource.PropertyMap) (map[string]any, error) {
		cluster := str(args, "clusterName")
		ids, err := s.liveIDs(typNodeGroup)
		var names []string
		for _, id := range ids {
			if ng, ok := strings.CutPrefix(id, cluster+":"); ok {
				names = append(names, ng)
			}
		}
		return map[string]any{"id": cluster, "clusterName": cluster, "names": anyList(names)}, err
	}
	invokes["aws:eks/getNodeGroup:getNodeGroup"] = func(s *Server, args resource.PropertyMap) (map[string]any, error) {
		cluster, ng := str(args, "clusterName"), str(args, "nodeGroupName")
		in, err := s.liveInputs(typNodeGroup, cluster+":"+ng)
		if err != nil {
			return nil, err
		}
		if in == nil {
			return nil, fmt.Errorf("reading EKS Node Group (%s:%s): couldn't find resource", cluster, ng)
		}
		amiType := str(in, "amiType")
		out := map[string]any{"id": cluster + ":" + ng, "clusterName": cluster, "nodeGroupName": ng,
			"version": str(in, "version"), "status": "ACTIVE",
			"nodeRoleArn": str(in, "nodeRoleArn"), "subnetIds": anyList(strs(in, "subnetIds")),
			// Given on the group (not in its launch template), EKS reports them back for
			// a group with a launch template too: a plan of such a group shows the
			// instance_types read from EKS (aws/containers-roadmap#746), although the
			// API reference says null for types that are in the template.
			"instanceTypes": anyList(strs(in, "instanceTypes")),
			// EKS's default capacity type is ON_DEMAND.
			"capacityType": orDefault(str(in, "capacityType"), "ON_DEMAND"),
		}
		// DescribeNodegroup's launchTemplate is the template the group was created with
		// (its id, name and version); pulumi-aws's data source lists it as
		// launchTemplates.
		if id := str(in, "launchTemplate", "id"); id != "" {
			lt := map[string]any{"id": id, "version": str(in, "launchTemplate", "version")}
			var props resource.PropertyMap
			var found bool
			if err := s.ledger.locked(func() error {
				props, found = s.launchTemplateOf(in)
				return nil
			}); err != nil {
				return nil, err
			}
			if found {
				lt["name"] = str(props, "name")
				// With an AMI in the launch template EKS reports the AMI type CUSTOM.
				if amiType == "" && str(props, "imageId") != "" {
					amiType = "CUSTOM"
				}
			}
			out["launchTemplates"] = []any{lt}
		}
		out["amiType"] = amiType
		return out, nil
	}
}
