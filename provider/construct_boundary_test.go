package provider_test

// The Construct-boundary layer (issue 11, item 5): every case goes through the plugin's
// real Construct path (pulumiprovider.Construct with provider.Construct, as
// ComponentMain serves it) against a mock engine over gRPC, with its inputs encoded as
// each calling SDK may send them. See provider/constructtest for how.

import (
	"encoding/base64"
	"fmt"
	"path"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/eksplatform/pulumi-eksplatform/provider"
	"github.com/eksplatform/pulumi-eksplatform/provider/constructtest"
	"github.com/eksplatform/pulumi-eksplatform/provider/pkg/platform"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// knownGaps are the cases (path.Match patterns over "case/encoding/mode") that fail
// today: issue 11 documents them and the lead is fixing them. A listed case that fails is
// reported with t.Log; a listed case that passes fails the test, so the list only
// shrinks. Empty the list as the gaps close.
var knownGaps = []string{}

const (
	// subnetURN is the resource every Output-encoded input depends on: a VPC's subnet
	// in the calling program.
	subnetURN = "urn:pulumi:dev::p::aws:ec2/subnet:Subnet::s1"

	pub1  = "subnet-0a1b2c3d4e5f60001"
	pub2  = "subnet-0a1b2c3d4e5f60002"
	priv1 = "subnet-0a1b2c3d4e5f60003"
	priv2 = "subnet-0a1b2c3d4e5f60004"

	clusterType     = "aws:eks/cluster:Cluster"
	accessEntryType = "aws:eks/accessEntry:AccessEntry"
	releaseType     = "kubernetes:helm.sh/v3:Release"
)

// constructPlatform constructs an EksPlatform named "demo" from inputs as the engine
// hands them to the plugin, and returns every registration (also on error).
func constructPlatform(t testing.TB, inputs resource.PropertyMap, mode constructtest.Mode) (*constructtest.Result, error) {
	t.Helper()
	return constructtest.Run(constructtest.Options{
		Construct: provider.Construct,
		Type:      platform.TypeToken,
		Name:      "demo",
		Inputs:    inputs,
		Mode:      mode,
	})
}

// encoding is how the calling SDK sends a value.
type encoding int

const (
	plain   encoding = iota // a literal or stack config
	output                  // a known Output of another resource (it carries the dependency)
	secret                  // pulumi.secret(...)
	unknown                 // another resource's Output: unknown at preview, known at up
)

var encodings = []encoding{plain, output, secret, unknown}

func (e encoding) String() string {
	return [...]string{"plain", "output", "secret", "unknown"}[e]
}

// enc is an encoding in a mode; wrap encodes a case's subject value with it.
type enc struct {
	encoding
	mode constructtest.Mode
}

func (e enc) wrap(v any) resource.PropertyValue {
	p := pv(v)
	switch e.encoding {
	case output:
		return constructtest.Dependency(p, subnetURN)
	case secret:
		return constructtest.Secret(p)
	case unknown:
		if e.mode == constructtest.Preview {
			return constructtest.Unknown(subnetURN)
		}
		return constructtest.Dependency(p, subnetURN)
	}
	return p
}

// known reports whether the encoded value is known to the plugin.
func (e enc) known() bool { return e.encoding != unknown || e.mode != constructtest.Preview }

// pv builds a property value from Go literals, keeping property values as they are.
func pv(v any) resource.PropertyValue {
	switch x := v.(type) {
	case resource.PropertyValue:
		return x
	case []string:
		out := make([]resource.PropertyValue, len(x))
		for i, s := range x {
			out[i] = resource.NewProperty(s)
		}
		return resource.NewProperty(out)
	case []any:
		out := make([]resource.PropertyValue, len(x))
		for i, e := range x {
			out[i] = pv(e)
		}
		return resource.NewProperty(out)
	case map[string]any:
		out := resource.PropertyMap{}
		for k, e := range x {
			out[resource.PropertyKey(k)] = pv(e)
		}
		return resource.NewProperty(out)
	case int:
		return resource.NewProperty(float64(x))
	default:
		return resource.NewPropertyValue(v)
	}
}

// inputs are a valid platform (two public and two private subnets, one node group) with
// the given inputs set over it.
func inputs(over map[string]any) resource.PropertyMap {
	m := map[string]any{
		"publicSubnetIds":  []string{pub1, pub2},
		"privateSubnetIds": []string{priv1, priv2},
		"nodeGroups":       []any{map[string]any{"name": "general"}},
	}
	for k, v := range over {
		m[k] = v
	}
	return pv(m).ObjectValue()
}

type outcome int

const (
	succeeds outcome = iota
	rejected
	// either: an unknown value cannot be checked at preview, so an error and none are
	// both right (an error must still have errHas and create nothing).
	either
)

type expect struct {
	outcome
	// errHas must all be in the error; errLacks must not.
	errHas, errLacks []string
	// errMatches, when set, must match the error.
	errMatches *regexp.Regexp
}

func reject(has ...string) expect { return expect{outcome: rejected, errHas: has} }

// rejectKnown rejects the input whenever the value is known (plain, a known Output or a
// secret), with the validation's own message: not a refusal to read the value ("must be
// known") nor the SDK's decoding error ("copying input"). At preview, when the value is
// unknown, either outcome is right.
func rejectKnown(has ...string) func(e enc) expect {
	return func(e enc) expect {
		if !e.known() {
			return expect{outcome: either}
		}
		x := reject(has...)
		x.errLacks = []string{"must be known", "copying input"}
		return x
	}
}

func succeed(enc) expect { return expect{outcome: succeeds} }

type boundaryCase struct {
	name   string
	inputs func(e enc) resource.PropertyMap
	expect func(e enc) expect
	// check runs when Construct succeeded.
	check func(r *report, e enc, res *constructtest.Result)
}

// report collects a case's failures, so a known gap can be told from a regression.
type report struct {
	t        testing.TB
	failures []string
}

func (r *report) errorf(format string, args ...any) {
	r.failures = append(r.failures, fmt.Sprintf(format, args...))
}

func TestConstructBoundary(t *testing.T) {
	matched := map[string]bool{}
	for _, tc := range boundaryCases() {
		for _, e := range encodings {
			for _, mode := range []constructtest.Mode{constructtest.Up, constructtest.Preview} {
				key := tc.name + "/" + e.String() + "/" + mode.String()
				t.Run(key, func(t *testing.T) {
					en := enc{e, mode}
					rep := &report{t: t}
					runBoundaryCase(rep, tc, en)
					gap := ""
					for _, g := range knownGaps {
						if ok, _ := path.Match(g, key); ok {
							gap = g
							break
						}
					}
					switch {
					case gap != "" && len(rep.failures) == 0:
						matched[gap] = true
						t.Errorf("%s passes now but knownGaps lists it (%q): remove it from knownGaps", key, gap)
					case gap != "":
						matched[gap] = true
						t.Logf("KNOWN GAP (issue 11, in knownGaps as %q): %s", gap, strings.Join(rep.failures, "\n  "))
					default:
						for _, f := range rep.failures {
							t.Error(f)
						}
					}
				})
			}
		}
	}
	for _, g := range knownGaps {
		if !matched[g] {
			t.Errorf("knownGaps entry %q matches no case: fix or remove it", g)
		}
	}
	if len(knownGaps) > 0 {
		t.Logf("%d known gaps (issue 11) remain:\n  %s", len(knownGaps), strings.Join(knownGaps, "\n  "))
	}
}

// runBoundaryCase constructs one case and records every way it differs from what it
// should do.
func runBoundaryCase(r *report, tc boundaryCase, e enc) {
	res, err := constructPlatform(r.t, tc.inputs(e), e.mode)
	want := tc.expect(e)
	if err != nil {
		if res != nil {
			if kids := res.Children(platform.TypeToken); len(kids) > 0 {
				r.errorf("bad input created %d resources (want none): %s", len(kids), strings.Join(names(kids), ", "))
			}
		}
		switch want.outcome {
		case succeeds:
			r.errorf("Construct failed: %v", err)
		case rejected, either:
			for _, s := range want.errHas {
				if !strings.Contains(err.Error(), s) {
					r.errorf("the error lacks %q:\n%v", s, err)
				}
			}
			for _, s := range want.errLacks {
				if strings.Contains(err.Error(), s) {
					r.errorf("the error has %q:\n%v", s, err)
				}
			}
			if want.errMatches != nil && !want.errMatches.MatchString(err.Error()) {
				r.errorf("the error does not match %s:\n%v", want.errMatches, err)
			}
		}
		return
	}
	if want.outcome == rejected {
		r.errorf("Construct succeeded (%d resources); want an error with %q", len(res.Resources), want.errHas)
		return
	}
	if tc.check != nil {
		tc.check(r, e, res)
	}
}

func names(rs []constructtest.Registered) []string {
	var out []string
	for _, x := range rs {
		out = append(out, x.Name)
	}
	return out
}

// get walks nested objects of a property map, through secrets and outputs; ok is false
// when a step is missing, and computed is true when a step is unknown.
func get(m resource.PropertyMap, keys ...string) (v resource.PropertyValue, computed, secret, ok bool) {
	v = resource.NewProperty(m)
	for _, k := range keys {
		v, computed, secret = unwrap(v, secret)
		if computed {
			return v, true, secret, true
		}
		if !v.IsObject() {
			return v, false, secret, false
		}
		if v, ok = v.ObjectValue()[resource.PropertyKey(k)]; !ok {
			return v, false, secret, false
		}
	}
	v, computed, secret = unwrap(v, secret)
	return v, computed, secret, true
}

func unwrap(v resource.PropertyValue, secret bool) (resource.PropertyValue, bool, bool) {
	for {
		switch {
		case v.IsSecret():
			v, secret = v.SecretValue().Element, true
		case v.IsComputed():
			return v, true, secret
		case v.IsOutput():
			if !v.OutputValue().Known {
				return v, true, secret || v.OutputValue().Secret
			}
			v, secret = v.OutputValue().Element, secret || v.OutputValue().Secret
		default:
			return v, false, secret
		}
	}
}

// strs returns the strings of a list value (unwrapping secrets); ok is false when the
// list or an element is unknown.
func strs(v resource.PropertyValue) (out []string, ok bool) {
	v, computed, _ := unwrap(v, false)
	if computed || !v.IsArray() {
		return nil, false
	}
	for _, e := range v.ArrayValue() {
		e, computed, _ = unwrap(e, false)
		if computed || !e.IsString() {
			return nil, false
		}
		out = append(out, e.StringValue())
	}
	return out, true
}

// noPlainText fails when s appears in a resource name or URN: a secret must not.
func noPlainText(r *report, res *constructtest.Result, s, what string) {
	for _, x := range res.Resources {
		if strings.Contains(x.Name, s) || strings.Contains(x.URN, s) {
			r.errorf("the secret %s %q is in plain text in resource %s", what, s, x.URN)
		}
	}
}

const (
	adminA = "arn:aws:iam::123456789012:role/alpha-admins"
	adminB = "arn:aws:iam::123456789012:role/beta-admins"
	hushed = "arn:aws:iam::123456789012:role/hush-admins"
	policy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket/*"}]}`
	zoneID = "Z0123456789ABCDEFGHIJ"
)

// entryFor returns the access entry of a principal ARN.
func entryFor(res *constructtest.Result, arn string) (constructtest.Registered, bool) {
	for _, x := range res.OfType(accessEntryType) {
		if v, _, _, ok := get(x.Inputs, "principalArn"); ok && v.IsString() && v.StringValue() == arn {
			return x, true
		}
	}
	return constructtest.Registered{}, false
}

func boundaryCases() []boundaryCase {
	return []boundaryCase{
		// 1. Subnets from a VPC in the same program.
		{
			name: "subnets from the program",
			inputs: func(e enc) resource.PropertyMap {
				return inputs(map[string]any{
					"publicSubnetIds":  e.wrap([]string{pub1, pub2}),
					"privateSubnetIds": e.wrap([]string{priv1, priv2}),
				})
			},
			expect: func(e enc) expect {
				if e.encoding == secret {
					// Secret subnet IDs may be accepted (then they must not leak into
					// names) or refused with the input's path.
					return expect{outcome: either, errHas: []string{"publicSubnetIds"}}
				}
				return expect{outcome: succeeds}
			},
			check: func(r *report, e enc, res *constructtest.Result) {
				clusters := res.OfType(clusterType)
				if len(clusters) != 1 {
					r.errorf("want one cluster, got %d", len(clusters))
					return
				}
				c := clusters[0]
				if e.encoding == secret {
					for _, id := range []string{pub1, pub2, priv1, priv2} {
						noPlainText(r, res, id, "subnet ID")
					}
				}
				if !e.known() {
					return
				}
				got, ok := strs(must(get(c.Inputs, "vpcConfig", "subnetIds")))
				if !ok || !slices.Contains(got, priv1) || !slices.Contains(got, priv2) {
					r.errorf("cluster vpcConfig.subnetIds = %v (known %v); want the private subnets", got, ok)
				}
				if e.encoding == output || e.encoding == unknown {
					carried := slices.Contains(c.AllDeps(), subnetURN)
					for _, tag := range res.OfType("aws:ec2/tag:Tag") {
						carried = carried || slices.Contains(tag.AllDeps(), subnetURN)
					}
					if !carried {
						r.errorf("neither the cluster nor the subnet tags depend on %s; the cluster depends on %v", subnetURN, c.AllDeps())
					}
				}
			},
		},
		// 2. Values that rename a service account the platform's IAM trust names.
		{
			name: "externalDns values rename the service account",
			inputs: func(e enc) resource.PropertyMap {
				return inputs(map[string]any{"addons": map[string]any{"externalDns": map[string]any{
					"enabled":       true,
					"hostedZoneIds": []string{zoneID},
					"values":        e.wrap(map[string]any{"serviceAccount": map[string]any{"name": "other"}}),
				}}})
			},
			expect: rejectKnown("addons.externalDns.values.serviceAccount.name: "),
		},
		// 2b. The ARNs and zones an add-on's role is scoped to, in every encoding.
		{
			name: "externalSecrets ARN naming every secret",
			inputs: func(e enc) resource.PropertyMap {
				return inputs(map[string]any{"addons": map[string]any{"externalSecrets": map[string]any{
					"enabled":            true,
					"secretsManagerArns": e.wrap([]string{"arn:aws:secretsmanager:us-west-2:123456789012:secret:*"}),
				}}})
			},
			expect: rejectKnown("addons.externalSecrets.secretsManagerArns[0]: ", "names every one in the account and region"),
		},
		{
			name: "externalSecrets identity without ARNs",
			inputs: func(e enc) resource.PropertyMap {
				return inputs(map[string]any{"addons": map[string]any{"externalSecrets": map[string]any{
					"enabled":  true,
					"identity": e.wrap("irsa"),
				}}})
			},
			expect: rejectKnown("addons.externalSecrets.secretsManagerArns: required with identity"),
		},
		{
			name: "certManager zone given as a domain",
			inputs: func(e enc) resource.PropertyMap {
				return inputs(map[string]any{"addons": map[string]any{"certManager": map[string]any{
					"enabled":              true,
					"route53HostedZoneIds": e.wrap([]string{"example.com"}),
				}}})
			},
			expect: rejectKnown("addons.certManager.route53HostedZoneIds[0]: ", "is not a Route 53 hosted zone ID"),
		},
		// The charts' Kubernetes compatibility (helmaddons_kubecompat.go): the pin on a
		// minor upstream does not document it for, and a given version on the default.
		{
			name: "certManager pin on a minor it does not support",
			inputs: func(e enc) resource.PropertyMap {
				return inputs(map[string]any{
					"kubernetesVersion": e.wrap("1.32"),
					"upgradePolicy":     "EXTENDED",
					"addons":            map[string]any{"certManager": map[string]any{"enabled": true}},
				})
			},
			expect: rejectKnown("kubernetesVersion: chart cert-manager v1.21.1 (addons.certManager, the platform's pin) is documented for Kubernetes 1.33 to 1.36",
				"set addons.certManager.version to v1.20.3 (Kubernetes 1.32 to 1.35)"),
		},
		{
			name: "certManager version for older minors",
			inputs: func(e enc) resource.PropertyMap {
				return inputs(map[string]any{"addons": map[string]any{"certManager": map[string]any{
					"enabled": true,
					"version": e.wrap("v1.20.3"),
				}}})
			},
			expect: rejectKnown("addons.certManager.version: chart cert-manager v1.20.3 is documented for Kubernetes 1.32 to 1.35",
				"remove addons.certManager.version to install the platform's pin v1.21.1"),
		},
		{
			name: "certManager version the platform has no facts for",
			inputs: func(e enc) resource.PropertyMap {
				return inputs(map[string]any{"addons": map[string]any{"certManager": map[string]any{
					"enabled": true,
					"version": e.wrap("v1.19.0"),
				}}})
			},
			expect: succeed,
			// Installed, with a warning that it was not checked once the version is known;
			// never a claim that it was.
			check: func(r *report, e enc, res *constructtest.Result) {
				const want = "addons.certManager.version: chart cert-manager v1.19.0 is not a version the platform has Kubernetes compatibility facts for (it has v1.21.1, v1.20.3), so it was not checked against Kubernetes 1.36"
				n := 0
				for _, l := range res.Logs {
					if strings.HasPrefix(l.Message, "addons.certManager.version:") {
						if l.Severity != pulumirpc.LogSeverity_WARNING || !strings.HasPrefix(l.Message, want) {
							r.errorf("log %v %q, want a warning starting %q", l.Severity, l.Message, want)
						}
						n++
					}
				}
				if want := map[bool]int{true: 1, false: 0}[e.known()]; n != want {
					r.errorf("%d warnings about the version, want %d (known: %v)", n, want, e.known())
				}
			},
		},
		{
			name: "clusterAutoscaler values rename the service account",
			inputs: func(e enc) resource.PropertyMap {
				return inputs(map[string]any{"addons": map[string]any{"clusterAutoscaler": map[string]any{
					"enabled": true,
					"values":  e.wrap(map[string]any{"rbac": map[string]any{"serviceAccount": map[string]any{"name": "other"}}}),
				}}})
			},
			expect: rejectKnown("addons.clusterAutoscaler.values.rbac.serviceAccount.name: "),
		},
		// 3. A chart of the user's own with its IAM policy: the chart must run as the
		// service account the role trusts, annotated with the role.
		{
			name: "helm release with iamPolicy and serviceAccount",
			inputs: func(e enc) resource.PropertyMap {
				return inputs(map[string]any{"helmReleases": []any{map[string]any{
					"name":           "app",
					"chart":          "app",
					"repository":     "https://charts.example.com",
					"namespace":      "apps",
					"serviceAccount": "app-sa",
					"iamPolicy":      e.wrap(policy),
				}}})
			},
			expect: succeed,
			check: func(r *report, e enc, res *constructtest.Result) {
				var rel *constructtest.Registered
				for _, x := range res.OfType(releaseType) {
					if v, _, _, ok := get(x.Inputs, "name"); ok && v.IsString() && v.StringValue() == "app" {
						rel = &x
					}
				}
				if rel == nil {
					r.errorf("no Helm release named app; registered %s", strings.Join(res.Names(), ", "))
					return
				}
				values, computed, _, ok := get(rel.Inputs, "values")
				if computed && e.mode == constructtest.Preview {
					return // the role ARN is unknown at preview, so may the values be
				}
				if !ok {
					r.errorf("release %s has no values; want serviceAccount.name and its role-arn annotation", rel.Name)
					return
				}
				vals := values.ObjectValue()
				if name, _, _, ok := get(vals, "serviceAccount", "name"); !ok || !name.IsString() || name.StringValue() != "app-sa" {
					r.errorf("release values serviceAccount.name = %v; want \"app-sa\" (values: %v)", name, vals)
				}
				arn, computed, _, ok := get(vals, "serviceAccount", "annotations", "eks.amazonaws.com/role-arn")
				switch {
				case !ok:
					r.errorf("release values lack serviceAccount.annotations[eks.amazonaws.com/role-arn] (values: %v)", vals)
				case computed:
					if e.mode == constructtest.Up {
						r.errorf("the role-arn annotation is unknown at up")
					}
				case !arn.IsString() || !strings.HasPrefix(arn.StringValue(), "arn:aws:iam::"):
					r.errorf("role-arn annotation = %v; want the role's ARN", arn)
				}
			},
		},
		// 4. Admins as Outputs: each entry's name comes from its ARN, so removing one
		// admin leaves the others' entries alone.
		{
			name: "admins named by ARN",
			inputs: func(e enc) resource.PropertyMap {
				return inputs(map[string]any{"admins": []any{e.wrap(adminA), e.wrap(adminB)}})
			},
			expect: func(e enc) expect {
				if !e.known() {
					return expect{outcome: either}
				}
				return expect{outcome: succeeds}
			},
			check: func(r *report, e enc, res *constructtest.Result) {
				if !e.known() {
					return
				}
				before, ok := entryFor(res, adminB)
				if !ok {
					r.errorf("no access entry for %s; access entries: %s", adminB, strings.Join(names(res.OfType(accessEntryType)), ", "))
					return
				}
				again, err := constructPlatform(r.t, inputs(map[string]any{"admins": []any{e.wrap(adminB)}}), e.mode)
				if err != nil {
					r.errorf("Construct with the second admin only failed: %v", err)
					return
				}
				after, ok := entryFor(again, adminB)
				switch {
				case !ok:
					r.errorf("no access entry for %s once the first admin is removed", adminB)
				case after.URN != before.URN:
					r.errorf("removing the first admin renames the second's access entry: %s → %s (replaced, and admin access lost meanwhile)", before.Name, after.Name)
				}
				if e.encoding == secret {
					noPlainText(r, res, "alpha-admins", "admin ARN")
					noPlainText(r, res, "beta-admins", "admin ARN")
				}
			},
		},
		// 4. awsAuthTakeover: the explicit input that forces aws-auth's apply over another
		// field manager. Known true, aws-auth carries pulumi.com/patchForce; unknown at
		// preview it takes its default (not forced); in API mode there is no aws-auth.
		{
			name: "awsAuthTakeover forces aws-auth",
			inputs: func(e enc) resource.PropertyMap {
				return inputs(map[string]any{"authenticationMode": "CONFIG_MAP", "awsAuthTakeover": e.wrap(true)})
			},
			expect: succeed,
			check: func(r *report, e enc, res *constructtest.Result) {
				cm, ok := res.Named("demo-aws-auth")
				if !ok {
					r.errorf("no aws-auth ConfigMap; registered: %s", strings.Join(res.Names(), ", "))
					return
				}
				v, _, _, found := get(cm.Inputs, "metadata", "annotations", "pulumi.com/patchForce")
				switch {
				case e.known() && (!found || !v.IsString() || v.StringValue() != "true"):
					r.errorf("aws-auth pulumi.com/patchForce = %v (found %v); want \"true\"", v, found)
				case !e.known() && found:
					r.errorf("an unknown awsAuthTakeover forces aws-auth at preview (%v); it takes its default, false", v)
				}
			},
		},
		{
			name: "awsAuthTakeover in API mode",
			inputs: func(e enc) resource.PropertyMap {
				return inputs(map[string]any{"authenticationMode": "API", "awsAuthTakeover": e.wrap(true)})
			},
			expect: rejectKnown("awsAuthTakeover: authenticationMode API does not read the aws-auth ConfigMap", "; remove awsAuthTakeover"),
		},
		// 5. Secrets are accepted and stay secret.
		{
			name: "tag value",
			inputs: func(e enc) resource.PropertyMap {
				return inputs(map[string]any{"tags": map[string]any{"team": e.wrap("x")}})
			},
			expect: succeed,
			check: func(r *report, e enc, res *constructtest.Result) {
				tagged := 0
				for _, x := range res.Resources {
					v, computed, isSecret, ok := get(x.Inputs, "tags", "team")
					if !ok {
						continue
					}
					tagged++
					switch {
					case e.encoding == secret && !isSecret:
						r.errorf("%s (%s) has the secret tag team in plain text", x.Name, x.Type)
					case computed:
						if e.known() {
							r.errorf("%s (%s): tag team is unknown", x.Name, x.Type)
						}
					case !v.IsString() || v.StringValue() != "x":
						r.errorf("%s (%s): tag team = %v; want \"x\"", x.Name, x.Type, v)
					}
				}
				if tagged == 0 {
					r.errorf("no resource has the tag team")
				}
			},
		},
		{
			name: "admin ARN stays out of names",
			inputs: func(e enc) resource.PropertyMap {
				return inputs(map[string]any{"admins": []any{e.wrap(hushed)}})
			},
			expect: func(e enc) expect {
				if !e.known() {
					return expect{outcome: either}
				}
				return expect{outcome: succeeds}
			},
			check: func(r *report, e enc, res *constructtest.Result) {
				if e.known() {
					if _, ok := entryFor(res, hushed); !ok {
						r.errorf("no access entry for %s; access entries: %s", hushed, strings.Join(names(res.OfType(accessEntryType)), ", "))
					}
				}
				if e.encoding == secret {
					noPlainText(r, res, "hush-admins", "admin ARN")
				}
			},
		},
		// 6. A type mismatch is reported like every other mistake.
		{
			name: "kubernetesVersion as a number",
			inputs: func(e enc) resource.PropertyMap {
				return inputs(map[string]any{"kubernetesVersion": e.wrap(1.33)})
			},
			expect: func(e enc) expect {
				if !e.known() {
					return expect{outcome: either}
				}
				return expect{
					outcome:    rejected,
					errHas:     []string{"kubernetesVersion: "},
					errLacks:   []string{"copying input", "expected a pulumi.String"},
					errMatches: regexp.MustCompile(`kubernetesVersion: [^\n]*; `),
				}
			},
		},
		// 7. Compute that EKS would refuse, or no compute at all.
		{
			name: "empty instanceTypes",
			inputs: func(e enc) resource.PropertyMap {
				return inputs(map[string]any{"nodeGroups": []any{map[string]any{"name": "general", "instanceTypes": e.wrap([]string{})}}})
			},
			expect: rejectKnown("nodeGroups[0].instanceTypes: "),
		},
		{
			name: "node group name over the EKS limit",
			inputs: func(e enc) resource.PropertyMap {
				return inputs(map[string]any{"nodeGroups": []any{map[string]any{"name": e.wrap(strings.Repeat("n", 60))}}})
			},
			expect: rejectKnown("nodeGroups[0].name: "),
		},
		{
			name: "no node group and no Fargate profile",
			inputs: func(e enc) resource.PropertyMap {
				return inputs(map[string]any{"nodeGroups": e.wrap([]any{})})
			},
			expect: rejectKnown("nodeGroups", "fargateProfiles"),
		},
		// 8. Validations of pkg/platform, through Construct.
		{
			name: "malformed kubernetesVersion",
			inputs: func(e enc) resource.PropertyMap {
				return inputs(map[string]any{"kubernetesVersion": e.wrap("v1.30")})
			},
			expect: rejectKnown(`kubernetesVersion: "v1.30" is not a Kubernetes version; use MAJOR.MINOR`),
		},
		{
			name: "retention CloudWatch does not allow",
			inputs: func(e enc) resource.PropertyMap {
				return inputs(map[string]any{"logRetentionDays": e.wrap(45)})
			},
			expect: rejectKnown("logRetentionDays: 45 is not a retention CloudWatch Logs allows; use one of 1, 3, 5"),
		},
		{
			name: "cidr with host bits",
			inputs: func(e enc) resource.PropertyMap {
				return inputs(map[string]any{"publicAccessCidrs": e.wrap([]string{"203.0.113.7/24"})})
			},
			expect: rejectKnown(`publicAccessCidrs[0]: "203.0.113.7/24" has host bits set; use 203.0.113.0/24`),
		},
		{
			name: "unknown authenticationMode",
			inputs: func(e enc) resource.PropertyMap {
				return inputs(map[string]any{"authenticationMode": e.wrap("IAM")})
			},
			expect: rejectKnown(`authenticationMode: unknown mode "IAM"; use one of API, API_AND_CONFIG_MAP, CONFIG_MAP`),
		},
		{
			name: "scaling min above max",
			inputs: func(e enc) resource.PropertyMap {
				return inputs(map[string]any{"nodeGroups": []any{
					map[string]any{"name": "a"},
					map[string]any{"name": "b", "scaling": map[string]any{"minSize": e.wrap(3), "maxSize": 2}},
				}})
			},
			expect: rejectKnown("nodeGroups[1].scaling: minSize 3 is greater than maxSize 2", "raise maxSize"),
		},
		// 9. EKS Auto Mode combinations EKS refuses or the platform would install twice.
		{
			name: "autoMode in CONFIG_MAP mode",
			inputs: func(e enc) resource.PropertyMap {
				return inputs(map[string]any{"autoMode": map[string]any{"enabled": e.wrap(true)}, "authenticationMode": "CONFIG_MAP"})
			},
			expect: rejectKnown("authenticationMode: CONFIG_MAP has no access entries, and EKS Auto Mode's nodes join through access entries; use API"),
		},
		{
			name: "unknown built-in node pool",
			inputs: func(e enc) resource.PropertyMap {
				return inputs(map[string]any{"autoMode": map[string]any{"enabled": true, "builtInNodePools": e.wrap([]string{"gpu"})}})
			},
			expect: rejectKnown(`autoMode.builtInNodePools[0]: "gpu" is not a built-in node pool; use general-purpose or system`),
		},
		{
			name: "vpc-cni under Auto Mode with no node group",
			inputs: func(e enc) resource.PropertyMap {
				return inputs(map[string]any{"nodeGroups": []any{}, "autoMode": map[string]any{"enabled": true},
					"eksAddons": map[string]any{"vpcCni": map[string]any{"enabled": e.wrap(true)}}})
			},
			expect: rejectKnown("eksAddons.vpcCni: enabled under autoMode with no node group; EKS Auto Mode runs pod networking on its own nodes"),
		},
		{
			name: "custom NodePools with Auto Mode off",
			inputs: func(e enc) resource.PropertyMap {
				return inputs(map[string]any{"autoMode": map[string]any{"enabled": e.wrap(false),
					"nodePools": []any{map[string]any{"name": "gpu"}}}})
			},
			expect: rejectKnown("autoMode.nodePools: given while autoMode.enabled is false; remove the custom NodePools"),
		},
		// Issue 23, item 4: what the API server or the EKS API refuses (malformed label and
		// taint keys, NodePool labels and requirement keys the NodePool CRD restricts,
		// EC2NodeClass tags Karpenter writes itself, a chart's service account switched
		// off) is refused at validation; Auto Mode pools carry consolidateAfter.
		{
			name: "node group taint key not a qualified name",
			inputs: func(e enc) resource.PropertyMap {
				return inputs(map[string]any{"nodeGroups": []any{map[string]any{"name": "general",
					"taints": []any{map[string]any{"key": e.wrap("bad key!"), "effect": "NO_SCHEDULE"}}}}})
			},
			expect: rejectKnown(`nodeGroups[0].taints[0].key: "bad key!" is not a Kubernetes taint key`, `use a key like "team"`),
		},
		{
			name: "node group label key not a qualified name",
			inputs: func(e enc) resource.PropertyMap {
				return inputs(map[string]any{"nodeGroups": []any{map[string]any{"name": "general", "labels": e.wrap(map[string]any{"bad key!": "x"})}}})
			},
			expect: rejectKnown(`nodeGroups[0].labels: key "bad key!" is not a Kubernetes label key`),
		},
		{
			name: "karpenter NodePool label in the karpenter.sh domain",
			inputs: func(e enc) resource.PropertyMap {
				return inputs(karpenterInputs(map[string]any{"enabled": true, "nodePools": []any{
					map[string]any{"name": "general", "labels": e.wrap(map[string]any{"karpenter.sh/team": "a"})},
				}}, nil))
			},
			expect: rejectKnown(`karpenter.nodePools[0].labels: key "karpenter.sh/team" is refused by the NodePool CRD (label domain "karpenter.sh" is restricted`),
		},
		{
			name: "karpenter nodeClass tag Karpenter writes itself",
			inputs: func(e enc) resource.PropertyMap {
				return inputs(karpenterInputs(map[string]any{"enabled": true, "nodeClass": map[string]any{
					"tags": e.wrap(map[string]any{"eks:eks-cluster-name": "demo"}),
				}}, nil))
			},
			expect: rejectKnown(`karpenter.nodeClass.tags: key "eks:eks-cluster-name" is refused by Karpenter's EC2NodeClass CRD`),
		},
		{
			name: "platform tag kubernetes.io/cluster with karpenter",
			inputs: func(e enc) resource.PropertyMap {
				m := karpenterInputs(map[string]any{"enabled": true}, nil)
				m["tags"] = e.wrap(map[string]any{"kubernetes.io/cluster/demo": "owned"})
				return inputs(m)
			},
			expect: rejectKnown(`tags: key "kubernetes.io/cluster/demo" is refused by Karpenter's EC2NodeClass CRD`),
		},
		{
			name: "auto mode requirement on karpenter.sh/nodepool",
			inputs: func(e enc) resource.PropertyMap {
				return inputs(map[string]any{"nodeGroups": []any{}, "autoMode": map[string]any{"enabled": true, "nodePools": []any{
					map[string]any{"name": "gpu", "requirements": []any{map[string]any{"key": e.wrap("karpenter.sh/nodepool"), "operator": "In", "values": []string{"gpu"}}}},
				}}})
			},
			expect: rejectKnown(`autoMode.nodePools[0].requirements[0].key: "karpenter.sh/nodepool" is refused by the NodePool CRD`),
		},
		{
			name: "auto mode label kubernetes.io/hostname",
			inputs: func(e enc) resource.PropertyMap {
				return inputs(map[string]any{"nodeGroups": []any{}, "autoMode": map[string]any{"enabled": true, "nodePools": []any{
					map[string]any{"name": "gpu", "labels": e.wrap(map[string]any{"kubernetes.io/hostname": "x"})},
				}}})
			},
			expect: rejectKnown(`autoMode.nodePools[0].labels: key "kubernetes.io/hostname" is refused by the NodePool CRD`),
		},
		{
			name: "auto mode consolidateAfter not a duration",
			inputs: func(e enc) resource.PropertyMap {
				return inputs(map[string]any{"nodeGroups": []any{}, "autoMode": map[string]any{"enabled": true, "nodePools": []any{
					map[string]any{"name": "gpu", "consolidateAfter": e.wrap("5 minutes")},
				}}})
			},
			expect: rejectKnown(`autoMode.nodePools[0].consolidateAfter: "5 minutes" is not a Karpenter duration`),
		},
		{
			name: "auto mode consolidateAfter",
			inputs: func(e enc) resource.PropertyMap {
				return inputs(map[string]any{"nodeGroups": []any{}, "autoMode": map[string]any{"enabled": true, "nodePools": []any{
					map[string]any{"name": "gpu", "consolidateAfter": e.wrap("30s")},
					map[string]any{"name": "batch"},
				}}})
			},
			expect: succeed,
			check: func(r *report, e enc, res *constructtest.Result) {
				want := map[string]string{"demo-auto-nodepool-gpu": "30s", "demo-auto-nodepool-batch": "1m"}
				for _, x := range res.OfType("kubernetes:karpenter.sh/v1:NodePool") {
					v, computed, _, ok := get(x.Inputs, "spec", "disruption", "consolidateAfter")
					// A NodePool's inputs are read as plain values (like Karpenter's): one
					// unknown at preview shows the default until the update.
					if (computed && e.mode == constructtest.Preview) || (!e.known() && x.Name == "demo-auto-nodepool-gpu") {
						delete(want, x.Name)
						continue
					}
					if !ok || !v.IsString() || v.StringValue() != want[x.Name] {
						r.errorf("%s: disruption.consolidateAfter %v, want %q", x.Name, v, want[x.Name])
					}
					delete(want, x.Name)
				}
				if len(want) > 0 {
					r.errorf("NodePools not registered: %v", want)
				}
			},
		},
		{
			name: "helm release values switch off a chart's service account",
			inputs: func(e enc) resource.PropertyMap {
				return inputs(map[string]any{"helmReleases": []any{map[string]any{
					"name": "app", "chart": "podinfo", "serviceAccount": "app-sa", "iamPolicy": policy,
					"values": e.wrap(map[string]any{"serviceAccount": map[string]any{"enabled": false}}),
				}}})
			},
			expect: rejectKnown("helmReleases[0].values.serviceAccount.enabled: the platform creates this service account"),
		},
		{
			name: "helm release service account for either chart convention",
			inputs: func(e enc) resource.PropertyMap {
				return inputs(map[string]any{"helmReleases": []any{map[string]any{
					"name": "app", "chart": "podinfo", "serviceAccount": e.wrap("app-sa"), "iamPolicy": policy,
				}}})
			},
			expect: succeed,
			check: func(r *report, e enc, res *constructtest.Result) {
				for _, x := range res.OfType(releaseType) {
					values, computed, _, ok := get(x.Inputs, "values")
					if computed && e.mode == constructtest.Preview {
						return
					}
					if !ok {
						r.errorf("release %s has no values", x.Name)
						return
					}
					for _, key := range []string{"create", "enabled"} {
						if v, _, _, ok := get(values.ObjectValue(), "serviceAccount", key); !ok || !v.IsBool() || !v.BoolValue() {
							r.errorf("release %s: serviceAccount.%s = %v, want true", x.Name, key, v)
						}
					}
					if v, _, _, ok := get(values.ObjectValue(), "serviceAccount", "name"); !ok || !v.IsString() || v.StringValue() != "app-sa" {
						r.errorf("release %s: serviceAccount.name = %v, want app-sa", x.Name, v)
					}
				}
			},
		},
		// Node customization (nodecustom_config.go): every wrong combination is refused
		// whatever the encoding of the value, and a custom AMI's user data is made.
		{
			name: "amiId without amiType CUSTOM",
			inputs: func(e enc) resource.PropertyMap {
				return inputs(map[string]any{"nodeGroups": []any{map[string]any{"name": "general", "amiId": e.wrap("ami-0123456789abcdef0")}}})
			},
			expect: rejectKnown("nodeGroups[0].amiId: a custom AMI needs amiType CUSTOM", "set amiType: CUSTOM"),
		},
		{
			name: "releaseVersion with a custom AMI",
			inputs: func(e enc) resource.PropertyMap {
				return inputs(map[string]any{"nodeGroups": []any{map[string]any{"name": "general", "amiType": "CUSTOM",
					"amiId": "ami-0123456789abcdef0", "releaseVersion": e.wrap("1.36.0-20260701")}}})
			},
			expect: rejectKnown("nodeGroups[0].releaseVersion: EKS sets no release version on a custom AMI"),
		},
		{
			name: "nodeadmConfig on Bottlerocket",
			inputs: func(e enc) resource.PropertyMap {
				return inputs(map[string]any{"nodeGroups": []any{map[string]any{"name": "general", "amiType": "BOTTLEROCKET_x86_64",
					"nodeadmConfig": map[string]any{"featureGates": e.wrap(map[string]any{"FastImagePull": true})}}}})
			},
			expect: rejectKnown("nodeGroups[0].nodeadmConfig: Bottlerocket nodes do not run nodeadm"),
		},
		{
			name: "bottlerocketSettings EKS cannot merge",
			inputs: func(e enc) resource.PropertyMap {
				return inputs(map[string]any{"nodeGroups": []any{map[string]any{"name": "general", "amiType": "BOTTLEROCKET_x86_64",
					"bottlerocketSettings": map[string]any{"kernel": e.wrap(map[string]any{"lockdown": "no\"ne"})}}}})
			},
			expect: rejectKnown("nodeGroups[0].bottlerocketSettings: kernel.lockdown: string", "has a quote"),
		},
		{
			name: "custom AMI bootstraps from the cluster",
			inputs: func(e enc) resource.PropertyMap {
				return inputs(map[string]any{"nodeGroups": []any{map[string]any{"name": "general", "amiType": "CUSTOM",
					"amiId":         e.wrap("ami-0123456789abcdef0"),
					"userDataParts": []any{map[string]any{"contentType": "text/x-shellscript", "content": e.wrap("#!/bin/bash\necho hi\n")}}}}})
			},
			expect: succeed,
			check: func(r *report, e enc, res *constructtest.Result) {
				lts := res.OfType("aws:ec2/launchTemplate:LaunchTemplate")
				if len(lts) != 1 {
					r.errorf("want one launch template, got %d", len(lts))
					return
				}
				if e.encoding == secret {
					noPlainText(r, res, "ami-0123456789abcdef0", "AMI ID")
				}
				if _, _, _, ok := get(lts[0].Inputs, "userData"); !ok {
					r.errorf("launch template has no userData")
				}
				if !e.known() || e.mode != constructtest.Up {
					return
				}
				ud, _, secretUD, ok := get(lts[0].Inputs, "userData")
				if !ok || !ud.IsString() {
					r.errorf("userData = %v", ud)
					return
				}
				if e.encoding == secret && !secretUD {
					r.errorf("userData holds a secret part but is not secret")
				}
				doc, err := base64.StdEncoding.DecodeString(ud.StringValue())
				if err != nil || !strings.Contains(string(doc), "apiServerEndpoint: https://") || !strings.Contains(string(doc), "echo hi") {
					r.errorf("userData = %q (%v); want the NodeConfig with the cluster's endpoint and the user's part", doc, err)
				}
			},
		},
		// Security groups (securitygroups_config.go): a rule's peer, a node group's extra
		// groups and the node security group's tags, in every encoding.
		{
			name: "cluster security group rule CIDR from the program",
			inputs: func(e enc) resource.PropertyMap {
				return inputs(map[string]any{"clusterSecurityGroupRules": []any{map[string]any{"name": "vpn", "type": "ingress",
					"protocol": "tcp", "fromPort": 443, "toPort": 443, "cidrIpv4": e.wrap("10.20.0.0/16")}}})
			},
			expect: succeed,
			check: func(r *report, e enc, res *constructtest.Result) {
				rules := res.OfType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
				if len(rules) != 1 || rules[0].Name != "demo-cluster-sg-rule-vpn" {
					r.errorf("want the rule demo-cluster-sg-rule-vpn, got %v", names(rules))
					return
				}
				v, computed, isSecret, ok := get(rules[0].Inputs, "cidrIpv4")
				switch {
				case !ok:
					r.errorf("the rule has no cidrIpv4")
				case e.encoding == secret && !isSecret:
					r.errorf("the secret CIDR is in plain text on the rule")
				case computed && e.known():
					r.errorf("cidrIpv4 is unknown although the value is known")
				case !computed && (!v.IsString() || v.StringValue() != "10.20.0.0/16"):
					r.errorf("cidrIpv4 = %v", v)
				}
				if (e.encoding == output || e.encoding == unknown) && !slices.Contains(rules[0].AllDeps(), subnetURN) {
					r.errorf("the rule does not depend on %s: %v", subnetURN, rules[0].AllDeps())
				}
			},
		},
		{
			name: "security group rule CIDR with host bits",
			inputs: func(e enc) resource.PropertyMap {
				return inputs(map[string]any{"clusterSecurityGroupRules": []any{map[string]any{"name": "vpn", "type": "ingress",
					"protocol": "tcp", "fromPort": 443, "toPort": 443, "cidrIpv4": e.wrap("10.20.0.1/16")}}})
			},
			expect: rejectKnown(`clusterSecurityGroupRules[0].cidrIpv4: "10.20.0.1/16" has host bits set; give the network, 10.20.0.0/16`),
		},
		{
			name: "node group extra security groups",
			inputs: func(e enc) resource.PropertyMap {
				return inputs(map[string]any{
					"nodeGroups":        []any{map[string]any{"name": "general", "securityGroupIds": e.wrap([]string{"sg-0123456789abcdef0"})}},
					"nodeSecurityGroup": map[string]any{"enabled": true},
				})
			},
			expect: succeed,
			check: func(r *report, e enc, res *constructtest.Result) {
				lts := res.OfType("aws:ec2/launchTemplate:LaunchTemplate")
				if len(lts) != 1 {
					r.errorf("want one launch template, got %d", len(lts))
					return
				}
				v, computed, isSecret, ok := get(lts[0].Inputs, "vpcSecurityGroupIds")
				if !ok {
					r.errorf("the launch template sets no security groups")
					return
				}
				if e.encoding == secret && !isSecret {
					r.errorf("the secret group ID is in plain text on the launch template")
				}
				if computed || e.mode != constructtest.Up {
					return
				}
				got, known := strs(v)
				if !known || len(got) != 3 || got[2] != "sg-0123456789abcdef0" || !strings.HasPrefix(got[0], "sg-") || !strings.HasPrefix(got[1], "sg-") {
					r.errorf("vpcSecurityGroupIds = %v; want the cluster's, the node group's and the extra", got)
				}
			},
		},
		{
			name: "node security group tagged for the cluster",
			inputs: func(e enc) resource.PropertyMap {
				return inputs(map[string]any{"nodeSecurityGroup": map[string]any{"enabled": true,
					"tags": map[string]any{"kubernetes.io/cluster/demo": e.wrap("owned")}}})
			},
			expect: rejectKnown(`nodeSecurityGroup.tags: key "kubernetes.io/cluster/demo" would tag a second security group for the cluster`),
		},
		{
			name: "reserved tag prefix",
			inputs: func(e enc) resource.PropertyMap {
				return inputs(map[string]any{"tags": e.wrap(map[string]any{"aws:owner": "x"})})
			},
			expect: rejectKnown(`tags: key "aws:owner" uses the reserved prefix`),
		},
		// 9. eksAddons.extra: an EKS add-on by name, with its own role.
		{
			name: "extra EKS add-on with Pod Identity and a policy ARN",
			inputs: func(e enc) resource.PropertyMap {
				return inputs(map[string]any{"eksAddons": map[string]any{"extra": []any{map[string]any{
					"name":              "aws-efs-csi-driver",
					"identity":          "podIdentity",
					"managedPolicyArns": e.wrap([]string{"arn:aws:iam::123456789012:policy/EfsExtra"}),
				}}}})
			},
			expect: succeed,
			check: func(r *report, e enc, res *constructtest.Result) {
				var addon *constructtest.Registered
				for _, x := range res.OfType("aws:eks/addon:Addon") {
					if x.Name == "demo-aws-efs-csi-driver" {
						addon = &x
					}
				}
				if addon == nil {
					r.errorf("no add-on demo-aws-efs-csi-driver; registered %s", strings.Join(res.Names(), ", "))
					return
				}
				assocs, computed, _, ok := get(addon.Inputs, "podIdentityAssociations")
				switch {
				case computed && e.mode == constructtest.Preview:
				case !ok || !assocs.IsArray() || len(assocs.ArrayValue()) != 2:
					r.errorf("podIdentityAssociations = %v; want the controller's and the node DaemonSet's", assocs)
				default:
					for i, want := range []string{"efs-csi-controller-sa", "efs-csi-node-sa"} {
						if sa, _, _, _ := get(assocs.ArrayValue()[i].ObjectValue(), "serviceAccount"); !sa.IsString() || sa.StringValue() != want {
							r.errorf("association %d serviceAccount = %v; want %s", i, sa, want)
						}
					}
				}
				if !e.known() {
					return // the list is planned at the update
				}
				var attached []constructtest.Registered
				for _, x := range res.OfType("aws:iam/rolePolicyAttachment:RolePolicyAttachment") {
					if strings.HasPrefix(x.Name, "demo-eks-addon-aws-efs-csi-driver-role-") {
						attached = append(attached, x)
					}
				}
				if len(attached) != 1 {
					r.errorf("attachments %v; want the one given policy (it replaces the recommended one)", names(attached))
					return
				}
				arn, _, isSecret, _ := get(attached[0].Inputs, "policyArn")
				if e.encoding == secret {
					if !isSecret {
						r.errorf("the secret policy ARN is attached in plain text")
					}
					noPlainText(r, res, "EfsExtra", "policy ARN")
				} else if attached[0].Name != "demo-eks-addon-aws-efs-csi-driver-role-EfsExtra" || !arn.IsString() || arn.StringValue() != "arn:aws:iam::123456789012:policy/EfsExtra" {
					r.errorf("attachment %s policyArn %v; want it named by the policy", attached[0].Name, arn)
				}
			},
		},
		{
			name: "extra EKS add-on policy that is not an ARN",
			inputs: func(e enc) resource.PropertyMap {
				return inputs(map[string]any{"eksAddons": map[string]any{"extra": []any{map[string]any{
					"name": "aws-efs-csi-driver", "managedPolicyArns": e.wrap([]string{"AmazonEFSCSIDriverPolicy"}),
				}}}})
			},
			expect: rejectKnown(`eksAddons.extra[0].managedPolicyArns[0]: "AmazonEFSCSIDriverPolicy" is not an IAM policy ARN`),
		},
		{
			name: "extra EKS add-on named like a typed one",
			inputs: func(e enc) resource.PropertyMap {
				return inputs(map[string]any{"eksAddons": map[string]any{"extra": []any{map[string]any{"name": e.wrap("coredns")}}}})
			},
			expect: rejectKnown("eksAddons.extra[0].name: coredns has inputs of its own; configure it at eksAddons.coredns instead"),
		},
		{
			name: "metrics-server as EKS add-on and Helm add-on",
			inputs: func(e enc) resource.PropertyMap {
				return inputs(map[string]any{
					"eksAddons": map[string]any{"extra": []any{map[string]any{"name": e.wrap("metrics-server")}}},
					"addons":    map[string]any{"metricsServer": map[string]any{"enabled": true}},
				})
			},
			expect: rejectKnown("eksAddons.extra[0].name: metrics-server is also installed by addons.metricsServer (Helm)"),
		},
		{
			name: "unknown EKS add-on with a role and no service account",
			inputs: func(e enc) resource.PropertyMap {
				return inputs(map[string]any{"eksAddons": map[string]any{"extra": []any{map[string]any{
					"name": "vendor-agent", "iamPolicy": e.wrap(policy),
				}}}})
			},
			expect: rejectKnown("eksAddons.extra[0].serviceAccount: required for vendor-agent with an IAM role",
				"eksAddons.extra[0].namespace: required for vendor-agent with an IAM role"),
		},
		{
			name: "EKS add-on with a Deployment placed before compute",
			inputs: func(e enc) resource.PropertyMap {
				return inputs(map[string]any{"eksAddons": map[string]any{"extra": []any{map[string]any{
					"name": "aws-efs-csi-driver", "placement": e.wrap("beforeCompute"),
				}}}})
			},
			expect: rejectKnown("eksAddons.extra[0].placement: aws-efs-csi-driver runs a Deployment"),
		},
		// Karpenter (issue 15): enabled beside the Cluster Autoscaler, a bad NodePool, and
		// a valid platform whose NodePool and node access arrive through Construct.
		{
			name: "karpenter with the cluster autoscaler",
			inputs: func(e enc) resource.PropertyMap {
				return inputs(karpenterInputs(map[string]any{"enabled": e.wrap(true)}, map[string]any{
					"clusterAutoscaler": map[string]any{"enabled": true},
				}))
			},
			expect: rejectKnown("addons.clusterAutoscaler: enabled together with karpenter"),
		},
		{
			name: "karpenter nodePool capacity type",
			inputs: func(e enc) resource.PropertyMap {
				return inputs(karpenterInputs(map[string]any{"enabled": true, "nodePools": []any{
					map[string]any{"name": "general", "capacityTypes": e.wrap([]string{"preemptible"})},
				}}, nil))
			},
			expect: rejectKnown(`karpenter.nodePools[0].capacityTypes[0]: "preemptible" is not a Karpenter capacity type`),
		},
		{
			name: "karpenter nodePools",
			inputs: func(e enc) resource.PropertyMap {
				return inputs(karpenterInputs(map[string]any{"enabled": true, "nodePools": []any{
					map[string]any{"name": "general", "capacityTypes": []string{"on-demand", "spot"}, "limits": e.wrap(map[string]any{"cpu": "100"})},
				}}, nil))
			},
			expect: succeed,
			check: func(r *report, e enc, res *constructtest.Result) {
				var pools []string
				for _, x := range res.OfType("kubernetes:karpenter.sh/v1:NodePool") {
					pools = append(pools, x.Name)
				}
				if !slices.Equal(pools, []string{"demo-karpenter-nodepool-general"}) {
					r.errorf("NodePools %v", pools)
				}
				var ec2Linux bool
				for _, x := range res.OfType(accessEntryType) {
					if v, _, _, ok := get(x.Inputs, "type"); ok && v.IsString() && v.StringValue() == "EC2_LINUX" {
						ec2Linux = true
					}
				}
				if !ec2Linux {
					r.errorf("no EC2_LINUX access entry for Karpenter's nodes")
				}
			},
		},
		// 9. The EKS release calendar on the pinned day, 2026-12-07 (calendar_test.go):
		// 1.34 left standard support on 2026-12-02, 1.31 extended support on 2026-11-26.
		{
			name: "kubernetesVersion past standard support on the STANDARD default",
			inputs: func(e enc) resource.PropertyMap {
				return inputs(map[string]any{"kubernetesVersion": e.wrap("1.34")})
			},
			expect: rejectKnown("kubernetesVersion: 1.34 left EKS standard support on 2026-12-02; set upgradePolicy: EXTENDED (extended support until 2027-12-02, billed per cluster-hour at the extended-support rate) or choose 1.35 or later"),
		},
		{
			name: "upgradePolicy STANDARD on a version past standard support",
			inputs: func(e enc) resource.PropertyMap {
				return inputs(map[string]any{"kubernetesVersion": "1.34", "upgradePolicy": e.wrap("STANDARD")})
			},
			expect: rejectKnown("kubernetesVersion: 1.34 left EKS standard support on 2026-12-02; set upgradePolicy: EXTENDED"),
		},
		{
			// Accepted however the policy arrives; unknown at preview, the preview says the
			// update checks it.
			name: "upgradePolicy EXTENDED on a version past standard support",
			inputs: func(e enc) resource.PropertyMap {
				return inputs(map[string]any{"kubernetesVersion": "1.34", "upgradePolicy": e.wrap("EXTENDED")})
			},
			expect: succeed,
			check: func(r *report, e enc, res *constructtest.Result) {
				clusters := res.OfType(clusterType)
				if len(clusters) != 1 {
					r.errorf("want one cluster, got %d", len(clusters))
					return
				}
				if v, computed, _, ok := get(clusters[0].Inputs, "version"); !ok || computed || v.StringValue() != "1.34" {
					r.errorf("cluster version %v", v)
				}
				if !e.known() {
					if !logged(res, "upgradePolicy: not known yet at preview; kubernetesVersion 1.34 left EKS standard support on 2026-12-02") {
						r.errorf("no preview warning that the update checks the policy; logs %v", res.Logs)
					}
					return
				}
				if v, _, _, ok := get(clusters[0].Inputs, "upgradePolicy", "supportType"); !ok || !v.IsString() || v.StringValue() != "EXTENDED" {
					r.errorf("cluster upgradePolicy.supportType %v, want EXTENDED", v)
				}
			},
		},
		{
			name: "kubernetesVersion past extended support",
			inputs: func(e enc) resource.PropertyMap {
				return inputs(map[string]any{"kubernetesVersion": e.wrap("1.31"), "upgradePolicy": "EXTENDED"})
			},
			expect: rejectKnown("kubernetesVersion: 1.31 left EKS extended support on 2026-11-26: EKS creates no cluster at it and upgrades running ones itself; choose 1.32 or later"),
		},
		{
			name: "kubernetesVersion the calendar does not know",
			inputs: func(e enc) resource.PropertyMap {
				return inputs(map[string]any{"kubernetesVersion": e.wrap("1.37")})
			},
			expect: rejectKnown("kubernetesVersion: 1.37 is not a version the platform's EKS release calendar knows (1.29 to 1.36, read 2026-12-07); use one of the versions on 2026-12-07 EKS runs 1.35, 1.36 in standard support"),
		},
	}
}

// karpenterInputs are a system node group for the controller and the karpenter input
// given, with addons over the defaults.
func karpenterInputs(karpenter, addons map[string]any) map[string]any {
	m := map[string]any{
		"nodeGroups": []any{map[string]any{"name": "system", "scaling": map[string]any{"minSize": 2, "desiredSize": 2, "maxSize": 3}}},
		"karpenter":  karpenter,
	}
	if addons != nil {
		m["addons"] = addons
	}
	return m
}

// must drops get's computed and secret flags, keeping the value when it was found.
func must(v resource.PropertyValue, _, _, ok bool) resource.PropertyValue {
	if !ok {
		return resource.NewNullProperty()
	}
	return v
}
