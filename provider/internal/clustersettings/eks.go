package clustersettings

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	"github.com/aws/aws-sdk-go-v2/service/eks/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// eksAPI is what the resource calls of EKS (the SDK's *eks.Client).
type eksAPI interface {
	DescribeCluster(context.Context, *eks.DescribeClusterInput, ...func(*eks.Options)) (*eks.DescribeClusterOutput, error)
	UpdateClusterConfig(context.Context, *eks.UpdateClusterConfigInput, ...func(*eks.Options)) (*eks.UpdateClusterConfigOutput, error)
	DescribeUpdate(context.Context, *eks.DescribeUpdateInput, ...func(*eks.Options)) (*eks.DescribeUpdateOutput, error)
}

// newClient loads AWS credentials as the aws provider does: the standard environment
// (AWS_ACCESS_KEY_ID…, AWS_PROFILE, web identity, SSO), the shared config and
// credentials files, the instance or container role; with the profile the component
// passed (awsProfile, else the stack's aws:profile), in the region of the component's
// aws provider, assuming awsRoleArn when given. The endpoint
// follows the SDK's own overrides: AWS_ENDPOINT_URL_EKS (or AWS_ENDPOINT_URL, or
// endpoint_url in the profile), which service/eks v1.105.6 reads in resolveBaseEndpoint
// (endpoints.go) through config's EnvConfig.GetServiceBaseEndpoint.
func newClient(ctx context.Context, s settings) (*eks.Client, error) {
	opts := []func(*config.LoadOptions) error{config.WithRegion(s.Region)}
	if s.Profile != "" {
		opts = append(opts, config.WithSharedConfigProfile(s.Profile))
	}
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("loading AWS credentials for EKS cluster %s (region %s, profile %q): %w", s.ClusterName, s.Region, s.Profile, err)
	}
	if s.RoleArn != "" {
		// As the kubeconfig's aws eks get-token --role-arn: the role assumed with the
		// credentials above (STS follows AWS_ENDPOINT_URL_STS like EKS its variable).
		cfg.Credentials = aws.NewCredentialsCache(stscreds.NewAssumeRoleProvider(sts.NewFromConfig(cfg), s.RoleArn,
			func(o *stscreds.AssumeRoleOptions) { o.RoleSessionName = "eksplatform-cluster-settings" }))
	}
	return eks.NewFromConfig(cfg), nil
}

// live is what EKS reports of the cluster's settings.
type live struct {
	Arn                string
	Status             types.ClusterStatus
	DeletionProtection bool
	Tier               string
}

// errNotFound: EKS has no cluster of the name (with these credentials, in this region).
var errNotFound = errors.New("cluster not found")

func describe(ctx context.Context, api eksAPI, name string) (live, error) {
	out, err := api.DescribeCluster(ctx, &eks.DescribeClusterInput{Name: aws.String(name)})
	var nf *types.ResourceNotFoundException
	if errors.As(err, &nf) {
		return live{}, errNotFound
	}
	if err != nil {
		return live{}, fmt.Errorf("describing EKS cluster %s: %w", name, err)
	}
	c := out.Cluster
	l := live{Arn: aws.ToString(c.Arn), Status: c.Status, DeletionProtection: aws.ToBool(c.DeletionProtection), Tier: "standard"}
	if c.ControlPlaneScalingConfig != nil && c.ControlPlaneScalingConfig.Tier != "" {
		l.Tier = string(c.ControlPlaneScalingConfig.Tier)
	}
	return l, nil
}

// target reads the cluster the settings act on and refuses, before anything changes,
// a cluster in another account or region than the credentials: EKS answers for the
// credentials' account and the client's region, so a cluster of the same name there is
// another cluster, and a missing one may be a wrong account, profile or region.
func target(ctx context.Context, api eksAPI, s settings) (live, error) {
	want, _ := parseClusterArn(s.ClusterArn)
	if want.Region != s.Region {
		return live{}, fmt.Errorf("clusterArn: cluster %s is in region %s, but the settings would act in region %s; give the platform the aws provider of the cluster's region", s.ClusterName, want.Region, s.Region)
	}
	l, err := describe(ctx, api, s.ClusterName)
	if errors.Is(err, errNotFound) {
		return l, fmt.Errorf("clusterArn: EKS cluster %s (%s) is not found with the plugin's AWS credentials in region %s; the credentials must be of account %s, as the aws provider's are: check AWS_PROFILE, aws:profile and the AWS environment of pulumi (%w)", s.ClusterName, s.ClusterArn, s.Region, want.Account, err)
	}
	if err != nil {
		return l, err
	}
	if l.Arn != s.ClusterArn {
		got, _ := parseClusterArn(l.Arn)
		return l, fmt.Errorf("clusterArn: the plugin's AWS credentials see EKS cluster %s as %s (account %s), not the platform's %s (account %s); refusing to change another account's cluster: run pulumi with the credentials the aws provider uses", s.ClusterName, l.Arn, got.Account, s.ClusterArn, want.Account)
	}
	return l, nil
}

// pollEvery is the first wait between DescribeUpdate calls; it doubles up to pollMax.
var pollEvery, pollMax = 50 * time.Millisecond, 15 * time.Second

// apply makes EKS hold the given settings: one UpdateClusterConfig per setting that
// differs (EKS takes one kind of update per call, and refuses one that changes
// nothing), each waited for with DescribeUpdate until it is no longer InProgress.
func apply(ctx context.Context, api eksAPI, s settings, l live) error {
	if s.DeletionProtection != nil && *s.DeletionProtection != l.DeletionProtection {
		if err := update(ctx, api, s.ClusterName, &eks.UpdateClusterConfigInput{
			Name: aws.String(s.ClusterName), DeletionProtection: aws.Bool(*s.DeletionProtection),
		}); err != nil {
			return err
		}
	}
	if s.Tier != nil && *s.Tier != l.Tier {
		if err := update(ctx, api, s.ClusterName, &eks.UpdateClusterConfigInput{
			Name:                      aws.String(s.ClusterName),
			ControlPlaneScalingConfig: &types.ControlPlaneScalingConfig{Tier: types.ProvisionedControlPlaneTier(*s.Tier)},
		}); err != nil {
			return err
		}
	}
	return nil
}

// update starts one cluster config update and waits for it to finish.
func update(ctx context.Context, api eksAPI, name string, in *eks.UpdateClusterConfigInput) error {
	out, err := api.UpdateClusterConfig(ctx, in)
	if err != nil {
		return fmt.Errorf("updating EKS cluster %s: %w", name, err)
	}
	id := aws.ToString(out.Update.Id)
	wait := pollEvery
	for {
		u := out.Update
		switch u.Status {
		case types.UpdateStatusSuccessful:
			return nil
		case types.UpdateStatusFailed, types.UpdateStatusCancelled:
			return fmt.Errorf("EKS update %s (%s) of cluster %s ended %s: %s", id, u.Type, name, u.Status, updateErrors(u.Errors))
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("waiting for EKS update %s of cluster %s: %w", id, name, ctx.Err())
		case <-time.After(wait):
		}
		wait = min(2*wait, pollMax)
		d, err := api.DescribeUpdate(ctx, &eks.DescribeUpdateInput{Name: aws.String(name), UpdateId: aws.String(id)})
		if err != nil {
			return fmt.Errorf("reading EKS update %s of cluster %s: %w", id, name, err)
		}
		out = &eks.UpdateClusterConfigOutput{Update: d.Update}
	}
}

func updateErrors(errs []types.ErrorDetail) string {
	if len(errs) == 0 {
		return "no error details"
	}
	msg := ""
	for i, e := range errs {
		if i > 0 {
			msg += "; "
		}
		msg += string(e.ErrorCode) + ": " + aws.ToString(e.ErrorMessage)
	}
	return msg
}
