package simcloud

import (
	"github.com/eksplatform/pulumi-eksplatform/provider/pkg/fakeaws"
)

// Every generated identifier is a hash of stable inputs (names, URNs), never
// random and never a timestamp, so a second `pulumi up` sees identical
// outputs. The aws types' outputs, and the helpers below, are fakeaws's: the
// one fake AWS the unit tests' mocks use as well.

const (
	account   = fakeaws.Account
	partition = fakeaws.Partition
)

var (
	hexOf       = fakeaws.Hex
	uuidOf      = fakeaws.UUID
	fakePEM     = fakeaws.PEM
	lastSegment = fakeaws.LastSegment
	// clusterHash is the id EKS puts in a cluster's endpoint and OIDC issuer.
	// It depends on the cluster name only, so a kubeconfig can be mapped back
	// to its cluster by the kubernetes personality (which knows no region).
	clusterHash = fakeaws.Hash

	// val unwraps secrets (and known output values) so rules and outputs can read plain values.
	val = fakeaws.Unwrap
	// get walks a property map along a path, unwrapping secrets; a missing step yields null.
	get = fakeaws.Get
	// str is get as a string; anything else (null, unknown, number) is "".
	str       = fakeaws.Str
	strs      = fakeaws.Strs
	num       = fakeaws.Num
	orDefault = fakeaws.OrDefault
)
