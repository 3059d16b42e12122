"""Every AWS CLI command Meridian prints, checked against botocore's service models: the operation
exists, every option names a parameter of it (or a global CLI option), every required parameter is
given, and a literal value of an enum parameter is one of its values. The commands come from the
drill plans (JSON, Markdown and text) of the example blueprints and of a fixture with one datastore
per engine of docs/failover.md, in every single-region and single-zone outage and across Regions,
and from the AWS CLI examples in the docs."""
import json
import pathlib
import re
import shlex

import pytest
from botocore import loaders, model
from botocore import xform_name
from markdown_it import MarkdownIt

from meridian_binary import meridian

ROOT = pathlib.Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "Tests/validators/fixtures/every-engine.yaml"
BLUEPRINTS = sorted((ROOT / "Blueprints").glob("*.yaml")) + [FIXTURE]
# Options of the CLI itself (aws help topic "config-vars"/global options), not of an operation.
GLOBAL_VALUE_OPTIONS = {"--region", "--output", "--query", "--profile", "--endpoint-url", "--cli-input-json", "--cli-input-yaml"}
GLOBAL_FLAGS = {"--no-cli-pager", "--debug", "--no-paginate"}
# The CLI's command name where it differs from botocore's service name.
CLI_SERVICES = {"s3api": "s3", "configservice": "config"}
LOADER = loaders.Loader()
REGION = re.compile(r"^[a-z]{2}(-gov)?-[a-z]+-\d$")


def service_model(name):
    return model.ServiceModel(LOADER.load_service_model(CLI_SERVICES.get(name, name), "service-2"), name)


def check(command, require_region=True):
    """The problems of one printed command ([] when botocore's model accepts it). What Meridian
    prints always says the Region it runs in; a docs example need not."""
    words = shlex.split(command)
    if len(words) < 3 or words[0] != "aws":
        return [f"not an AWS CLI command: {command}"]
    try:
        service = service_model(words[1])
    except Exception:  # botocore raises UnknownServiceError
        return [f"unknown service {words[1]}"]
    operations = {xform_name(name, "-"): name for name in service.operation_names}
    if words[2] not in operations:
        return [f"{words[1]} has no operation {words[2]}"]
    shape = service.operation_model(operations[words[2]]).input_shape
    members = {xform_name(name, "-"): (name, member) for name, member in (shape.members.items() if shape else [])}
    given, problems, index = set(), [], 3
    while index < len(words):
        option = words[index]
        if not option.startswith("--"):
            problems.append(f"stray word {option!r}")
            index += 1
            continue
        name = option[2:]
        if option in GLOBAL_FLAGS:
            index += 1
            continue
        if option in GLOBAL_VALUE_OPTIONS:
            value = words[index + 1] if index + 1 < len(words) else None
            if value is None or value.startswith("--"):
                problems.append(f"{option} needs a value")
            elif option == "--region" and not REGION.match(value):
                problems.append(f"--region {value} is not a Region name")
            given.add(option)
            index += 2
            continue
        negated = name.startswith("no-") and name[3:] in members and members[name[3:]][1].type_name == "boolean"
        key = name[3:] if negated else name
        if key not in members:
            problems.append(f"{words[1]} {words[2]} has no parameter {option}")
            index += 1
            continue
        member_name, member = members[key]
        given.add(member_name)
        if member.type_name == "boolean":
            index += 1
            continue
        value = words[index + 1] if index + 1 < len(words) else None
        if value is None or value.startswith("--"):
            problems.append(f"{option} needs a value")
            index += 1
            continue
        enum = member.metadata.get("enum")
        if enum and not value.startswith("$") and value not in enum:
            problems.append(f"{option} {value} is not one of {enum}")
        index += 2
    if require_region and "--region" not in given:
        problems.append("no --region: a failover command must say where it runs")
    if "--cli-input-json" not in given and shape is not None:
        for required in shape.required_members:
            if required not in given and not shape.members[required].metadata.get("idempotencyToken"):
                problems.append(f"{words[1]} {words[2]} needs --{xform_name(required, '-')}")
    return problems


def plan(blueprint, down, form):
    result = meridian("drill", "plan", str(blueprint), "--down", down, "--format", form)
    assert result.returncode == 0, result.stderr
    return result.stdout


def outages(blueprint):
    names = []
    text = blueprint.read_text()
    regions = re.findall(r"^  ([a-z]{2}-[a-z]+-\d):\n    zones: \[([^\]]*)\]", text, re.M)
    for region, zones in regions:
        names.append(region)
        names += [zone.strip() for zone in zones.split(",")]
    # Across Regions: the first two Regions together, and a Region with another Region's zone.
    if len(regions) > 1:
        names.append(f"{regions[0][0]},{regions[1][0]}")
        names.append(f"{regions[0][0]},{regions[1][1].split(',')[0].strip()}")
    return names


CASES = [(blueprint, down) for blueprint in BLUEPRINTS for down in outages(blueprint)]


def json_commands(document):
    commands = []
    for step in document["steps"]:
        commands += step["commands"]
        for part in step["parts"]:
            assert set(part["commands"]) <= set(step["commands"])
    for item in document["untimed"] + document["rollback"]:
        commands += item["commands"]
    for experiment in document["fisExperimentTemplates"]:
        commands += [experiment["create"], experiment["start"]]
    return commands


def markdown_commands(text):
    """Code spans and code blocks of Markdown that start with `aws `."""
    found = []
    for token in MarkdownIt("commonmark").enable("table").parse(text):
        children = token.children or []
        for child in [token, *children]:
            if child.type in ("code_inline", "fence", "code_block"):
                found += [line.strip() for line in child.content.splitlines() if line.strip().startswith("aws ")]
    return found


def test_the_cases_cover_every_engine_of_the_table():
    engines = set(re.findall(r"engine: ([a-z0-9-]+)", FIXTURE.read_text()))
    assert {"aurora-postgresql", "aurora-mysql", "postgres", "mysql-multi-az-cluster", "dynamodb-global-table",
            "dynamodb-global-table-mrsc", "elasticache-valkey", "msk", "aurora-dsql", "patroni-postgresql"} <= engines
    assert len(CASES) > 60


@pytest.mark.parametrize("blueprint,down", CASES, ids=[f"{b.stem}:{d}" for b, d in CASES])
def test_every_printed_command_is_valid_for_botocore(blueprint, down):
    document = json.loads(plan(blueprint, down, "json"))
    commands = json_commands(document)
    for command in commands:
        assert check(command) == [], command
    # What Markdown and text print is exactly what was checked: code in Markdown, plain lines in
    # text (never a literal backtick there).
    markdown = plan(blueprint, down, "markdown")
    assert sorted(set(markdown_commands(markdown))) == sorted(set(commands))
    text = plan(blueprint, down, "text")
    assert "`" not in text
    assert sorted({line.strip() for line in text.splitlines() if line.strip().startswith("aws ")}) == sorted(set(commands))


def test_engine_specific_commands_appear():
    """The fixture's Region loss prints each engine's own command (and none for Patroni)."""
    document = json.loads(plan(FIXTURE, "eu-west-1", "json"))
    operations = {" ".join(shlex.split(c)[1:3]) for c in json_commands(document)}
    assert {"rds failover-global-cluster", "rds promote-read-replica", "elasticache failover-global-replication-group",
            "dynamodb describe-table", "kafka get-bootstrap-brokers", "dsql get-cluster",
            "rds restore-db-cluster-from-snapshot", "rds switchover-global-cluster",
            "fis create-experiment-template", "fis start-experiment", "fis stop-experiment"} <= operations
    promote = next(step for step in document["steps"] if step["name"] == "promote")
    patroni = next(part for part in promote["parts"] if part["text"].startswith("patroni:"))
    assert patroni["commands"] == []


def test_docs_examples_are_valid_for_botocore():
    for page in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        for command in markdown_commands(page.read_text()):
            if "<" in command or "..." in command or "…" in command:
                continue  # a syntax summary, not a command
            assert check(command, require_region=False) == [], f"{page.name}: {command}"


@pytest.mark.parametrize("command,problem", [
    ("aws rds promote-read-replica --region eu-west-1", "needs --db-instance-identifier"),
    ("aws rds promote-read-replicas --region eu-west-1 --db-instance-identifier x", "has no operation"),
    ("aws rds failover-global-cluster --region eu-west-1 --global-cluster-identifier g --target-db-cluster-id t",
     "has no parameter --target-db-cluster-id"),
    ("aws dynamodb describe-table --table-name t", "no --region"),
    ("aws elasticache failover-global-replication-group --region eu-west-1 --global-replication-group-id g "
     "--primary-region eu-west-1", "needs --primary-replication-group-id"),
    ("aws nosuchservice do-it --region eu-west-1", "unknown service"),
])
def test_the_check_rejects_a_broken_command(command, problem):
    assert any(problem in found for found in check(command)), check(command)


def test_the_check_accepts_boolean_flags_and_idempotency_tokens():
    # --allow-data-loss is a boolean member; start-experiment's clientToken is filled in by the CLI.
    assert check('aws rds failover-global-cluster --region eu-central-1 --global-cluster-identifier "$G" '
                 '--target-db-cluster-identifier "$T" --allow-data-loss') == []
    assert check('aws fis start-experiment --region eu-west-1 --experiment-template-id "$T"') == []
