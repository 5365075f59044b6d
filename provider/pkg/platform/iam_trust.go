package platform

import (
	"errors"
	"fmt"
	"strings"

	"github.com/eksplatform/pulumi-eksplatform/provider/pkg/addons"
	"github.com/eksplatform/pulumi-eksplatform/provider/pkg/iampolicy"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// The trust policies of the platform's roles: who may assume each role. The documents
// are plain functions (tested as JSON); the Output forms fill in this cluster's
// provider, account, partition and region.

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

// FargateTrust is the trust policy of the Fargate pod execution role: the Fargate
// service may assume it only on behalf of this cluster's profiles (the confused-deputy
// guard AWS documents), whose ARNs are
// arn:<partition>:eks:<region>:<account>:fargateprofile/<cluster>/<profile>/<id>.
func fargateTrust(partition, region, account, cluster string) iampolicy.Document {
	return serviceTrust("eks-fargate-pods.amazonaws.com", iampolicy.Condition{
		"ArnLike": {"aws:SourceArn": fmt.Sprintf("arn:%s:eks:%s:%s:fargateprofile/%s/*", partition, region, account, cluster)},
	})
}

// fargateRoleTrust is FargateTrust for this cluster's profiles, as an Output.
func (b *build) fargateRoleTrust() pulumi.StringOutput {
	name := b.clusterName
	return pulumi.All(b.partition, b.region, b.accountID()).ApplyT(func(v []any) string {
		return fargateTrust(v[0].(string), v[1].(string), v[2].(string), name).JSON()
	}).(pulumi.StringOutput)
}

// irsaRoleTrust is IrsaTrust for this cluster's provider, as an Output. Building it from
// the provider's outputs makes every IRSA role depend on the provider.
func (id *identityResult) irsaRoleTrust(namespace string, serviceAccounts ...string) pulumi.StringOutput {
	if id.Provider == nil {
		// usesIrsa decides whether the provider exists from the same configuration the
		// roles are made from, so this is a bug, reported on the role's trust.
		return pulumi.String("").ToStringOutput().ApplyT(func(string) (string, error) {
			return "", errors.New("internal error: an IRSA role for " + namespace + "/" + strings.Join(serviceAccounts, ",") + " but no OIDC provider was made")
		}).(pulumi.StringOutput)
	}
	return pulumi.All(id.Provider.Arn, id.IssuerHost).ApplyT(func(v []any) string {
		return irsaTrust(v[0].(string), v[1].(string), namespace, serviceAccounts...).JSON()
	}).(pulumi.StringOutput)
}

// accountID is the account the platform is deployed in (an invoke in Output form).
func (b *build) accountID() pulumi.StringOutput {
	return aws.GetCallerIdentityOutput(b.ctx, aws.GetCallerIdentityOutputArgs{}, pulumi.Parent(b.parent)).AccountId()
}

// clusterArn is the cluster's ARN, arn:<partition>:eks:<region>:<account>:cluster/<name>,
// built from its fixed name rather than read from the cluster, so roles that name it
// need not wait for the cluster (rule 8).
func (b *build) clusterArn(account pulumi.StringOutput) pulumi.StringOutput {
	name := b.clusterName
	return pulumi.All(b.partition, b.region, account).ApplyT(func(v []any) string {
		return fmt.Sprintf("arn:%s:eks:%s:%s:cluster/%s", v[0], v[1], v[2], name)
	}).(pulumi.StringOutput)
}

// podIdentityRoleTrust is PodIdentityTrust for service accounts of this cluster, as an
// Output.
func (b *build) podIdentityRoleTrust(namespace string, serviceAccounts ...string) pulumi.StringOutput {
	return b.clusterArn(b.accountID()).ApplyT(func(clusterArn string) string {
		return podIdentityTrust(clusterArn, namespace, serviceAccounts...).JSON()
	}).(pulumi.StringOutput)
}

// serviceAccountTrust is the trust policy of a role service accounts run as (one, but
// for an add-on whose several workloads share its role): EKS Pod Identity for exactly
// those service accounts of this cluster, or IRSA for exactly them through the
// cluster's OIDC provider.
func (b *build) serviceAccountTrust(how string, identity *identityResult, namespace string, serviceAccounts ...string) pulumi.StringInput {
	if how == addons.PodIdentity {
		return b.podIdentityRoleTrust(namespace, serviceAccounts...)
	}
	return identity.irsaRoleTrust(namespace, serviceAccounts...)
}
