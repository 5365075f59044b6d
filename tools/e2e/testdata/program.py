"""End-to-end driver for the Python SDK, run by tools/e2e (langs_test.go) in a venv.

An Automation API inline program: E2E_ACTION (up, preview, destroy) on stack E2E_STACK
of project E2E_PROJECT. Prints one line "E2E_RESULT <json>".

E2E_VARIANT "example" runs the shipped example, E2E_EXAMPLE (examples/python/__main__.py),
unchanged, the way the Python language host runs a program (runpy, as __main__), with the
stack configuration E2E_CONFIG (a JSON object of path-style keys, as
`pulumi config set --path` takes them). The bad-* variants are test programs: the platform
below with one invalid input. The other variants (outputs_program) give the platform
inputs that are Outputs: subnets of a VPC made in the same program or read from another
stack, secret tags, roles made in the program (outputs_test.go says what each proves).
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
        kubernetes_version="1.36",
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
    elif variant == "bad-automode-configmap":
        args["auto_mode"] = eksplatform.AutoModeArgs(enabled=True)
        args["authentication_mode"] = "CONFIG_MAP"
    elif variant == "bad-automode-addons":
        # Auto Mode alone, asking again for what it runs itself.
        args["auto_mode"] = eksplatform.AutoModeArgs(enabled=True)
        args["node_groups"] = []
        args["fargate_profiles"] = []
    elif variant == "bump":
        # The valid platform on the Kubernetes version of this run (TestPythonKubernetesBump).
        args["kubernetes_version"] = os.environ["E2E_K8S_VERSION"]
        args["upgrade_policy"] = os.environ.get("E2E_UPGRADE_POLICY")
    elif variant == "day2":
        # The platform the day-2 tests drift and interrupt (day2Stack in Go).
        args["kubernetes_version"] = "1.35"
    elif variant == "resize":
        # The valid platform with the "general" group's instance types of this run,
        # comma-separated (TestPythonNodeGroupReplacement).
        args["node_groups"][1].instance_types = os.environ.get("E2E_GENERAL_INSTANCE_TYPES", "").split(",")
    elif variant == "guard":
        # The valid platform with this run's create-only settings (TestPythonClusterGuard,
        # TestPythonClusterNameTaken).
        if os.environ.get("E2E_CLUSTER_NAME"):
            args["cluster_name"] = os.environ["E2E_CLUSTER_NAME"]
        if os.environ.get("E2E_SECRETS_ENCRYPTION"):
            args["secrets_encryption"] = os.environ["E2E_SECRETS_ENCRYPTION"] == "true"
        if os.environ.get("E2E_ALLOW_REPLACEMENT"):
            args["allow_cluster_replacement"] = os.environ["E2E_ALLOW_REPLACEMENT"] == "true"
        if os.environ.get("E2E_KMS_KEY_ARN"):
            args["kms_key_arn"] = os.environ["E2E_KMS_KEY_ARN"]
    else:
        raise ValueError("unknown E2E_VARIANT " + variant)
    return args


# The aws plugin version the component's resources use, so the program's own aws
# resources share their default provider (the simulated cloud).
AWS_VERSION = "6.83.4"


def aws_resource(typ, name, props, outs=()):
    """A resource of the aws provider made by its type token: the venv has no pulumi_aws
    (the component's SDK needs none), and the engine sends it to the same plugin as the
    platform's own resources. Outputs named in outs become attributes."""
    props = dict(props)
    for o in outs:
        props.setdefault(o, None)
    return pulumi.CustomResource(typ, name, props, opts=pulumi.ResourceOptions(version=AWS_VERSION))


def network():
    """A VPC with two public and two private subnets; their IDs are unknown until the subnets exist."""
    vpc = aws_resource(
        "aws:ec2/vpc:Vpc",
        "e2e-vpc",
        {"cidrBlock": "10.0.0.0/16", "enableDnsHostnames": True, "enableDnsSupport": True, "tags": {"Name": "e2e"}},
    )

    def subnet(name, cidr, az, public):
        return aws_resource(
            "aws:ec2/subnet:Subnet",
            name,
            {"vpcId": vpc.id, "cidrBlock": cidr, "availabilityZone": az, "mapPublicIpOnLaunch": public, "tags": {"Name": name}},
        ).id

    public = [subnet("e2e-public-a", "10.0.0.0/20", "us-west-2a", True), subnet("e2e-public-b", "10.0.16.0/20", "us-west-2b", True)]
    private = [
        subnet("e2e-private-a", "10.0.128.0/20", "us-west-2a", False),
        subnet("e2e-private-b", "10.0.144.0/20", "us-west-2b", False),
    ]
    return public, private


def role(name):
    """An IAM role named name (the simulated cloud autonames nothing); returns its ARN."""
    trust = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "sts:AssumeRole"}],
    }
    return aws_resource("aws:iam/role:Role", name, {"name": name, "assumeRolePolicy": json.dumps(trust)}, outs=["arn"]).arn


def small_platform(public, private):
    """A small platform (one node group, no add-on, the default Kubernetes version) on the given subnets."""
    return dict(
        public_subnet_ids=public,
        private_subnet_ids=private,
        node_groups=[
            eksplatform.NodeGroupArgs(
                name="general",
                instance_types=["t3.large"],
                scaling=eksplatform.NodeGroupScalingArgs(min_size=1, desired_size=1, max_size=2),
            )
        ],
    )


def outputs_program(variant):
    """The program of a variant whose inputs are Outputs, or None."""
    if variant == "network":

        def program():
            public, private = network()
            pulumi.export("publicSubnetIds", pulumi.Output.all(*public))
            pulumi.export("privateSubnetIds", pulumi.Output.all(*private))

    elif variant == "vpc":

        def program():
            public, private = network()
            p = eksplatform.EksPlatform("platform", **small_platform(public, private))
            pulumi.export("clusterName", p.cluster_name)
            pulumi.export("publicSubnetIds", pulumi.Output.all(*public))
            pulumi.export("privateSubnetIds", pulumi.Output.all(*private))

    elif variant == "stackref":

        def program():
            ref = pulumi.StackReference(os.environ["E2E_REF"])
            public, private = ref.get_output("publicSubnetIds"), ref.get_output("privateSubnetIds")
            p = eksplatform.EksPlatform("platform", **small_platform(public, private))
            pulumi.export("clusterName", p.cluster_name)
            pulumi.export("publicSubnetIds", public)
            pulumi.export("privateSubnetIds", private)

    elif variant == "secret-tag":

        def program():
            args = small_platform([PUB1, PUB2], [PRIV1, PRIV2])
            args["tags"] = {
                "team": pulumi.Output.secret(os.environ["E2E_SECRET"]),
                "costCenter": pulumi.Config().require_secret("costCenter"),
            }
            p = eksplatform.EksPlatform("platform", **args)
            pulumi.export("clusterName", p.cluster_name)

    elif variant == "v010":
        # Only inputs 0.1.0 has, as a program written for it gives them (TestUpgradeFrom010
        # in Go; TestPythonUpgradeFrom010 runs it with the 0.1.0 plugin, then this one).

        def program():
            auditor = role("auditor")
            p = eksplatform.EksPlatform(
                "platform",
                kubernetes_version="1.35",
                public_subnet_ids=[PUB1, PUB2],
                private_subnet_ids=[PRIV1, PRIV2],
                authentication_mode="API",
                admins=[TEAM_ROLE, auditor],
                node_groups=[
                    eksplatform.NodeGroupArgs(
                        name="general",
                        instance_types=["m5.large"],
                        scaling=eksplatform.NodeGroupScalingArgs(min_size=1, desired_size=2, max_size=3),
                    )
                ],
                eks_addons=eksplatform.EksAddonsArgs(pod_identity_agent=eksplatform.EksAddonArgs(enabled=True)),
                addons=eksplatform.HelmAddonsArgs(
                    aws_load_balancer_controller=eksplatform.HelmAddonArgs(enabled=True),
                    external_dns=eksplatform.ExternalDnsAddonArgs(enabled=True, identity="podIdentity", hosted_zone_ids=[ZONE_ID]),
                    cluster_autoscaler=eksplatform.HelmAddonArgs(enabled=True),
                    metrics_server=eksplatform.HelmAddonArgs(enabled=True),
                ),
            )
            pulumi.export("clusterName", p.cluster_name)

    elif variant == "roles":

        def program():
            admin, viewer = role("e2e-admin-a"), role("e2e-viewer-b")
            args = small_platform([PUB1, PUB2], [PRIV1, PRIV2])
            args["admins"] = [admin]
            args["access_entries"] = [
                eksplatform.AccessEntryArgs(principal_arn=viewer, access_policies=[eksplatform.AccessPolicyArgs(policy="View")])
            ]
            policy = {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": ["elasticloadbalancing:DescribeLoadBalancers"], "Resource": "*"}],
            }
            args["helm_releases"] = [
                eksplatform.HelmReleaseArgs(
                    name="edge",
                    repository="https://kubernetes.github.io/ingress-nginx",
                    chart="ingress-nginx",
                    version="4.12.1",
                    namespace="ingress",
                    service_account="edge-controller",
                    iam_policy=json.dumps(policy),
                )
            ]
            p = eksplatform.EksPlatform("platform", **args)
            pulumi.export("clusterName", p.cluster_name)
            pulumi.export("adminArn", admin)
            pulumi.export("viewerArn", viewer)
            pulumi.export("addonRoleArns", p.addon_role_arns)

    elif variant == "extra-eks-addons":
        # eksAddons.extra (eksaddons_extra_test.go): the EFS CSI driver on its add-on's Pod
        # Identity association, and an add-on the platform does not know, whose role gets
        # a policy this program makes (its ARN an Output, unknown at preview).

        def program():
            document = {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "arn:aws:s3:::vendor-bucket/*"}],
            }
            policy = aws_resource(
                "aws:iam/policy:Policy", "e2e-vendor-agent", {"name": "VendorAgent", "policy": json.dumps(document)}, outs=["arn"]
            )
            args = small_platform([PUB1, PUB2], [PRIV1, PRIV2])
            args["eks_addons"] = eksplatform.EksAddonsArgs(
                extra=[
                    eksplatform.ExtraEksAddonArgs(name="aws-efs-csi-driver", identity="podIdentity"),
                    eksplatform.ExtraEksAddonArgs(
                        name="vendor-agent",
                        namespace="vendor",
                        service_account="agent",
                        managed_policy_arns=[policy.arn],
                        configuration_values={"replicas": 2},
                    ),
                ]
            )
            p = eksplatform.EksPlatform("platform", **args)
            pulumi.export("policyArn", policy.arn)
            pulumi.export("addonRoleArns", p.addon_role_arns)

    elif variant in ("admins-ab", "admins-b"):

        def program():
            a, b = role("e2e-admin-a"), role("e2e-admin-b")
            args = small_platform([PUB1, PUB2], [PRIV1, PRIV2])
            args["admins"] = [a, b] if variant == "admins-ab" else [b]
            p = eksplatform.EksPlatform("platform", **args)
            pulumi.export("clusterName", p.cluster_name)

    elif variant == "bad-sa-rename":

        def program():
            args = small_platform([PUB1, PUB2], [PRIV1, PRIV2])
            args["addons"] = eksplatform.HelmAddonsArgs(
                external_dns=eksplatform.ExternalDnsAddonArgs(
                    enabled=True,
                    hosted_zone_ids=[ZONE_ID],
                    values=pulumi.Output.from_input({"serviceAccount": {"name": "other"}}),
                )
            )
            p = eksplatform.EksPlatform("platform", **args)
            pulumi.export("clusterName", p.cluster_name)

    elif variant == "shared-subnets":
        # Blue/green in one VPC (SCENARIOS #13, shared_subnets_test.go): a small platform
        # named E2E_PLATFORM (so is its cluster) on the subnets every stack shares, with
        # the default subnetRoleTags.

        def program():
            p = eksplatform.EksPlatform(os.environ["E2E_PLATFORM"], **small_platform([PUB1, PUB2], [PRIV1, PRIV2]))
            pulumi.export("clusterName", p.cluster_name)

    else:
        return None
    return program


def result(r):
    print("E2E_RESULT " + json.dumps(r, default=str), flush=True)


def main():
    action = os.environ["E2E_ACTION"]
    variant = os.environ["E2E_VARIANT"]
    project = os.environ["E2E_PROJECT"]

    def platform_program():
        if variant == "example":
            runpy.run_path(os.environ["E2E_EXAMPLE"], run_name="__main__")
            return
        p = eksplatform.EksPlatform("platform", **platform_args(variant))
        pulumi.export("kubeconfig", p.kubeconfig)
        pulumi.export("clusterName", p.cluster_name)
        pulumi.export("clusterEndpoint", p.cluster_endpoint)
        pulumi.export("oidcProviderArn", p.oidc_provider_arn)

    program = outputs_program(variant) or platform_program

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
    if os.environ.get("E2E_SECRET_CONFIG"):
        for k, v in json.loads(os.environ["E2E_SECRET_CONFIG"]).items():
            stack.set_config(k, auto.ConfigValue(value=v, secret=True))
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
