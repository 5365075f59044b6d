// End-to-end program for the TypeScript SDK, run by tools/e2e (node_test.go) with node
// after tsc. It is an Automation API inline program: E2E_ACTION (up, preview, destroy)
// on stack E2E_STACK of project E2E_PROJECT, with the platform of E2E_VARIANT (the same
// platform as platform_test.go). It prints one line "E2E_RESULT <json>".
import * as pulumi from "@pulumi/pulumi";
import { LocalWorkspace } from "@pulumi/pulumi/automation";
import { EksPlatform, EksPlatformArgs } from "@eksplatform/pulumi";

const pub1 = "subnet-0a00000000000001a";
const pub2 = "subnet-0a00000000000002b";
const priv1 = "subnet-0b00000000000001a";
const priv2 = "subnet-0b00000000000002b";
const zoneId = "Z0123456789ABCDEFGHIJ";
const teamRole = "arn:aws:iam::123456789012:role/platform-team";

function platformArgs(variant: string): EksPlatformArgs {
    const args: EksPlatformArgs = {
        kubernetesVersion: "1.33",
        publicSubnetIds: [pub1, pub2],
        privateSubnetIds: [priv1, priv2],
        admins: [teamRole],
        logRetentionDays: 90,
        nodeGroups: [
            {
                name: "system",
                capacityType: "ON_DEMAND",
                instanceTypes: ["m5.large"],
                scaling: { minSize: 2, desiredSize: 2, maxSize: 3 },
                labels: { "node-role": "system" },
                taints: [{ key: "CriticalAddonsOnly", value: "true", effect: "NO_SCHEDULE" }],
            },
            {
                name: "general",
                capacityType: "SPOT",
                instanceTypes: ["t3.large", "m5.large"],
                scaling: { minSize: 1, desiredSize: 2, maxSize: 5 },
            },
        ],
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
    }
    return args;
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
    const variant = process.env.E2E_VARIANT || "full";
    const program = async () => {
        const p = new EksPlatform("plat", platformArgs(variant));
        return {
            kubeconfig: p.kubeconfig,
            clusterName: p.clusterName,
            clusterEndpoint: p.clusterEndpoint,
            oidcProviderArn: p.oidcProviderArn,
        };
    };
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
