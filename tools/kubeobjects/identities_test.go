package kubeobjects

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/eksplatform/pulumi-eksplatform/provider/constructtest"
	"github.com/eksplatform/pulumi-eksplatform/provider/pkg/fakeaws"
	"github.com/eksplatform/pulumi-eksplatform/tools/internal/helmrender"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

const (
	roleType        = "aws:iam/role:Role"
	associationType = "aws:eks/podIdentityAssociation:PodIdentityAssociation"
	// irsaAnnotation is the annotation by which EKS's pod identity webhook gives a pod
	// the role of its service account (IRSA).
	irsaAnnotation = "eks.amazonaws.com/role-arn"
	// serviceAccountSubject prefixes the OIDC subject of a service account's token.
	serviceAccountSubject = "system:serviceaccount:"
)

// grant is a workload identity the AWS side grants: a role that pods running as
// namespace/serviceAccount may assume, through IRSA (the role's trust names the
// account's OIDC subject) or Pod Identity (an association names the account).
type grant struct {
	via                       string // "irsa" or "podIdentity"
	namespace, serviceAccount string
	roleArn, registeredBy     string
}

func (g grant) String() string {
	return fmt.Sprintf("%s %s/%s (role %s, %s)", g.via, g.namespace, g.serviceAccount, g.roleArn, g.registeredBy)
}

// grants are every workload identity res registers whose service account is in one of
// namespaces: the trust policies' service account subjects and the Pod Identity
// associations, as AWS reads them. The role ARN is the one the mocks give the role.
func grants(t *testing.T, res *constructtest.Result, namespaces []string) []grant {
	t.Helper()
	var out []grant
	for _, r := range res.Resources {
		var found []grant
		switch r.Type {
		case roleType:
			policy, err := plainValue(r.Inputs["assumeRolePolicy"])
			if err != nil {
				t.Fatalf("%s: %v", r.Name, err)
			}
			for _, sub := range trustSubjects(t, r.Name, policy) {
				ns, sa, _ := strings.Cut(strings.TrimPrefix(sub, serviceAccountSubject), ":")
				found = append(found, grant{via: "irsa", namespace: ns, serviceAccount: sa, roleArn: mockRoleArn(r), registeredBy: r.Name})
			}
		case associationType:
			in, err := plainValue(resource.NewObjectProperty(r.Inputs))
			if err != nil {
				t.Fatalf("%s: %v", r.Name, err)
			}
			m := in.(map[string]any)
			found = append(found, grant{via: "podIdentity", namespace: fmt.Sprint(m["namespace"]),
				serviceAccount: fmt.Sprint(m["serviceAccount"]), roleArn: fmt.Sprint(m["roleArn"]), registeredBy: r.Name})
		}
		for _, g := range found {
			if slices.Contains(namespaces, g.namespace) {
				out = append(out, g)
			}
		}
	}
	return out
}

// mockRoleArn is the ARN the mocks answer for a registered role (provider/internal/mocktest).
func mockRoleArn(r constructtest.Registered) string {
	_, out := fakeaws.Outputs(&fakeaws.Resource{Type: r.Type, URN: "urn:pulumi:stack::project::" + r.Type + "::" + r.Name,
		Name: r.Name, Inputs: r.Inputs, Region: "us-west-2"})
	return out["arn"].StringValue()
}

// trustSubjects are the service account subjects a trust policy's statements allow:
// the values of conditions on "<issuer>:sub" that name a service account.
func trustSubjects(t *testing.T, role string, policy any) []string {
	t.Helper()
	text, ok := policy.(string)
	if !ok {
		return nil
	}
	var doc struct {
		Statement []struct {
			Condition map[string]map[string]any
		}
	}
	if err := json.Unmarshal([]byte(text), &doc); err != nil {
		t.Fatalf("%s: trust policy: %v", role, err)
	}
	var out []string
	for _, st := range doc.Statement {
		for _, conds := range st.Condition {
			for key, v := range conds {
				if !strings.HasSuffix(key, ":sub") {
					continue
				}
				values, ok := v.([]any)
				if !ok {
					values = []any{v}
				}
				for _, x := range values {
					if s, _ := x.(string); strings.HasPrefix(s, serviceAccountSubject) {
						out = append(out, s)
					}
				}
			}
		}
	}
	return out
}

// installed is a rendered object and the release that rendered it.
type installed struct {
	release string
	obj     map[string]any
}

func (i installed) namespace() string {
	ns, _ := i.obj["metadata"].(map[string]any)["namespace"].(string)
	return ns
}

func (i installed) name() string {
	n, _ := i.obj["metadata"].(map[string]any)["name"].(string)
	return n
}

// workloadKinds are the kinds whose pods run as a service account of the chart.
var workloadKinds = []string{"Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob"}

// podServiceAccount is the service account a workload's pods run as ("default" when
// the template names none).
func podServiceAccount(obj map[string]any) string {
	spec, _ := obj["spec"].(map[string]any)
	if obj["kind"] == "CronJob" {
		jt, _ := spec["jobTemplate"].(map[string]any)
		spec, _ = jt["spec"].(map[string]any)
	}
	tmpl, _ := spec["template"].(map[string]any)
	pod, _ := tmpl["spec"].(map[string]any)
	if sa, _ := pod["serviceAccountName"].(string); sa != "" {
		return sa
	}
	return "default"
}

// checkGrant finds, among the objects the charts rendered (namespaces filled in), the
// service account g names and a workload running as it; for IRSA the account must carry
// the role's ARN in its annotation (without it the pods get no AWS credentials).
func checkGrant(g grant, objs []installed) error {
	var account *installed
	for i, o := range objs {
		if o.obj["kind"] == "ServiceAccount" && o.namespace() == g.namespace && o.name() == g.serviceAccount {
			account = &objs[i]
		}
	}
	if account == nil {
		return fmt.Errorf("%s: no chart renders the ServiceAccount %s/%s", g, g.namespace, g.serviceAccount)
	}
	if g.via == "irsa" {
		ann, _ := account.obj["metadata"].(map[string]any)["annotations"].(map[string]any)
		if got, _ := ann[irsaAnnotation].(string); got != g.roleArn {
			return fmt.Errorf("%s: %s renders ServiceAccount %s/%s with %s %q, want the role the trust names",
				g, account.release, g.namespace, g.serviceAccount, irsaAnnotation, got)
		}
	}
	var runners []string
	for _, o := range objs {
		if slices.Contains(workloadKinds, fmt.Sprint(o.obj["kind"])) && o.namespace() == g.namespace && podServiceAccount(o.obj) == g.serviceAccount {
			runners = append(runners, helmrender.Name(o.obj))
		}
	}
	if len(runners) == 0 {
		return fmt.Errorf("%s: %s renders the ServiceAccount, but no workload runs as it", g, account.release)
	}
	return nil
}
