package platform

import "github.com/eksplatform/pulumi-eksplatform/provider/pkg/iampolicy"

// serviceTrust is the trust policy of a role assumed by an AWS service.
func serviceTrust(service string, condition iampolicy.Condition) iampolicy.Document {
	return iampolicy.New(iampolicy.Statement{
		Effect:    "Allow",
		Principal: &iampolicy.Principal{Service: service},
		Action:    []string{"sts:AssumeRole"},
		Condition: condition,
	})
}

// IrsaTrust is the trust policy of an IRSA role: only the one service account
// system:serviceaccount:<namespace>:<serviceAccount>, and only with the STS audience,
// may assume it through the cluster's OIDC provider. issuerHost is the issuer URL
// without its https:// scheme, as IAM spells condition keys.
func irsaTrust(oidcProviderArn, issuerHost, namespace, serviceAccount string) iampolicy.Document {
	return iampolicy.New(iampolicy.Statement{
		Effect:    "Allow",
		Principal: &iampolicy.Principal{Federated: oidcProviderArn},
		Action:    []string{"sts:AssumeRoleWithWebIdentity"},
		Condition: iampolicy.Condition{"StringEquals": {
			issuerHost + ":aud": "sts.amazonaws.com",
			issuerHost + ":sub": "system:serviceaccount:" + namespace + ":" + serviceAccount,
		}},
	})
}

// PodIdentityTrust is the trust policy of a role used through EKS Pod Identity.
// sts:TagSession is required: the agent tags sessions with the cluster and namespace.
// The conditions are the confused-deputy guard AWS documents for service principals:
// EKS Pod Identity may assume the role only on behalf of this account (aws:SourceAccount)
// and this cluster (aws:SourceArn, the cluster's ARN), not for another cluster given
// the role's ARN.
func podIdentityTrust(account, clusterArn string) iampolicy.Document {
	return iampolicy.New(iampolicy.Statement{
		Effect:    "Allow",
		Principal: &iampolicy.Principal{Service: "pods.eks.amazonaws.com"},
		Action:    []string{"sts:AssumeRole", "sts:TagSession"},
		Condition: iampolicy.Condition{
			"StringEquals": {"aws:SourceAccount": account},
			"ArnEquals":    {"aws:SourceArn": clusterArn},
		},
	})
}
