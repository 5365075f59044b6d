package addons

// MetricsServer serves the resource metrics API (kubectl top, HorizontalPodAutoscaler).
// It talks only to kubelets and needs no AWS permission, so it gets no IAM role.
func MetricsServer() Addon {
	return Addon{
		Key:                "metricsServer",
		Name:               "metrics-server",
		Repository:         "https://kubernetes-sigs.github.io/metrics-server/",
		Chart:              "metrics-server",
		Version:            "3.13.0",
		AppVersion:         "v0.8.0",
		Namespace:          "kube-system",
		ServiceAccount:     "metrics-server",
		ServiceAccountPath: []string{"serviceAccount"},
		Summary:            "nothing in AWS (no IAM role)",
		Given:              func(a *Args) (*CommonArgs, any) { return a.MetricsServer, nil },
		Values: func(ValuesContext) map[string]any {
			return map[string]any{}
		},
	}
}
