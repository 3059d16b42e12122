"""Checks the committed Output/ with validators Meridian does not control:
the official Kubernetes schemas, Argo CD's CRD schema, and an HCL2 parser; then
asserts the routing structure of the parsed Terraform against the blueprints."""

import copy
import functools
import glob
import os
import pathlib
import re
import subprocess

import hcl2
import jsonschema
import kubernetes_validate
import pytest
import yaml

ROOT = pathlib.Path(__file__).resolve().parents[2]
# MERIDIAN_OUTPUT points the same checks at another tree, e.g. an outage-mode compile.
OUTPUT = pathlib.Path(os.environ.get("MERIDIAN_OUTPUT", ROOT / "Output"))
SHARED = pathlib.Path(os.environ.get("MERIDIAN_SHARED", ROOT.parent / "shared"))
KUBERNETES_VERSION = os.environ.get("KUBERNETES_VERSION", "1.37.0")

BLUEPRINTS = {yaml.safe_load(open(p))["blueprint"]: yaml.safe_load(open(p)) for p in sorted(glob.glob(str(ROOT / "Blueprints/*.yaml")))}


def manifests():
    for path in sorted(OUTPUT.glob("*/clusters/*/*.yaml")):
        if path.name != "kustomization.yaml":
            yield path


def test_output_exists_for_every_blueprint():
    assert BLUEPRINTS, "no example blueprints"
    for name in BLUEPRINTS:
        assert (OUTPUT / name / "clusters").is_dir(), name


def test_kubernetes_manifests_are_valid_in_strict_mode():
    # One CLI run for all files: the library reloads schemas per call and is 20x slower.
    files = [str(p) for p in manifests()]
    assert files
    result = subprocess.run(
        ["kubernetes-validate", "--strict", "--quiet", "--kubernetes-version", KUBERNETES_VERSION, *files],
        capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_strict_kubernetes_validation_rejects_unknown_fields(tmp_path):
    deployment = next(d for d in yaml.safe_load_all(next(manifests()).read_text()) if d and d["kind"] == "Deployment")
    deployment["spec"]["replicaz"] = 3
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(deployment, KUBERNETES_VERSION, strict=True)


def strict(schema):
    """Rejects unknown fields wherever the CRD lists properties and does not preserve unknown ones."""
    schema = copy.deepcopy(schema)

    def walk(node):
        if isinstance(node, dict):
            if node.get("type") == "object" and "properties" in node and not node.get("x-kubernetes-preserve-unknown-fields"):
                node.setdefault("additionalProperties", False)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(schema)
    return schema


@functools.lru_cache(maxsize=None)
def crd_schema(name):
    path = SHARED / "schemas/argocd" / name
    if not path.exists() and not os.environ.get("CI"):
        # Outside this workplace the CRDs may not sit beside the clone; CI always has them.
        pytest.skip(f"Argo CD CRD schema not found at {path}; set MERIDIAN_SHARED to the folder holding schemas/argocd")
    # The CRDs are large; libyaml's loader reads them in a fraction of the pure-Python time.
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    crd = yaml.load(open(path), Loader=loader)
    version = next(v for v in crd["spec"]["versions"] if v.get("served", True))
    return strict(version["schema"]["openAPIV3Schema"])


APPLICATIONSETS = sorted(OUTPUT.glob("*/argocd/applicationset.yaml"))


@pytest.mark.parametrize("path", APPLICATIONSETS, ids=lambda p: p.parts[-3])
def test_applicationset_matches_argo_cd_crd_schema(path):
    document = yaml.safe_load(path.read_text())
    jsonschema.validate(document, copy.deepcopy(crd_schema("applicationset-crd.yaml")))
    # The embedded Application template must also be a valid Application spec.
    application_spec = crd_schema("application-crd.yaml")["properties"]["spec"]
    jsonschema.validate(document["spec"]["template"]["spec"], application_spec)


def test_strict_schema_rejects_unknown_fields():
    document = yaml.safe_load(APPLICATIONSETS[0].read_text())
    document["spec"]["strategy"]["rollingSync"]["stepz"] = []
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(document, crd_schema("applicationset-crd.yaml"))


@pytest.mark.parametrize("path", APPLICATIONSETS, ids=lambda p: p.parts[-3])
def test_every_application_falls_in_exactly_one_wave_step(path):
    spec = yaml.safe_load(path.read_text())["spec"]
    elements = spec["generators"][0]["list"]["elements"]
    steps = spec["strategy"]["rollingSync"]["steps"]
    assert spec["syncPolicy"]["preserveResourcesOnDeletion"] is True
    # RollingSync reads prune from an *enabled* automated policy of the template (then disables it).
    automated = spec["template"]["spec"]["syncPolicy"]["automated"]
    assert automated["prune"] is True and automated.get("enabled", True) is True
    assert "rollingSync.defaultPrune" in path.read_text()  # the header names what deletions rely on
    wave_values = [step["matchExpressions"][0]["values"] for step in steps]
    assert [int(v[0]) for v in wave_values] == sorted(int(v[0]) for v in wave_values)
    for element in elements:
        matching = [values for values in wave_values if element["wave"] in values]
        assert len(matching) == 1, element
        assert (path.parents[1] / "clusters" / element["region"]).is_dir()


def unquote(value):
    if isinstance(value, str) and len(value) >= 2 and value[0] == value[-1] == '"':
        return value[1:-1].replace('\\"', '"').replace("\\\\", "\\")
    return value


def terraform(name):
    resources = {}
    for path in sorted((OUTPUT / name / "terraform").glob("*.tf")):
        for block in hcl2.load(open(path)).get("resource", []):
            for kind, named in block.items():
                for resource_name, body in named.items():
                    resources[(unquote(kind), unquote(resource_name))] = body
    return resources


TERRAFORM = sorted(name for name in BLUEPRINTS if (OUTPUT / name / "terraform").is_dir())


@pytest.mark.parametrize("name", TERRAFORM)
def test_every_tf_file_parses_as_hcl2(name):
    for path in sorted((OUTPUT / name / "terraform").glob("*.tf")):
        hcl2.load(open(path))


def alias_target(value, records):
    """An alias's target name: a literal, or `aws_route53_record.X.name`, resolved to X's name. A
    reference must also depend on every record of that name (Route 53 refuses an alias whose target
    record set does not exist yet, so all of them must be created first)."""
    match = re.fullmatch(r"\$\{aws_route53_record\.(\w+)\.name\}", str(value))
    return unquote(records[match.group(1)]["name"]) if match else unquote(value)


def assert_depends_on_its_target_record_set(record, records):
    target = alias_target(record["alias"][0]["name"], records)
    if not str(record["alias"][0]["name"]).startswith("${aws_route53_record."):
        return
    same_name = {f"aws_route53_record.{n}" for n, r in records.items() if unquote(r["name"]) == target}
    declared = {str(d).strip("${}") for d in record.get("depends_on", [])} or {str(record["alias"][0]["name"]).strip("${}").rsplit(".", 1)[0]}
    assert declared == same_name, f"alias to {target} depends on {sorted(declared)}, its record set is {sorted(same_name)}"


@pytest.mark.parametrize("name", TERRAFORM)
def test_route53_keeps_users_in_their_residency_zone(name):
    blueprint = BLUEPRINTS[name]
    hostname = blueprint["traffic"]["hostname"]
    zone_of_region = {region: zone for zone, regions in blueprint["residency"].items() for region in regions}
    resources = terraform(name)
    records = {k[1]: v for k, v in resources.items() if k[0] == "aws_route53_record"}
    checks = {k[1]: v for k, v in resources.items() if k[0] == "aws_route53_health_check"}

    assert checks, "no health checks"
    for check in checks.values():
        if unquote(check["type"]) in ("CLOUDWATCH_METRIC", "RECOVERY_CONTROL", "CALCULATED"):
            continue  # no requests: an alarm, a routing control or other checks decide
        assert check["request_interval"] in (10, 30)
        assert 1 <= check["failure_threshold"] <= 10

    geo = {n: r for n, r in records.items() if "geolocation_routing_policy" in r}
    defaults = [r for r in geo.values() if unquote(r["geolocation_routing_policy"][0].get("country")) == "*"]
    assert len(defaults) == 1
    for record in geo.values():
        assert unquote(record["name"]) == hostname
        alias = record["alias"][0]
        assert alias["evaluate_target_health"] is False
        target = alias_target(alias["name"], records)
        assert target.endswith("." + hostname) and target.split(".")[0] in blueprint["residency"]
        assert_depends_on_its_target_record_set(record, records)

    # Every record in zone J's record set answers with regions of J only.
    for record in records.values():
        host = unquote(record["name"])
        labels = host[: -len(hostname) - 1].split(".") if host.endswith("." + hostname) else []
        if not labels or labels[-1] not in blueprint["residency"] or len(labels) > 2:
            continue
        zone = labels[-1]
        if "latency_routing_policy" in record:
            assert "health_check_id" in record, host
        region = unquote(record.get("set_identifier"))
        if region in zone_of_region:
            assert zone_of_region[region] == zone, f"{host} routes to {region}"
            endpoint_check = "${aws_route53_health_check.%s.id}" % region.replace("-", "_")
            if blueprint["traffic"].get("routingControl") == "arc":
                # ARC: the calculated AND of the endpoint check and the region's routing control.
                calculated = checks[record["health_check_id"].split(".")[1]]
                assert unquote(calculated["type"]) == "CALCULATED" and calculated["child_health_threshold"] == 2
                children = calculated["child_healthchecks"]
                assert endpoint_check in children and len(children) == 2, children
                arc = checks[[c for c in children if c != endpoint_check][0].split(".")[1]]
                assert unquote(arc["type"]) == "RECOVERY_CONTROL"
            else:
                assert record["health_check_id"] == endpoint_check
        else:
            # A failover pair's primary aliases the zone's own active record set.
            assert alias_target(record["alias"][0]["name"], records) == f"active.{zone}.{hostname}"
            assert_depends_on_its_target_record_set(record, records)


def workload_documents():
    for path in manifests():
        documents = {d["kind"]: d for d in yaml.safe_load_all(path.read_text()) if d}
        if "Deployment" in documents:
            yield path, documents


def test_liveness_never_checks_what_readiness_checks():
    # kube-score grades identical liveness and readiness probes critical: a readiness failure caused by
    # a dependency (a database failover) would restart every pod instead of only draining traffic.
    for path, documents in workload_documents():
        container = documents["Deployment"]["spec"]["template"]["spec"]["containers"][0]
        liveness = {k: v for k, v in container["livenessProbe"].items() if k in ("httpGet", "tcpSocket", "exec", "grpc")}
        readiness = {k: v for k, v in container["readinessProbe"].items() if k in ("httpGet", "tcpSocket", "exec", "grpc")}
        startup = {k: v for k, v in container["startupProbe"].items() if k in ("httpGet", "tcpSocket", "exec", "grpc")}
        assert liveness != readiness, path
        assert startup == liveness, path


def test_pods_run_as_a_numeric_non_root_user():
    for path, documents in workload_documents():
        context = documents["Deployment"]["spec"]["template"]["spec"]["securityContext"]
        assert context["runAsNonRoot"] is True
        assert isinstance(context["runAsUser"], int) and context["runAsUser"] > 0, path


def test_every_disruption_budget_keeps_a_pod_and_allows_an_eviction():
    for path, documents in workload_documents():
        replicas = documents["Deployment"]["spec"]["replicas"]
        max_unavailable = documents["PodDisruptionBudget"]["spec"]["maxUnavailable"]
        assert 1 <= max_unavailable < replicas, f"{path}: maxUnavailable {max_unavailable} of {replicas}"


def test_shipped_crd_still_takes_prune_from_the_template():
    # The generated template carries prune in syncPolicy.automated because this CRD's RollingSync has
    # no defaultPrune; when the CRD gains it, prefer the explicit field and revisit the generator.
    rolling_sync = crd_schema("applicationset-crd.yaml")["properties"]["spec"]["properties"]["strategy"]["properties"]["rollingSync"]
    assert "defaultPrune" not in rolling_sync["properties"]
    automated = crd_schema("application-crd.yaml")["properties"]["spec"]["properties"]["syncPolicy"]["properties"]["automated"]
    assert {"prune", "enabled"} <= set(automated["properties"])


def all_blocks(name, key):
    for path in sorted((OUTPUT / name / "terraform").glob("*.tf")):
        for block in hcl2.load(open(path)).get(key, []):
            for kind, named in block.items():
                for block_name, body in named.items():
                    yield unquote(kind), unquote(block_name), body


def assumed_down(name):
    """Regions an outage-mode compile assumed down, from REPORT.md's banner (none normally)."""
    banner = re.search(r"\*\*Outage mode\.\*\* This output assumes (.*?) (?:is|are) down", (OUTPUT / name / "REPORT.md").read_text())
    return set(re.findall(r"`([a-z0-9-]+)`", banner.group(1))) if banner else set()


@pytest.mark.parametrize("name", TERRAFORM)
def test_route53_reaches_a_service_through_a_load_balancer_meridian_creates_or_names(name):
    """Route53 alias -> load balancer (explicit ELB name, or the ALB found by the AWS Load Balancer
    Controller's tags) -> Ingress of the same IngressGroup in that region -> Service -> pods."""
    blueprint = BLUEPRINTS[name]
    lookups = {block_name: body for kind, block_name, body in all_blocks(name, "data") if kind == "aws_lb"}
    records = [body for kind, _, body in all_blocks(name, "resource") if kind == "aws_route53_record"]
    region_records = [r for r in records if "alias" in r and unquote(r.get("set_identifier")) in blueprint["regions"]]
    assert region_records
    for record in region_records:
        region = unquote(record["set_identifier"])
        alias = record["alias"][0]
        endpoint = blueprint["regions"][region].get("endpoint")
        if endpoint:
            assert unquote(alias["name"]) == endpoint["dnsName"]
            continue
        lookup_name = region.replace("-", "_")
        if region in assumed_down(name):
            # Outage mode: the lost region's ELB API is never called; its records keep their values
            # through a variable.
            assert lookup_name not in lookups
            assert alias["name"] == "${var.endpoint_%s.dns_name}" % lookup_name, record
            continue
        assert alias["name"] == "${data.aws_lb.%s.dns_name}" % lookup_name, record
        assert alias["zone_id"] == "${data.aws_lb.%s.zone_id}" % lookup_name
        tags = {unquote(k): unquote(v) for k, v in lookups[lookup_name]["tags"].items()}
        assert tags["elbv2.k8s.aws/cluster"] == blueprint["regions"][region]["cluster"]["name"]
        region_dir = OUTPUT / name / "clusters" / region
        ingress = yaml.safe_load((region_dir / "ingress.yaml").read_text())
        assert ingress["metadata"]["annotations"]["alb.ingress.kubernetes.io/group.name"] == tags["ingress.k8s.aws/stack"]
        assert "ingress.yaml" in yaml.safe_load((region_dir / "kustomization.yaml").read_text())["resources"]
        paths = ingress["spec"]["rules"][0]["http"]["paths"]
        # Route53's health check must reach a backend: some prefix covers its path.
        health_path = blueprint["traffic"].get("healthCheck", {}).get("path", "/healthz")
        def covers(prefix, path):  # pathType Prefix matches whole path elements
            prefix = prefix.rstrip("/") or "/"
            return prefix == "/" or path == prefix or path.startswith(prefix + "/")
        assert any(covers(p["path"], health_path) for p in paths), health_path
        for path in paths:
            service_name = path["backend"]["service"]["name"]
            documents = {d["kind"]: d for d in yaml.safe_load_all((region_dir / f"{service_name}.yaml").read_text()) if d}
            service, deployment = documents["Service"], documents["Deployment"]
            assert path["backend"]["service"]["port"]["name"] in [p["name"] for p in service["spec"]["ports"]]
            labels = deployment["spec"]["template"]["metadata"]["labels"]
            assert all(labels.get(k) == v for k, v in service["spec"]["selector"].items())
            readiness = deployment["spec"]["template"]["spec"]["containers"][0]["readinessProbe"]["httpGet"]["path"]
            assert service["metadata"]["annotations"]["alb.ingress.kubernetes.io/healthcheck-path"] == readiness


@pytest.mark.parametrize("name", TERRAFORM)
def test_every_residency_zone_with_demand_receives_a_geolocation_location(name):
    blueprint = BLUEPRINTS[name]
    hostname = blueprint["traffic"]["hostname"]
    demand = {zone for service in blueprint["services"].values() for zone, rps in service["demand"].items() if rps > 0}
    reached = set()
    records = {k[1]: v for k, v in terraform(name).items() if k[0] == "aws_route53_record"}
    for record in records.values():
        policy = record.get("geolocation_routing_policy")
        if policy:
            reached.add(alias_target(record["alias"][0]["name"], records)[: -len(hostname) - 1])
    assert demand <= reached, f"zones with demand but no geolocation record: {demand - reached}"


@pytest.mark.parametrize("name", TERRAFORM)
def test_writer_names_follow_the_datastore_never_an_application_health_check(name):
    blueprint = BLUEPRINTS[name]
    resources = terraform(name)
    checks = {k[1]: v for k, v in resources.items() if k[0] == "aws_route53_health_check"}
    writers = [v for k, v in resources.items() if k[0] == "aws_route53_record" and unquote(v["name"]).startswith("writer.")]
    assert writers
    for record in writers:
        labels = unquote(record["name"]).split(".")
        if labels[1] not in blueprint["datastores"]:
            # writer.<region>.<datastore>: an engine without a single writer (docs/failover.md);
            # the region's services write to the copy there (else the primary's), never a global writer.
            region, datastore = labels[1], labels[2]
            spec = blueprint["datastores"][datastore]
            assert spec.get("engine") in ("dynamodb-global-table", "dynamodb-global-table-mrsc", "aurora-dsql"), record
            holders = {spec["primary"]} | {r["region"] for r in spec.get("replicas", [])}
            target = region if region in holders else spec["primary"]
            assert record["records"] == ['${var.datastore_%s.writer["%s"]}' % (datastore.replace("-", "_"), target)]
            continue
        datastore = labels[1]
        writer = blueprint["datastores"][datastore].get("failover", {}).get("writer")
        if "health_check_id" in record:
            check_name = record["health_check_id"].split(".")[1]
            check = checks[check_name]
            # Only a CloudWatch alarm about the database moves a writer name, and it is evaluated
            # where the writer moves to: an alarm in the primary's region goes silent with it.
            assert unquote(check["type"]) == "CLOUDWATCH_METRIC", record
            alarm_resource = re.fullmatch(r"\$\{aws_cloudwatch_metric_alarm\.(\w+)\.alarm_name\}", check["cloudwatch_alarm_name"]).group(1)
            alarm = resources[("aws_cloudwatch_metric_alarm", alarm_resource)]
            assert unquote(alarm["alarm_name"]) == writer["alarm"]
            region = unquote(check["cloudwatch_alarm_region"])
            assert region != blueprint["datastores"][datastore]["primary"]
            assert alarm["provider"] == "${aws.%s}" % region.replace("-", "_")
            secondary = [r for r in writers if unquote(r["name"]) == unquote(record["name"]) and "health_check_id" not in r]
            assert secondary and secondary[0]["records"] == ['${var.datastore_%s.writer["%s"]}' % (datastore.replace("-", "_"), region)]
            assert unquote(alarm["treat_missing_data"]) == "breaching"
            assert unquote(check["insufficient_data_health_status"]) == "LastKnownStatus"
        elif writer is None and blueprint["datastores"][datastore].get("failover", {}).get("automatic"):
            assert record["records"] == ["${var.datastore_%s.global_writer}" % datastore.replace("-", "_")]


def region_documents(region_dir):
    """kind -> list of documents, over every manifest of one cluster directory."""
    documents = {}
    for path in sorted(region_dir.glob("*.yaml")):
        if path.name == "kustomization.yaml":
            continue
        for document in yaml.safe_load_all(path.read_text()):
            if document:
                documents.setdefault(document["kind"], []).append(document)
    return documents


REGION_DIRS = sorted(OUTPUT.glob("*/clusters/*"))
# The ALB security policies that accept TLS 1.2 and newer only ("Security policies for your
# Application Load Balancer"): the TLS13-1-2 and TLS-1-2 families; ELBSecurityPolicy-2016-08, the
# API's default, still accepts TLS 1.0.
TLS12_PLUS = ("ELBSecurityPolicy-TLS13-1-2-", "ELBSecurityPolicy-TLS-1-2-", "ELBSecurityPolicy-TLS13-1-3-")


@pytest.mark.parametrize("region_dir", REGION_DIRS, ids=lambda p: f"{p.parts[-3]}/{p.name}")
def test_alb_targets_drain_before_their_pods_stop(region_dir):
    documents = region_documents(region_dir)
    namespace = documents["Namespace"][0]
    ingresses = documents.get("Ingress", [])
    gated = namespace["metadata"]["labels"].get("elbv2.k8s.aws/pod-readiness-gate-inject")
    if not ingresses:
        # No ALB targets here: no gate, and no pod waits for a deregistration that never comes.
        assert gated is None
        for deployment in documents.get("Deployment", []):
            pod = deployment["spec"]["template"]["spec"]
            assert "lifecycle" not in pod["containers"][0] and "terminationGracePeriodSeconds" not in pod
        return
    assert gated == "enabled"
    (ingress,) = ingresses
    annotations = ingress["metadata"]["annotations"]
    assert annotations["alb.ingress.kubernetes.io/target-type"] == "ip"  # the gate works in IP mode only
    attributes = dict(pair.split("=") for pair in annotations["alb.ingress.kubernetes.io/target-group-attributes"].split(","))
    delay = int(attributes["deregistration_delay.timeout_seconds"])
    assert 0 <= delay <= 3600
    if "HTTPS" in annotations["alb.ingress.kubernetes.io/listen-ports"]:
        assert annotations["alb.ingress.kubernetes.io/ssl-policy"].startswith(TLS12_PLUS)
    routed = {p["backend"]["service"]["name"] for p in ingress["spec"]["rules"][0]["http"]["paths"]}
    for deployment in documents["Deployment"]:
        pod = deployment["spec"]["template"]["spec"]
        lifecycle = pod["containers"][0].get("lifecycle")
        if deployment["metadata"]["name"] not in routed:
            assert lifecycle is None
            continue
        sleep = lifecycle["preStop"]["sleep"]["seconds"]
        assert sleep == delay, deployment["metadata"]["name"]
        # The grace period includes the preStop hook; the application needs time after SIGTERM too.
        assert pod["terminationGracePeriodSeconds"] > sleep


def engine_ports(engine):
    """The ports docs/delivery.md lists per engine; None: any TCP port."""
    table = {"aurora-postgresql": {5432}, "aurora-mysql": {3306}, "msk-kafka": {9092, 9094, 9096, 9098},
             "dynamodb-global-table": {443}}
    return table.get(engine)


@pytest.mark.parametrize("region_dir", REGION_DIRS, ids=lambda p: f"{p.parts[-3]}/{p.name}")
def test_network_policies_deny_by_default_and_allow_what_the_topology_implies(region_dir):
    blueprint = BLUEPRINTS[region_dir.parts[-3]]
    documents = region_documents(region_dir)
    policies = {p["metadata"]["name"]: p for p in documents.get("NetworkPolicy", [])}
    if blueprint.get("networkPolicy") == "none":
        assert not policies
        return
    deny = policies["meridian.default-deny"]["spec"]
    assert deny["podSelector"] == {} and set(deny["policyTypes"]) == {"Ingress", "Egress"}
    assert "ingress" not in deny and "egress" not in deny
    dns = policies["meridian.allow-dns"]["spec"]["egress"][0]
    assert {(p["protocol"], p["port"]) for p in dns["ports"]} == {("UDP", 53), ("TCP", 53)}
    assert dns["to"][0]["podSelector"]["matchLabels"] == {"k8s-app": "kube-dns"}
    routed = set()
    for ingress in documents.get("Ingress", []):
        routed |= {p["backend"]["service"]["name"] for p in ingress["spec"]["rules"][0]["http"]["paths"]}
    for deployment in documents["Deployment"]:
        name = deployment["metadata"]["name"]
        service = blueprint["services"][name]
        policy = policies.get(name)
        selector = deployment["spec"]["template"]["metadata"]["labels"]
        if policy:
            assert all(selector.get(k) == v for k, v in policy["spec"]["podSelector"]["matchLabels"].items())
        ingress_ports = {(p["protocol"], p["port"]) for rule in (policy or {}).get("spec", {}).get("ingress", []) for p in rule["ports"]}
        assert ingress_ports == ({("TCP", service["port"])} if name in routed else set()), name
        uses = service.get("uses", [])
        egress = (policy or {}).get("spec", {}).get("egress", [])
        if not uses:
            assert not egress, name
            continue
        # Each datastore the ConfigMap names is reachable on its engine's ports.
        config = next(d for d in yaml.safe_load_all((region_dir / f"{name}.yaml").read_text()) if d and d["kind"] == "ConfigMap")
        used = {ds for ds in uses if f"{ds.upper().replace('-', '_')}_WRITER_HOST" in config["data"]}
        allowed = {p.get("port") for rule in egress for p in rule["ports"] if p["protocol"] == "TCP"}
        for datastore in used:
            ports = engine_ports(blueprint["datastores"][datastore].get("engine"))
            assert ports is None and None in allowed or ports <= allowed, (name, datastore, allowed)
