package addons

// metricsServer serves the resource metrics API (kubectl top, HorizontalPodAutoscaler).
// It talks only to kubelets and needs no AWS permission, so it gets no IAM role.
func metricsServer() Addon {
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
		Summary:            "nothing (no IAM role)",
		sources:            metricsServerSources,
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

// metricsServerSources: the chart at metrics-server-helm-chart-3.13.1 and its
// Kubernetes versions.
var metricsServerSources = provenance{
	upstream: upstreamRelease{
		Repository: "kubernetes-sigs/metrics-server",
		Tag:        "metrics-server-helm-chart-3.13.1",
		Commit:     "842dcc8c42f22cc19f10c7d5f2d32a9f4b6013b0",
	},
	chartYAML: "charts/metrics-server/Chart.yaml",
	kube: KubeCompat{
		KubeVersionSource: "kubernetes-sigs/metrics-server@metrics-server-helm-chart-3.13.1:charts/metrics-server/Chart.yaml (no kubeVersion)",
		MinMinor:          31,
		SupportedSource:   `kubernetes-sigs/metrics-server@metrics-server-helm-chart-3.13.1:README.md, "Compatibility Matrix": Metrics Server 0.8.x (the chart ships v0.8.1), Kubernetes 1.31+`,
	},
}
