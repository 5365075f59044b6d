package platform

import (
	"time"

	"github.com/eksplatform/pulumi-eksplatform/provider/internal/clock"
	"github.com/eksplatform/pulumi-eksplatform/provider/pkg/addons"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// config is the platform's inputs resolved: plain values where they shape the resource
// graph (names, counts, modes), defaults filled in, validated. Stages read only config.
//
// Each stage owns its part (cluster_config.go, access_config.go, compute_config.go,
// eksaddons_config.go, helmaddons_config.go, …): how it is read from Args, its defaults
// and its validation, side by side, the way eksctl keeps defaults.go beside
// validation.go.
type config struct {
	// Name is the component's resource name, the prefix of every child's name.
	Name       string
	Cluster    clusterConfig
	Kube       kubeAuthConfig
	Access     accessConfig
	AutoMode   autoModeConfig
	Compute    computeConfig
	EksAddons  eksAddonsConfig
	HelmAddons helmAddonsConfig
	Karpenter  karpenterConfig
	// SecurityGroups are the security group inputs (securitygroups_config.go).
	SecurityGroups securityGroupsConfig
	// InputDeps are the resources the inputs depend on; every child depends on them.
	InputDeps []pulumi.Resource
	// Warnings are findings of validation that do not stop the run (a chart version
	// that could not be checked against the Kubernetes version, say), for ctx.Log.Warn.
	Warnings []string
}

// resolve reads, defaults and validates args. It registers nothing, so an error here
// means no resource was created. Every problem is reported at once, each naming the
// input path and the fix.
//
// It runs in two passes, as eksctl sets defaults and then validates the whole
// ClusterConfig: resolveSections reads and defaults every section, each from its own
// inputs and the resolved sections it is given; checkSections then checks the sections
// against each other on the complete configuration. The error lists the problems in
// the order of the sections (problems.go), whichever pass found them.
func resolve(preview bool, name string, args *Args) (*config, error) {
	if args == nil {
		args = &Args{}
	}
	p := &problems{preview: preview}
	if preview {
		for _, k := range args.unknownAtPreview {
			p.markUnknown(k)
		}
	}
	// The run's date, read once: validation takes it as a value.
	cfg := resolveSections(p, name, args, clock.Today())
	cfg.Warnings = checkSections(p, cfg)
	cfg.Cluster.Unread = unreadGuarded(p)
	if err := p.err(); err != nil {
		return nil, err
	}
	cfg.InputDeps = inputDeps(args)
	return cfg, nil
}

// resolveSections is the first pass: each section read and defaulted from its own
// inputs. A section that depends on another takes that section's resolved value as a
// parameter and never the configuration being built, so the order below is the order
// of the dependencies, and a line moved above what it needs does not compile.
func resolveSections(p *problems, name string, args *Args, today time.Time) *config {
	cluster := resolveCluster(p.in(inCluster), name, args, today)
	kube := resolveKubeAuth(p.in(inKubeAuth), args)
	auto := resolveAutoMode(p.in(inAutoMode), args)
	// Auto Mode's node pools are compute too.
	compute := resolveCompute(p.in(inCompute), args, cluster, auto)
	// Access checks read the resolved node groups' roles.
	access := resolveAccess(p.in(inAccess), args, cluster, compute)
	// Which node add-ons are on by default depends on the compute.
	eks := resolveEksAddons(p.in(inEksAddons), args, compute, auto)
	helm := resolveHelmAddons(p.in(inHelmAddons), args, cluster, podIdentityAgentRuns(eks, auto))
	karpenter := resolveKarpenter(p.in(inKarpenter), args, cluster, compute, eks.PodIdentityAgentEnabled())
	// The node security group goes on the nodes of node groups, Karpenter and Auto Mode.
	sgs := resolveSecurityGroups(p.in(inSecurityGroups), args, cluster, nodeSecurityGroupCarriers(compute, karpenter, auto))
	return &config{
		Name: name, Cluster: cluster, Kube: kube, Access: access, AutoMode: auto, Compute: compute,
		EksAddons: eks, HelmAddons: helm, Karpenter: karpenter, SecurityGroups: sgs,
	}
}

// checkSections is the second pass: the checks of one section against others, on the
// complete configuration, which they only read. Each lists its problems in the section
// they concern, and returns the warnings.
func checkSections(p *problems, cfg *config) (warnings []string) {
	checkAutoModeAuthentication(p.in(inAutoMode), cfg)
	checkEksAddonHelmTwins(p.in(inHelmAddons), cfg)
	checkNodeAutoscalers(p.in(inNodeAutoscalers), cfg)
	warnings = checkChartKubeCompat(p.in(inChartKubeCompat), cfg, addons.KubeCompats)
	return append(warnings, previewSupportWarnings(cfg.Cluster, p.unknown["upgradePolicy"])...)
}
