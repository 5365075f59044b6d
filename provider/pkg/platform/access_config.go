package platform

// AccessConfig is the resolved input of the access stage.
type AccessConfig struct{}

func resolveAccess(p *problems, args *Args, cluster *ClusterConfig) AccessConfig {
	return AccessConfig{}
}
