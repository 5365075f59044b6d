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

// cert-manager's and external-secrets' charts register webhooks (failurePolicy Fail)
// on their own API groups only: a Certificate, an Issuer, an ExternalSecret, a
// SecretStore. Until their pods serve them, creating such an object fails; Services and
// everything else are untouched (their charts at the catalogue's pins; rule 9 of
// docs/ordering.md). The simulator cannot render a chart, so it tells the charts apart
// by name: the catalogue's charts make none of those objects with the platform's
// values, and any other chart (a team's own, from helmReleases) is taken to make some,
// as an ingress chart with a Certificate or an app with an ExternalSecret does. Such a
// chart whose install starts while cert-manager's or external-secrets' install is in
// flight fails with the API server's error.

// guardingCharts are the charts whose webhooks guard their own kinds, with the error
// an object of theirs gets while the webhook has no endpoints.
var guardingCharts = map[string]string{
	"cert-manager":     `Internal error occurred: failed calling webhook "webhook.cert-manager.io": failed to call webhook: Post "https://cert-manager-webhook.cert-manager.svc:443/validate?timeout=30s": no endpoints available for service "cert-manager-webhook"`,
	"external-secrets": `Internal error occurred: failed calling webhook "validate.externalsecret.external-secrets.io": failed to call webhook: Post "https://external-secrets-webhook.external-secrets.svc:443/validate-external-secrets-io-v1-externalsecret?timeout=5s": no endpoints available for service "external-secrets-webhook"`,
}

// catalogueCharts are the charts known to make no cert-manager or external-secrets
// object with the values the platform gives them.
var catalogueCharts = map[string]bool{
	albChart: true, "external-dns": true, "cluster-autoscaler": true, "metrics-server": true,
	"cert-manager": true, "external-secrets": true,
}

// chartName is a chart reference without its repository or OCI path.
func chartName(chart string) string {
	return chart[strings.LastIndex(chart, "/")+1:]
}

// guardWebhooksBlock fails a release of a chart not in the catalogue whose install
// starts while a guarding chart's install is in flight on the cluster.
func guardWebhooksBlock(r *res, cluster string, v view) error {
	if cluster == "" || r.Type != typRelease || catalogueCharts[chartName(str(r.Inputs, "chart"))] {
		return nil
	}
	for _, o := range v.inflightOf(typRelease, cluster) {
		if msg, ok := guardingCharts[chartName(o.Name)]; ok && o.Op == "create" {
			return errors.New(msg)
		}
	}
	return nil
}
