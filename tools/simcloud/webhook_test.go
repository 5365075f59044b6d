package simcloud

import (
	"strings"
	"testing"
	"time"
)

// TestALBWebhookBlocksServicesWhileItsControllerStarts: rule 9's AWS behaviour. While
// the controller's install is in flight, another release or coredns fails; before it
// starts and after it is done, they succeed.
func TestALBWebhookBlocksServicesWhileItsControllerStarts(t *testing.T) {
	j := tempJournal(t)
	// A slower clock than the other tests, so the in-flight window is wide (a Helm
	// release takes 60 ms here).
	a, k := slowServer(t, j, "aws"), slowServer(t, j, "kubernetes")
	configureKube(t, k, "demo")
	mustCreate(t, a, typCluster, "demo", map[string]any{"name": "demo"})
	mustCreate(t, a, typAddon, "vpc-cni", map[string]any{"clusterName": "demo", "addonName": "vpc-cni"}) // nodes need a CNI to join
	mustCreate(t, a, typNodeGroup, "ng", map[string]any{"clusterName": "demo", "nodeGroupName": "demo-general"})
	mustCreate(t, k, typRelease, "before", map[string]any{"chart": "metrics-server", "version": "3.13.1"})

	done := make(chan error, 1)
	go func() {
		_, _, err := create(t, k, typRelease, "alb", map[string]any{"chart": "aws-load-balancer-controller", "version": "3.5.0"})
		done <- err
	}()
	time.Sleep(15 * time.Millisecond)
	_, _, relErr := create(t, k, typRelease, "during", map[string]any{"chart": "external-dns", "version": "1.21.1"})
	_, _, dnsErr := create(t, a, typAddon, "coredns", map[string]any{"clusterName": "demo", "addonName": "coredns"})
	_, _, proxyErr := create(t, a, typAddon, "kube-proxy", map[string]any{"clusterName": "demo", "addonName": "kube-proxy"})
	if err := <-done; err != nil {
		t.Fatalf("the controller's own install failed: %v", err)
	}
	for what, err := range map[string]error{"release": relErr, "coredns": dnsErr} {
		if err == nil || !strings.Contains(err.Error(), `failed calling webhook "mservice.elbv2.k8s.aws"`) ||
			!strings.Contains(err.Error(), "no endpoints available") {
			t.Errorf("%s created while the webhook had no endpoints: err = %v", what, err)
		}
	}
	if proxyErr != nil {
		t.Errorf("kube-proxy makes no Service, yet failed: %v", proxyErr)
	}
	mustCreate(t, k, typRelease, "after", map[string]any{"chart": "external-dns", "version": "1.21.1"})
}

// TestGuardWebhooksBlockTheirKindsWhileTheirAddonStarts: while cert-manager's (or
// external-secrets') install is in flight, a team's chart, which may make a
// Certificate (or an ExternalSecret), fails; a catalogue chart, which makes none, does
// not; after the install both succeed.
func TestGuardWebhooksBlockTheirKindsWhileTheirAddonStarts(t *testing.T) {
	for chart, hook := range map[string]string{"cert-manager": "webhook.cert-manager.io", "external-secrets": "validate.externalsecret.external-secrets.io"} {
		t.Run(chart, func(t *testing.T) {
			j := tempJournal(t)
			a, k := slowServer(t, j, "aws"), slowServer(t, j, "kubernetes")
			configureKube(t, k, "demo")
			mustCreate(t, a, typCluster, "demo", map[string]any{"name": "demo"})
			mustCreate(t, a, typAddon, "vpc-cni", map[string]any{"clusterName": "demo", "addonName": "vpc-cni"})
			mustCreate(t, a, typNodeGroup, "ng", map[string]any{"clusterName": "demo", "nodeGroupName": "demo-general"})
			mustCreate(t, k, typRelease, "before", map[string]any{"chart": "oci://registry.example.com/charts/app", "version": "1.0.0"})

			done := make(chan error, 1)
			go func() {
				_, _, err := create(t, k, typRelease, chart, map[string]any{"chart": chart, "version": "1.0.0"})
				done <- err
			}()
			time.Sleep(15 * time.Millisecond)
			_, _, teamErr := create(t, k, typRelease, "during", map[string]any{"chart": "oci://registry.example.com/charts/app", "version": "1.0.0"})
			_, _, catalogueErr := create(t, k, typRelease, "metrics", map[string]any{"chart": "metrics-server", "version": "3.13.1"})
			if err := <-done; err != nil {
				t.Fatalf("%s's own install failed: %v", chart, err)
			}
			if teamErr == nil || !strings.Contains(teamErr.Error(), `failed calling webhook "`+hook+`"`) || !strings.Contains(teamErr.Error(), "no endpoints available") {
				t.Errorf("a team's chart created while %s's webhook had no endpoints: err = %v", chart, teamErr)
			}
			if catalogueErr != nil {
				t.Errorf("metrics-server makes no %s object, yet failed: %v", chart, catalogueErr)
			}
			mustCreate(t, k, typRelease, "after", map[string]any{"chart": "oci://registry.example.com/charts/app", "version": "1.0.0"})
		})
	}
}
