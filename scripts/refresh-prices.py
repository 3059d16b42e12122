#!/usr/bin/env python3
"""Refresh docs/prices/aws.json from the public AWS Price List offer files, then embed it.

    scripts/refresh-prices.py --embed                 # only re-embed docs/prices/aws.json into Swift
    scripts/refresh-prices.py --offers DIR            # offer files already downloaded into DIR
    scripts/refresh-prices.py --download DIR          # fetch them first (no credentials needed)

Offer files are the bulk price lists AWS publishes without an account:
https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/<ServiceCode>/current/<region>/index.json
(AWS Billing user guide, "Using the bulk API"). Each holds `products` (sku -> attributes) and
`terms.OnDemand` (sku -> offer term -> priceDimensions -> pricePerUnit.USD). Only entries whose
product is found change; the others keep their value, source and note, so a price the offer
files do not carry is never replaced by a guess.
"""

import argparse
import datetime
import json
import pathlib
import sys
import urllib.request

ROOT = pathlib.Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "docs/prices/aws.json"
EMBEDDED = ROOT / "Sources/Cost/PriceCatalogueData.swift"
OFFER_URL = "https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/{service}/current/{region}/index.json"

# Catalogue id -> (offer file service code, attribute filter). `{qualifier}` parts are filled from the entry.
PRODUCTS = {
    "ec2.instanceHour": ("AmazonEC2", {"instanceType": "{qualifier}", "operatingSystem": "Linux", "tenancy": "Shared",
                                       "preInstalledSw": "NA", "capacitystatus": "Used"}),
    "eks.clusterHour": ("AmazonEKS", {"usagetype~": "AmazonEKS-Hours:perCluster"}),
    "alb.hour": ("AWSELB", {"productFamily": "Load Balancer-Application", "usagetype~": "LoadBalancerUsage"}),
    "alb.lcuHour": ("AWSELB", {"productFamily": "Load Balancer-Application", "usagetype~": "LCUUsage"}),
    "rds.instanceHour": ("AmazonRDS", {"databaseEngine": "{engine}", "instanceType": "{class}", "deploymentOption": "Single-AZ"}),
    "aurora.storageGBMonth": ("AmazonRDS", {"usagetype~": "Aurora:StorageUsage"}),
    "aurora.ioMillion": ("AmazonRDS", {"usagetype~": "Aurora:StorageIOUsage"}),
    "aurora.backupGBMonth": ("AmazonRDS", {"usagetype~": "Aurora:BackupUsage"}),
    "aurora.globalReplicatedWriteIOMillion": ("AmazonRDS", {"usagetype~": "Aurora:ReplicatedWriteIO"}),
    "dynamodb.replicatedWriteMillion": ("AmazonDynamoDB", {"usagetype~": "ReplWriteRequestUnits"}),
    "dynamodb.storageGBMonth": ("AmazonDynamoDB", {"usagetype~": "TimedStorage-ByteHrs"}),
    "msk.brokerHour": ("AmazonMSK", {"instanceType": "{qualifier}"}),
    "arc.clusterHour": ("AmazonRoute53RecoveryControl", {"usagetype~": "Cluster"}),
}
ENGINES = {"aurora-postgresql": "Aurora PostgreSQL", "aurora-mysql": "Aurora MySQL"}
# Per-million prices: the offer files price one request, the catalogue a million.
PER_MILLION = {"aurora.ioMillion", "aurora.globalReplicatedWriteIOMillion", "dynamodb.replicatedWriteMillion"}


def matches(attributes, wanted):
    for key, value in wanted.items():
        if key.endswith("~"):
            if value not in attributes.get(key[:-1], ""):
                return False
        elif attributes.get(key) != value:
            return False
    return True


def on_demand_usd(offer, sku):
    """The first non-zero USD price of the sku's on-demand terms (tiers start at their first step)."""
    for term in offer.get("terms", {}).get("OnDemand", {}).get(sku, {}).values():
        dimensions = sorted(term.get("priceDimensions", {}).values(), key=lambda d: float(d.get("beginRange", "0") or 0))
        for dimension in dimensions:
            usd = dimension.get("pricePerUnit", {}).get("USD")
            if usd is not None and float(usd) > 0:
                return usd, dimension.get("unit", "")
    return None


def find_price(offer, wanted):
    """(usd text, unit, sku) of the one product matching `wanted`, or None; several matches take the cheapest."""
    found = []
    for sku, product in offer.get("products", {}).items():
        attributes = dict(product.get("attributes", {}))
        attributes.setdefault("productFamily", product.get("productFamily", ""))
        if matches(attributes, wanted):
            price = on_demand_usd(offer, sku)
            if price:
                found.append((price[0], price[1], sku))
    return min(found, key=lambda item: float(item[0])) if found else None


def normalised(usd, entry_id):
    value = float(usd) * (1_000_000 if entry_id in PER_MILLION else 1)
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return text if "." in text or text == "0" else text


def wanted_for(entry):
    service, template = PRODUCTS[entry["id"]]
    qualifier = entry.get("qualifier") or ""
    engine, _, klass = qualifier.partition("/")
    fill = {"qualifier": qualifier, "engine": ENGINES.get(engine, engine), "class": klass}
    return service, {key: value.format(**fill) for key, value in template.items()}


def refresh(catalogue, load_offer, today):
    """Updates entries in place from the offers `load_offer(service, region)` returns; returns the ids changed."""
    changed = []
    for entry in catalogue["prices"]:
        if entry["id"] not in PRODUCTS or entry["region"] == "global":
            continue
        service, wanted = wanted_for(entry)
        offer = load_offer(service, entry["region"])
        if offer is None:
            continue
        found = find_price(offer, wanted)
        if found is None:
            continue
        usd, unit, sku = found
        entry["usd"] = normalised(usd, entry["id"])
        entry["source"] = OFFER_URL.format(service=service, region=entry["region"]) + f" (sku {sku}, {unit})"
        entry["read"] = today
        entry.pop("note", None)
        changed.append((entry["id"], entry["region"], entry.get("qualifier")))
    if changed:
        catalogue["read"] = today
    return changed


def swift_source(text):
    return ("// Generated by scripts/refresh-prices.py from docs/prices/aws.json; do not edit by hand.\n"
            "// CostTests checks that it matches the JSON file.\n\n"
            "extension PriceCatalogue {\n"
            "    static let embeddedJSON = #\"\"\"\n" + text.rstrip("\n") + "\n\"\"\"#\n}\n")


def embed():
    EMBEDDED.write_text(swift_source(CATALOGUE.read_text()))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--embed", action="store_true", help="only re-embed docs/prices/aws.json")
    parser.add_argument("--offers", type=pathlib.Path, help="folder of <ServiceCode>/<region>/index.json offer files")
    parser.add_argument("--download", type=pathlib.Path, help="download the offer files into this folder first")
    args = parser.parse_args(argv)
    if args.embed:
        embed()
        return 0
    folder = args.download or args.offers
    if folder is None:
        parser.error("give --offers DIR, --download DIR or --embed")
    catalogue = json.loads(CATALOGUE.read_text())

    def load_offer(service, region):
        path = folder / service / region / "index.json"
        if args.download and not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            try:
                urllib.request.urlretrieve(OFFER_URL.format(service=service, region=region), path)
            except OSError as error:
                print(f"refresh-prices: {service} {region}: {error}", file=sys.stderr)
                return None
        return json.loads(path.read_text()) if path.exists() else None

    changed = refresh(catalogue, load_offer, datetime.date.today().isoformat())
    CATALOGUE.write_text(json.dumps(catalogue, indent=2) + "\n")
    embed()
    for item in changed:
        print("updated", *[part for part in item if part])
    return 0


if __name__ == "__main__":
    sys.exit(main())
