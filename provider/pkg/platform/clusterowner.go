package platform

import (
	"fmt"
	"strings"
)

// Whose is the running cluster of the platform's name? (docs/upgrading.md, "A cluster
// name already taken"). EKS cluster names are unique in a region and account, so a
// platform asking for a name another cluster holds can only fail: the provider's create
// answers "ResourceInUseException: Cluster already exists with name", after the roles,
// the key and the log group were made. Worse, the guard would compare this run's inputs
// with a cluster that is not this platform's and name a setting (kmsKeyArn,
// secretsEncryption, …) as the cause. So the owner is decided first, before any other
// check reads the running cluster and before any child is registered:
//   - the identity tag is this platform's ("<project>/<stack>/<component name>"): its own;
//   - the identity tag is another's: another platform's cluster (another stack, project
//     or component), refused. A stack, project or component rename also changes the
//     identity, and the component cannot tell that from another stack (it cannot read
//     its own Pulumi state), so a rename is refused too, with the one command that
//     claims the cluster: writing this platform's identity in the tag (the next run
//     keeps it);
//   - no identity tag: release 0.1.0 did not write it, and a cluster made by another
//     tool or by hand does not have it. 0.1.0 gave every cluster the role it makes
//     ("<clusterName>-cluster", clusterRole); a cluster with that role is taken for a
//     0.1.0 platform's and gets the tag on this run. Any other role: the platform did
//     not make the cluster, and it cannot adopt one (its children would be created over
//     a cluster it does not manage), refused.

// clusterOwnership is what the owner check reads of the running cluster.
type clusterOwnership struct {
	// Name is the cluster's name; Arn its ARN (for the command that claims it).
	Name, Arn string
	// Tags are the cluster's tags; RoleArn its IAM role.
	Tags    map[string]string
	RoleArn string
}

// checkClusterOwner refuses a running cluster of the platform's name that is not this
// platform's. identity is this platform's identityTag value, role the name of the role
// the platform gives the cluster.
func checkClusterOwner(c clusterOwnership, identity, role string) error {
	id, tagged := c.Tags[identityTag]
	switch {
	case tagged && id == identity:
		return nil
	case tagged:
		arn := c.Arn
		if arn == "" {
			arn = "<the cluster's ARN>"
		}
		return fmt.Errorf("clusterName: the EKS cluster %s is another platform's: its %s tag is %q (project/stack/component), and this platform is %q; EKS cluster names are unique in a region and account, so choose another clusterName; only if this stack is that platform under a new stack, project or component name (a rename), claim the cluster first: aws eks tag-resource --resource-arn %s --tags %s=%s",
			c.Name, identityTag, id, identity, arn, identityTag, identity)
	case madeByPlatform(c.RoleArn, role):
		return nil // made by 0.1.0, which wrote no identity tag: this run writes it
	}
	return fmt.Errorf("clusterName: an EKS cluster named %s already exists, and the platform did not make it (it carries no %s tag, and its role %s is not the platform's %s): a cluster made by another tool or by hand cannot be adopted; EKS cluster names are unique in a region and account, so choose another clusterName, or delete that cluster if nothing needs it",
		c.Name, identityTag, orNone(c.RoleArn), role)
}

// madeByPlatform: the cluster's role is the one the platform makes for it (IAM role ARNs
// end in "role/<path><name>"; the platform's role has no path).
func madeByPlatform(roleArn, role string) bool {
	_, rest, ok := strings.Cut(roleArn, ":role/")
	return ok && rest == role
}

func orNone(s string) string {
	if s == "" {
		return "(none reported)"
	}
	return s
}

// platformClusterRole is the IAM name of the role the platform makes for the cluster
// (clusterRole).
func platformClusterRole(clusterName string) string {
	return physicalName(clusterName+"-cluster", 64)
}
