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

// IrsaTrust is the trust policy of an IRSA role: only the service account
// system:serviceaccount:<namespace>:<serviceAccount>, and only with the STS audience,
// may assume it through the cluster's OIDC provider. issuerHost is the issuer URL
// without its https:// scheme, as IAM spells condition keys. A role several service
// accounts of one add-on run as gets one statement per account, each naming it
// exactly (no StringLike wildcard).
func irsaTrust(oidcProviderArn, issuerHost, namespace string, serviceAccounts ...string) iampolicy.Document {
	var statements []iampolicy.Statement
	for _, serviceAccount := range serviceAccounts {
		statements = append(statements, iampolicy.Statement{
			Effect:    "Allow",
			Principal: &iampolicy.Principal{Federated: oidcProviderArn},
			Action:    []string{"sts:AssumeRoleWithWebIdentity"},
			Condition: iampolicy.Condition{"StringEquals": {
				issuerHost + ":aud": "sts.amazonaws.com",
				issuerHost + ":sub": "system:serviceaccount:" + namespace + ":" + serviceAccount,
			}},
		})
	}
	return iampolicy.New(statements...)
}

// PodIdentityTrust is the trust policy of a role used through EKS Pod Identity by one
// service account of one cluster. sts:TagSession is required: EKS Pod Identity tags the
// session it assumes the role in. The conditions are the ones AWS documents for this
// principal ("Create IAM role with trust policy required by EKS Pod Identity",
// docs.aws.amazon.com/eks/latest/userguide/pod-id-role.html, "Setting Conditions"): the
// session tags Pod Identity adds (eks-cluster-arn, eks-cluster-name,
// kubernetes-namespace, kubernetes-service-account, kubernetes-pod-name,
// kubernetes-pod-uid; "List of session tags added by EKS Pod Identity"), matched with
// aws:RequestTag/<tag>, the page's example scoping namespace and service account. So
// the role can be used only by that service account of that cluster, as an IRSA role
// is. That page documents no aws:SourceArn or aws:SourceAccount for
// pods.eks.amazonaws.com (what they would hold is not stated, and an aws:SourceArn
// condition is reported to break Pod Identity credentials:
// awslabs/mountpoint-s3-csi-driver#781), so the trust does not use them. The
// associations the platform makes keep session tags on (disableSessionTags unset).
// Several service accounts get one statement each, as in irsaTrust.
func podIdentityTrust(clusterArn, namespace string, serviceAccounts ...string) iampolicy.Document {
	var statements []iampolicy.Statement
	for _, serviceAccount := range serviceAccounts {
		statements = append(statements, iampolicy.Statement{
			Effect:    "Allow",
			Principal: &iampolicy.Principal{Service: "pods.eks.amazonaws.com"},
			Action:    []string{"sts:AssumeRole", "sts:TagSession"},
			Condition: iampolicy.Condition{"StringEquals": {
				"aws:RequestTag/eks-cluster-arn":            clusterArn,
				"aws:RequestTag/kubernetes-namespace":       namespace,
				"aws:RequestTag/kubernetes-service-account": serviceAccount,
			}},
		})
	}
	return iampolicy.New(statements...)
}
