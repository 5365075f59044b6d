// A team EKS platform built with the EksPlatform TypeScript SDK: an existing VPC's
// subnets, a tainted on-demand `system` node group for cluster add-ons, a SPOT `general`
// node group for workloads, two Fargate profiles (the `jobs` namespace, and the pods of
// `apps` labelled compute=fargate), the EBS CSI driver, the AWS Load Balancer Controller,
// metrics-server and ExternalDNS for one hosted zone. tools/e2e runs this file unchanged.
//
// Stack configuration (see Pulumi.dev.yaml.example):
//   publicSubnetIds    list of public subnet IDs   (required)
//   privateSubnetIds   list of private subnet IDs  (required)
//   hostedZoneIds      list of Route 53 zone IDs   (required, for ExternalDNS)
//   admins             list of IAM principal ARNs  (optional; whoever runs `pulumi up` is an admin too)
//   kubernetesVersion  MAJOR.MINOR                 (optional, default 1.36, the component's)
import * as pulumi from "@pulumi/pulumi";
import { EksPlatform } from "@eksplatform/pulumi";

const config = new pulumi.Config();
const publicSubnetIds = config.requireObject<string[]>("publicSubnetIds");
const privateSubnetIds = config.requireObject<string[]>("privateSubnetIds");
const hostedZoneIds = config.requireObject<string[]>("hostedZoneIds");
const admins = config.getObject<string[]>("admins") ?? [];
// Unset: the component's default (1.36, the newest in EKS standard support).
const kubernetesVersion = config.get("kubernetesVersion");

const platform = new EksPlatform("platform", {
    kubernetesVersion,
    publicSubnetIds,
    privateSubnetIds,
    admins,
    nodeGroups: [
        // Cluster add-ons only: CoreDNS and the EKS add-ons tolerate CriticalAddonsOnly.
        {
            name: "system",
            capacityType: "ON_DEMAND",
            instanceTypes: ["m5.large"],
            scaling: { minSize: 2, desiredSize: 2, maxSize: 3 },
            labels: { "node-role": "system" },
            taints: [{ key: "CriticalAddonsOnly", value: "true", effect: "NO_SCHEDULE" }],
        },
        // Everything else, on SPOT capacity across two instance types.
        {
            name: "general",
            capacityType: "SPOT",
            instanceTypes: ["t3.large", "m5.large"],
            scaling: { minSize: 1, desiredSize: 2, maxSize: 5 },
            labels: { "node-role": "general", "capacity-type": "spot" },
        },
    ],
    fargateProfiles: [
        // Pods of the `jobs` namespace run on Fargate: no nodes to size or drain for them.
        { name: "jobs", selectors: [{ namespace: "jobs" }] },
        // In `apps`, only the pods labelled compute=fargate; the rest run on the general nodes.
        { name: "apps", selectors: [{ namespace: "apps", labels: { compute: "fargate" } }] },
    ],
    eksAddons: {
        ebsCsiDriver: { enabled: true },
    },
    addons: {
        awsLoadBalancerController: { enabled: true },
        metricsServer: { enabled: true },
        externalDns: { enabled: true, hostedZoneIds },
    },
    tags: {
        project: pulumi.getProject(),
        stack: pulumi.getStack(),
    },
});

export const kubeconfig = platform.kubeconfig; // a secret output: `pulumi stack output kubeconfig --show-secrets`
export const clusterName = platform.clusterName;
export const clusterEndpoint = platform.clusterEndpoint;
export const oidcProviderArn = platform.oidcProviderArn;
