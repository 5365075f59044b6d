package platform

import (
	"github.com/eksplatform/pulumi-eksplatform/provider/internal/clock"
	"github.com/eksplatform/pulumi-eksplatform/provider/pkg/addons"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// config is the platform's inputs resolved: plain values where they shape the resource
// graph (names, counts, modes), defaults filled in, validated. Stages read only config.
//
// Each stage owns its part (cluster_config.go, access_config.go, compute_config.go,
// eksaddons_config.go, helmaddons_config.go): how it is read from Args, its defaults and
// its validation, side by side, the way eksctl keeps defaults.go beside validation.go.
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
// Auto Mode is resolved before compute (its node pools are compute too), and compute
// before access, so access checks read the resolved node groups.
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
	cfg := &config{Name: name}
	// The run's date, read once: validation takes it as a value.
	cfg.Cluster = resolveCluster(p, name, args, clock.Today())
	cfg.Kube = resolveKubeAuth(p, args)
	cfg.AutoMode = resolveAutoMode(p, args, &cfg.Cluster)
	cfg.Compute = resolveCompute(p, args, &cfg.Cluster, &cfg.AutoMode)
	cfg.Access = resolveAccess(p, args, &cfg.Cluster, &cfg.Compute)
	cfg.EksAddons = resolveEksAddons(p, args, cfg)
	cfg.HelmAddons = resolveHelmAddons(p, args, cfg)
	checkEksAddonHelmTwins(p, cfg)
	cfg.Karpenter = resolveKarpenter(p, args, cfg)
	// After compute, Auto Mode and Karpenter: the node security group goes on their nodes.
	cfg.SecurityGroups = resolveSecurityGroups(p, args, cfg)
	// Last: it reads the enabled charts of the add-ons and of Karpenter.
	cfg.Warnings = checkChartKubeCompat(p, cfg, addons.KubeCompats)
	cfg.Warnings = append(cfg.Warnings, previewSupportWarnings(cfg.Cluster, p.unknown["upgradePolicy"])...)
	cfg.Cluster.Unread = unreadGuarded(p)
	if err := p.err(); err != nil {
		return nil, err
	}
	cfg.InputDeps = inputDeps(args)
	return cfg, nil
}
