// A production-grade AWS EKS platform in one component, ordered so the first `pulumi up` succeeds.
package eksplatform
