package platform

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Node customization of a managed node group: a custom AMI, the EKS AMI release, kubelet
// settings, nodeadm NodeConfig and cloud-init parts (Amazon Linux), Bottlerocket settings,
// a capacity reservation and a placement group. What goes into the launch template's user
// data follows the EKS user guide ("Customize managed nodes with launch templates",
// docs/design.md "Node customization"):
//   - without a custom AMI, EKS merges the user data with its own bootstrap: MIME
//     multi-part for Amazon Linux, TOML for Bottlerocket;
//   - with a custom AMI, EKS merges nothing and the user data must bootstrap the node:
//     for AL2023 a NodeConfig with the cluster's name, endpoint, CA and service CIDR
//     (the platform writes it from the cluster), and amiType, releaseVersion and version
//     must not be set on the node group.

const customAmiType = "CUSTOM"

var (
	amiIDPattern              = regexp.MustCompile(`^ami-[0-9a-f]{8}([0-9a-f]{9})?$`)
	releaseVersionPattern     = regexp.MustCompile(`^([0-9]+)\.([0-9]+)\.[0-9]+-[0-9a-z]+$`)
	capacityReservationIDPatt = regexp.MustCompile(`^cr-[0-9a-f]{17}$`)
	placementGroupPattern     = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,254}$`)
	// quantityPattern is a Kubernetes resource quantity (100m, 1Gi, 0.5).
	quantityPattern = regexp.MustCompile(`^[0-9]+(\.[0-9]+)?(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$`)
	// reservedResources are the resources kubeReserved and systemReserved take
	// (KubeletConfiguration; Bottlerocket's kube-reserved and system-reserved).
	reservedResources = []string{"cpu", "memory", "ephemeral-storage", "pid"}
	// nodeConfigSpecFields are the fields of nodeadm's NodeConfigSpec
	// (amazon-eks-ami v20260724, nodeadm/doc/api.md); cluster is the platform's.
	nodeConfigSpecFields = []string{"containerd", "instance", "kubelet", "featureGates"}
	// userDataContentTypes are the MIME part types cloud-init and nodeadm read on
	// Amazon Linux (cloud-init's user data formats, and nodeadm's application/node.eks.aws).
	userDataContentTypes = []string{"text/x-shellscript", "text/cloud-config", "text/cloud-boothook",
		"text/x-include-url", "text/part-handler", "text/jinja2", "application/node.eks.aws"}
	// bottlerocketClusterSettings are set by EKS (or the platform) from the cluster: a
	// node with other values would not join it.
	bottlerocketClusterSettings = []string{"cluster-name", "api-server", "cluster-certificate"}
)

// nodeCustomConfig is a node group's customization, read and checked.
type nodeCustomConfig struct {
	// AmiID is the custom AMI (amiType CUSTOM); Input is what the user gave.
	AmiID      string
	AmiIDInput pulumi.StringInput
	// ReleaseVersion pins the EKS AMI release; nil when not given.
	ReleaseVersion pulumi.StringInput
	// Kubelet settings, rendered into NodeConfig (AL2023) or Bottlerocket settings.
	MaxPods                      int
	KubeReserved, SystemReserved map[string]string
	// Nodeadm is the user's NodeConfig spec, merged after the platform's; nil if none.
	Nodeadm pulumi.MapInput
	// Parts are extra MIME parts, in order.
	Parts []userDataPart
	// Bottlerocket is the user's settings (the TOML's [settings] table); nil if none.
	Bottlerocket pulumi.MapInput
	// CapacityReservationID and PlacementGroup go on the launch template; nil if none.
	CapacityReservationID pulumi.StringInput
	PlacementGroup        pulumi.StringInput
	// SecurityGroups are the group's extra security groups (securitygroups_config.go);
	// Input is nil when none were given.
	SecurityGroups stringList
}

type userDataPart struct {
	ContentType string
	Content     pulumi.StringInput
}

func (g nodeGroupConfig) custom() bool       { return g.AmiType == customAmiType }
func (g nodeGroupConfig) bottlerocket() bool { return strings.HasPrefix(g.AmiType, "BOTTLEROCKET_") }
func (g nodeGroupConfig) al2023() bool       { return strings.HasPrefix(g.AmiType, "AL2023_") }

// nodeadm reports whether the group's nodes bootstrap with nodeadm (AL2023, and custom
// AMIs, which the platform bootstraps with a NodeConfig).
func (g nodeGroupConfig) nodeadm() bool { return g.al2023() || g.custom() }

// hasKubelet reports whether kubelet settings were given.
func (c nodeCustomConfig) hasKubelet() bool {
	return c.MaxPods > 0 || len(c.KubeReserved) > 0 || len(c.SystemReserved) > 0
}

func resolveNodeCustom(p *problems, path string, g NodeGroupArgs, ng *nodeGroupConfig, cluster *clusterConfig) {
	r := reader{p}
	c := &ng.Custom
	c.AmiID = r.str(path+".amiId", g.AmiId)
	_, amiGiven, amiKnown := plainString(g.AmiId)
	if amiGiven && (!amiKnown || c.AmiID != "") {
		c.AmiIDInput = g.AmiId
	}
	switch {
	case ng.custom() && c.AmiIDInput == nil:
		p.addf("%s.amiId: missing; amiType CUSTOM runs an AMI of your own, give its ID (ami-...), or use an EKS AMI type such as %s", path, defaultAmiType)
	case !ng.custom() && c.AmiIDInput != nil:
		p.addf("%s.amiId: a custom AMI needs amiType CUSTOM (EKS then merges no user data and the platform writes the nodeadm bootstrap); set amiType: CUSTOM, or remove amiId to run the EKS AMI of %s", path, ng.AmiType)
	case c.AmiID != "" && !amiIDPattern.MatchString(c.AmiID):
		p.addf("%s.amiId: %q is not an AMI ID; give an ID like ami-0123456789abcdef0", path, c.AmiID)
	}

	release, releaseGiven, releaseKnown := plainString(g.ReleaseVersion)
	r.note(path+".releaseVersion", releaseKnown)
	if releaseGiven && (!releaseKnown || release != "") {
		c.ReleaseVersion = g.ReleaseVersion
		m := releaseVersionPattern.FindStringSubmatch(release)
		switch {
		case ng.custom():
			p.addf("%s.releaseVersion: EKS sets no release version on a custom AMI (amiType CUSTOM); change amiId to move to another image, or remove releaseVersion", path)
		case releaseKnown && m == nil:
			p.addf("%s.releaseVersion: %q is not an EKS AMI release version; give one like 1.33.0-20250704 (Amazon Linux) or 1.40.0-11e6ac0b (Bottlerocket), or remove it for the latest", path, release)
		case releaseKnown && !ng.bottlerocket() && cluster.Version != "" && m[1]+"."+m[2] != cluster.Version:
			// Amazon Linux and Windows releases are built per Kubernetes minor;
			// Bottlerocket's are its own OS versions.
			p.addf("%s.releaseVersion: %q is a release for Kubernetes %s.%s, but the cluster runs %s; give a release of %s (bump releaseVersion together with kubernetesVersion)", path, release, m[1], m[2], cluster.Version, cluster.Version)
		}
	}

	if k := g.Kubelet; k != nil {
		kp := path + ".kubelet"
		c.MaxPods = r.integer(kp+".maxPods", k.MaxPods, 0)
		if _, given, known := plainInt(k.MaxPods); given && known && c.MaxPods < 1 {
			p.addf("%s.maxPods: %d is less than 1; give the most pods a node runs (see the EKS max-pods calculator), or remove it", kp, c.MaxPods)
		}
		c.KubeReserved = reserved(p, kp+".kubeReserved", r.strMap(kp+".kubeReserved", k.KubeReserved))
		c.SystemReserved = reserved(p, kp+".systemReserved", r.strMap(kp+".systemReserved", k.SystemReserved))
		if c.hasKubelet() && !ng.nodeadm() && !ng.bottlerocket() {
			p.addf("%s: kubelet settings are written into nodeadm's NodeConfig (AL2023, CUSTOM) or Bottlerocket settings; amiType %s has neither, use an AL2023 or Bottlerocket AMI type", kp, ng.AmiType)
		}
	}

	c.Nodeadm = resolveNodeadm(p, path+".nodeadmConfig", g.NodeadmConfig, *ng)
	for j, part := range g.UserDataParts {
		pp := fmt.Sprintf("%s.userDataParts[%d]", path, j)
		ct := r.str(pp+".contentType", part.ContentType)
		content, contentGiven, contentKnown := plainString(part.Content)
		r.note(pp+".content", contentKnown)
		switch {
		case !slices.Contains(userDataContentTypes, ct):
			p.addf("%s.contentType: %q is not a user data part type cloud-init or nodeadm reads; use one of %s", pp, ct, strings.Join(userDataContentTypes, ", "))
		case !contentGiven || (contentKnown && content == ""):
			p.addf("%s.content: missing; give the part's content (a script, cloud-config or NodeConfig)", pp)
		case strings.Contains(content, "--"+userDataBoundary):
			p.addf("%s.content: contains the platform's MIME boundary %q; remove that line", pp, "--"+userDataBoundary)
		}
		c.Parts = append(c.Parts, userDataPart{ContentType: ct, Content: part.Content})
	}
	if len(g.UserDataParts) > 0 && !ng.linuxMime() {
		p.addf("%s.userDataParts: %s user data is not MIME multi-part (Bottlerocket reads TOML settings, Windows PowerShell); use bottlerocketSettings on Bottlerocket, or an Amazon Linux AMI type", path, ng.AmiType)
	}
	c.Bottlerocket = resolveBottlerocket(p, path+".bottlerocketSettings", g.BottlerocketSettings, *ng)

	if id, given, known := plainString(g.CapacityReservationId); given && (!known || id != "") {
		r.note(path+".capacityReservationId", known)
		c.CapacityReservationID = g.CapacityReservationId
		if known && !capacityReservationIDPatt.MatchString(id) {
			p.addf("%s.capacityReservationId: %q is not a capacity reservation ID; give one like cr-0123456789abcdef0", path, id)
		}
		if ng.CapacityType != "ON_DEMAND" {
			p.addf("%s.capacityReservationId: a capacity reservation holds On-Demand capacity, but capacityType is %s; use capacityType ON_DEMAND", path, ng.CapacityType)
		}
	}
	if name, given, known := plainString(g.PlacementGroup); given && (!known || name != "") {
		r.note(path+".placementGroup", known)
		c.PlacementGroup = g.PlacementGroup
		if known && !placementGroupPattern.MatchString(name) {
			p.addf("%s.placementGroup: %q is not a placement group name; give the name of an existing placement group", path, name)
		}
	}
	resolveNodeGroupSecurityGroups(p, path, g, ng)
}

// linuxMime reports whether the group's user data is MIME multi-part (Amazon Linux).
func (g nodeGroupConfig) linuxMime() bool { return !g.bottlerocket() && !g.windows() }

// reserved checks a kubeReserved / systemReserved map.
func reserved(p *problems, path string, m map[string]string) map[string]string {
	for _, k := range sortedKeys(m) {
		switch {
		case !slices.Contains(reservedResources, k):
			p.addf("%s: %q is not a resource the kubelet reserves; use %s", path, k, strings.Join(reservedResources, ", "))
		case !quantityPattern.MatchString(m[k]):
			p.addf("%s.%s: %q is not a Kubernetes quantity; give one like 100m (CPU), 512Mi (memory) or 1000 (pid)", path, k, m[k])
		}
	}
	return m
}

// resolveNodeadm checks the user's NodeConfig spec; the value is kept as the input, so
// secrets and Outputs inside it reach the user data.
func resolveNodeadm(p *problems, path string, in pulumi.MapInput, ng nodeGroupConfig) pulumi.MapInput {
	spec, known := readValues(p, path, in)
	if in == nil {
		return nil
	}
	if !ng.nodeadm() {
		if ng.bottlerocket() {
			p.addf("%s: Bottlerocket nodes do not run nodeadm (amiType %s); give their settings in bottlerocketSettings", path, ng.AmiType)
		} else {
			p.addf("%s: nodeadm runs on AL2023 nodes only, not amiType %s; use an AL2023 AMI type (or CUSTOM with an AL2023-based AMI)", path, ng.AmiType)
		}
		return in
	}
	if !known {
		return in
	}
	for _, k := range sortedKeys(spec) {
		switch {
		case k == "cluster":
			p.addf("%s.cluster: the cluster's name, endpoint, CA and service CIDR come from the cluster (EKS writes them, or the platform for a custom AMI); remove cluster", path)
		case !slices.Contains(nodeConfigSpecFields, k):
			p.addf("%s: %q is not a field of nodeadm's NodeConfig spec; use %s", path, k, strings.Join(nodeConfigSpecFields, ", "))
		}
	}
	if kubelet, ok := spec["kubelet"].(map[string]any); ok {
		if config, ok := kubelet["config"].(map[string]any); ok {
			for field, set := range map[string]bool{"maxPods": ng.Custom.MaxPods > 0, "kubeReserved": len(ng.Custom.KubeReserved) > 0, "systemReserved": len(ng.Custom.SystemReserved) > 0} {
				if _, has := config[field]; has && set {
					p.addf("%s.kubelet.config.%s: also given as kubelet.%s; give it in one place", path, field, field)
				}
			}
		}
	}
	return in
}

// resolveBottlerocket checks the user's Bottlerocket settings and that they render as
// TOML EKS accepts.
func resolveBottlerocket(p *problems, path string, in pulumi.MapInput, ng nodeGroupConfig) pulumi.MapInput {
	settings, known := readValues(p, path, in)
	if in == nil {
		return nil
	}
	if !ng.bottlerocket() {
		p.addf("%s: Bottlerocket settings apply to BOTTLEROCKET_* AMI types, not %s; for AL2023 use kubelet or nodeadmConfig", path, ng.AmiType)
		return in
	}
	if !known {
		return in
	}
	if k8s, ok := settings["kubernetes"].(map[string]any); ok {
		for _, key := range bottlerocketClusterSettings {
			if _, has := k8s[key]; has {
				p.addf("%s.kubernetes.%s: EKS sets it from the cluster; remove it", path, key)
			}
		}
		for key, set := range map[string]bool{"max-pods": ng.Custom.MaxPods > 0, "kube-reserved": len(ng.Custom.KubeReserved) > 0, "system-reserved": len(ng.Custom.SystemReserved) > 0} {
			if _, has := k8s[key]; has && set {
				p.addf("%s.kubernetes.%s: also given in kubelet; give it in one place", path, key)
			}
		}
	}
	if _, err := renderBottlerocketTOML(settings, nodeCustomConfig{}); err != nil {
		p.addf("%s: %v", path, err)
	}
	return in
}

// kubeletTaint is a taint as the kubelet's --register-with-taints takes it.
func kubeletTaint(t taintConfig) string {
	effect := map[string]string{"NO_SCHEDULE": "NoSchedule", "NO_EXECUTE": "NoExecute", "PREFER_NO_SCHEDULE": "PreferNoSchedule"}[t.Effect]
	return t.Key + "=" + t.Value + ":" + effect
}
