package simcloud

import (
	"errors"
	"strings"
)

// The AWS Load Balancer Controller's chart registers a mutating webhook on every
// Service CREATE in every namespace (mservice.elbv2.k8s.aws, failurePolicy Fail; its
// only objectSelector excludes the controller's own Services). From the moment Helm
// applies the chart until the controller's pods are ready, the API server cannot reach
// the webhook, and any other Service creation fails. Helm creates a chart's objects
// when its install starts, and an EKS add-on such as coredns creates its Service when
// it starts, so: a release or a Service-making add-on whose create starts while an ALB
// controller install is in flight fails, as on EKS (upstream
// kubernetes-sigs/aws-load-balancer-controller#4140). Rule 9 of docs/ordering.md.

const albChart = "aws-load-balancer-controller"

// webhookUnavailable is the API server's message, as users see it.
const webhookUnavailable = `Internal error occurred: failed calling webhook "mservice.elbv2.k8s.aws": failed to call webhook: Post "https://aws-load-balancer-webhook-service.kube-system.svc:443/mutate-v1-service?timeout=10s": no endpoints available for service "aws-load-balancer-webhook-service"`

// servicesMadeByAddons are the EKS add-ons whose install creates a Service.
var servicesMadeByAddons = map[string]bool{"coredns": true, "metrics-server": true}

// albWebhookBlocks fails a create that would create a Service while the webhook has no
// endpoints.
func albWebhookBlocks(r *res, cluster string, v view) error {
	if cluster == "" {
		return nil
	}
	switch r.Type {
	case typRelease:
		if isALBChart(str(r.Inputs, "chart")) {
			return nil
		}
	case typAddon:
		if !servicesMadeByAddons[str(r.Inputs, "addonName")] {
			return nil
		}
	default:
		return nil
	}
	for _, o := range v.inflightOf(typRelease, cluster) {
		if o.Op == "create" && isALBChart(o.Name) {
			return errors.New(webhookUnavailable) //nolint:staticcheck // the API server's own words, capital and all
		}
	}
	return nil
}

func isALBChart(chart string) bool {
	return chart == albChart || strings.HasSuffix(chart, "/"+albChart)
}
