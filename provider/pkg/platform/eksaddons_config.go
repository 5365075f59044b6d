package platform

import (
	"regexp"
	"slices"
	"strings"

	"github.com/eksplatform/pulumi-eksplatform/provider/pkg/addons"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// EKS managed add-on names.
const (
	addonVpcCni           = "vpc-cni"
	addonKubeProxy        = "kube-proxy"
	addonPodIdentityAgent = "eks-pod-identity-agent"
	addonCoredns          = "coredns"
	addonEbsCsiDriver     = "aws-ebs-csi-driver"
)

var addonVersionPattern = regexp.MustCompile(`^v[0-9]+\.[0-9]+\.[0-9]+-eksbuild\.[0-9]+$`)

// EksAddonsConfig is the resolved input of the EKS managed add-on stages.
type eksAddonsConfig struct {
	// Before compute (rule 4).
	VpcCni           eksAddonConfig
	KubeProxy        eksAddonConfig
	PodIdentityAgent eksAddonConfig
	// After compute.
	Coredns      eksAddonConfig
	EbsCsiDriver eksAddonConfig
	// CorednsOnFargate configures coredns with computeType Fargate: a profile selects
	// kube-system and there is no node group.
	CorednsOnFargate bool
	// Extra are the add-ons of eksAddons.extra, in input order.
	Extra []extraEksAddonConfig
}

// EksAddonConfig is one EKS managed add-on.
type eksAddonConfig struct {
	// Name is the EKS add-on name (vpc-cni, …).
	Name    string
	Enabled bool
	// Version is the user's version; nil means the default version for the cluster's
	// Kubernetes version, resolved at creation and then kept.
	Version pulumi.StringInput
	// Values are the configurationValues, possibly holding Outputs.
	Values pulumi.MapInput
	// Identity is how the add-on's own IAM role is assumed, irsa or podIdentity; ""
	// for add-ons without a role.
	Identity string
	// OnCreate and OnUpdate resolve conflicts; "" is OVERWRITE.
	OnCreate, OnUpdate string
}

// Service accounts of the EKS add-ons that have an IAM role: their roles trust exactly
// these, and Pod Identity associations name them.
const (
	vpcCniServiceAccount       = "aws-node"
	ebsCsiDriverServiceAccount = "ebs-csi-controller-sa"
)

// PodIdentityAgentEnabled reports whether eks-pod-identity-agent is installed, which an
// add-on using EKS Pod Identity requires.
func (c eksAddonsConfig) PodIdentityAgentEnabled() bool { return c.PodIdentityAgent.Enabled }

// podIdentityAgentRuns reports whether the nodes run the Pod Identity agent: the EKS
// add-on, or Auto Mode's own nodes, which run it themselves.
func podIdentityAgentRuns(eks eksAddonsConfig, auto autoModeConfig) bool {
	return eks.PodIdentityAgentEnabled() || auto.Enabled
}

// resolveEksAddons reads the EKS add-ons; which are on by default, and where they can
// run, follow from compute and auto.
func resolveEksAddons(p *problems, args *Args, compute computeConfig, auto autoModeConfig) eksAddonsConfig {
	in := args.EksAddons
	if in == nil {
		in = &EksAddonsArgs{}
	}
	corednsCanRun := len(compute.NodeGroups) > 0 || compute.FargateRunsCoredns()
	hasNodeGroups := len(compute.NodeGroups) > 0
	// Under Auto Mode, EKS runs pod networking, kube-proxy and the Pod Identity agent as
	// part of its own nodes, and not on node groups' nodes: the add-ons are installed
	// only for node groups (an existing platform moving to Auto Mode keeps them until
	// its last node group is gone).
	nodeAddonDefault := !auto.Enabled || hasNodeGroups
	c := eksAddonsConfig{
		VpcCni:    resolveEksAddon(p, "eksAddons.vpcCni", addonVpcCni, in.VpcCni, nodeAddonDefault, true),
		KubeProxy: resolveEksAddon(p, "eksAddons.kubeProxy", addonKubeProxy, in.KubeProxy, nodeAddonDefault, false),
		// The agent is a DaemonSet, and DaemonSets do not run on Fargate (nor does Pod
		// Identity): on a Fargate-only cluster it would never run a pod.
		PodIdentityAgent: resolveEksAddon(p, "eksAddons.podIdentityAgent", addonPodIdentityAgent, in.PodIdentityAgent, hasNodeGroups, false),
		// coredns is a Deployment: with nowhere to run, EKS would report it degraded and
		// `pulumi up` would wait for it until it timed out. By default it is installed
		// once something can run it.
		Coredns:      resolveEksAddon(p, "eksAddons.coredns", addonCoredns, in.Coredns, corednsCanRun, false),
		EbsCsiDriver: resolveEksAddon(p, "eksAddons.ebsCsiDriver", addonEbsCsiDriver, in.EbsCsiDriver, false, true),
	}
	if auto.Enabled && !hasNodeGroups {
		// With no node group, each of these is off by default (coredns stays for a
		// Fargate profile that selects it), so one that is on was asked for: it would be
		// a second copy of what Auto Mode runs, or a DaemonSet with no node to run on.
		for _, a := range []struct {
			path, what string
			c          *eksAddonConfig
		}{
			{"eksAddons.vpcCni", "pod networking", &c.VpcCni},
			{"eksAddons.kubeProxy", "kube-proxy", &c.KubeProxy},
			{"eksAddons.podIdentityAgent", "the Pod Identity agent", &c.PodIdentityAgent},
			{"eksAddons.coredns", "cluster DNS", &c.Coredns},
			{"eksAddons.ebsCsiDriver", "EBS volumes (StorageClass provisioner ebs.csi.eks.amazonaws.com)", &c.EbsCsiDriver},
		} {
			if a.c.Enabled && (a.c.Name != addonCoredns || !compute.FargateRunsCoredns()) {
				p.addf("%s: enabled under autoMode with no node group; EKS Auto Mode runs %s on its own nodes, so the add-on would be a second copy; remove it (under Auto Mode it is installed for node groups only)", a.path, a.what)
				a.c.Enabled = false
			}
		}
	}
	if c.PodIdentityAgent.Enabled && !hasNodeGroups {
		p.addf("eksAddons.podIdentityAgent: enabled, but there is no node group, and the agent is a DaemonSet that does not run on Fargate (Fargate pods cannot use Pod Identity); add a node group, or disable the agent and use irsa")
	}
	for _, a := range []struct {
		path string
		c    eksAddonConfig
	}{{"eksAddons.vpcCni", c.VpcCni}, {"eksAddons.ebsCsiDriver", c.EbsCsiDriver}} {
		if a.c.Enabled && a.c.Identity == addons.PodIdentity && !podIdentityAgentRuns(c, auto) {
			p.addf("%s.identity: podIdentity needs the eks-pod-identity-agent add-on; set eksAddons.podIdentityAgent.enabled to true (it needs a node group), or use irsa", a.path)
		}
	}
	if c.Coredns.Enabled && !corednsCanRun {
		p.addf("eksAddons.coredns: enabled, but there is no node group and no Fargate profile selecting kube-system, so coredns could not run; add a node group or a Fargate profile for kube-system, or disable coredns")
	}
	if c.EbsCsiDriver.Enabled && len(compute.NodeGroups) == 0 {
		p.addf("eksAddons.ebsCsiDriver: enabled, but there is no node group and Fargate pods cannot mount EBS volumes; add a node group or disable the EBS CSI driver")
	}
	c.CorednsOnFargate = c.Coredns.Enabled && compute.CorednsOnFargate()
	c.Extra = resolveExtraEksAddons(p, in.Extra, compute, auto, c)
	return c
}

// resolveEksAddon reads one add-on; def is whether it is enabled by default, hasRole
// whether it runs with an IAM role of its own (and so takes identity).
func resolveEksAddon(p *problems, path, name string, in *EksAddonArgs, def, hasRole bool) eksAddonConfig {
	if in == nil {
		in = &EksAddonArgs{}
	}
	r := reader{p}
	c := eksAddonConfig{Name: name, Enabled: r.boolean(path+".enabled", in.Enabled, def), Values: in.ConfigurationValues}
	identity := r.str(path+".identity", in.Identity)
	switch {
	case !hasRole && identity != "":
		p.addf("%s.identity: %s runs with no IAM role of its own, so it has no identity to choose; remove identity", path, name)
	case hasRole && identity == "":
		c.Identity = addons.IRSA
	case hasRole && !slices.Contains(addons.Identities, identity):
		p.addf("%s.identity: unknown identity %q; use one of %s", path, identity, strings.Join(addons.Identities, ", "))
		c.Identity = addons.IRSA
	case hasRole:
		c.Identity = identity
	}
	if v, given, known := plainString(in.Version); given && (!known || v != "") {
		c.Version = in.Version
		if known && !addonVersionPattern.MatchString(v) {
			p.addf("%s.version: %q is not an EKS add-on version; use the form v1.19.2-eksbuild.1 (aws eks describe-addon-versions --addon-name %s), or omit it for the default", path, v, name)
		}
	}
	return c
}

// pins are the versions the user gives the enabled EKS add-ons, read as values: the
// kube-proxy one apart (its version names the Kubernetes minor it is built for), the
// others by input path. One unknown at preview is left out; the update reads it.
func (c eksAddonsConfig) pins() (kubeProxy string, others map[string]string) {
	others = map[string]string{}
	for _, a := range []struct {
		path string
		cfg  eksAddonConfig
	}{
		{"eksAddons.vpcCni.version", c.VpcCni}, {"eksAddons.kubeProxy.version", c.KubeProxy},
		{"eksAddons.podIdentityAgent.version", c.PodIdentityAgent}, {"eksAddons.coredns.version", c.Coredns},
		{"eksAddons.ebsCsiDriver.version", c.EbsCsiDriver},
	} {
		if !a.cfg.Enabled || a.cfg.Version == nil {
			continue
		}
		v, _, known := plainString(a.cfg.Version)
		if !known || v == "" {
			continue
		}
		if a.cfg.Name == addonKubeProxy {
			kubeProxy = v
			continue
		}
		others[a.path] = v
	}
	return kubeProxy, others
}
