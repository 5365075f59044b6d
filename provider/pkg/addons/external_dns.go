package addons

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/eksplatform/pulumi-eksplatform/provider/pkg/iampolicy"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// ExternalDNS policies.
const (
	externalDNSUpsertOnly = "upsert-only"
	externalDNSSync       = "sync"
)

// externalDNSPolicies are the valid ExternalDNS policies, the default first.
var externalDNSPolicies = []string{externalDNSUpsertOnly, externalDNSSync}

// ExternalDNSArgs are ExternalDNS's inputs: the common ones and its own.
type ExternalDNSArgs struct {
	Enabled       pulumi.BoolInput        `pulumi:"enabled"`
	Version       pulumi.StringInput      `pulumi:"version"`
	Namespace     pulumi.StringInput      `pulumi:"namespace"`
	Values        pulumi.MapInput         `pulumi:"values"`
	Identity      pulumi.StringInput      `pulumi:"identity"`
	HostedZoneIds pulumi.StringArrayInput `pulumi:"hostedZoneIds"`
	DomainFilters pulumi.StringArrayInput `pulumi:"domainFilters"`
	Policy        pulumi.StringInput      `pulumi:"policy"`
	TxtOwnerId    pulumi.StringInput      `pulumi:"txtOwnerId"`
}

// externalDNSSettings are ExternalDNS's own inputs, defaults applied.
type externalDNSSettings struct {
	HostedZoneIDs []string
	DomainFilters []string
	// Policy is upsert-only or sync.
	Policy     string
	TxtOwnerID string
}

var hostedZoneIDPattern = regexp.MustCompile(`^Z[A-Z0-9]{1,32}$`)

// externalDNS publishes Services' and Ingresses' hostnames in Route 53.
func externalDNS() Addon {
	return Addon{
		Key:                "externalDns",
		Name:               "external-dns",
		Repository:         "https://kubernetes-sigs.github.io/external-dns/",
		Chart:              "external-dns",
		Version:            "1.21.1",
		AppVersion:         "v0.21.0",
		Namespace:          "external-dns",
		ServiceAccount:     "external-dns",
		ServiceAccountPath: []string{"serviceAccount"},
		Summary:            "change and list record sets and list tags only in the given `hostedZoneIds`; list zones",
		sources:            externalDNSSources,
		Given: func(a *Args) (*CommonArgs, any) {
			x := a.ExternalDns
			if x == nil {
				return nil, nil
			}
			return &CommonArgs{Enabled: x.Enabled, Version: x.Version, Namespace: x.Namespace, Values: x.Values, Identity: x.Identity}, x
		},
		Settings: readExternalDNSSettings,
		Policy:   externalDNSPolicy,
		Values:   externalDNSValues,
		// The user's extraArgs and env are added to the platform's --zone-id-filter flags
		// and AWS_DEFAULT_REGION, which a replaced list would drop silently.
		MergedLists: []string{"extraArgs", "env"},
		Owned:       []string{"provider.name", "txtOwnerId", "domainFilters"},
	}
}

// externalDNSSources: the chart and its CRD at external-dns-helm-chart-1.21.1, and its
// Kubernetes versions.
var externalDNSSources = provenance{
	upstream: upstreamRelease{
		Repository: "kubernetes-sigs/external-dns",
		Tag:        "external-dns-helm-chart-1.21.1",
		Commit:     "9f26451346774099a8b3e3e5cc46a53bf2fd1461",
	},
	chartYAML: "charts/external-dns/Chart.yaml",
	files: []vendoredFile{
		// The chart's crds/ holds one CRD, DNSEndpoint (read by the crd source).
		{File: "crds/external-dns-1.21.1-dnsendpoints.externaldns.k8s.io.yaml", Path: "charts/external-dns/crds/dnsendpoints.externaldns.k8s.io.yaml",
			SHA256: "96f4383d550a04d7c78b3312edc6e0f9dab9777d8195ff4cfdc76a0ca9587bbe"},
	},
	kube: KubeCompat{
		KubeVersionSource: "kubernetes-sigs/external-dns@external-dns-helm-chart-1.21.1:charts/external-dns/Chart.yaml (no kubeVersion)",
		MinMinor:          21,
		SupportedSource:   `kubernetes-sigs/external-dns@external-dns-helm-chart-1.21.1:README.md, "Kubernetes version compatibility": ExternalDNS >= 0.18.x (the chart ships v0.21.0) on Kubernetes 1.21, 1.22-1.32 and >= 1.33; not on 1.20 and older`,
	},
}

// readExternalDNSSettings reads ExternalDNS's own inputs and applies their defaults: the
// policy upsert-only (never delete a record the platform did not make) and the TXT
// owner the cluster's name, so two clusters sharing a zone never claim each other's
// records.
func readExternalDNSSettings(path string, own any, r Reader, sc SettingsContext) any {
	in := own.(*ExternalDNSArgs)
	zones, zonesKnown := r.Strings(path+".hostedZoneIds", in.HostedZoneIds)
	domains, _ := r.Strings(path+".domainFilters", in.DomainFilters)
	e := externalDNSSettings{
		HostedZoneIDs: zones,
		DomainFilters: domains,
		Policy:        r.String(path+".policy", in.Policy),
		TxtOwnerID:    r.String(path+".txtOwnerId", in.TxtOwnerId),
	}
	if zonesKnown && len(zones) == 0 {
		r.Problem("%s.hostedZoneIds: required when ExternalDNS is enabled; give the Route 53 hosted zone IDs (Z…) it may change", path)
	}
	seen := map[string]bool{}
	for i, id := range zones {
		switch {
		case !hostedZoneIDPattern.MatchString(id):
			r.Problem("%s.hostedZoneIds[%d]: %q is not a Route 53 hosted zone ID; give the ID (like Z0123456789ABCDEFGHIJ), not the domain or the /hostedzone/ path", path, i, id)
		case seen[id]:
			r.Problem("%s.hostedZoneIds[%d]: %q is listed twice; list each zone once", path, i, id)
		}
		seen[id] = true
	}
	for i, d := range domains {
		if strings.TrimSpace(d) == "" {
			r.Problem("%s.domainFilters[%d]: empty; give a domain like example.com", path, i)
		}
	}
	if e.Policy == "" {
		e.Policy = externalDNSUpsertOnly
	} else if !slices.Contains(externalDNSPolicies, e.Policy) {
		r.Problem("%s.policy: unknown policy %q; use one of %s", path, e.Policy, strings.Join(externalDNSPolicies, ", "))
	}
	if e.TxtOwnerID == "" {
		e.TxtOwnerID = sc.ClusterName
	}
	return e
}

// externalDNSPolicy is upstream's policy (docs/tutorials/aws.md, "IAM Policy", at
// v0.21.0, policies/SOURCES.md section 4) with its hostedzone/* narrowed to the given
// zones, as the tutorial suggests: changing and listing record sets and listing tags on
// those zones only; listing zones cannot be scoped, so it is on "*".
func externalDNSPolicy(pc PolicyContext) (string, error) {
	e, _ := pc.Settings.(externalDNSSettings)
	if len(e.HostedZoneIDs) == 0 {
		return "", fmt.Errorf("external-dns: no hosted zone IDs")
	}
	partition := pc.Partition
	if partition == "" {
		partition = "aws"
	}
	var zones []string
	for _, id := range e.HostedZoneIDs {
		arn := "arn:" + partition + ":route53:::hostedzone/" + id
		if !slices.Contains(zones, arn) {
			zones = append(zones, arn)
		}
	}
	return iampolicy.New(
		iampolicy.Allow("RecordsInGivenZones", []string{
			"route53:ChangeResourceRecordSets",
			"route53:ListResourceRecordSets",
			"route53:ListTagsForResources",
		}, zones),
		iampolicy.Allow("ListZones", []string{"route53:ListHostedZones"}, []string{"*"}),
	).JSON(), nil
}

// externalDNSValues are the chart values for the resolved settings (defaults were
// applied once, by externalDNSSettings), as chart 1.21.1 reads them (values.yaml at
// external-dns-helm-chart-1.21.1): the TXT registry (the chart's default, set so it
// stays whatever the chart's default becomes) with the owner ID, which marks the records
// this instance may change. Since v0.18 the TXT registry writes one record format (the
// record type in the TXT name); no txtPrefix/txtSuffix is set (upstream advises them
// only where needed, since they count towards the 63-byte label limit) and TXT
// encryption is not needed. In aws-us-gov, where Route 53 has no alias records, upstream
// says to add --aws-prefer-cname and a txtPrefix; give them in values.
//
// extraArgs is a list here (the chart also reads a map, but not both at once), so the
// user's extraArgs must be a list too: it is appended (MergedLists).
func externalDNSValues(vc ValuesContext) map[string]any {
	e, _ := vc.Settings.(externalDNSSettings)
	// --zone-id-filter keeps ExternalDNS to the zones its policy names, so it never
	// even tries another zone that happens to match a domain filter.
	args := []any{}
	for _, id := range e.HostedZoneIDs {
		args = append(args, "--zone-id-filter="+id)
	}
	domains := []any{}
	for _, d := range e.DomainFilters {
		domains = append(domains, d)
	}
	return map[string]any{
		"provider":      map[string]any{"name": "aws"},
		"policy":        e.Policy,
		"registry":      "txt",
		"txtOwnerId":    e.TxtOwnerID,
		"domainFilters": domains,
		"extraArgs":     args,
		"env": []any{
			map[string]any{"name": "AWS_DEFAULT_REGION", "value": vc.Region},
		},
	}
}
