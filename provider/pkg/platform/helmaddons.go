package platform

// helmAddons installs the Helm add-ons. Not built yet.
func (b *build) helmAddons(cluster *clusterResult, identity *identityResult, kube *kubeResult,
	access *accessResult, base *addonsResult, compute *computeResult,
) (*addonsResult, error) {
	return &addonsResult{}, nil
}
