package platform

// EksAddonsConfig is the resolved input of the EKS managed add-on stages.
type EksAddonsConfig struct{}

func resolveEksAddons(p *problems, args *Args, cfg *Config) EksAddonsConfig {
	return EksAddonsConfig{}
}
