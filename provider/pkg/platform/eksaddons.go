package platform

// baseAddons makes the add-ons nodes need to start. Not built yet.
func (b *build) baseAddons(cluster *clusterResult) (*addonsResult, error) {
	return &addonsResult{}, nil
}

// nodeAddons makes the add-ons that need running nodes. Not built yet.
func (b *build) nodeAddons(cluster *clusterResult, identity *identityResult, compute *computeResult) (*addonsResult, error) {
	return &addonsResult{}, nil
}
