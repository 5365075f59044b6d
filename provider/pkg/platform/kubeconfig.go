package platform

import (
	"encoding/json"
)

// kubeconfig is a kubeconfig file. Built from structs and written as JSON (which is
// YAML), so it is the same bytes on every run.
type kubeconfig struct {
	APIVersion     string         `json:"apiVersion"`
	Kind           string         `json:"kind"`
	Clusters       []namedCluster `json:"clusters"`
	Contexts       []namedContext `json:"contexts"`
	CurrentContext string         `json:"current-context"`
	Users          []namedUser    `json:"users"`
}

type namedCluster struct {
	Name    string      `json:"name"`
	Cluster clusterInfo `json:"cluster"`
}

type clusterInfo struct {
	Server                   string `json:"server"`
	CertificateAuthorityData string `json:"certificate-authority-data"`
}

type namedContext struct {
	Name    string      `json:"name"`
	Context contextInfo `json:"context"`
}

type contextInfo struct {
	Cluster string `json:"cluster"`
	User    string `json:"user"`
}

type namedUser struct {
	Name string   `json:"name"`
	User userInfo `json:"user"`
}

type userInfo struct {
	Token string      `json:"token,omitempty"`
	Exec  *execConfig `json:"exec,omitempty"`
}

type execConfig struct {
	APIVersion      string    `json:"apiVersion"`
	Command         string    `json:"command"`
	Args            []string  `json:"args"`
	Env             []execEnv `json:"env,omitempty"`
	InteractiveMode string    `json:"interactiveMode"`
}

type execEnv struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// kubeconfigJSON renders a kubeconfig for one cluster. With token == "" the user runs
// `aws eks get-token` (with the profile and role when given), as kubectl does after
// `aws eks update-kubeconfig`; otherwise the user carries the token.
func kubeconfigJSON(clusterName, endpoint, caData, region string, auth kubeAuthConfig, token string) string {
	user := userInfo{Token: token}
	if token == "" {
		args := []string{"--region", region, "eks", "get-token", "--cluster-name", clusterName, "--output", "json"}
		if auth.RoleArn != "" {
			args = append(args, "--role-arn", auth.RoleArn)
		}
		var env []execEnv
		if auth.Profile != "" {
			env = []execEnv{{Name: "AWS_PROFILE", Value: auth.Profile}}
		}
		user.Exec = &execConfig{
			APIVersion:      "client.authentication.k8s.io/v1beta1",
			Command:         "aws",
			Args:            args,
			Env:             env,
			InteractiveMode: "IfAvailable",
		}
	}
	doc := kubeconfig{
		APIVersion:     "v1",
		Kind:           "Config",
		Clusters:       []namedCluster{{Name: clusterName, Cluster: clusterInfo{Server: endpoint, CertificateAuthorityData: caData}}},
		Contexts:       []namedContext{{Name: clusterName, Context: contextInfo{Cluster: clusterName, User: clusterName}}},
		CurrentContext: clusterName,
		Users:          []namedUser{{Name: clusterName, User: user}},
	}
	b, err := json.Marshal(doc)
	if err != nil {
		panic(err)
	}
	return string(b)
}
