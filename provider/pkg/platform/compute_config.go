package platform

// ComputeConfig is the resolved input of the compute stages.
type ComputeConfig struct{}

func resolveCompute(p *problems, args *Args, cluster *ClusterConfig) ComputeConfig {
	return ComputeConfig{}
}
