"""The AWS FIS experiment templates that `meridian drill plan --format json` writes, checked against
the FIS API model shipped in botocore (its own parameter validator over the CreateExperimentTemplate
request shape), against the FIS actions reference (action ids, their target keys and resource
types), and against the plan they inject: one experiment per affected Region, bound to that
Region's zones, the stop-condition alarm of that Region, and a duration that covers the planned
recovery plus a margin."""
import json
import pathlib
import re

import pytest

from botocore import loaders, model, validate

from meridian_binary import meridian

ROOT = pathlib.Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "Tests/validators/fixtures/every-engine.yaml"
ROLE = "arn:aws:iam::123456789012:role/meridian-fis-drill"
# Action id -> (target key, resource type), from the FIS actions reference
# (https://docs.aws.amazon.com/fis/latest/userguide/fis-actions-reference.html) and the output of
# `aws fis list-actions` in AWS's CLI examples
# (https://docs.aws.amazon.com/code-library/latest/ug/cli_2_fis_code_examples.html).
FIS_ACTIONS = {
    "aws:network:disrupt-connectivity": ("Subnets", "aws:ec2:subnet"),
    "aws:rds:failover-db-cluster": ("Clusters", "aws:rds:cluster"),
    "aws:rds:reboot-db-instances": ("DBInstances", "aws:rds:db"),
    "aws:elasticache:replicationgroup-interrupt-az-power": ("ReplicationGroups", "aws:elasticache:replicationgroup"),
}
SCENARIOS = [
    (ROOT / "Blueprints/trading-platform.yaml", "eu-west-1"),
    (ROOT / "Blueprints/trading-platform.yaml", "us-east-1a,us-east-1b"),
    (ROOT / "Blueprints/trading-platform.yaml", "eu-west-1,us-east-1a"),
    (ROOT / "Blueprints/neobank-active-standby.yaml", "eu-west-1,eu-central-1c"),
    (ROOT / "Blueprints/shop-geo-sharded.yaml", "ap-southeast-1a"),
    (FIXTURE, "eu-west-1a"),
    (FIXTURE, "eu-west-1,eu-central-1b"),
]


def request_shape():
    service = model.ServiceModel(loaders.Loader().load_service_model("fis", "service-2"), "fis")
    return service.operation_model("CreateExperimentTemplate").input_shape


def plan(blueprint, down, regions):
    args = ["drill", "plan", str(blueprint), "--down", down, "--format", "json", "--fis-role-arn", ROLE]
    for region in regions:
        args += ["--stop-alarm-arn", f"arn:aws:cloudwatch:{region}:123456789012:alarm:meridian-drill-abort"]
    result = meridian(*args)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def affected_regions(blueprint, down):
    regions = re.findall(r"^  ([a-z]{2}-[a-z]+-\d):", blueprint.read_text(), re.M)
    return sorted({next(r for r in regions if name.startswith(r)) for name in down.split(",")})


@pytest.mark.parametrize("blueprint,down", SCENARIOS, ids=[f"{b.stem}:{d}" for b, d in SCENARIOS])
def test_one_valid_template_per_affected_region(blueprint, down):
    regions = affected_regions(blueprint, down)
    document = plan(blueprint, down, regions)
    experiments = document["fisExperimentTemplates"]
    assert [e["region"] for e in experiments] == regions
    shape = request_shape()
    # clientToken is an idempotency token: the SDKs and the CLI fill it in themselves.
    assert shape.members["clientToken"].metadata.get("idempotencyToken")
    planned = max(document["plannedRTOSeconds"], document["rtoObjectiveSeconds"] or 0)
    for experiment in experiments:
        region, template = experiment["region"], experiment["request"]
        assert experiment["missing"] == []
        report = validate.ParamValidator().validate(dict(template, clientToken="drill-check"), shape)
        assert not report.has_errors(), report.generate_report()
        assert f"--region {region}" in experiment["create"] and f"--region {region}" in experiment["start"]
        # The stop condition is the real alarm of this Region, not a placeholder in a string.
        assert template["stopConditions"] == [{"source": "aws:cloudwatch:alarm",
                                               "value": f"arn:aws:cloudwatch:{region}:123456789012:alarm:meridian-drill-abort"}]
        assert template["roleArn"] == ROLE
        for name, action in template["actions"].items():
            assert action["actionId"] in FIS_ACTIONS, f"{name}: {action['actionId']} is not in the FIS actions reference"
            key, resource_type = FIS_ACTIONS[action["actionId"]]
            assert list(action["targets"]) == [key]
            target = template["targets"][action["targets"][key]]
            assert target["resourceType"] == resource_type
            assert target["resourceTags"] and not target.get("resourceArns"), "ARNs and tags are exclusive"
            if "duration" in action.get("parameters", {}):
                # PT<h>H<m>M: at least the planned recovery plus 10 minutes.
                hours, minutes = re.fullmatch(r"PT(?:(\d+)H)?(?:(\d+)M)?", action["parameters"]["duration"]).groups()
                seconds = int(hours or 0) * 3600 + int(minutes or 0) * 60
                assert seconds >= planned + 600 and seconds <= 12 * 3600
        # Bound to the Region: its subnets are filtered to this Region's zones only.
        zones = template["targets"]["subnets"]["filters"][0]["values"]
        assert zones and all(zone.startswith(region) and len(zone) == len(region) + 1 for zone in zones)


def test_a_zone_drill_forces_each_engines_zone_failover():
    document = plan(FIXTURE, "eu-west-1a", ["eu-west-1"])
    actions = document["fisExperimentTemplates"][0]["request"]["actions"]
    forced = {name.removeprefix("failover-"): action["actionId"] for name, action in actions.items() if name.startswith("failover-")}
    assert forced == {
        "aurora": "aws:rds:failover-db-cluster",
        "aurora-local": "aws:rds:failover-db-cluster",  # an in-Region replica Aurora fails over to
        "rds": "aws:rds:reboot-db-instances",
        "rds-cluster": "aws:rds:failover-db-cluster",
        "cache": "aws:elasticache:replicationgroup-interrupt-az-power",
    }
    assert actions["failover-rds"]["parameters"] == {"forceFailover": "true"}
    targets = document["fisExperimentTemplates"][0]["request"]["targets"]
    assert targets["datastore-cache"]["parameters"] == {"availabilityZoneIdentifier": "eu-west-1a"}


def test_without_the_accounts_values_nothing_is_invented():
    result = meridian("drill", "plan", str(FIXTURE), "--down", "eu-west-1", "--format", "json")
    experiment = json.loads(result.stdout)["fisExperimentTemplates"][0]
    assert "roleArn" not in experiment["request"] and "stopConditions" not in experiment["request"]
    assert experiment["missing"] == ["--fis-role-arn", "--stop-alarm-arn for a CloudWatch alarm in eu-west-1"]
    assert "ACCOUNT_ID" not in result.stdout and "REGION" not in json.dumps(experiment["request"])


def test_an_alarm_outside_the_drills_regions_is_refused():
    result = meridian("drill", "plan", str(FIXTURE), "--down", "eu-west-1", "--format", "json",
                      "--stop-alarm-arn", "arn:aws:cloudwatch:us-east-1:123456789012:alarm:abort")
    assert result.returncode == 2 and "us-east-1" in result.stderr


def test_validator_rejects_a_broken_template():
    """The check can fail: drop a required member and mistype another."""
    shape = request_shape()
    template = plan(*SCENARIOS[0][:2], ["eu-west-1"])["fisExperimentTemplates"][0]["request"]
    del template["roleArn"]
    template["targets"] = {"t": {"resourceType": "aws:ec2:subnet", "selectionMode": 3}}
    report = validate.ParamValidator().validate(dict(template, clientToken="x"), shape)
    assert report.has_errors()
