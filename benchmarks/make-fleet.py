#!/usr/bin/env python3
"""Writes a fleet of small, valid, distinct blueprints for the fleet benchmark: COUNT files of
SERVICES services over 3 regions (one residency zone), into DIR, named fleet-00000.yaml ….
Usage: make-fleet.py COUNT DIR [SERVICES]"""
import os
import sys

count, folder = int(sys.argv[1]), sys.argv[2]
services = int(sys.argv[3]) if len(sys.argv) > 3 else 10
triples = [("us-east-1", "us-east-2", "us-west-2"), ("eu-west-1", "eu-central-1", "eu-north-1"),
           ("ap-southeast-1", "ap-southeast-2", "ap-northeast-1")]
os.makedirs(folder, exist_ok=True)


def blueprint(index):
    name = f"fleet-{index:05d}"
    regions = triples[index % len(triples)]
    out = [f"blueprint: {name}", f"namespace: p{index:05d}",
           "objectives: { availability: 99.9%, rto: { zone: 5m, region: 1h }, rpo: { zone: 0s, region: 1m } }",
           f"gitops: {{ repoURL: https://git.example/{name}.git }}",
           f"residency:\n  main: [{', '.join(regions)}]", "regions:"]
    for i, region in enumerate(regions):
        out.append(f"  {region}:")
        out.append(f"    zones: [{region}a, {region}b, {region}c]")
        out.append(f"    cluster: {{ name: {name}-{i}, server: \"https://{name}-{i}.k8s.example\" }}")
        out.append(f"    wave: {1 + i}")
    out.append("services:")
    for s in range(services):
        out.append(f"  svc-{s:02d}:")
        out.append(f"    image: registry.example/{name}/svc-{s:02d}:1.{index % 97}.{s}")
        out.append("    port: 8080")
        out.append(f"    demand: {{ main: {600 + 13 * s + index % 50} }}")
        out.append("    perReplica: 100")
        out.append("    uses: [db]")
        out.append("    env: { LOG_LEVEL: info, DB_PASSWORD: { secret: db, key: password } }")
    out.append("datastores:")
    out.append("  db:")
    out.append("    residency: main")
    out.append(f"    primary: {regions[0]}")
    out.append(f"    replicas: [{{ region: {regions[0]}, mode: sync }}, {{ region: {regions[1]}, mode: async, lag: 500ms }}]")
    out.append("traffic:")
    out.append(f"  hostname: {name}.example.net")
    out.append(f"  hostedZoneId: Z{index:013d}")
    out.append("  healthCheck: { path: /health, protocol: HTTPS, interval: 10s, failureThreshold: 3 }")
    out.append("  geolocation: { default: main }")
    out.append("  within: latency")
    out.append("  routes: { /: svc-00 }")
    return "\n".join(out) + "\n"


for index in range(count):
    with open(os.path.join(folder, f"fleet-{index:05d}.yaml"), "w") as handle:
        handle.write(blueprint(index))
