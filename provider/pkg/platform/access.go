package platform

// access grants access (rule 3). Not built yet.
func (b *build) access(cluster *clusterResult, kube *kubeResult, workers *workerRolesResult) (*accessResult, error) {
	return &accessResult{}, nil
}
