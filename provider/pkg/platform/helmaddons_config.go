package platform

// HelmAddonsConfig is the resolved input of the Helm add-on stage.
type HelmAddonsConfig struct{}

func resolveHelmAddons(p *problems, args *Args, cfg *Config) HelmAddonsConfig {
	return HelmAddonsConfig{}
}
