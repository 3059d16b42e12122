"""Replays kube-scheduler's PodTopologySpread filter on every generated Deployment, with every
zone of its region up and then with each zone lost, and checks that new pods still find a node.

The filter follows the documented semantics (API reference of TopologySpreadConstraint; KEP-3022
minDomains; KEP-3094 nodeAffinityPolicy/nodeTaintsPolicy; kubernetes/kubernetes#116978):
- a domain is *eligible* when one of its nodes carries the topology key, matches the pod's required
  node affinity (nodeAffinityPolicy Honor, the default) and, with nodeTaintsPolicy Honor, has no
  NoSchedule/NoExecute taint the pod does not tolerate (default Ignore: taints do not matter);
- matching pods are counted on eligible nodes only, terminating pods excluded;
- the global minimum is the smallest count over eligible domains, or 0 when there are fewer
  eligible domains than minDomains;
- a node passes when count(its domain) + 1 - global minimum <= maxSkew (DoNotSchedule only;
  ScheduleAnyway is scoring and never filters).
A lost zone keeps its Node objects, tainted `node.kubernetes.io/unreachable` (NoSchedule at once from
the node lifecycle controller's condition taints; NoExecute through its per-zone eviction rate limiter,
which stops only when every zone of the cluster is fully disrupted: see docs/delivery.md). Until the
300 s toleration runs out the lost zone's pods are stranded, afterwards evicted; both cases are replayed. Pods carry the default NoExecute tolerations (DefaultTolerationSeconds), so they
tolerate the NoExecute taint but not the NoSchedule one. Node resources are taken as ample: the
question here is the spread filter, the capacity model covers sizes.
"""

import dataclasses
import os
import pathlib

import pytest
import yaml

ROOT = pathlib.Path(__file__).resolve().parents[2]
# MERIDIAN_OUTPUT points the same checks at another tree, e.g. an outage-mode compile.
OUTPUT = pathlib.Path(os.environ.get("MERIDIAN_OUTPUT", ROOT / "Output"))
ZONE_KEY = "topology.kubernetes.io/zone"
HOST_KEY = "kubernetes.io/hostname"
UNREACHABLE = "node.kubernetes.io/unreachable"
NODES_PER_ZONE = 3
# What the DefaultTolerationSeconds admission plugin adds to every pod.
DEFAULT_TOLERATIONS = [
    {"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300},
    {"key": UNREACHABLE, "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300},
]


@dataclasses.dataclass
class Node:
    name: str
    zone: str
    taints: list = dataclasses.field(default_factory=list)

    @property
    def labels(self):
        return {ZONE_KEY: self.zone, HOST_KEY: self.name}


@dataclasses.dataclass
class Pod:
    labels: dict
    node: Node
    terminating: bool = False


def tolerates(tolerations, taint):
    for toleration in tolerations:
        key_matches = toleration.get("key") in (None, taint["key"]) if toleration.get("operator") == "Exists" \
            else toleration.get("key") == taint["key"] and toleration.get("value") == taint.get("value")
        if key_matches and toleration.get("effect") in (None, taint["effect"]):
            return True
    return False


def untolerated_taints(node, tolerations):
    return [t for t in node.taints if t["effect"] in ("NoSchedule", "NoExecute") and not tolerates(tolerations, t)]


def matches_expression(labels, expression):
    value = labels.get(expression["key"])
    operator = expression["operator"]
    if operator == "In":
        return value in expression["values"]
    if operator == "NotIn":
        return value not in expression["values"]
    if operator == "Exists":
        return value is not None
    if operator == "DoesNotExist":
        return value is None
    raise AssertionError(f"operator {operator} not modelled")


def matches_node_affinity(pod_spec, node):
    terms = (pod_spec.get("affinity", {}).get("nodeAffinity", {})
             .get("requiredDuringSchedulingIgnoredDuringExecution", {}).get("nodeSelectorTerms"))
    if any(node.labels.get(k) != v for k, v in pod_spec.get("nodeSelector", {}).items()):
        return False
    if not terms:
        return True
    return any(all(matches_expression(node.labels, e) for e in term.get("matchExpressions", [])) for term in terms)


def matches_selector(selector, labels):
    return all(labels.get(k) == v for k, v in selector.get("matchLabels", {}).items()) and \
        all(matches_expression(labels, e) for e in selector.get("matchExpressions", []))


def spread_allows(pod_spec, pod_labels, candidate, nodes, pods):
    tolerations = pod_spec.get("tolerations", []) + DEFAULT_TOLERATIONS
    for constraint in pod_spec.get("topologySpreadConstraints", []):
        if constraint["whenUnsatisfiable"] != "DoNotSchedule":
            continue
        key = constraint["topologyKey"]
        selector = dict(constraint["labelSelector"])
        selector["matchLabels"] = dict(selector.get("matchLabels", {}))
        for label_key in constraint.get("matchLabelKeys", []):
            if label_key in pod_labels:
                selector["matchLabels"][label_key] = pod_labels[label_key]

        def eligible(node):
            if key not in node.labels:
                return False
            if constraint.get("nodeAffinityPolicy", "Honor") == "Honor" and not matches_node_affinity(pod_spec, node):
                return False
            if constraint.get("nodeTaintsPolicy", "Ignore") == "Honor" and untolerated_taints(node, tolerations):
                return False
            return True

        eligible_nodes = {node.name for node in nodes if eligible(node)}
        counts = {node.labels[key]: 0 for node in nodes if node.name in eligible_nodes}
        for pod in pods:
            if not pod.terminating and pod.node.name in eligible_nodes and matches_selector(selector, pod.labels):
                counts[pod.node.labels[key]] += 1
        if key not in candidate.labels:
            return False
        global_min = 0 if len(counts) < constraint.get("minDomains", 1) else min(counts.values(), default=0)
        self_match = 1 if matches_selector(selector, pod_labels) else 0
        if counts.get(candidate.labels[key], 0) + self_match - global_min > constraint["maxSkew"]:
            return False
    return True


def required_anti_affinity(pod_spec):
    return (pod_spec.get("affinity", {}).get("podAntiAffinity", {})
            .get("requiredDuringSchedulingIgnoredDuringExecution", []))


def anti_affinity_allows(pod_spec, candidate, pods):
    """InterPodAffinity filter, required anti-affinity only: no live matching pod may share the
    candidate's domain of the term's topology key (pods on any node, tainted or not, count)."""
    for term in required_anti_affinity(pod_spec):
        key = term["topologyKey"]
        for pod in pods:
            if not pod.terminating and matches_selector(term["labelSelector"], pod.labels) \
                    and pod.node.labels.get(key) == candidate.labels.get(key):
                return False
    return True


def feasible_nodes(pod_spec, pod_labels, nodes, pods):
    tolerations = pod_spec.get("tolerations", []) + DEFAULT_TOLERATIONS
    return [n for n in nodes
            if not untolerated_taints(n, tolerations)
            and matches_node_affinity(pod_spec, n)
            and anti_affinity_allows(pod_spec, n, pods)
            and spread_allows(pod_spec, pod_labels, n, nodes, pods)]


def schedule(pod_spec, pod_labels, nodes, pods):
    """Binds one pod like the scheduler's spread scoring would (fewest matching pods in the zone,
    then on the node); returns the node, or None when the pod stays Pending."""
    candidates = feasible_nodes(pod_spec, pod_labels, nodes, pods)
    if not candidates:
        return None

    def load(node, key):
        return sum(1 for p in pods if not p.terminating and p.labels == pod_labels and p.node.labels[key] == node.labels[key])

    chosen = min(candidates, key=lambda n: (load(n, ZONE_KEY), load(n, HOST_KEY), n.name))
    pods.append(Pod(dict(pod_labels), chosen))
    return chosen


def zones_of(pod_spec):
    terms = pod_spec["affinity"]["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]["nodeSelectorTerms"]
    return next(e["values"] for e in terms[0]["matchExpressions"] if e["key"] == ZONE_KEY)


def cluster(zones):
    return [Node(f"{zone}-node-{i}", zone) for zone in zones for i in range(NODES_PER_ZONE)]


def lose_zone(nodes, zone, whole_zone_disrupted):
    for node in nodes:
        if node.zone == zone:
            node.taints.append({"key": UNREACHABLE, "effect": "NoSchedule"})
            if not whole_zone_disrupted:
                node.taints.append({"key": UNREACHABLE, "effect": "NoExecute"})


def workloads():
    for path in sorted(OUTPUT.glob("*/clusters/*/*.yaml")):
        documents = [d for d in yaml.safe_load_all(path.read_text()) if d]
        deployment = next((d for d in documents if d["kind"] == "Deployment"), None)
        if deployment is None:
            continue
        hpa = next(d for d in documents if d["kind"] == "HorizontalPodAutoscaler")
        yield pytest.param(deployment, hpa, id=f"{path.parts[-4]}/{path.parts[-2]}/{path.stem}")


WORKLOADS = list(workloads())


def pod_labels(deployment, template_hash):
    return dict(deployment["spec"]["template"]["metadata"]["labels"], **{"pod-template-hash": template_hash})


def spread_over_all_zones(pod_spec, labels, zones, replicas):
    nodes, pods = cluster(zones), []
    for i in range(replicas):
        assert schedule(pod_spec, labels, nodes, pods), f"pod {i + 1} of {replicas} Pending with every zone up"
    return nodes, pods


def per_zone(pods, zones):
    return {zone: sum(1 for p in pods if not p.terminating and p.node.zone == zone) for zone in zones}


def test_every_generated_deployment_is_replayed():
    assert WORKLOADS, "no Deployments found under Output/"


@pytest.mark.parametrize("deployment,hpa", WORKLOADS)
def test_all_zones_up_spreads_evenly_and_admits_every_scale_out(deployment, hpa):
    pod_spec, zones = deployment["spec"]["template"]["spec"], zones_of(deployment["spec"]["template"]["spec"])
    labels = pod_labels(deployment, "v1")
    nodes, pods = spread_over_all_zones(pod_spec, labels, zones, deployment["spec"]["replicas"])
    counts = per_zone(pods, zones)
    assert max(counts.values()) - min(counts.values()) <= 1, counts
    for i in range(hpa["spec"]["maxReplicas"] - len(pods)):
        assert schedule(pod_spec, labels, nodes, pods), f"HPA scale-out pod {i + 1} Pending with every zone up"


def pending_during_zone_loss(deployment, hpa, pod_spec, lost, whole_zone_disrupted):
    """Loses `lost`, then schedules replacements, HPA scale-out and a rollout; returns why a pod
    stayed Pending, or None when every pod found a node in a surviving zone."""
    zones = zones_of(pod_spec)
    replicas, max_replicas = deployment["spec"]["replicas"], hpa["spec"]["maxReplicas"]
    labels = pod_labels(deployment, "v1")
    nodes, pods = spread_over_all_zones(pod_spec, labels, zones, replicas)
    lose_zone(nodes, lost, whole_zone_disrupted)
    if not whole_zone_disrupted:
        # Taint-based eviction deletes the lost zone's pods; the ReplicaSet replaces them.
        for pod in pods:
            pod.terminating |= pod.node.zone == lost
    surviving = [z for z in zones if z != lost]
    one_per_zone = any(t["topologyKey"] == ZONE_KEY for t in required_anti_affinity(pod_spec))
    # Replacements, then HPA scale-out until the surviving zones hold maxReplicas pods (one per
    # zone when the placement policy requires zone anti-affinity: the lost zone's slot is gone).
    target = min(max_replicas, len(surviving)) if one_per_zone else max_replicas
    while sum(per_zone(pods, surviving).values()) < target:
        node = schedule(pod_spec, labels, nodes, pods)
        if node is None:
            return f"{lost} lost: pod Pending with {per_zone(pods, zones)} (maxReplicas {max_replicas})"
        assert node.zone != lost
    # A rollout during the loss: the new ReplicaSet's pods spread on their own (matchLabelKeys).
    # Without surge (maxSurge 0) each old pod goes before its replacement is scheduled.
    new_labels = pod_labels(deployment, "v2")
    in_place = deployment["spec"]["strategy"]["rollingUpdate"].get("maxSurge") == 0
    old_pods = [p for p in pods if not p.terminating and p.node.zone != lost]
    for i in range(len(old_pods) if in_place else replicas):
        if in_place:
            old_pods[i].terminating = True
        node = schedule(pod_spec, new_labels, nodes, pods)
        if node is None:
            return f"{lost} lost: rollout pod {i + 1} of {replicas} Pending"
        assert node.zone != lost
    return None


@pytest.mark.parametrize("whole_zone_disrupted", [True, False], ids=["pods-stranded", "pods-evicted"])
@pytest.mark.parametrize("deployment,hpa", WORKLOADS)
def test_new_pods_schedule_in_the_surviving_zones_while_a_zone_is_lost(deployment, hpa, whole_zone_disrupted):
    pod_spec = deployment["spec"]["template"]["spec"]
    for lost in zones_of(pod_spec):
        assert pending_during_zone_loss(deployment, hpa, pod_spec, lost, whole_zone_disrupted) is None


def zone_constraint_of(pod_spec):
    return next((c for c in pod_spec["topologySpreadConstraints"] if c["topologyKey"] == ZONE_KEY), None)


def old_style_constraints(pod_spec, zones):
    """The constraint Meridian generated before: minDomains = zone count, taints ignored."""
    spec = yaml.safe_load(yaml.safe_dump(pod_spec))
    zone_constraint = zone_constraint_of(spec)
    zone_constraint.pop("nodeTaintsPolicy", None)
    zone_constraint["minDomains"] = len(zones)
    return spec


# Deployments with a zone spread constraint (not those placed one per zone by anti-affinity).
SPREAD_WORKLOADS = [p for p in WORKLOADS if zone_constraint_of(p.values[0]["spec"]["template"]["spec"])]


@pytest.mark.parametrize("deployment,hpa", SPREAD_WORKLOADS)
def test_the_replay_catches_the_constraint_that_blocks_during_a_zone_loss(deployment, hpa):
    """Control: the same replay fails the pre-fix constraint, or it would prove nothing."""
    pod_spec = deployment["spec"]["template"]["spec"]
    zones = zones_of(pod_spec)
    old = old_style_constraints(pod_spec, zones)
    # Evicted pods leave the lost zone at 0 while it still counts as a domain: the global minimum
    # is 0 and no surviving zone that already runs a pod takes another.
    assert pending_during_zone_loss(deployment, hpa, old, zones[0], whole_zone_disrupted=False) is not None


def test_taints_ignored_lets_the_lost_zone_cap_the_scale_out():
    """Control for nodeTaintsPolicy alone: with Ignore and no minDomains, a lost zone's stranded
    pods freeze its count and the surviving zones stop one pod above it."""
    zones = ["z-a", "z-b", "z-c"]
    spec = {
        "affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {
            "nodeSelectorTerms": [{"matchExpressions": [{"key": ZONE_KEY, "operator": "In", "values": zones}]}]}}},
        "topologySpreadConstraints": [{"maxSkew": 1, "topologyKey": ZONE_KEY, "whenUnsatisfiable": "DoNotSchedule",
                                       "labelSelector": {"matchLabels": {"app": "x"}}}],
    }
    labels = {"app": "x"}
    nodes, pods = spread_over_all_zones(spec, labels, zones, 6)
    lose_zone(nodes, "z-a", whole_zone_disrupted=True)
    admitted = 0
    while schedule(spec, labels, nodes, pods):
        admitted += 1
    assert admitted == 2  # 2/2 in the survivors may grow to 3/3, never beyond: 2 + 1 = maxSkew over the frozen 2
    spec["topologySpreadConstraints"][0]["nodeTaintsPolicy"] = "Honor"
    for _ in range(20):
        assert schedule(spec, labels, nodes, pods)


def test_min_domains_above_the_surviving_zone_count_blocks_even_with_taints_honored():
    zones = ["z-a", "z-b", "z-c"]
    spec = {"topologySpreadConstraints": [{
        "maxSkew": 1, "topologyKey": ZONE_KEY, "whenUnsatisfiable": "DoNotSchedule", "minDomains": 3,
        "nodeTaintsPolicy": "Honor", "labelSelector": {"matchLabels": {"app": "x"}}}]}
    labels = {"app": "x"}
    nodes, pods = spread_over_all_zones(spec, labels, zones, 6)
    lose_zone(nodes, "z-c", whole_zone_disrupted=False)
    for pod in pods:
        pod.terminating |= pod.node.zone == "z-c"
    assert schedule(spec, labels, nodes, pods) is None
    spec["topologySpreadConstraints"][0]["minDomains"] = 2
    assert schedule(spec, labels, nodes, pods) is not None


def test_generated_constraint_keeps_min_domains_below_the_zone_count():
    # Guards the property test's premise: if this fails the zone-loss replay above must fail too.
    for deployment, _ in (p.values for p in WORKLOADS):
        pod_spec = deployment["spec"]["template"]["spec"]
        zone_constraint = zone_constraint_of(pod_spec)
        if zone_constraint is None:
            assert any(t["topologyKey"] == ZONE_KEY for t in required_anti_affinity(pod_spec))
            continue
        assert zone_constraint.get("minDomains", 1) <= max(1, len(zones_of(pod_spec)) - 1)
        assert zone_constraint["nodeTaintsPolicy"] == "Honor"


def test_required_zone_anti_affinity_allows_one_pod_per_live_zone():
    zones = ["z-a", "z-b", "z-c"]
    term = {"labelSelector": {"matchLabels": {"app": "x"}}, "topologyKey": ZONE_KEY}
    spec = {"affinity": {"podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [term]}},
            "topologySpreadConstraints": []}
    labels = {"app": "x"}
    nodes, pods = spread_over_all_zones(spec, labels, zones, 3)
    assert schedule(spec, labels, nodes, pods) is None  # a fourth pod has no zone
    lose_zone(nodes, "z-a", whole_zone_disrupted=False)
    for pod in pods:
        pod.terminating |= pod.node.zone == "z-a"
    assert schedule(spec, labels, nodes, pods) is None  # the survivors each hold one already
