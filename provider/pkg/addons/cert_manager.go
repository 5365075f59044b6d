package addons

import (
	"fmt"
	"slices"

	"github.com/eksplatform/pulumi-eksplatform/provider/pkg/iampolicy"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// CertManagerArgs are cert-manager's inputs: the common ones and its own.
type CertManagerArgs struct {
	Enabled   pulumi.BoolInput   `pulumi:"enabled"`
	Version   pulumi.StringInput `pulumi:"version"`
	Namespace pulumi.StringInput `pulumi:"namespace"`
	Values    pulumi.MapInput    `pulumi:"values"`
	Identity  pulumi.StringInput `pulumi:"identity"`
	// Route53HostedZoneIds are the zones cert-manager may solve ACME DNS-01 challenges
	// in; given, the controller gets an IAM role for them.
	Route53HostedZoneIds pulumi.StringArrayInput `pulumi:"route53HostedZoneIds"`
}

// CertManagerSettings are cert-manager's own inputs, read.
type CertManagerSettings struct {
	// HostedZoneIDs are the Route 53 zones of the DNS-01 role; none: no role.
	HostedZoneIDs []string
	// ZonesPending is true at preview while the zone list is not known yet: the role is
	// planned, its policy left unknown.
	ZonesPending bool
}

// pending reports whether the settings hold values not known yet (at preview).
func (s CertManagerSettings) pending() bool { return s.ZonesPending }

// CertManager issues and renews TLS certificates (ACME, private CAs), optionally solving
// DNS-01 challenges in Route 53 with a role of its own.
func CertManager() Addon {
	return Addon{
		Key:        "certManager",
		Name:       "cert-manager",
		Repository: "https://charts.jetstack.io",
		Chart:      "cert-manager",
		// cert-manager's release tool packages the chart with --version and
		// --app-version set to the release tag, v included (make/manifests.mk at v1.21.1).
		Version:            "v1.21.1",
		AppVersion:         "v1.21.1",
		Namespace:          "cert-manager",
		ServiceAccount:     "cert-manager",
		ServiceAccountPath: []string{"serviceAccount"},
		Summary:            "with `route53HostedZoneIds`: change and list TXT record sets only in those zones, read change status, find zones by name (cert-manager's documented DNS-01 policy, scoped); without: nothing (no IAM role)",
		sources:            certManagerSources,
		Given: func(a *Args) (*CommonArgs, any) {
			x := a.CertManager
			if x == nil {
				return nil, nil
			}
			return &CommonArgs{Enabled: x.Enabled, Version: x.Version, Namespace: x.Namespace, Values: x.Values, Identity: x.Identity}, x
		},
		Settings:  certManagerSettings,
		Policy:    certManagerPolicy,
		WantsRole: func(s any) bool { c, _ := s.(CertManagerSettings); return len(c.HostedZoneIDs) > 0 || c.ZonesPending },
		Values:    certManagerValues,
		// The platform applies the CRDs; the chart rendering them too would make Helm
		// fail on objects it does not own.
		Owned: []string{"crds.enabled"},
		// Its webhooks (failurePolicy Fail) match only cert-manager.io and
		// acme.cert-manager.io objects (templates/webhook-*-webhook.yaml at v1.21.1),
		// never a Service: it blocks nothing the other releases make by default.
		GuardsAPIGroups: []string{"cert-manager.io", "acme.cert-manager.io"},
	}
}

// certManagerSources: the chart and its CRDs at v1.21.1, its Kubernetes versions, and
// those of v1.20.3, which the message for Kubernetes 1.32 recommends.
var certManagerSources = provenance{
	// Chart.yaml at the tag says v0.0.0: the release tool packages the chart with
	// --version and --app-version set to the tag (make/manifests.mk at v1.21.1).
	upstream: upstreamRelease{
		Repository: "cert-manager/cert-manager",
		Tag:        "v1.21.1",
		Commit:     "24e33194fb39488eff2bbf10c6dc640f407cad44",
	},
	chartYAML: "deploy/charts/cert-manager/Chart.yaml",
	// The chart keeps its CRDs in templates/ (gated by crds.enabled), not crds/; these
	// are deploy/crds/ at the tag, the sources those templates are generated from, whose
	// specs equal the chart's templates' (policies/SOURCES.md, "cert-manager").
	files: []vendoredFile{
		{File: "crds/cert-manager-v1.21.1-acme.cert-manager.io_challenges.yaml", Path: "deploy/crds/acme.cert-manager.io_challenges.yaml",
			SHA256: "dff7542a2ee6581e3963a076410212ad3207201b70df8a328aa50826d569161c"},
		{File: "crds/cert-manager-v1.21.1-acme.cert-manager.io_orders.yaml", Path: "deploy/crds/acme.cert-manager.io_orders.yaml",
			SHA256: "b1e9c938b9724482cc0612aac949b40e062001fc9732234c591f24cb9ffc5ca7"},
		{File: "crds/cert-manager-v1.21.1-cert-manager.io_certificaterequests.yaml", Path: "deploy/crds/cert-manager.io_certificaterequests.yaml",
			SHA256: "74cf3801ab146a1745498de5f3b619cde6f2dc89ae03755084be08129ce726c3"},
		{File: "crds/cert-manager-v1.21.1-cert-manager.io_certificates.yaml", Path: "deploy/crds/cert-manager.io_certificates.yaml",
			SHA256: "7ad91029c00ec959d54215b19d3b1a9b7e0247eaa60f987151c2b70d8661f8af"},
		{File: "crds/cert-manager-v1.21.1-cert-manager.io_clusterissuers.yaml", Path: "deploy/crds/cert-manager.io_clusterissuers.yaml",
			SHA256: "30008001b78aafb8e110af61359561104b5fafc3a4dc6ac0013245d0ee3fe4ca"},
		{File: "crds/cert-manager-v1.21.1-cert-manager.io_issuers.yaml", Path: "deploy/crds/cert-manager.io_issuers.yaml",
			SHA256: "05e37efb02777e0362d24269fa103c2fc11419f9c85e31854ef873e5d9e5c5cc"},
	},
	kube: KubeCompat{
		KubeVersion:       ">= 1.22.0-0",
		KubeVersionSource: "cert-manager/cert-manager@v1.21.1:deploy/charts/cert-manager/Chart.yaml",
		MinMinor:          33, MaxMinor: 36,
		SupportedSource: `cert-manager/website@776e5dba56510fc9de84206b806b568447077f25:content/docs/releases/README.md, "Currently supported releases": 1.21, Supported Kubernetes 1.33 → 1.36`,
	},
	otherKube: []KubeCompat{{
		Version:           "v1.20.3",
		KubeVersion:       ">= 1.22.0-0",
		KubeVersionSource: "cert-manager/cert-manager@v1.20.3:deploy/charts/cert-manager/Chart.template.yaml (packaged as Chart.yaml by make/manifests.mk)",
		MinMinor:          32, MaxMinor: 35,
		SupportedSource: `cert-manager/website@776e5dba56510fc9de84206b806b568447077f25:content/docs/releases/README.md, "Currently supported releases": 1.20, Supported Kubernetes 1.32 → 1.35`,
	}},
}

// certManagerSettings reads the DNS-01 zones: optional, each a hosted zone ID, once.
// identity given without zones is an error, since there would be no role to assume.
func certManagerSettings(path string, own any, r Reader, _ SettingsContext) any {
	in := own.(*CertManagerArgs)
	zones, known := r.Strings(path+".route53HostedZoneIds", in.Route53HostedZoneIds)
	s := CertManagerSettings{HostedZoneIDs: zones, ZonesPending: !known}
	checkHostedZoneIDs(r, path+".route53HostedZoneIds", zones)
	if known && len(zones) == 0 && r.String(path+".identity", in.Identity) != "" {
		r.Problem("%s.route53HostedZoneIds: required with identity (cert-manager's role is for Route 53 DNS-01 only); give the hosted zone IDs (Z…) it may solve challenges in, or remove identity", path)
	}
	return s
}

// checkHostedZoneIDs rejects what is not a hosted zone ID, and repeats.
func checkHostedZoneIDs(r Reader, path string, zones []string) {
	seen := map[string]bool{}
	for i, id := range zones {
		switch {
		case !hostedZoneIDPattern.MatchString(id):
			r.Problem("%s[%d]: %q is not a Route 53 hosted zone ID; give the ID (like Z0123456789ABCDEFGHIJ), not the domain or the /hostedzone/ path", path, i, id)
		case seen[id]:
			r.Problem("%s[%d]: %q is listed twice; list each zone once", path, i, id)
		}
		seen[id] = true
	}
}

// certManagerPolicy is cert-manager's documented Route 53 policy (website
// content/docs/configuration/acme/dns01/route53.md, "Set up an IAM Policy";
// policies/SOURCES.md, "cert-manager") with its hostedzone/* narrowed to the given
// zones, as the page suggests: GetChange on change/* (a change ID is not known in
// advance), record changes limited to TXT records in the given zones, and
// ListHostedZonesByName on "*" (it cannot be scoped; the page says it is needed unless
// every issuer names its hostedZoneID, which the platform cannot know).
func certManagerPolicy(pc PolicyContext) (string, error) {
	s, _ := pc.Settings.(CertManagerSettings)
	if len(s.HostedZoneIDs) == 0 {
		return "", fmt.Errorf("cert-manager: no hosted zone IDs")
	}
	partition := pc.Partition
	if partition == "" {
		partition = "aws"
	}
	var zones []string
	for _, id := range s.HostedZoneIDs {
		arn := "arn:" + partition + ":route53:::hostedzone/" + id
		if !slices.Contains(zones, arn) {
			zones = append(zones, arn)
		}
	}
	records := iampolicy.Allow("TxtRecordsInGivenZones", []string{
		"route53:ChangeResourceRecordSets",
		"route53:ListResourceRecordSets",
	}, zones)
	records.Condition = iampolicy.Condition{"ForAllValues:StringEquals": {"route53:ChangeResourceRecordSetsRecordTypes": "TXT"}}
	return iampolicy.New(
		iampolicy.Allow("GetChange", []string{"route53:GetChange"}, []string{"arn:" + partition + ":route53:::change/*"}),
		records,
		iampolicy.Allow("FindZones", []string{"route53:ListHostedZonesByName"}, []string{"*"}),
	).JSON(), nil
}

// certManagerIRSAFsGroup is the group the route53 page's optional IRSA step runs the
// controller with, so it can read the projected service account token.
const certManagerIRSAFsGroup = 1001

// certManagerValues are the chart values (values.yaml at v1.21.1): crds.enabled false
// (the chart's default, set so it stays so: the platform applies the CRDs). With an IRSA
// role, securityContext.fsGroup 1001, the route53 page's step for clusters where the
// controller cannot otherwise read the token ("permission denied" on Fargate and older
// EKS); the chart's other securityContext keys (runAsNonRoot, seccompProfile) merge.
func certManagerValues(vc ValuesContext) map[string]any {
	values := map[string]any{"crds": map[string]any{"enabled": false}}
	if vc.Identity == IRSA && vc.RoleArn != "" {
		values["securityContext"] = map[string]any{"fsGroup": certManagerIRSAFsGroup}
	}
	return values
}
