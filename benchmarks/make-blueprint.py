#!/usr/bin/env python3
"""Writes a synthetic but valid blueprint with N services over R regions (R even: two regions
per residency zone), for benchmarks. Usage: make-blueprint.py SERVICES REGIONS > file.yaml"""
import sys

services, regions = int(sys.argv[1]), int(sys.argv[2])
names = [f"r{i:02d}" for i in range(regions)]
aws = ["us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-1", "ap-northeast-1",
       "sa-east-1", "ca-central-1", "eu-north-1", "ap-south-1", "us-east-2", "eu-west-2",
       "us-west-1", "eu-west-3", "eu-south-1", "ap-northeast-2", "ap-northeast-3", "ap-southeast-2",
       "ap-southeast-3", "ap-southeast-4", "ap-south-2", "ap-east-1", "af-south-1", "ca-west-1",
       "eu-central-2", "eu-south-2", "il-central-1", "me-central-1", "me-south-1", "mx-central-1",
       "ap-southeast-5", "ap-southeast-7"]
if regions > len(aws) or regions % 2:
    sys.exit(f"make-blueprint.py: REGIONS must be even and at most {len(aws)}")
region_names = aws[:regions]
zones = [f"z{i}" for i in range(regions // 2)]
out = ["blueprint: bench", "objectives: { availability: 99.9%, rto: { zone: 5m, region: 15m }, rpo: { zone: 0s, region: 5s } }",
       "gitops: { repoURL: https://git.example/bench.git }", "residency:"]
for i, zone in enumerate(zones):
    out.append(f"  {zone}: [{region_names[2 * i]}, {region_names[2 * i + 1]}]")
out.append("regions:")
for i, region in enumerate(region_names):
    out.append(f"  {region}:")
    out.append(f"    zones: [{region}a, {region}b, {region}c]")
    out.append(f"    cluster: {{ name: c{i}, server: \"https://c{i}.k8s.example\" }}")
    out.append(f"    wave: {1 + i % 2}")
out.append("services:")
for s in range(services):
    demand = ", ".join(f"{zone}: {1000 + 37 * s}" for zone in zones)
    out.append(f"  svc-{s:04d}:")
    out.append(f"    image: registry.example/svc-{s:04d}:1.{s}.0")
    out.append("    port: 8080")
    out.append(f"    demand: {{ {demand} }}")
    out.append("    perReplica: 150")
    out.append(f"    uses: [{', '.join(f'db-{zone}' for zone in zones)}]")
    out.append("    env: { LOG_LEVEL: info, DB_PASSWORD: { secret: db, key: password } }")
out.append("datastores:")
for i, zone in enumerate(zones):
    out.append(f"  db-{zone}:")
    out.append(f"    residency: {zone}")
    out.append(f"    primary: {region_names[2 * i]}")
    out.append(f"    replicas: [{{ region: {region_names[2 * i]}, mode: sync }}, {{ region: {region_names[2 * i + 1]}, mode: async, lag: 500ms }}]")
    out.append("    failover: { automatic: true, promotion: { zone: 30s, region: 2m }, automation: \"Lambda global-failover\" }")
out += ["traffic:", "  hostname: api.bench.example", "  hostedZoneId: ZBENCH",
        "  healthCheck: { interval: 10s, failureThreshold: 3 }",
        # Every zone receives a location (rule residency-zone-without-location): continents, then countries.
        "  geolocation: { " + ", ".join(
            f"{location}: {zone}" for location, zone in zip(
                ["NA", "EU", "AS", "SA", "AF", "OC"] + [f'"country:{c}"' for c in
                 "JP KR IN BR MX CA DE FR GB IT ES NL SE NO PL CH AT BE DK FI".split()], zones))
        + f", default: {zones[0]} }}"]
print("\n".join(out))
