"""A team EKS platform built with the EksPlatform Python SDK.

An existing VPC's subnets, a tainted on-demand ``system`` node group for cluster add-ons,
a SPOT ``general`` node group for workloads, two Fargate profiles (the ``jobs`` namespace,
and the pods of ``apps`` labelled compute=fargate), the EBS CSI driver, the AWS Load
Balancer Controller, metrics-server and ExternalDNS for one hosted zone. tools/e2e runs
this file unchanged.

Stack configuration (see Pulumi.dev.yaml.example):
  publicSubnetIds    list of public subnet IDs   (required)
  privateSubnetIds   list of private subnet IDs  (required)
  hostedZoneIds      list of Route 53 zone IDs   (required, for ExternalDNS)
  admins             list of IAM principal ARNs  (optional; whoever runs `pulumi up` is an admin too)
  kubernetesVersion  MAJOR.MINOR                 (optional, default 1.36, the component's)
"""

import pulumi
import pulumi_eksplatform as eksplatform

config = pulumi.Config()
public_subnet_ids = config.require_object("publicSubnetIds")
private_subnet_ids = config.require_object("privateSubnetIds")
hosted_zone_ids = config.require_object("hostedZoneIds")
admins = config.get_object("admins") or []
# Unset (None): the component's default (1.36, the newest in EKS standard support).
kubernetes_version = config.get("kubernetesVersion")

platform = eksplatform.EksPlatform(
    "platform",
    kubernetes_version=kubernetes_version,
    public_subnet_ids=public_subnet_ids,
    private_subnet_ids=private_subnet_ids,
    admins=admins,
    node_groups=[
        # Cluster add-ons only: CoreDNS and the EKS add-ons tolerate CriticalAddonsOnly.
        eksplatform.NodeGroupArgs(
            name="system",
            capacity_type="ON_DEMAND",
            instance_types=["m5.large"],
            scaling=eksplatform.NodeGroupScalingArgs(min_size=2, desired_size=2, max_size=3),
            labels={"node-role": "system"},
            taints=[eksplatform.TaintArgs(key="CriticalAddonsOnly", value="true", effect="NO_SCHEDULE")],
        ),
        # Everything else, on SPOT capacity across two instance types.
        eksplatform.NodeGroupArgs(
            name="general",
            capacity_type="SPOT",
            instance_types=["t3.large", "m5.large"],
            scaling=eksplatform.NodeGroupScalingArgs(min_size=1, desired_size=2, max_size=5),
            labels={"node-role": "general", "capacity-type": "spot"},
        ),
    ],
    fargate_profiles=[
        # Pods of the `jobs` namespace run on Fargate: no nodes to size or drain for them.
        eksplatform.FargateProfileArgs(name="jobs", selectors=[eksplatform.FargateSelectorArgs(namespace="jobs")]),
        # In `apps`, only the pods labelled compute=fargate; the rest run on the general nodes.
        eksplatform.FargateProfileArgs(
            name="apps",
            selectors=[eksplatform.FargateSelectorArgs(namespace="apps", labels={"compute": "fargate"})],
        ),
    ],
    eks_addons=eksplatform.EksAddonsArgs(
        ebs_csi_driver=eksplatform.EksAddonArgs(enabled=True),
    ),
    addons=eksplatform.HelmAddonsArgs(
        aws_load_balancer_controller=eksplatform.HelmAddonArgs(enabled=True),
        metrics_server=eksplatform.HelmAddonArgs(enabled=True),
        external_dns=eksplatform.ExternalDnsAddonArgs(enabled=True, hosted_zone_ids=hosted_zone_ids),
    ),
    tags={
        "project": pulumi.get_project(),
        "stack": pulumi.get_stack(),
    },
)

pulumi.export("kubeconfig", platform.kubeconfig)  # a secret output: `pulumi stack output kubeconfig --show-secrets`
pulumi.export("clusterName", platform.cluster_name)
pulumi.export("clusterEndpoint", platform.cluster_endpoint)
pulumi.export("oidcProviderArn", platform.oidc_provider_arn)
