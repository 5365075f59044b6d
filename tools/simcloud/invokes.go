package simcloud

import (
	"fmt"
	"strings"

	"github.com/eksplatform/pulumi-eksplatform/provider/pkg/fakeaws"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// invokes answers the data sources the component calls, in the shapes of the
// real providers' results so every SDK decodes them.
var invokes = map[string]func(s *Server, args resource.PropertyMap) (map[string]any, error){
	"aws:index/getCallerIdentity:getCallerIdentity": func(s *Server, _ resource.PropertyMap) (map[string]any, error) {
		arn := s.opts.CallerARN
		acct := arnField(arn, 4, account)
		return map[string]any{
			"accountId": acct,
			"arn":       arn,
			"id":        acct,
			"userId":    "AROA" + strings.ToUpper(hexOf(17, "caller", arn)) + ":" + lastSegment(arn),
		}, nil
	},
	"aws:iam/getSessionContext:getSessionContext": func(_ *Server, args resource.PropertyMap) (map[string]any, error) {
		return sessionContext(str(args, "arn")), nil
	},
	"aws:index/getPartition:getPartition": func(_ *Server, _ resource.PropertyMap) (map[string]any, error) {
		return map[string]any{
			"partition": partition, "dnsSuffix": "amazonaws.com", "id": partition, "reverseDnsPrefix": "com.amazonaws",
		}, nil
	},
	"aws:index/getRegion:getRegion": func(s *Server, args resource.PropertyMap) (map[string]any, error) {
		r := orDefault(str(args, "name"), s.region())
		return map[string]any{
			"name": r, "id": r, "description": orDefault(regionNames[r], r), "endpoint": "ec2." + r + ".amazonaws.com",
		}, nil
	},
	"aws:eks/getClusterAuth:getClusterAuth": func(_ *Server, args resource.PropertyMap) (map[string]any, error) {
		n := str(args, "name")
		return map[string]any{"id": n, "name": n, "token": eksToken(n)}, nil
	},
	"aws:eks/getAddonVersion:getAddonVersion": func(_ *Server, args resource.PropertyMap) (map[string]any, error) {
		a, k := str(args, "addonName"), str(args, "kubernetesVersion")
		out := map[string]any{"id": a, "addonName": a, "kubernetesVersion": k, "version": fakeaws.AddonVersion(a, k)}
		if b := get(args, "mostRecent"); b.IsBool() {
			out["mostRecent"] = b.BoolValue()
		}
		return out, nil
	},
	"tls:index/getCertificate:getCertificate": func(_ *Server, args resource.PropertyMap) (map[string]any, error) {
		return certificateChain(str(args, "url"), args), nil
	},
}

var regionNames = map[string]string{
	"us-east-1": "US East (N. Virginia)", "us-east-2": "US East (Ohio)",
	"us-west-1": "US West (N. California)", "us-west-2": "US West (Oregon)",
	"eu-west-1": "Europe (Ireland)", "eu-central-1": "Europe (Frankfurt)",
}

// arnField is the i-th colon-separated field of arn, or def.
func arnField(arn string, i int, def string) string {
	f := strings.SplitN(arn, ":", 6)
	if len(f) > i && f[i] != "" {
		return f[i]
	}
	return def
}

// sessionContext maps an assumed-role ARN to the IAM role that issued it, as
// aws.iam.getSessionContext does; other ARNs are their own issuer.
func sessionContext(arn string) map[string]any {
	out := map[string]any{"arn": arn, "id": arn, "issuerArn": arn, "issuerName": lastSegment(arn), "sessionName": ""}
	res := arnField(arn, 5, "")
	if strings.HasPrefix(res, "assumed-role/") {
		parts := strings.Split(res, "/") // assumed-role/<Role>/<session>
		if len(parts) >= 3 {
			role := parts[1]
			out["issuerArn"] = "arn:" + arnField(arn, 1, partition) + ":iam::" + arnField(arn, 4, account) + ":role/" + role
			out["issuerName"] = role
			out["sessionName"] = parts[len(parts)-1]
		}
	}
	out["issuerId"] = "AROA" + strings.ToUpper(hexOf(17, "role", out["issuerName"].(string)))
	return out
}

// certificateChain is a two-certificate chain, root first as the real data
// source returns it; fingerprints are deterministic in the URL so the OIDC
// provider's thumbprint list never changes between runs.
func certificateChain(url string, args resource.PropertyMap) map[string]any {
	host := strings.SplitN(strings.TrimPrefix(url, "https://"), "/", 2)[0]
	cert := func(role, subject, issuer string, isCA bool) map[string]any {
		return map[string]any{
			"sha1Fingerprint":    hexOf(40, "sha1", role, url),
			"subject":            subject,
			"issuer":             issuer,
			"isCa":               isCA,
			"notBefore":          "2024-01-01T00:00:00Z",
			"notAfter":           "2034-01-01T00:00:00Z",
			"serialNumber":       fmt.Sprint(len(role)*1000003 + len(url)),
			"signatureAlgorithm": "SHA256-RSA",
			"publicKeyAlgorithm": "RSA",
			"version":            3,
			"maxPathLength":      0,
			"certPem":            fakePEM(role + "/" + url),
		}
	}
	root := "CN=Amazon Root CA 1,O=Amazon,C=US"
	out := map[string]any{
		"id":  hexOf(40, "tls-id", url),
		"url": url,
		"certificates": []any{
			cert("root", root, root, true),
			cert("leaf", "CN="+host, root, false),
		},
	}
	if b := get(args, "verifyChain"); b.IsBool() {
		out["verifyChain"] = b.BoolValue()
	}
	return out
}
