package simcloud

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// Every generated identifier is a hash of stable inputs (names, URNs), never
// random and never a timestamp, so a second `pulumi up` sees identical outputs.

const (
	account   = "123456789012"
	partition = "aws"
)

// hexOf is n lowercase hex digits derived from parts.
func hexOf(n int, parts ...string) string {
	sum := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	h := hex.EncodeToString(sum[:])
	for len(h) < n {
		h += h
	}
	return h[:n]
}

// uuidOf is a UUID-shaped string (8-4-4-4-12) derived from parts.
func uuidOf(parts ...string) string {
	h := hexOf(32, parts...)
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

// clusterHash is the 32-hex id EKS puts in a cluster's endpoint and OIDC
// issuer. It depends on the cluster name only, so a kubeconfig can be mapped
// back to its cluster by the kubernetes personality (which knows no region).
func clusterHash(name string) string { return strings.ToUpper(hexOf(32, "eks-cluster", name)) }

// fakePEM is a PEM-shaped certificate body derived from seed.
func fakePEM(seed string) string {
	sum := sha256.Sum256([]byte(seed))
	body := base64.StdEncoding.EncodeToString(append(sum[:], sum[:]...))
	return "-----BEGIN CERTIFICATE-----\n" + body + "\n-----END CERTIFICATE-----\n"
}

// val unwraps secrets (and known output values) so rules and outputs can read plain values.
func val(v resource.PropertyValue) resource.PropertyValue {
	for {
		switch {
		case v.IsSecret():
			v = v.SecretValue().Element
		case v.IsOutput() && v.OutputValue().Known:
			v = v.OutputValue().Element
		default:
			return v
		}
	}
}

// get walks m along path, unwrapping secrets; a missing step yields null.
func get(m resource.PropertyMap, path ...string) resource.PropertyValue {
	cur := resource.NewObjectProperty(m)
	for _, k := range path {
		cur = val(cur)
		if !cur.IsObject() {
			return resource.NewNullProperty()
		}
		next, ok := cur.ObjectValue()[resource.PropertyKey(k)]
		if !ok {
			return resource.NewNullProperty()
		}
		cur = next
	}
	return val(cur)
}

// str is get as a string; anything else (null, unknown, number) is "".
func str(m resource.PropertyMap, path ...string) string {
	v := get(m, path...)
	if v.IsString() {
		return v.StringValue()
	}
	return ""
}

// strs is get as a list of strings (non-strings skipped).
func strs(m resource.PropertyMap, path ...string) []string {
	v := get(m, path...)
	if !v.IsArray() {
		return nil
	}
	var out []string
	for _, e := range v.ArrayValue() {
		if e = val(e); e.IsString() {
			out = append(out, e.StringValue())
		}
	}
	return out
}

func num(m resource.PropertyMap, path ...string) (float64, bool) {
	v := get(m, path...)
	if v.IsNumber() {
		return v.NumberValue(), true
	}
	return 0, false
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
