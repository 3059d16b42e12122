"""The AWS FIS experiment templates that `meridian drill plan --format json` writes, checked against
the FIS API model shipped in botocore: botocore's own parameter validator (types, required members,
lengths) over the CreateExperimentTemplate request shape, plus the FIS-specific cross-references
(every action's target names a template target)."""
import json
import os
import pathlib
import subprocess

import pytest

from botocore import loaders, model, validate

ROOT = pathlib.Path(__file__).resolve().parents[2]
BINARY = pathlib.Path(os.environ.get("MERIDIAN_BIN", ROOT / ".build/debug/meridian"))
SCENARIOS = [
    ("trading-platform", ["eu-west-1"]),
    ("trading-platform", ["us-east-1a,us-east-1b"]),
    ("neobank-active-standby", ["eu-west-1", "eu-central-1c"]),
    ("shop-geo-sharded", ["ap-southeast-1a"]),
]


def request_shape():
    service = model.ServiceModel(loaders.Loader().load_service_model("fis", "service-2"), "fis")
    return service.operation_model("CreateExperimentTemplate").input_shape


def plan(blueprint, down):
    args = [str(BINARY), "drill", "plan", str(ROOT / "Blueprints" / f"{blueprint}.yaml"), "--format", "json"]
    for item in down:
        args += ["--down", item]
    out = subprocess.run(args, check=True, capture_output=True, text=True).stdout
    return json.loads(out)["fisExperimentTemplate"]


@pytest.mark.parametrize("blueprint,down", SCENARIOS)
def test_template_is_a_valid_create_experiment_template_request(blueprint, down):
    shape = request_shape()
    template = plan(blueprint, down)
    # clientToken is an idempotency token: the SDKs and the CLI fill it in themselves.
    assert shape.members["clientToken"].metadata.get("idempotencyToken")
    request = dict(template, clientToken="drill-check")
    report = validate.ParamValidator().validate(request, shape)
    assert not report.has_errors(), report.generate_report()
    # Cross-references the shape cannot express.
    for name, action in template["actions"].items():
        for target in action.get("targets", {}).values():
            assert target in template["targets"], f"{name} names unknown target {target}"
        assert action["actionId"].startswith("aws:")
    for target in template["targets"].values():
        assert target["resourceTags"] and not target.get("resourceArns"), "ARNs and tags are exclusive"


def test_validator_rejects_a_broken_template():
    """The check can fail: drop a required member and mistype another."""
    shape = request_shape()
    template = plan(*SCENARIOS[0])
    del template["roleArn"]
    template["targets"] = {"t": {"resourceType": "aws:ec2:subnet", "selectionMode": 3}}
    report = validate.ParamValidator().validate(dict(template, clientToken="x"), shape)
    assert report.has_errors()
