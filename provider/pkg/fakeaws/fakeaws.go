// Package fakeaws is the one description of what AWS computes for the resources
// the platform makes: their ids, ARNs, endpoints, issuer URLs and versions, and
// which inputs force a replacement. Both fakes of AWS use it, so a unit test and
// an end-to-end test see the same outputs for the same inputs:
//
//   - provider/internal/mocktest, the unit tests' Pulumi mocks;
//   - tools/simcloud, the simulated cloud the end-to-end tests run the real
//     engine against.
//
// It is test infrastructure, not part of the provider: the plugin
// (provider/cmd/pulumi-resource-eksplatform) does not import it, and
// TestPluginDoesNotImportFakeaws keeps it that way. It depends on the standard
// library and the Pulumi SDK's property values only, so the tools module can
// import it without pulling in more.
//
// Every identifier is a hash of stable inputs (names, URNs), never random and
// never a timestamp, so a second `pulumi up` or a second test run sees
// identical outputs.
package fakeaws

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

const (
	// Account is the fake AWS account.
	Account = "123456789012"
	// Partition is the fake account's partition.
	Partition = "aws"
	// DefaultRegion is the region when the provider configures none.
	DefaultRegion = "us-west-2"
	// DefaultKubernetesVersion is the version EKS gives a cluster that names none.
	DefaultKubernetesVersion = "1.36"
)

// Hex is n lowercase hex digits derived from parts.
func Hex(n int, parts ...string) string {
	sum := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	h := hex.EncodeToString(sum[:])
	for len(h) < n {
		h += h
	}
	return h[:n]
}

// UUID is a UUID-shaped string (8-4-4-4-12) derived from parts.
func UUID(parts ...string) string {
	h := Hex(32, parts...)
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

// Hash is the 32 upper-case hex digits derived from seed that EKS puts in a
// cluster's endpoint and OIDC issuer (seed: the cluster name, and nothing
// else, so a kubeconfig can be mapped back to its cluster without knowing the
// region). A KMS key's id is one too (seed: the key's resource name); real
// key ids are UUIDs, but nothing reads their shape.
func Hash(seed string) string { return strings.ToUpper(Hex(32, seed)) }

// PEM is a PEM-shaped certificate derived from seed.
func PEM(seed string) string {
	sum := sha256.Sum256([]byte(seed))
	body := base64.StdEncoding.EncodeToString(append(sum[:], sum[:]...))
	return "-----BEGIN CERTIFICATE-----\n" + body + "\n-----END CERTIFICATE-----\n"
}

// LastSegment is what follows the last "/" of an ARN.
func LastSegment(arn string) string { return arn[strings.LastIndex(arn, "/")+1:] }

// Unwrap removes secret wrappers and known output values, so a plain value can be read.
func Unwrap(v resource.PropertyValue) resource.PropertyValue {
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

// Get walks m along path, unwrapping secrets; a missing step yields null.
func Get(m resource.PropertyMap, path ...string) resource.PropertyValue {
	cur := resource.NewObjectProperty(m)
	for _, k := range path {
		cur = Unwrap(cur)
		if !cur.IsObject() {
			return resource.NewNullProperty()
		}
		next, ok := cur.ObjectValue()[resource.PropertyKey(k)]
		if !ok {
			return resource.NewNullProperty()
		}
		cur = next
	}
	return Unwrap(cur)
}

// Str is Get as a string; anything else (null, unknown, number) is "".
func Str(m resource.PropertyMap, path ...string) string {
	v := Get(m, path...)
	if v.IsString() {
		return v.StringValue()
	}
	return ""
}

// Strs is Get as a list of strings (non-strings skipped).
func Strs(m resource.PropertyMap, path ...string) []string {
	v := Get(m, path...)
	if !v.IsArray() {
		return nil
	}
	var out []string
	for _, e := range v.ArrayValue() {
		if e = Unwrap(e); e.IsString() {
			out = append(out, e.StringValue())
		}
	}
	return out
}

// Num is Get as a number, and whether it was one.
func Num(m resource.PropertyMap, path ...string) (float64, bool) {
	v := Get(m, path...)
	if v.IsNumber() {
		return v.NumberValue(), true
	}
	return 0, false
}

// OrDefault is s, or def when s is empty.
func OrDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
