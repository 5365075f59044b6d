package platform

import "encoding/json"

// PolicyDocument is an IAM policy built from typed values, so its JSON is the same
// bytes on every run (encoding/json writes struct fields in order and map keys sorted).
type PolicyDocument struct {
	Version   string      `json:"Version"`
	Statement []Statement `json:"Statement"`
}

// Statement is one IAM policy statement.
type Statement struct {
	Sid       string     `json:"Sid,omitempty"`
	Effect    string     `json:"Effect"`
	Principal *Principal `json:"Principal,omitempty"`
	Action    []string   `json:"Action"`
	Resource  []string   `json:"Resource,omitempty"`
	Condition Condition  `json:"Condition,omitempty"`
}

// Principal names who a trust policy trusts.
type Principal struct {
	Service   string `json:"Service,omitempty"`
	Federated string `json:"Federated,omitempty"`
	AWS       string `json:"AWS,omitempty"`
}

// Condition maps an operator (StringEquals, ArnLike, …) to condition keys and values.
type Condition map[string]map[string]string

// JSON renders the document. It cannot fail for these types.
func (d PolicyDocument) JSON() string {
	b, err := json.Marshal(d)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// serviceTrust is the trust policy of a role assumed by an AWS service.
func serviceTrust(service string, condition Condition) PolicyDocument {
	return PolicyDocument{Version: "2012-10-17", Statement: []Statement{{
		Effect:    "Allow",
		Principal: &Principal{Service: service},
		Action:    []string{"sts:AssumeRole"},
		Condition: condition,
	}}}
}

// IrsaTrust is the trust policy of an IRSA role: only the one service account
// system:serviceaccount:<namespace>:<serviceAccount>, and only with the STS audience,
// may assume it through the cluster's OIDC provider. issuerHost is the issuer URL
// without its https:// scheme, as IAM spells condition keys.
func IrsaTrust(oidcProviderArn, issuerHost, namespace, serviceAccount string) PolicyDocument {
	return PolicyDocument{Version: "2012-10-17", Statement: []Statement{{
		Effect:    "Allow",
		Principal: &Principal{Federated: oidcProviderArn},
		Action:    []string{"sts:AssumeRoleWithWebIdentity"},
		Condition: Condition{"StringEquals": {
			issuerHost + ":aud": "sts.amazonaws.com",
			issuerHost + ":sub": "system:serviceaccount:" + namespace + ":" + serviceAccount,
		}},
	}}}
}

// PodIdentityTrust is the trust policy of a role used through EKS Pod Identity.
// sts:TagSession is required: the agent tags sessions with the cluster and namespace.
func PodIdentityTrust() PolicyDocument {
	return PolicyDocument{Version: "2012-10-17", Statement: []Statement{{
		Effect:    "Allow",
		Principal: &Principal{Service: "pods.eks.amazonaws.com"},
		Action:    []string{"sts:AssumeRole", "sts:TagSession"},
	}}}
}
