package addons

import (
	"fmt"
	"slices"

	"github.com/eksplatform/pulumi-eksplatform/provider/pkg/iampolicy"
)

// ExternalDNS policies.
const (
	ExternalDNSUpsertOnly = "upsert-only"
	ExternalDNSSync       = "sync"
)

// ExternalDNSPolicies are the valid ExternalDNS policies, the default first.
var ExternalDNSPolicies = []string{ExternalDNSUpsertOnly, ExternalDNSSync}

// ExternalDNS publishes Services' and Ingresses' hostnames in Route 53.
func ExternalDNS() Addon {
	return Addon{
		Key:                "externalDns",
		Name:               "external-dns",
		Repository:         "https://kubernetes-sigs.github.io/external-dns/",
		Chart:              "external-dns",
		Version:            "1.19.0",
		AppVersion:         "v0.19.0",
		Namespace:          "external-dns",
		ServiceAccount:     "external-dns",
		ServiceAccountPath: []string{"serviceAccount"},
		Summary:            "change record sets only in the given Route 53 hosted zones; list zones, records and tags",
		Policy:             externalDNSPolicy,
		Values:             externalDNSValues,
	}
}

// externalDNSPolicy allows record changes only in the given zones. Listing zones,
// records and tags cannot be scoped to a zone in IAM, so those are on "*".
func externalDNSPolicy(pc PolicyContext) (string, error) {
	if len(pc.HostedZoneIDs) == 0 {
		return "", fmt.Errorf("external-dns: no hosted zone IDs")
	}
	partition := pc.Partition
	if partition == "" {
		partition = "aws"
	}
	var zones []string
	for _, id := range pc.HostedZoneIDs {
		arn := "arn:" + partition + ":route53:::hostedzone/" + id
		if !slices.Contains(zones, arn) {
			zones = append(zones, arn)
		}
	}
	return iampolicy.New(
		iampolicy.Allow("ChangeRecordsInGivenZones", []string{"route53:ChangeResourceRecordSets"}, zones),
		iampolicy.Allow("ListZonesAndRecords", []string{
			"route53:ListHostedZones",
			"route53:ListResourceRecordSets",
			"route53:ListTagsForResources",
		}, []string{"*"}),
	).JSON(), nil
}

func externalDNSValues(vc ValuesContext) map[string]any {
	e := vc.ExternalDNS
	policy := e.Policy
	if policy == "" {
		policy = ExternalDNSUpsertOnly
	}
	owner := e.TxtOwnerID
	if owner == "" {
		owner = vc.ClusterName
	}
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
		"policy":        policy,
		"registry":      "txt",
		"txtOwnerId":    owner,
		"domainFilters": domains,
		"extraArgs":     args,
		"env": []any{
			map[string]any{"name": "AWS_DEFAULT_REGION", "value": vc.Region},
		},
	}
}
