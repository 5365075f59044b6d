package platform

// Kubernetes provider authentication modes (docs/design.md, "Conventions").
const (
	// KubeAuthExec runs `aws eks get-token` like kubectl: the provider's configuration
	// is the same bytes on every run, so `pulumi up` shows no provider update.
	kubeAuthExec = "exec"
	// KubeAuthToken embeds a token from aws.eks.getClusterAuth: no aws CLI needed, but
	// the token changes on every run (a provider update) and lives 15 minutes.
	kubeAuthToken = "token"
)

// KubeAuthConfig says how the kubeconfig output and the component's own Kubernetes
// provider authenticate.
type kubeAuthConfig struct {
	Profile string
	RoleArn string
	Mode    string
}

func resolveKubeAuth(p *problems, args *Args) kubeAuthConfig {
	r := reader{p}
	k := kubeAuthConfig{
		Profile: r.str("awsProfile", args.AwsProfile),
		RoleArn: r.str("awsRoleArn", args.AwsRoleArn),
		Mode:    r.str("kubernetesProviderAuth", args.KubernetesProviderAuth),
	}
	if k.Mode == "" {
		k.Mode = kubeAuthExec
	}
	if k.Mode != kubeAuthExec && k.Mode != kubeAuthToken {
		p.addf("kubernetesProviderAuth: unknown mode %q; use %q (aws eks get-token, the default) or %q (a 15-minute token, no aws CLI needed)", k.Mode, kubeAuthExec, kubeAuthToken)
	}
	if k.RoleArn != "" && !iamRoleArnPattern.MatchString(k.RoleArn) {
		p.addf("awsRoleArn: %q is not an IAM role ARN; give arn:aws:iam::<account>:role/<name>", k.RoleArn)
	}
	return k
}
