// Package iampolicy builds IAM policy documents from typed values, so their JSON is the
// same bytes on every run: encoding/json writes struct fields in declaration order and
// map keys sorted. Nothing here ranges over a map to build JSON.
package iampolicy

import "encoding/json"

// Version is the current IAM policy language version.
const Version = "2012-10-17"

// Document is an IAM policy or trust policy.
type Document struct {
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

// New is a document of the current version.
func New(statements ...Statement) Document {
	return Document{Version: Version, Statement: statements}
}

// Allow is an Allow statement of actions on resources.
func Allow(sid string, actions, resources []string) Statement {
	return Statement{Sid: sid, Effect: "Allow", Action: actions, Resource: resources}
}

// JSON renders the document. It cannot fail for these types.
func (d Document) JSON() string {
	b, err := json.Marshal(d)
	if err != nil {
		panic(err)
	}
	return string(b)
}
