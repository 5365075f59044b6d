package platform

import (
	"strings"
	"testing"

	"github.com/eksplatform/pulumi-eksplatform/provider/internal/mocktest"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// identity is the platform identity of "demo" in the mocks' project and stack.
var identity = platformIdentity("project", "stack", "demo")

// tagsOf are the guard tags a cluster the platform made carries.
func tagsOf(bootstrapAdmin, secrets string) map[string]string {
	tags := map[string]string{identityTag: identity, bootstrapAdminTag: bootstrapAdmin, secretsEncryptionTag: secrets}
	if secrets == "true" {
		tags[secretsKeyTag] = platformKeyValue
	}
	return tags
}

// deployOn runs New as "demo" in an account running the clusters given.
func deployOn(t *testing.T, args *Args, clusters map[string]mocktest.LiveCluster) (*recorder, error) {
	t.Helper()
	rec := &recorder{Mocks: mocktest.New(), ignore: map[string][]string{}, dbr: map[string]bool{}, protect: map[string]bool{}}
	rec.SetLiveClusters(clusters)
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		_, err := New(ctx, "demo", args)
		return err
	}, pulumi.WithMocks("project", "stack", rec))
	return rec, err
}

func requireRefused(t *testing.T, rec *recorder, err error, wants ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("want an error containing %q, got none", wants)
	}
	for _, w := range wants {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q does not contain %q", err, w)
		}
	}
	if c := children(rec.Mocks); len(c) != 0 {
		t.Errorf("the change was refused but %d children were registered: %v", len(c), c)
	}
}

// The cluster carries the platform's identity and the create-only settings EKS does not
// report, as tags beside the user's.
func TestClusterCarriesGuardTags(t *testing.T) {
	a := minimalArgs()
	a.Tags = strMapIn(map[string]string{"team": "platform"})
	a.AuthenticationMode = strIn("CONFIG_MAP")
	rec, err := deployOn(t, a, nil)
	if err != nil {
		t.Fatal(err)
	}
	tags := obj(rec.Find(t, "demo-cluster"), "tags")
	want := map[string]string{"team": "platform", identityTag: "project/stack/demo", bootstrapAdminTag: "true", secretsEncryptionTag: "true",
		secretsKeyTag: platformKeyValue}
	for k, v := range want {
		if got := tags[resource.PropertyKey(k)]; !got.IsString() || got.StringValue() != v {
			t.Errorf("cluster tag %s = %v, want %q", k, got, v)
		}
	}
	if len(tags) != len(want) {
		t.Errorf("cluster tags %v, want exactly %v", tags, want)
	}
	// Other resources keep the user's tags only.
	if lt := obj(rec.Find(t, "demo-cluster-logs"), "tags"); len(lt) != 1 {
		t.Errorf("log group tags %v, want only the user's", lt)
	}
}

// An identity that does not fit an AWS tag value is hashed.
func TestPlatformIdentityFitsATagValue(t *testing.T) {
	if got := platformIdentity("p", "s", "demo"); got != "p/s/demo" {
		t.Errorf("identity %q", got)
	}
	for _, name := range []string{"demo$1", strings.Repeat("x", 300)} {
		got := platformIdentity("p", "s", name)
		if !strings.HasPrefix(got, "sha256:") || !tagValuePattern.MatchString(got) {
			t.Errorf("identity of %q is %q, not a hashed tag value", name, got)
		}
	}
}

func TestGuardTagPrefixIsReserved(t *testing.T) {
	a := minimalArgs()
	a.Tags = strMapIn(map[string]string{"eksplatform:platform": "x"})
	requireInvalid(t, a, `tags: key "eksplatform:platform" uses the prefix "eksplatform:"`)
}

// Each create-only field the platform sets is compared with the running cluster; a
// change is refused before any child is registered, naming the input, both values and
// the way out.
func TestClusterReplacementIsRefused(t *testing.T) {
	for _, tc := range []struct {
		name  string
		edit  func(*Args)
		live  mocktest.LiveCluster
		wants []string
	}{
		{"bootstrapClusterCreatorAdminPermissions", func(a *Args) { a.BootstrapClusterCreatorAdminPermissions = boolIn(true) },
			mocktest.LiveCluster{Version: "1.36", Tags: tagsOf("false", "true")},
			[]string{"bootstrapClusterCreatorAdminPermissions: changing it from false to true replaces the EKS cluster (and with it every node, add-on and workload); keep false, or set allowClusterReplacement: true to replace it"}},
		{"authenticationMode flips the bootstrap default", func(a *Args) { a.AuthenticationMode = strIn("API_AND_CONFIG_MAP") },
			mocktest.LiveCluster{Version: "1.36", Tags: tagsOf("true", "true")},
			[]string{"bootstrapClusterCreatorAdminPermissions: changing it from true to false replaces the EKS cluster"}},
		{"secrets encryption off", func(a *Args) { a.SecretsEncryption = boolIn(false) },
			mocktest.LiveCluster{Version: "1.36", Tags: tagsOf("false", "true")},
			[]string{"secretsEncryption: changing it from true to false replaces the EKS cluster", "keep true, or set allowClusterReplacement: true"}},
		{"Auto Mode node role", func(a *Args) {
			a.AutoMode = &AutoModeArgs{Enabled: boolIn(true), NodeRoleArn: strIn("arn:aws:iam::123456789012:role/other")}
		}, mocktest.LiveCluster{Version: "1.36", Tags: tagsOf("false", "true"), AutoCompute: true, AutoNodeRoleArn: "arn:aws:iam::123456789012:role/demo-auto-node"},
			[]string{"autoMode.nodeRoleArn: changing it from arn:aws:iam::123456789012:role/demo-auto-node to arn:aws:iam::123456789012:role/other replaces the EKS cluster"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := minimalArgs()
			tc.edit(a)
			rec, err := deployOn(t, a, map[string]mocktest.LiveCluster{"demo": tc.live})
			requireRefused(t, rec, err, tc.wants...)
		})
	}
}

// The same inputs against the cluster they made pass, and so do the changes EKS takes in
// place (turning encryption on, a new role for a cluster without Auto Mode compute).
func TestClusterGuardPassesWhatDoesNotReplace(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(*Args)
		live mocktest.LiveCluster
	}{
		{"unchanged", func(*Args) {}, mocktest.LiveCluster{Version: "1.36", Tags: tagsOf("false", "true")}},
		{"encryption turned on", func(*Args) {}, mocktest.LiveCluster{Version: "1.36", Tags: tagsOf("false", "false")}},
		{"platform's own Auto Mode node role", func(a *Args) { a.AutoMode = &AutoModeArgs{Enabled: boolIn(true)} },
			mocktest.LiveCluster{Version: "1.36", Tags: tagsOf("false", "true"), AutoCompute: true,
				AutoNodeRoleArn: "arn:aws:iam::" + mocktest.Account + ":role/demo-auto-node"}},
		{"Auto Mode switched on", func(a *Args) { a.AutoMode = &AutoModeArgs{Enabled: boolIn(true)} },
			mocktest.LiveCluster{Version: "1.36", Tags: tagsOf("false", "true")}},
		{"a cluster release 0.1.0 made (no tags, the platform's role)", func(*Args) {}, mocktest.LiveCluster{Version: "1.36", RoleArn: platformRoleArn}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := minimalArgs()
			tc.edit(a)
			if _, err := deployOn(t, a, map[string]mocktest.LiveCluster{"demo": tc.live}); err != nil {
				t.Fatalf("want no error, got %v", err)
			}
		})
	}
}

// A new clusterName finds no cluster of that name; the cluster with this platform's
// identity tag is the one it manages, under its old name. Another platform's cluster is
// not mistaken for it.
func TestClusterRenameIsRefused(t *testing.T) {
	a := minimalArgs()
	a.ClusterName = strIn("demo-2")
	rec, err := deployOn(t, a, map[string]mocktest.LiveCluster{
		"other": {Version: "1.36", Tags: map[string]string{identityTag: "project/stack/other"}},
		"demo":  {Version: "1.36", Tags: tagsOf("false", "true")},
	})
	requireRefused(t, rec, err, "clusterName: changing it from demo to demo-2 replaces the EKS cluster (and with it every node, add-on and workload); keep demo, or set allowClusterReplacement: true to replace it")

	a = minimalArgs()
	a.ClusterName = strIn("demo-2")
	if _, err := deployOn(t, a, map[string]mocktest.LiveCluster{
		"other": {Version: "1.36", Tags: map[string]string{identityTag: "project/stack/other"}},
	}); err != nil {
		t.Errorf("a first create beside another platform's cluster: %v", err)
	}
}

// With allowClusterReplacement the run goes ahead. Under the same name the cluster is
// deleted before it is made again (EKS refuses two clusters of one name); a rename
// creates the new cluster first.
func TestAllowClusterReplacement(t *testing.T) {
	a := minimalArgs()
	a.SecretsEncryption = boolIn(false)
	a.AllowClusterReplacement = boolIn(true)
	rec, err := deployOn(t, a, map[string]mocktest.LiveCluster{"demo": {Version: "1.36", Tags: tagsOf("false", "true")}})
	if err != nil {
		t.Fatal(err)
	}
	if !rec.dbr["demo-cluster"] {
		t.Error("a same-name replacement must delete the cluster before creating it")
	}

	a = minimalArgs()
	a.ClusterName = strIn("demo-2")
	a.AllowClusterReplacement = boolIn(true)
	rec, err = deployOn(t, a, map[string]mocktest.LiveCluster{"demo": {Version: "1.36", Tags: tagsOf("false", "true")}})
	if err != nil {
		t.Fatal(err)
	}
	if rec.dbr["demo-cluster"] {
		t.Error("a rename can create the new cluster first")
	}

	rec, err = deployOn(t, minimalArgs(), map[string]mocktest.LiveCluster{"demo": {Version: "1.36", Tags: tagsOf("false", "true")}})
	if err != nil || rec.dbr["demo-cluster"] {
		t.Errorf("no replacement: err %v, deleteBeforeReplace %v", err, rec.dbr["demo-cluster"])
	}
}

// The guard's decisions and warnings, as a function of the inputs and the live cluster.
func TestPlanClusterGuard(t *testing.T) {
	base := clusterConfig{Name: "demo", SecretsEncryption: true}
	live := liveCluster{Exists: true, Tags: tagsOf("false", "true")}
	want := desiredCreateOnly{SecretsEncryption: true}

	has := func(ws []string, s string) bool {
		for _, w := range ws {
			if strings.Contains(w, s) {
				return true
			}
		}
		return false
	}
	t.Run("allowed warns loudly", func(t *testing.T) {
		c := base
		c.AllowReplacement = true
		g, err := planClusterGuard(c, live, desiredCreateOnly{BootstrapAdmin: true, SecretsEncryption: true})
		if err != nil || !g.Replaces || !has(g.Warnings, "bootstrapClusterCreatorAdminPermissions: changing it from false to true REPLACES the EKS cluster demo") {
			t.Errorf("got %+v, %v", g, err)
		}
	})
	t.Run("unknown at preview warns, never refuses", func(t *testing.T) {
		c := base
		c.Unread = []string{"bootstrapClusterCreatorAdminPermissions"}
		g, err := planClusterGuard(c, live, desiredCreateOnly{BootstrapAdmin: true, SecretsEncryption: true})
		if err != nil || !has(g.Warnings, "bootstrapClusterCreatorAdminPermissions: not known yet at preview, so a replacement of the EKS cluster demo cannot be ruled out") {
			t.Errorf("got %+v, %v", g, err)
		}
	})
	t.Run("unknown clusterName", func(t *testing.T) {
		c := base
		c.VersionStepUnread, c.Unread = true, []string{"clusterName"}
		g, err := planClusterGuard(c, liveCluster{}, want)
		if err != nil || !has(g.Warnings, "clusterName: not known yet at preview") {
			t.Errorf("got %+v, %v", g, err)
		}
	})
	t.Run("untagged cluster: what cannot be read is said", func(t *testing.T) {
		g, err := planClusterGuard(base, liveCluster{Exists: true}, desiredCreateOnly{})
		if err != nil || !has(g.Warnings, "bootstrapClusterCreatorAdminPermissions: EKS does not report it") ||
			!has(g.Warnings, "secretsEncryption: the cluster demo carries no eksplatform:secretsEncryption tag") {
			t.Errorf("got %+v, %v", g, err)
		}
	})
	t.Run("first create says nothing", func(t *testing.T) {
		g, err := planClusterGuard(base, liveCluster{}, want)
		if err != nil || len(g.Warnings) != 0 || g.Replaces {
			t.Errorf("got %+v, %v", g, err)
		}
	})
	t.Run("unchanged says nothing", func(t *testing.T) {
		g, err := planClusterGuard(base, live, want)
		if err != nil || len(g.Warnings) != 0 || g.Replaces {
			t.Errorf("got %+v, %v", g, err)
		}
	})
}

// EKS cannot change the key that encrypts a cluster's secrets, and pulumi-aws would
// record a new kmsKeyArn without telling EKS: the guard refuses a changed key (the
// platform's own to the user's, one user key to another) before anything is
// registered, lets the same key pass, keeps a secret key's ARN out of the tag, and at
// preview with the key unknown says it cannot tell.
func TestSecretsKeyChangeIsRefused(t *testing.T) {
	const keyA = "arn:aws:kms:us-west-2:123456789012:key/aaaa"
	const keyB = "arn:aws:kms:us-west-2:123456789012:key/bbbb"
	withKey := func(key string) map[string]mocktest.LiveCluster {
		tags := tagsOf("false", "true")
		tags[secretsKeyTag] = key
		return map[string]mocktest.LiveCluster{"demo": {Version: "1.36", Tags: tags}}
	}
	t.Run("platform key to a given key", func(t *testing.T) {
		a := minimalArgs()
		a.KmsKeyArn = strIn(keyA)
		rec, err := deployOn(t, a, withKey(platformKeyValue))
		requireRefused(t, rec, err, "kmsKeyArn: the secrets of the EKS cluster demo are encrypted with the platform's own KMS key (no kmsKeyArn), and EKS cannot change the key",
			"keep that key, or move to a new cluster under another clusterName", "to use "+keyA)
	})
	t.Run("one key to another", func(t *testing.T) {
		a := minimalArgs()
		a.KmsKeyArn = strIn(keyB)
		rec, err := deployOn(t, a, withKey(keyA))
		requireRefused(t, rec, err, "are encrypted with "+keyA, "to use "+keyB)
	})
	t.Run("given key to the platform's", func(t *testing.T) {
		rec, err := deployOn(t, minimalArgs(), withKey(keyA))
		requireRefused(t, rec, err, "are encrypted with "+keyA, "to use the platform's own KMS key")
	})
	t.Run("the same key passes and is recorded", func(t *testing.T) {
		a := minimalArgs()
		a.KmsKeyArn = strIn(keyA)
		rec, err := deployOn(t, a, withKey(keyA))
		if err != nil {
			t.Fatal(err)
		}
		if got := obj(rec.Find(t, "demo-cluster"), "tags")[secretsKeyTag]; !got.IsString() || got.StringValue() != keyA {
			t.Errorf("tag %s = %v, want %s", secretsKeyTag, got, keyA)
		}
	})
	t.Run("a secret key is recorded as its hash", func(t *testing.T) {
		a := minimalArgs()
		a.KmsKeyArn = pulumi.ToSecret(pulumi.String(keyA)).(pulumi.StringOutput)
		rec, err := deployOn(t, a, nil)
		if err != nil {
			t.Fatal(err)
		}
		got := obj(rec.Find(t, "demo-cluster"), "tags")[secretsKeyTag]
		if !got.IsString() || !strings.HasPrefix(got.StringValue(), "sha256:") || strings.Contains(got.StringValue(), "aaaa") {
			t.Fatalf("tag %s = %v, want a sha256 that does not show the ARN", secretsKeyTag, got)
		}
		// The same secret key against the cluster it made passes.
		if _, err := deployOn(t, a, withKey(got.StringValue())); err != nil {
			t.Errorf("the same secret key: %v", err)
		}
		rec, err = deployOn(t, a, withKey(keyB))
		requireRefused(t, rec, err, "are encrypted with "+keyB, "to use the secret kmsKeyArn given before (sha256:")
	})
	t.Run("unknown at preview is said, not refused", func(t *testing.T) {
		c := clusterConfig{Name: "demo", SecretsEncryption: true}
		live := liveCluster{Exists: true, Tags: tagsOf("false", "true")}
		g, err := planClusterGuard(c, live, desiredCreateOnly{SecretsEncryption: true, SecretsKeyUnread: true})
		if err != nil || len(g.Warnings) != 1 || !strings.Contains(g.Warnings[0], "kmsKeyArn: not known yet at preview, so whether it changes the key of the EKS cluster demo") {
			t.Errorf("got %+v, %v", g, err)
		}
	})
	t.Run("an untagged cluster is said", func(t *testing.T) {
		tags := tagsOf("false", "true")
		delete(tags, secretsKeyTag)
		g, err := planClusterGuard(clusterConfig{Name: "demo", SecretsEncryption: true}, liveCluster{Exists: true, Tags: tags},
			desiredCreateOnly{SecretsEncryption: true, SecretsKey: platformKeyValue})
		if err != nil || len(g.Warnings) != 1 || !strings.Contains(g.Warnings[0], "kmsKeyArn: the cluster demo carries no eksplatform:secretsKey tag yet") {
			t.Errorf("got %+v, %v", g, err)
		}
	})
}
