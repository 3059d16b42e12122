"""The blueprint's JSON Schema (docs/blueprint.schema.json, printed by `meridian schema`) against
a real draft-07 validator, the decoder inside the `meridian` binary, and docs/blueprint.md.

The schema is generated from the key catalogue in Sources/BlueprintModel/Schema; these tests
fail when the catalogue, the decoder and the reference page stop describing the same keys."""

import copy
import json
import pathlib
import re
import subprocess

import jsonschema
import pytest
import yaml

from meridian_binary import ROOT, meridian

SCHEMA_PATH = ROOT / "docs/blueprint.schema.json"
DOCS = (ROOT / "docs/blueprint.md").read_text()
DECODER_RULES = {"unknown-key", "invalid-value", "missing-field", "invalid-name", "duplicate-key", "yaml-syntax"}


class CoreSchemaLoader(yaml.SafeLoader):
    """YAML 1.2 core schema, as yaml-language-server reads a file: `2027-06-30` stays text and
    only true/false are booleans (PyYAML's YAML 1.1 would make dates and yes/on/off typed)."""


CoreSchemaLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag not in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:bool")]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
CoreSchemaLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))


def load(path):
    return yaml.load(pathlib.Path(path).read_text(), Loader=CoreSchemaLoader)


@pytest.fixture(scope="module")
def schema():
    document = json.loads(SCHEMA_PATH.read_text())
    jsonschema.Draft7Validator.check_schema(document)
    return document


def schema_errors(schema, blueprint):
    return sorted(error.message for error in jsonschema.Draft7Validator(schema).iter_errors(blueprint))


def lint(blueprint, tmp_path, name="probe.yaml"):
    path = tmp_path / name
    path.write_text(yaml.safe_dump(blueprint, sort_keys=False))
    result = meridian("lint", "--format", "json", str(path))
    assert result.returncode in (0, 1), result.stderr
    return json.loads(result.stdout)["diagnostics"]


def decoder_errors(diagnostics):
    return [d for d in diagnostics if d["severity"] == "error" and d["rule"] in DECODER_RULES]


def test_committed_schema_is_what_meridian_prints(schema):
    printed = meridian("schema")
    assert printed.returncode == 0, printed.stderr
    assert json.loads(printed.stdout) == schema, "docs/blueprint.schema.json is stale: run `meridian schema > docs/blueprint.schema.json`"
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"


@pytest.mark.parametrize("path", sorted((ROOT / "Blueprints").glob("*.yaml")), ids=lambda p: p.name)
def test_every_example_blueprint_validates_and_names_the_schema(schema, path):
    assert path.read_text().splitlines()[0] == "# yaml-language-server: $schema=../docs/blueprint.schema.json"
    assert schema_errors(schema, load(path)) == []


# --- what the decoder rejects, the schema rejects ----------------------------------------------

BASE = ROOT / "Blueprints/neobank-active-standby.yaml"


def mutated(edit):
    blueprint = load(BASE)
    edit(blueprint)
    return blueprint


def setter(*path, value):
    def edit(blueprint):
        node = blueprint
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value
    return edit


def deleter(*path):
    def edit(blueprint):
        node = blueprint
        for key in path[:-1]:
            node = node[key]
        del node[path[-1]]
    return edit


def renamer(*path, to):
    def edit(blueprint):
        node = blueprint
        for key in path[:-1]:
            node = node[key]
        node[to] = node.pop(path[-1])
    return edit


REJECTED = {
    # unknown keys
    "unknown top-level key": (setter("replicaz", value=3), "unknown-key"),
    "unknown service key": (setter("services", "accounts-api", "imagee", value="x:1"), "unknown-key"),
    "unknown key in a replica": (setter("datastores", "core-ledger", "replicas", 0, "lagg", value="1s"), "unknown-key"),
    "unknown key in healthCheck": (setter("traffic", "healthCheck", "timeout", value="5s"), "unknown-key"),
    # wrong types
    "port as text": (setter("services", "accounts-api", "port", value="eighty"), "invalid-value"),
    "zones as a string": (setter("regions", "eu-west-1", "zones", value="eu-west-1a"), "invalid-value"),
    "demand as a number": (setter("services", "accounts-api", "demand", value=4000), "invalid-value"),
    "automatic as quoted text": (setter("datastores", "core-ledger", "failover", "automatic", value="yes"), "invalid-value"),
    "rto with words": (setter("objectives", "rto", value="5 minutes"), "invalid-value"),
    "availability without %": (setter("objectives", "availability", value="99.95"), "invalid-value"),
    "memory not a quantity": (setter("services", "accounts-api", "resources", "memory", value="lots"), "invalid-value"),
    "expires not a date": (setter("waivers", value=[{"rule": "rpo-exceeded", "at": "services", "reason": "r", "expires": "2027-13-01"}]), "invalid-value"),
    "health path without slash": (setter("traffic", "healthCheck", "path", value="health"), "invalid-value"),
    "http cluster server": (setter("regions", "eu-west-1", "cluster", "server", value="http://x.example"), "invalid-value"),
    "gitops path escaping": (setter("gitops", "path", value="../elsewhere"), "invalid-value"),
    "template braces in revision": (setter("gitops", "revision", value="{{branch}}"), "invalid-value"),
    "port out of range": (setter("services", "accounts-api", "port", value=70000), "invalid-value"),
    "wave zero": (setter("regions", "eu-west-1", "wave", value=0), "invalid-value"),
    "targetCPU fractional": (setter("services", "accounts-api", "targetCPU", value="70.5%"), "invalid-value"),
    "hosted zone id with its API prefix": (setter("traffic", "hostedZoneId", value="/hostedzone/Z0987654321"), "invalid-value"),
    "no availability zones": (setter("regions", "eu-west-1", "zones", value=[]), "invalid-value"),
    "control character in an image": (setter("services", "accounts-api", "image", value="registry.example/a:1\u001b[31m"), "invalid-value"),
    "pinned replicas above the limit": (setter("services", "accounts-api", "replicas", value={"eu-west-1": 100_001}), "invalid-value"),
    # bad enum values
    "role primary": (setter("regions", "eu-west-1", "role", value="primary"), "invalid-value"),
    "capacity dynamic": (setter("services", "statements", "capacity", value="dynamic"), "invalid-value"),
    "mode asynchronous": (setter("datastores", "core-ledger", "replicas", 1, "mode", value="asynchronous"), "invalid-value"),
    "within geo": (setter("traffic", "within", value="geo"), "invalid-value"),
    "protocol TCP": (setter("traffic", "healthCheck", "protocol", value="TCP"), "invalid-value"),
    "zoneAntiAffinity strict": (setter("placement", value={"zoneAntiAffinity": "strict"}), "invalid-value"),
    "quorum in words": (setter("services", "accounts-api", "quorum", value="most"), "invalid-value"),
    "provider gcp": (setter("provider", value="gcp"), "invalid-value"),
    # missing required keys
    "no blueprint name": (deleter("blueprint"), "missing-field"),
    "no services": (deleter("services"), "missing-field"),
    "service without image": (deleter("services", "accounts-api", "image"), "missing-field"),
    "datastore without primary": (deleter("datastores", "core-ledger", "primary"), "missing-field"),
    "cluster without server": (deleter("regions", "eu-west-1", "cluster", "server"), "missing-field"),
    "replica without mode": (deleter("datastores", "core-ledger", "replicas", 0, "mode"), "missing-field"),
    # cost inputs
    "node price not a decimal": (setter("cost", value={"nodes": {"default": {"pricePerVCPUHour": "cheap"}}}), "invalid-value"),
    "unknown cost key": (setter("cost", value={"pricez": "p.json"}), "unknown-key"),
    # names
    "service name not a label": (renamer("services", "statements", to="Statements_Job"), "invalid-name"),
    "environment variable name": (renamer("services", "accounts-api", "env", "JAVA_OPTS", to="1JAVA"), "invalid-name"),
}


@pytest.mark.parametrize("case", sorted(REJECTED))
def test_schema_rejects_what_the_decoder_rejects(schema, tmp_path, case):
    edit, rule = REJECTED[case]
    blueprint = mutated(edit)
    rules = {d["rule"] for d in decoder_errors(lint(blueprint, tmp_path))}
    assert rule in rules, f"the decoder should report {rule}, got {rules}"
    assert schema_errors(schema, blueprint), "the schema accepted it"


ACCEPTED = {
    "bare rto": setter("objectives", "rto", value="5m"),
    "compound duration": setter("assumptions", "manualResponse", value="1h30m"),
    "milliseconds": setter("datastores", "core-ledger", "replicas", 1, "lag", value="250ms"),
    "cpu as a YAML number": setter("services", "accounts-api", "resources", "cpu", value=2),
    "cpu as a YAML float": setter("services", "accounts-api", "resources", "cpu", value=0.5),
    "env literal number and boolean": setter("services", "accounts-api", "env", value={"PORT": 8080, "DEBUG": True}),
    "multi-line waiver reason": setter("waivers", value=[{"rule": "rto-exceeded", "at": "services.accounts-api", "reason": "approved\nby risk", "expires": "2099-06-30"}]),
    "quorum as a count": setter("services", "accounts-api", "quorum", value=3),
    "syncQuorum": setter("datastores", "core-ledger", "syncQuorum", value=1),
    "promotion bare": setter("datastores", "core-ledger", "failover", "promotion", value="45s"),
    "node price as a YAML number": setter("cost", value={"nodes": {"eu-west-1": {"pricePerVCPUHour": 0.048}}}),
    "waiver with a plain date": setter("waivers", value=[{"rule": "rto-exceeded", "at": "services.accounts-api", "reason": "r", "expires": "2099-06-30"}]),
}


@pytest.mark.parametrize("case", sorted(ACCEPTED))
def test_schema_accepts_what_the_decoder_accepts(schema, tmp_path, case):
    blueprint = mutated(ACCEPTED[case])
    assert decoder_errors(lint(blueprint, tmp_path)) == []
    assert schema_errors(schema, blueprint) == []


# --- the schema's keys are the decoder's keys ---------------------------------------------------

def probe_blueprint():
    """Every mapping the schema knows occurs at least once."""
    blueprint = load(ROOT / "Blueprints/trading-platform.yaml")
    blueprint["services"]["market-data"]["objectives"] = {"availability": "99.99%", "rto": {"zone": "2m", "region": "5m"},
                                                         "rpo": {"zone": "0s", "region": "1s"}}
    blueprint["services"]["market-data"]["replicas"] = {"us-east-1": 4}
    blueprint["services"]["market-data"]["maxReplicas"] = {"us-east-1": 40}
    blueprint["placement"] = {"zoneAntiAffinity": "spread"}
    blueprint["datastores"]["ledger-us"]["failover"]["writer"] = {"alarm": "probe"}
    blueprint["waivers"] = [{"rule": "rto-exceeded", "at": "services.market-data", "reason": "probe", "expires": "2099-01-01"}]
    blueprint["cost"] = {"nodes": {"us-east-1": {"family": "m5"}, "default": {"pricePerVCPUHour": "0.05"}},
                         "traffic": {"averageLoad": "25%", "bytesPerRequest": 2048, "dnsQueriesPerMonth": 5000000},
                         "datastores": {"ledger-us": {"instanceClass": "db.r6g.large", "storageGiB": 500, "writesPerSecond": 200, "bytesPerWrite": 512}}}
    return blueprint


def objects_in(schema, instance, path=()):
    """(instance path, object schema, schema pointer) for every fixed-key mapping in the instance."""
    if "anyOf" in schema:
        for index, branch in enumerate(schema["anyOf"]):
            if branch.get("type") == "object" and isinstance(instance, dict):
                yield from ((p, s, f"anyOf/{index}/{ptr}") for p, s, ptr in objects_in(branch, instance, path))
        return
    if schema.get("type") == "object" and "properties" in schema and isinstance(instance, dict):
        yield path, schema, ""
        for key, value in instance.items():
            if key in schema["properties"]:
                yield from ((p, s, f"properties/{key}/{ptr}") for p, s, ptr in objects_in(schema["properties"][key], value, path + (key,)))
    elif schema.get("type") == "object" and isinstance(instance, dict):
        for key, value in instance.items():
            yield from ((p, s, f"additionalProperties/{ptr}") for p, s, ptr in objects_in(schema["additionalProperties"], value, path + (key,)))
    elif schema.get("type") == "array" and isinstance(instance, list):
        for index, value in enumerate(instance):
            yield from ((p, s, f"items/{ptr}") for p, s, ptr in objects_in(schema["items"], value, path + (index,)))


def all_object_pointers(schema, pointer=""):
    if "anyOf" in schema:
        for index, branch in enumerate(schema["anyOf"]):
            yield from all_object_pointers(branch, f"{pointer}anyOf/{index}/")
    if "properties" in schema:
        yield pointer
        for key, value in schema["properties"].items():
            yield from all_object_pointers(value, f"{pointer}properties/{key}/")
    elif isinstance(schema.get("additionalProperties"), dict):
        yield from all_object_pointers(schema["additionalProperties"], f"{pointer}additionalProperties/")
    elif "items" in schema:
        yield from all_object_pointers(schema["items"], f"{pointer}items/")


def first_instances(schema):
    found = {}
    for path, object_schema, pointer in objects_in(schema, probe_blueprint()):
        found.setdefault(pointer, (path, object_schema))
    return found


def node_at(blueprint, path):
    for key in path:
        blueprint = blueprint[key]
    return blueprint


def test_probe_covers_every_mapping_of_the_schema(schema):
    assert set(first_instances(schema)) == set(all_object_pointers(schema))


def test_decoder_accepts_exactly_the_schema_keys(schema, tmp_path):
    for pointer, (path, object_schema) in first_instances(schema).items():
        blueprint = probe_blueprint()
        node_at(blueprint, path)["qqqqqqqqqqqqqqqq"] = 1
        unknown = [d for d in lint(blueprint, tmp_path) if d["rule"] == "unknown-key"]
        assert len(unknown) == 1, (path, unknown)
        listed = unknown[0]["fix"].removeprefix("expected one of: ").split(", ")
        assert sorted(listed) == sorted(object_schema["properties"]), f"keys at {'.'.join(map(str, path)) or 'top level'}"


def test_decoder_requires_exactly_the_required_keys(schema, tmp_path):
    for pointer, (path, object_schema) in first_instances(schema).items():
        for key in node_at(probe_blueprint(), path):
            blueprint = probe_blueprint()
            del node_at(blueprint, path)[key]
            missing = [d for d in lint(blueprint, tmp_path) if d["rule"] == "missing-field" and d["message"].endswith(f"required key '{key}'")]
            expected = key in object_schema.get("required", [])
            assert bool(missing) == expected, f"{'.'.join(map(str, path)) or 'top level'}.{key}: required={expected}"


def outcome(blueprint, directory):
    """What Meridian makes of a blueprint: the compiled files, or the diagnostics without positions."""
    directory.mkdir()
    source = directory / "blueprint.yaml"
    source.write_text(yaml.safe_dump(blueprint, sort_keys=False))
    result = meridian("compile", "-o", str(directory / "out"), str(source))
    if result.returncode == 0:
        return {str(p.relative_to(directory / "out")): p.read_bytes() for p in (directory / "out").rglob("*") if p.is_file()}
    diagnostics = json.loads(meridian("lint", "--format", "json", str(source)).stdout)["diagnostics"]
    return [{k: v for k, v in d.items() if k not in ("file", "line", "column", "notes")} for d in diagnostics]


def test_omitting_a_key_means_its_documented_default(schema, tmp_path):
    """Writing the schema's default must change nothing: the decoder's default is the schema's."""
    base = load(ROOT / "Blueprints/trading-platform.yaml")
    checked = 0
    for pointer, (path, object_schema) in first_instances(schema).items():
        try:
            node_at(base, path)
        except (KeyError, IndexError):
            continue
        for key, property_schema in object_schema["properties"].items():
            if "default" not in property_schema:
                continue
            omitted, explicit = copy.deepcopy(base), copy.deepcopy(base)
            node_at(omitted, path).pop(key, None)
            node_at(explicit, path)[key] = property_schema["default"]
            name = "-".join(map(str, path + (key,)))
            assert outcome(omitted, tmp_path / f"{name}-omitted") == outcome(explicit, tmp_path / f"{name}-explicit"), name
            checked += 1
    assert checked >= 20


# --- the schema's keys are the reference page's keys ---------------------------------------------

SECTIONS = {(): "Top level", ("regions",): "Region", ("services",): "Service", ("datastores",): "Datastore",
            ("traffic",): "Traffic", ("waivers",): "Waiver", ("cost",): "Cost"}
PARAGRAPHS = {"gitops", "objectives", "assumptions", "rto", "rpo", "promotion", "writer"}
# Mappings documented once, where they are most used.
DOCUMENTED_AT = {("placement",): ("services", "placement")}


def section(title):
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", DOCS, re.S | re.M)
    assert match, f"docs/blueprint.md has no section '{title}'"
    return match.group(1)


def paragraph(key):
    # Per-disruption values are described once, with the objectives.
    key = "objectives" if key in ("rto", "rpo", "promotion") else key
    match = re.search(rf"^\*\*{key}\*\*.*?(?=\n\n)", DOCS, re.S | re.M)
    assert match, f"docs/blueprint.md has no paragraph **{key}**"
    return match.group(0)


def table_rows(text):
    """key -> cells, for every table row whose first cell names keys in backticks."""
    rows = {}
    header = None
    for line in text.splitlines():
        if not line.startswith("|") or line.startswith("|---"):
            continue
        cells = [c.strip() for c in re.split(r"(?<!\\)\|", line.strip())[1:-1]]
        if cells[0] == "key":
            header = cells
            continue
        for key in re.findall(r"`([^`]+)`", cells[0]):
            rows[key] = dict(zip(header, cells))
    return rows


def docs_scope(path):
    """The text documenting the mapping at a key path (list and map levels left out)."""
    path = DOCUMENTED_AT.get(path, path)
    if path in SECTIONS:
        return section(SECTIONS[path])
    if path[-1] in PARAGRAPHS:
        return paragraph(path[-1])
    parent_rows = table_rows(docs_scope(path[:-1]))
    assert path[-1] in parent_rows, f"docs/blueprint.md: no row for `{path[-1]}` under {path[:-1]}"
    return " | ".join(parent_rows[path[-1]].values())


def brace_pairs(text):
    """`{ a, b: x }` -> {"a": None, "b": "x"} for every brace group."""
    pairs = {}
    for group in re.findall(r"\{([^{}]*)\}", text):
        for item in re.split(r",\s*", group.strip()):
            key, _, value = item.partition(":")
            if re.fullmatch(r"[A-Za-z]+", key.strip()):
                pairs[key.strip()] = value.strip().replace("\\|", "|") or None
    return pairs


def rendered(value):
    return json.dumps(value) if isinstance(value, bool) else str(value)


def named_paths(schema):
    """Key paths without list indexes or user-chosen names."""
    paths = {}
    for pointer, (path, object_schema) in first_instances(schema).items():
        keys = tuple(part for part in pointer.split("/") if part) 
        named = tuple(keys[i + 1] for i, part in enumerate(keys) if part == "properties")
        paths[named] = object_schema
    return paths


def test_reference_page_documents_every_key_and_no_other(schema):
    for path, object_schema in named_paths(schema).items():
        scope = docs_scope(path)
        keys = set(object_schema["properties"])
        for key in keys:
            assert re.search(rf"\b{key}\b", scope), f"docs/blueprint.md does not mention `{key}` of {path or 'the top level'}"
        if path in SECTIONS and path != ("waivers",):
            assert set(table_rows(scope)) == keys, f"docs/blueprint.md table of {SECTIONS[path]}"
        elif path not in SECTIONS and path[-1] not in PARAGRAPHS:
            assert set(brace_pairs(scope)) <= keys, f"docs/blueprint.md names keys {set(brace_pairs(scope)) - keys} under {path}"
        if path == ("waivers",):
            assert set(brace_pairs(scope)) == keys


def test_reference_page_states_the_schema_defaults(schema):
    for path, object_schema in named_paths(schema).items():
        scope = docs_scope(path)
        rows = table_rows(scope) if path in SECTIONS else {}
        pairs = brace_pairs(scope)
        for key, property_schema in object_schema["properties"].items():
            if "default" not in property_schema:
                continue
            default = property_schema["default"]
            where = f"{'.'.join(path)}.{key}".lstrip(".")
            if key in rows:
                cell = rows[key]["default"]
                if isinstance(default, dict):
                    assert {k: v for k, v in brace_pairs(cell).items()} == {k: rendered(v) for k, v in default.items()}, where
                else:
                    assert cell == f"`{rendered(default)}`", where
            elif pairs.get(key) and "|" in pairs[key]:
                # `key: a|b|c` lists the choices; the default is checked with the enclosing mapping's.
                assert pairs[key].split("|") == property_schema["enum"], where
            elif pairs.get(key):
                assert pairs[key] == rendered(default), where
            else:
                clause = re.search(rf"`{key}`([^,]*)", scope)
                assert clause and rendered(default) in clause.group(1), f"docs/blueprint.md does not give the default of {where}"
