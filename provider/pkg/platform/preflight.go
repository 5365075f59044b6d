package platform

import "github.com/pulumi/pulumi/sdk/v3/go/pulumi"

// preflight reads what decides how the stages run, after resolve and before any child
// is registered: the running cluster, what this run does to its version, the warnings
// that do not stop the run, and the cluster guard. It returns the build the stage
// script runs with, carrying those run-wide facts (build.upgrade, build.guard). An
// error here leaves only the component registered.
func preflight(ctx *pulumi.Context, cfg *config, p *EksPlatform) (*build, error) {
	b := newBuild(ctx, cfg, p)
	// The running cluster's version decides what a version change does, and a step EKS
	// would refuse (two minors, a downgrade) is refused here, before any child exists.
	var live liveCluster
	var err error
	if !cfg.Cluster.VersionStepUnread {
		if live, err = b.readLive(cfg.Compute); err != nil {
			return nil, err
		}
	}
	kubeProxyPin, pinned := cfg.EksAddons.pins()
	if b.upgrade, err = planUpgrade(cfg.Cluster, cfg.Compute, live, kubeProxyPin, pinned); err != nil {
		return nil, err
	}
	for _, w := range b.upgrade.Warnings {
		_ = ctx.Log.Warn(w, &pulumi.LogArgs{Resource: p})
	}
	// Chart compatibility findings that do not stop the run (helmaddons_kubecompat.go).
	for _, w := range cfg.Warnings {
		_ = ctx.Log.Warn(w, &pulumi.LogArgs{Resource: p})
	}
	// A change that would replace the cluster is refused here too, unless allowed.
	if err := b.guardCluster(&cfg.Cluster, cfg.AutoMode, live); err != nil {
		return nil, err
	}
	return b, nil
}
