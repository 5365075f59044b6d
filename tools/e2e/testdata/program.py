"""End-to-end driver for the Python SDK, run by tools/e2e (langs_test.go) in a venv.

An Automation API inline program: E2E_ACTION (up, preview, destroy) on stack E2E_STACK
of project E2E_PROJECT. Prints one line "E2E_RESULT <json>".

E2E_VARIANT "example" runs the shipped example, E2E_EXAMPLE (examples/python/__main__.py),
unchanged, the way the Python language host runs a program (runpy, as __main__), with the
stack configuration E2E_CONFIG (a JSON object of path-style keys, as
`pulumi config set --path` takes them). The bad-* variants are test programs: the platform
below with one invalid input.
"""

import json
import os
import runpy
import sys

import pulumi
from pulumi import automation as auto
import pulumi_eksplatform as eksplatform

PUB1 = "subnet-0a00000000000001a"
PUB2 = "subnet-0a00000000000002b"
PRIV1 = "subnet-0b00000000000001a"
PRIV2 = "subnet-0b00000000000002b"
ZONE_ID = "Z0123456789ABCDEFGHIJ"
TEAM_ROLE = "arn:aws:iam::123456789012:role/platform-team"


def platform_args(variant):
    """A valid platform (the one platform_test.go builds in Go) for the bad-* variants to break."""
    args = dict(
        kubernetes_version="1.33",
        public_subnet_ids=[PUB1, PUB2],
        private_subnet_ids=[PRIV1, PRIV2],
        admins=[TEAM_ROLE],
        log_retention_days=90,
        node_groups=[
            eksplatform.NodeGroupArgs(
                name="system",
                capacity_type="ON_DEMAND",
                instance_types=["m5.large"],
                scaling=eksplatform.NodeGroupScalingArgs(min_size=2, desired_size=2, max_size=3),
                labels={"node-role": "system"},
                taints=[eksplatform.TaintArgs(key="CriticalAddonsOnly", value="true", effect="NO_SCHEDULE")],
            ),
            eksplatform.NodeGroupArgs(
                name="general",
                capacity_type="SPOT",
                instance_types=["t3.large", "m5.large"],
                scaling=eksplatform.NodeGroupScalingArgs(min_size=1, desired_size=2, max_size=5),
            ),
        ],
        fargate_profiles=[
            eksplatform.FargateProfileArgs(name="apps", selectors=[eksplatform.FargateSelectorArgs(namespace="apps")]),
            eksplatform.FargateProfileArgs(
                name="batch",
                selectors=[eksplatform.FargateSelectorArgs(namespace="batch", labels={"compute": "fargate"})],
            ),
        ],
        eks_addons=eksplatform.EksAddonsArgs(ebs_csi_driver=eksplatform.EksAddonArgs(enabled=True)),
        addons=eksplatform.HelmAddonsArgs(
            aws_load_balancer_controller=eksplatform.HelmAddonArgs(enabled=True),
            metrics_server=eksplatform.HelmAddonArgs(enabled=True),
            external_dns=eksplatform.ExternalDnsAddonArgs(enabled=True, hosted_zone_ids=[ZONE_ID]),
        ),
        tags={"team": "platform"},
    )
    if variant == "bad-scaling":
        args["node_groups"] = [
            eksplatform.NodeGroupArgs(name="system"),
            eksplatform.NodeGroupArgs(name="general", scaling=eksplatform.NodeGroupScalingArgs(min_size=4, max_size=2)),
        ]
    elif variant == "bad-subnet":
        args["public_subnet_ids"] = [PUB1, PRIV1]
    elif variant == "bad-logtype":
        args["enabled_log_types"] = ["api", "kubelet"]
    else:
        raise ValueError("unknown E2E_VARIANT " + variant)
    return args


def result(r):
    print("E2E_RESULT " + json.dumps(r, default=str), flush=True)


def main():
    action = os.environ["E2E_ACTION"]
    variant = os.environ["E2E_VARIANT"]
    project = os.environ["E2E_PROJECT"]

    def program():
        if variant == "example":
            runpy.run_path(os.environ["E2E_EXAMPLE"], run_name="__main__")
            return
        p = eksplatform.EksPlatform("platform", **platform_args(variant))
        pulumi.export("kubeconfig", p.kubeconfig)
        pulumi.export("clusterName", p.cluster_name)
        pulumi.export("clusterEndpoint", p.cluster_endpoint)
        pulumi.export("oidcProviderArn", p.oidc_provider_arn)

    stack = auto.create_or_select_stack(
        stack_name=os.environ["E2E_STACK"],
        project_name=project,
        program=program,
        opts=auto.LocalWorkspaceOptions(
            project_settings=auto.ProjectSettings(
                name=project,
                runtime="python",
                backend=auto.ProjectBackend(url=os.environ["PULUMI_BACKEND_URL"]),
            ),
            secrets_provider="passphrase",
        ),
    )
    stack.set_config("aws:region", auto.ConfigValue(value=os.environ.get("E2E_REGION", "us-west-2")))
    if os.environ.get("E2E_CONFIG"):
        config = json.loads(os.environ["E2E_CONFIG"])
        stack.set_all_config({k: auto.ConfigValue(value=v) for k, v in config.items()}, path=True)
    log = lambda s: print(s, file=sys.stderr)  # noqa: E731
    if action == "up":
        r = stack.up(on_output=log)
        outputs = {k: {"value": v.value, "secret": v.secret} for k, v in r.outputs.items()}
        result({"ok": True, "changes": r.summary.resource_changes or {}, "outputs": outputs})
    elif action == "preview":
        r = stack.preview(on_output=log)
        result({"ok": True, "changes": r.change_summary or {}})
    elif action == "destroy":
        r = stack.destroy(on_output=log)
        result({"ok": True, "changes": r.summary.resource_changes or {}})
    else:
        raise ValueError("unknown E2E_ACTION " + action)


if __name__ == "__main__":
    try:
        main()
    except Exception as e:  # report, do not crash without a result line
        result({"ok": False, "error": "%s: %s" % (type(e).__name__, e)})
        sys.exit(1)
