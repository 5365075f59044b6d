// End-to-end driver for the TypeScript SDK, run by tools/e2e (langs_test.go) with node
// after tsc. It is an Automation API inline program: E2E_ACTION (up, preview, destroy)
// on stack E2E_STACK of project E2E_PROJECT. It prints one line "E2E_RESULT <json>".
//
// E2E_VARIANT "example" runs the shipped example, examples/ts/index.ts, unchanged (the
// e2e build copies it to example/index.ts): the program loads the module, whose exports
// are the stack outputs, as the Node language host would, with the stack configuration
// E2E_CONFIG (a JSON object of path-style keys, as `pulumi config set --path` takes them).
// The bad-* variants are test programs: the platform below with one invalid input.
import * as pulumi from "@pulumi/pulumi";
import { LocalWorkspace } from "@pulumi/pulumi/automation";
import { EksPlatform, EksPlatformArgs } from "@eksplatform/pulumi";

const pub1 = "subnet-0a00000000000001a";
const pub2 = "subnet-0a00000000000002b";
const priv1 = "subnet-0b00000000000001a";
const priv2 = "subnet-0b00000000000002b";
const zoneId = "Z0123456789ABCDEFGHIJ";
const teamRole = "arn:aws:iam::123456789012:role/platform-team";

// A valid platform (the one platform_test.go builds in Go) for the bad-* variants to break.
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
        default:
            throw new Error(`unknown E2E_VARIANT ${variant}`);
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
    const variant = env("E2E_VARIANT");
    const program =
        variant === "example"
            ? async () => ({ ...(await import("./example/index")) })
            : async () => {
                  const p = new EksPlatform("platform", platformArgs(variant));
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
    if (process.env.E2E_CONFIG) {
        const config: Record<string, string> = JSON.parse(process.env.E2E_CONFIG);
        const values: Record<string, { value: string }> = {};
        for (const [k, v] of Object.entries(config)) values[k] = { value: v };
        await stack.setAllConfig(values, true);
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
