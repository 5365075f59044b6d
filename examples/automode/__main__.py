"""An EKS Auto Mode cluster built with the EksPlatform Python SDK (SCENARIOS #10).

EKS Auto Mode runs the compute (both built-in node pools, ``general-purpose`` and
``system``), block storage and load balancing, and the networking, kube-proxy and DNS of
its own nodes, so the platform has no node group and installs none of those add-ons.
On top: ExternalDNS for one hosted zone (on the general-purpose pool) and a custom GPU
NodePool (g-family instances, tainted ``nvidia.com/gpu`` so only GPU pods land there,
at most 4 GPUs), and the StorageClass and IngressClass of Auto Mode's own block storage
and load balancing. tools/e2e runs this file unchanged.

Stack configuration (see Pulumi.dev.yaml.example):
  publicSubnetIds    list of public subnet IDs   (required)
  privateSubnetIds   list of private subnet IDs  (required)
  hostedZoneIds      list of Route 53 zone IDs   (required, for ExternalDNS)
"""

import pulumi
import pulumi_eksplatform as eksplatform

config = pulumi.Config()

platform = eksplatform.EksPlatform(
    "platform",
    public_subnet_ids=config.require_object("publicSubnetIds"),
    private_subnet_ids=config.require_object("privateSubnetIds"),
    auto_mode=eksplatform.AutoModeArgs(
        enabled=True,
        # The default, written out: both built-in pools.
        built_in_node_pools=["general-purpose", "system"],
        node_pools=[
            eksplatform.AutoModeNodePoolArgs(
                name="gpu",
                requirements=[
                    eksplatform.AutoModeNodeRequirementArgs(
                        key="eks.amazonaws.com/instance-category", operator="In", values=["g"]
                    ),
                    eksplatform.AutoModeNodeRequirementArgs(
                        key="karpenter.sh/capacity-type", operator="In", values=["on-demand"]
                    ),
                ],
                taints=[eksplatform.TaintArgs(key="nvidia.com/gpu", effect="NO_SCHEDULE")],
                limits={"nvidia.com/gpu": "4"},
                consolidation_policy="WhenEmpty",
            )
        ],
        # EKS makes no classes for its controllers: claims get encrypted gp3 volumes,
        # Ingresses of class `alb` an internet-facing Application Load Balancer.
        storage_class=eksplatform.AutoModeStorageClassArgs(enabled=True, is_default=True),
        ingress_class=eksplatform.AutoModeIngressClassArgs(enabled=True, scheme="internet-facing"),
    ),
    addons=eksplatform.HelmAddonsArgs(
        external_dns=eksplatform.ExternalDnsAddonArgs(
            enabled=True, hosted_zone_ids=config.require_object("hostedZoneIds")
        ),
    ),
)

pulumi.export("kubeconfig", platform.kubeconfig)
pulumi.export("clusterName", platform.cluster_name)
pulumi.export("clusterEndpoint", platform.cluster_endpoint)
