package addons

// MetricsServer serves the resource metrics API (kubectl top, HorizontalPodAutoscaler).
// It talks only to kubelets and needs no AWS permission, so it gets no IAM role.
func MetricsServer() Addon {
	return Addon{
		Key:                "metricsServer",
		Name:               "metrics-server",
		Repository:         "https://kubernetes-sigs.github.io/metrics-server/",
		Chart:              "metrics-server",
		Version:            "3.13.1",
		AppVersion:         "v0.8.1",
		Namespace:          "kube-system",
		ServiceAccount:     "metrics-server",
		ServiceAccountPath: []string{"serviceAccount"},
		Summary:            "nothing in AWS (no IAM role)",
		Given:              func(a *Args) (*CommonArgs, any) { return a.MetricsServer, nil },
		// Two replicas and a PodDisruptionBudget keeping one (chart 3.13.1 defaults to
		// one replica and no budget), so a node drain or upgrade never leaves
		// HorizontalPodAutoscalers and `kubectl top` without metrics. Value names as in
		// charts/metrics-server/values.yaml at metrics-server-helm-chart-3.13.1. To
		// use maxUnavailable instead, also set podDisruptionBudget.minAvailable to null.
		Values: func(ValuesContext) map[string]any {
			return map[string]any{
				"replicas":            2,
				"podDisruptionBudget": map[string]any{"enabled": true, "minAvailable": 1},
			}
		},
	}
}
