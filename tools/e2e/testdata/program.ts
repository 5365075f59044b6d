// End-to-end driver for the TypeScript SDK, run by tools/e2e (langs_test.go) with node
// after tsc. It is an Automation API inline program: E2E_ACTION (up, preview, destroy)
// on stack E2E_STACK of project E2E_PROJECT. It prints one line "E2E_RESULT <json>".
//
// E2E_VARIANT "example" runs the shipped example, examples/ts/index.ts, unchanged (the
// e2e build copies it to example/index.ts), or the module E2E_EXAMPLE names relative to
// the compiled program (./karpenter/index: examples/karpenter/index.ts, copied to
// karpenter/index.ts): the program loads the module, whose exports
// are the stack outputs, as the Node language host would, with the stack configuration
// E2E_CONFIG (a JSON object of path-style keys, as `pulumi config set --path` takes them).
// The bad-* variants are test programs: the platform below with one invalid input.
// The other variants (outputsProgram) give the platform inputs that are Outputs: subnets
// of a VPC made in the same program or read from another stack, secret tags, roles made
// in the program (outputs_test.go says what each one proves).
import * as pulumi from "@pulumi/pulumi";
import { LocalWorkspace } from "@pulumi/pulumi/automation";
import { EksPlatform, EksPlatformArgs } from "@eksplatform/pulumi";

const pub1 = "subnet-0a00000000000001a";
const pub2 = "subnet-0a00000000000002b";
const priv1 = "subnet-0b00000000000001a";
const priv2 = "subnet-0b00000000000002b";
const zoneId = "Z0123456789ABCDEFGHIJ";
const teamRole = "arn:aws:iam::123456789012:role/platform-team";

const systemGroup = {
    name: "system",
    capacityType: "ON_DEMAND",
    instanceTypes: ["m5.large"],
    scaling: { minSize: 2, desiredSize: 2, maxSize: 3 },
    labels: { "node-role": "system" },
    taints: [{ key: "CriticalAddonsOnly", value: "true", effect: "NO_SCHEDULE" }],
};

function generalGroup(instanceTypes: string[]) {
    return { name: "general", capacityType: "SPOT", instanceTypes, scaling: { minSize: 1, desiredSize: 2, maxSize: 5 } };
}

// A valid platform (the one platform_test.go builds in Go) for the bad-* variants to break.
function platformArgs(variant: string): EksPlatformArgs {
    const args: EksPlatformArgs = {
        kubernetesVersion: "1.36",
        publicSubnetIds: [pub1, pub2],
        privateSubnetIds: [priv1, priv2],
        admins: [teamRole],
        logRetentionDays: 90,
        nodeGroups: [systemGroup, generalGroup(["t3.large", "m5.large"])],
        fargateProfiles: [
            { name: "apps", selectors: [{ namespace: "apps" }] },
            { name: "batch", selectors: [{ namespace: "batch", labels: { compute: "fargate" } }] },
        ],
        eksAddons: { ebsCsiDriver: { enabled: true } },
        addons: {
            awsLoadBalancerController: { enabled: true },
            metricsServer: { enabled: true },
            externalDns: { enabled: true, hostedZoneIds: [zoneId] },
        },
        tags: { team: "platform" },
    };
    switch (variant) {
        case "bad-scaling":
            args.nodeGroups = [{ name: "system" }, { name: "general", scaling: { minSize: 4, maxSize: 2 } }];
            break;
        case "bad-subnet":
            args.publicSubnetIds = [pub1, priv1];
            break;
        case "bad-logtype":
            args.enabledLogTypes = ["api", "kubelet"];
            break;
        case "bump":
            // The valid platform on the Kubernetes version of this run (TestTypeScriptKubernetesBump).
            args.kubernetesVersion = process.env.E2E_K8S_VERSION;
            args.upgradePolicy = process.env.E2E_UPGRADE_POLICY;
            break;
        case "resize":
            // The valid platform with the "general" group's instance types of this run,
            // comma-separated (TestTypeScriptNodeGroupReplacement).
            args.nodeGroups = [systemGroup, generalGroup((process.env.E2E_GENERAL_INSTANCE_TYPES ?? "").split(","))];
            break;
        case "guard":
            // The valid platform with this run's create-only settings (TestTypeScriptClusterGuard).
            if (process.env.E2E_CLUSTER_NAME) args.clusterName = process.env.E2E_CLUSTER_NAME;
            if (process.env.E2E_SECRETS_ENCRYPTION) args.secretsEncryption = process.env.E2E_SECRETS_ENCRYPTION === "true";
            if (process.env.E2E_ALLOW_REPLACEMENT) args.allowClusterReplacement = process.env.E2E_ALLOW_REPLACEMENT === "true";
            break;
        default:
            throw new Error(`unknown E2E_VARIANT ${variant}`);
    }
    return args;
}

// The aws plugin version the component's resources use, so the program's own aws
// resources share their default provider (the simulated cloud).
const awsVersion = "6.83.4";

// A resource of the aws provider made by its type token: the e2e project installs no
// @pulumi/aws (the component's SDK needs none), and the engine sends it to the same
// plugin as the platform's own resources. Outputs named in outs become properties.
class AwsResource extends pulumi.CustomResource {
    [key: string]: any;
    constructor(type: string, name: string, props: Record<string, pulumi.Input<any>>, outs: string[] = []) {
        const all: Record<string, any> = { ...props };
        for (const o of outs) if (!(o in all)) all[o] = undefined;
        super(type, name, all, { version: awsVersion });
    }
}

// network makes a VPC with two public and two private subnets; their IDs are unknown
// until the subnets exist.
function network(): { publicSubnetIds: pulumi.Output<string>[]; privateSubnetIds: pulumi.Output<string>[] } {
    const vpc = new AwsResource("aws:ec2/vpc:Vpc", "e2e-vpc", {
        cidrBlock: "10.0.0.0/16",
        enableDnsHostnames: true,
        enableDnsSupport: true,
        tags: { Name: "e2e" },
    });
    const subnet = (name: string, cidr: string, az: string, pub: boolean): pulumi.Output<string> =>
        new AwsResource("aws:ec2/subnet:Subnet", name, {
            vpcId: vpc.id,
            cidrBlock: cidr,
            availabilityZone: az,
            mapPublicIpOnLaunch: pub,
            tags: { Name: name },
        }).id;
    return {
        publicSubnetIds: [subnet("e2e-public-a", "10.0.0.0/20", "us-west-2a", true), subnet("e2e-public-b", "10.0.16.0/20", "us-west-2b", true)],
        privateSubnetIds: [subnet("e2e-private-a", "10.0.128.0/20", "us-west-2a", false), subnet("e2e-private-b", "10.0.144.0/20", "us-west-2b", false)],
    };
}

// role makes an IAM role named name (the simulated cloud autonames nothing).
function role(name: string): pulumi.Output<string> {
    return new AwsResource("aws:iam/role:Role", name, {
        name,
        assumeRolePolicy: JSON.stringify({
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::123456789012:root" }, Action: "sts:AssumeRole" }],
        }),
    }, ["arn"]).arn;
}

// A small platform (one node group, no add-on, the default Kubernetes version) on the given subnets.
function smallPlatform(pub: pulumi.Input<pulumi.Input<string>[]>, priv: pulumi.Input<pulumi.Input<string>[]>): EksPlatformArgs {
    return {
        publicSubnetIds: pub,
        privateSubnetIds: priv,
        nodeGroups: [{ name: "general", instanceTypes: ["t3.large"], scaling: { minSize: 1, desiredSize: 1, maxSize: 2 } }],
    };
}

// outputsProgram is the program of a variant whose inputs are Outputs, or undefined.
function outputsProgram(variant: string): (() => Promise<Record<string, unknown>>) | undefined {
    const env = (k: string): string => {
        const v = process.env[k];
        if (!v) throw new Error(`${k} is not set`);
        return v;
    };
    switch (variant) {
        case "network":
            return async () => {
                const net = network();
                return { publicSubnetIds: pulumi.all(net.publicSubnetIds), privateSubnetIds: pulumi.all(net.privateSubnetIds) };
            };
        case "vpc":
            return async () => {
                const net = network();
                const p = new EksPlatform("platform", smallPlatform(net.publicSubnetIds, net.privateSubnetIds));
                return {
                    clusterName: p.clusterName,
                    publicSubnetIds: pulumi.all(net.publicSubnetIds),
                    privateSubnetIds: pulumi.all(net.privateSubnetIds),
                };
            };
        case "stackref":
            return async () => {
                const ref = new pulumi.StackReference(env("E2E_REF"));
                const pub = ref.getOutput("publicSubnetIds") as pulumi.Output<string[]>;
                const priv = ref.getOutput("privateSubnetIds") as pulumi.Output<string[]>;
                const p = new EksPlatform("platform", smallPlatform(pub, priv));
                return { clusterName: p.clusterName, publicSubnetIds: pub, privateSubnetIds: priv };
            };
        case "secret-tag":
            return async () => {
                const args = smallPlatform([pub1, pub2], [priv1, priv2]);
                args.tags = {
                    team: pulumi.secret(env("E2E_SECRET")),
                    costCenter: new pulumi.Config().requireSecret("costCenter"),
                };
                const p = new EksPlatform("platform", args);
                return { clusterName: p.clusterName };
            };
        case "roles":
            return async () => {
                const admin = role("e2e-admin-a");
                const viewer = role("e2e-viewer-b");
                const args = smallPlatform([pub1, pub2], [priv1, priv2]);
                args.admins = [admin];
                args.accessEntries = [{ principalArn: viewer, accessPolicies: [{ policy: "View" }] }];
                args.helmReleases = [{
                    name: "edge",
                    repository: "https://kubernetes.github.io/ingress-nginx",
                    chart: "ingress-nginx",
                    version: "4.12.1",
                    namespace: "ingress",
                    serviceAccount: "edge-controller",
                    iamPolicy: JSON.stringify({
                        Version: "2012-10-17",
                        Statement: [{ Effect: "Allow", Action: ["elasticloadbalancing:DescribeLoadBalancers"], Resource: "*" }],
                    }),
                }];
                const p = new EksPlatform("platform", args);
                return { clusterName: p.clusterName, adminArn: admin, viewerArn: viewer, addonRoleArns: p.addonRoleArns };
            };
        case "admins-ab":
        case "admins-b":
            return async () => {
                const a = role("e2e-admin-a");
                const b = role("e2e-admin-b");
                const args = smallPlatform([pub1, pub2], [priv1, priv2]);
                args.admins = variant === "admins-ab" ? [a, b] : [b];
                const p = new EksPlatform("platform", args);
                return { clusterName: p.clusterName };
            };
        case "bad-sa-rename":
            return async () => {
                const args = smallPlatform([pub1, pub2], [priv1, priv2]);
                args.addons = {
                    externalDns: {
                        enabled: true,
                        hostedZoneIds: [zoneId],
                        values: pulumi.output({ serviceAccount: { name: "other" } }),
                    },
                };
                const p = new EksPlatform("platform", args);
                return { clusterName: p.clusterName };
            };
    }
    return undefined;
}

function result(r: object): void {
    console.log("E2E_RESULT " + JSON.stringify(r));
}

async function main(): Promise<void> {
    const env = (k: string): string => {
        const v = process.env[k];
        if (!v) throw new Error(`${k} is not set`);
        return v;
    };
    const action = env("E2E_ACTION");
    const variant = env("E2E_VARIANT");
    const program =
        variant === "example"
            ? async () => ({
                  ...(await (process.env.E2E_EXAMPLE
                      ? import(process.env.E2E_EXAMPLE)
                      : import("./example/index"))),
              })
            : outputsProgram(variant) ??
              (async () => {
                  const p = new EksPlatform("platform", platformArgs(variant));
                  return {
                      kubeconfig: p.kubeconfig,
                      clusterName: p.clusterName,
                      clusterEndpoint: p.clusterEndpoint,
                      oidcProviderArn: p.oidcProviderArn,
                  };
              });
    const stack = await LocalWorkspace.createOrSelectStack(
        { stackName: env("E2E_STACK"), projectName: env("E2E_PROJECT"), program },
        {
            projectSettings: {
                name: env("E2E_PROJECT"),
                runtime: "nodejs",
                backend: { url: env("PULUMI_BACKEND_URL") },
            },
            secretsProvider: "passphrase",
        },
    );
    await stack.setConfig("aws:region", { value: process.env.E2E_REGION || "us-west-2" });
    if (process.env.E2E_CONFIG) {
        const config: Record<string, string> = JSON.parse(process.env.E2E_CONFIG);
        const values: Record<string, { value: string }> = {};
        for (const [k, v] of Object.entries(config)) values[k] = { value: v };
        await stack.setAllConfig(values, true);
    }
    if (process.env.E2E_SECRET_CONFIG) {
        const config: Record<string, string> = JSON.parse(process.env.E2E_SECRET_CONFIG);
        for (const [k, v] of Object.entries(config)) await stack.setConfig(k, { value: v, secret: true });
    }
    const log = (s: string) => process.stderr.write(s);
    switch (action) {
        case "up": {
            const r = await stack.up({ onOutput: log });
            const outputs: Record<string, { value: unknown; secret: boolean }> = {};
            for (const [k, v] of Object.entries(r.outputs)) outputs[k] = { value: v.value, secret: v.secret };
            result({ ok: true, changes: r.summary.resourceChanges ?? {}, outputs });
            break;
        }
        case "preview": {
            const r = await stack.preview({ onOutput: log });
            result({ ok: true, changes: r.changeSummary ?? {} });
            break;
        }
        case "destroy": {
            const r = await stack.destroy({ onOutput: log });
            result({ ok: true, changes: r.summary.resourceChanges ?? {} });
            break;
        }
        default:
            throw new Error(`unknown E2E_ACTION ${action}`);
    }
}

main().catch((err: unknown) => {
    result({ ok: false, error: String(err instanceof Error ? `${err.message}\n${(err as { stderr?: string }).stderr ?? ""}` : err) });
    process.exitCode = 1;
});
