// A Karpenter EKS cluster built with the EksPlatform TypeScript SDK (SCENARIOS #9).
//
// A small on-demand `system` node group (2 nodes, tainted CriticalAddonsOnly) runs the
// Karpenter controller and the cluster add-ons: the controller must not run on capacity
// it manages itself. Karpenter launches everything else from two NodePools: `general`
// (on-demand and spot c, m and r instances, consolidated when empty or underutilized)
// and `gpu` (g instances, tainted nvidia.com/gpu so only GPU pods land there). Spot
// interruption warnings, rebalance recommendations and health events reach Karpenter
// through its interruption queue, so it drains a node before EC2 takes it away. The AWS
// Load Balancer Controller and ExternalDNS run on the general NodePool. On destroy the
// platform deletes the NodePools while the controller still runs, so Karpenter
// terminates every instance it launched. tools/e2e runs this file unchanged.
//
// Stack configuration (see Pulumi.dev.yaml.example):
//   publicSubnetIds    list of public subnet IDs   (required)
//   privateSubnetIds   list of private subnet IDs  (required; Karpenter's nodes run here)
//   hostedZoneIds      list of Route 53 zone IDs   (required, for ExternalDNS)
import * as pulumi from "@pulumi/pulumi";
import { EksPlatform } from "@eksplatform/pulumi";

const config = new pulumi.Config();

const platform = new EksPlatform("platform", {
    publicSubnetIds: config.requireObject<string[]>("publicSubnetIds"),
    privateSubnetIds: config.requireObject<string[]>("privateSubnetIds"),
    nodeGroups: [
        // The controller and the add-ons only: they tolerate CriticalAddonsOnly, workloads
        // do not. Two nodes, so the controller's two replicas survive losing one.
        {
            name: "system",
            capacityType: "ON_DEMAND",
            instanceTypes: ["m5.large"],
            scaling: { minSize: 2, desiredSize: 2, maxSize: 3 },
            taints: [{ key: "CriticalAddonsOnly", value: "true", effect: "NO_SCHEDULE" }],
        },
    ],
    karpenter: {
        enabled: true,
        // The default, written out: the SQS queue and EventBridge rules for interruptions.
        interruptionHandling: true,
        nodePools: [
            {
                name: "general",
                instanceCategories: ["c", "m", "r"],
                capacityTypes: ["on-demand", "spot"],
                limits: { cpu: "1000" },
                disruption: { consolidationPolicy: "WhenEmptyOrUnderutilized" },
            },
            {
                name: "gpu",
                instanceCategories: ["g"],
                taints: [{ key: "nvidia.com/gpu", value: "true", effect: "NO_SCHEDULE" }],
                limits: { "nvidia.com/gpu": "8" },
            },
        ],
    },
    addons: {
        awsLoadBalancerController: { enabled: true },
        externalDns: { enabled: true, hostedZoneIds: config.requireObject<string[]>("hostedZoneIds") },
    },
});

export const kubeconfig = platform.kubeconfig; // a secret output: `pulumi stack output kubeconfig --show-secrets`
export const clusterName = platform.clusterName;
export const clusterEndpoint = platform.clusterEndpoint;
export const addonRoleArns = platform.addonRoleArns;
