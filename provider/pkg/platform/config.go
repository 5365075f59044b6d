package platform

import "context"

// Config is the platform's inputs resolved: plain values where they shape the resource
// graph (names, counts, modes), defaults filled in, validated. Stages read only Config.
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
	Compute    computeConfig
	EksAddons  eksAddonsConfig
	HelmAddons helmAddonsConfig
}

// resolve reads, defaults and validates args. It registers nothing, so an error here
// means no resource was created. Every problem is reported at once, each naming the
// input path and the fix.
func resolve(ctx context.Context, name string, args *Args) (*config, error) {
	_ = ctx
	if args == nil {
		args = &Args{}
	}
	p := &problems{}
	cfg := &config{Name: name}
	cfg.Cluster = resolveCluster(p, name, args)
	cfg.Kube = resolveKubeAuth(p, args)
	cfg.Access = resolveAccess(p, args, &cfg.Cluster)
	cfg.Compute = resolveCompute(p, args, &cfg.Cluster)
	cfg.EksAddons = resolveEksAddons(p, args, cfg)
	cfg.HelmAddons = resolveHelmAddons(p, args, cfg)
	if err := p.err(); err != nil {
		return nil, err
	}
	return cfg, nil
}
