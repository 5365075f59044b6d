// Package clustersettings is the plugin's resource provider for settingsapi.Token: the
// EKS cluster settings pulumi-aws v6 cannot express, set with aws-sdk-go-v2 on the
// aws:eks/cluster:Cluster the component made. One file per concern: check.go (inputs
// and their validation), diff.go, eks.go (the EKS calls), resource.go (the gRPC
// methods).
package clustersettings

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/eksplatform/pulumi-eksplatform/provider/internal/settingsapi"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

var (
	clusterNamePattern = regexp.MustCompile(`^[0-9A-Za-z][A-Za-z0-9\-_]{0,99}$`)
	// arn:<partition>:eks:<region>:<account>:cluster/<name>
	clusterArnPattern = regexp.MustCompile(`^arn:(aws[a-z-]*):eks:([a-z0-9-]+):([0-9]{12}):cluster/(.+)$`)
	regionPattern     = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]+$`)
	roleArnPattern    = regexp.MustCompile(`^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$`)
)

// settings are the resource's inputs, read from a property map.
type settings struct {
	ClusterName string
	ClusterArn  string
	Region      string
	Profile     string
	RoleArn     string
	// DeletionProtection and Tier are nil when the input is absent: EKS's value is left.
	DeletionProtection *bool
	Tier               *string
	Release            bool
}

// clusterArn is a parsed cluster ARN.
type clusterArn struct{ Partition, Region, Account, Name string }

func parseClusterArn(s string) (clusterArn, bool) {
	m := clusterArnPattern.FindStringSubmatch(s)
	if m == nil {
		return clusterArn{}, false
	}
	return clusterArn{Partition: m[1], Region: m[2], Account: m[3], Name: m[4]}, true
}

// plain is v without its secret wrapper.
func plain(v resource.PropertyValue) resource.PropertyValue {
	for v.IsSecret() {
		v = v.SecretValue().Element
	}
	return v
}

// failure is one input problem: the property and `<problem>; <fix>`.
type failure struct{ Property, Reason string }

func (f failure) Error() string { return f.Property + ": " + f.Reason }

// readSettings reads and validates the inputs. Unknown values (at preview) are not
// checked, and known is false when any is unknown.
func readSettings(m resource.PropertyMap) (s settings, known bool, failures []failure) {
	known = true
	add := func(prop, format string, args ...any) {
		failures = append(failures, failure{prop, fmt.Sprintf(format, args...)})
	}
	str := func(key string, required bool) string {
		v, ok := m[resource.PropertyKey(key)]
		if !ok || plain(v).IsNull() {
			if required {
				add(key, "missing; the component sets it from the cluster it made (is the plugin older than the component?)")
			}
			return ""
		}
		v = plain(v)
		switch {
		case v.IsComputed() || v.IsOutput() && !v.OutputValue().Known:
			known = false
			return ""
		case v.IsOutput():
			v = plain(v.OutputValue().Element)
		}
		if !v.IsString() {
			add(key, "%s is not a string; give a string", v.TypeString())
			return ""
		}
		return v.StringValue()
	}
	boolean := func(key string) *bool {
		v, ok := m[resource.PropertyKey(key)]
		if !ok || plain(v).IsNull() {
			return nil
		}
		v = plain(v)
		switch {
		case v.IsComputed() || v.IsOutput() && !v.OutputValue().Known:
			known = false
			return nil
		case v.IsOutput():
			v = plain(v.OutputValue().Element)
		}
		if !v.IsBool() {
			add(key, "%s is not a boolean; give true or false", v.TypeString())
			return nil
		}
		b := v.BoolValue()
		return &b
	}
	s.ClusterName = str(settingsapi.ClusterName, true)
	s.ClusterArn = str(settingsapi.ClusterArn, true)
	s.Region = str(settingsapi.Region, true)
	s.Profile = str(settingsapi.Profile, false)
	s.RoleArn = str(settingsapi.RoleArn, false)
	s.DeletionProtection = boolean(settingsapi.DeletionProtection)
	if _, ok := m[settingsapi.ControlPlaneTier]; ok && !plain(m[settingsapi.ControlPlaneTier]).IsNull() {
		before := known
		known = true
		if t := str(settingsapi.ControlPlaneTier, false); known {
			s.Tier = &t
		}
		known = known && before
	}
	if r := boolean(settingsapi.ReleaseProtectionOnDelete); r != nil {
		s.Release = *r
	}
	failures = append(failures, validate(s)...)
	return s, known, failures
}

// validate checks the known values.
func validate(s settings) []failure {
	var out []failure
	add := func(prop, format string, args ...any) {
		out = append(out, failure{prop, fmt.Sprintf(format, args...)})
	}
	if s.ClusterName != "" && !clusterNamePattern.MatchString(s.ClusterName) {
		add(settingsapi.ClusterName, "%q is not an EKS cluster name; use 1-100 letters, digits, '-' or '_', starting with a letter or digit", s.ClusterName)
	}
	if s.ClusterArn != "" {
		arn, ok := parseClusterArn(s.ClusterArn)
		switch {
		case !ok:
			add(settingsapi.ClusterArn, "%q is not an EKS cluster ARN; give arn:aws:eks:<region>:<account>:cluster/<name>", s.ClusterArn)
		case s.ClusterName != "" && arn.Name != s.ClusterName:
			add(settingsapi.ClusterArn, "%q names cluster %q, not %q; give the ARN of the cluster the settings are for", s.ClusterArn, arn.Name, s.ClusterName)
		case s.Region != "" && arn.Region != s.Region:
			add(settingsapi.ClusterArn, "the cluster is in region %s but the aws provider's region is %s; the settings act in the region of the component's AWS resources, so give the platform an aws provider of region %s", arn.Region, s.Region, arn.Region)
		}
	}
	if s.Region != "" && !regionPattern.MatchString(s.Region) {
		add(settingsapi.Region, "%q is not an AWS region; give a region such as us-west-2", s.Region)
	}
	if s.Profile != "" && strings.TrimSpace(s.Profile) != s.Profile {
		add(settingsapi.Profile, "%q has leading or trailing spaces; give the profile's name as in ~/.aws/config", s.Profile)
	}
	if s.RoleArn != "" && !roleArnPattern.MatchString(s.RoleArn) {
		add(settingsapi.RoleArn, "%q is not an IAM role ARN; give arn:aws:iam::<account>:role/<name>", s.RoleArn)
	}
	if s.Tier != nil && *s.Tier != "" && !slices.Contains(settingsapi.Tiers, *s.Tier) {
		add(settingsapi.ControlPlaneTier, "%q is not a provisioned control plane tier; use one of %s", *s.Tier, strings.Join(settingsapi.Tiers, ", "))
	}
	if s.Tier != nil && *s.Tier == "" {
		add(settingsapi.ControlPlaneTier, "empty; use one of %s, or leave it out to keep the cluster's tier", strings.Join(settingsapi.Tiers, ", "))
	}
	return out
}
