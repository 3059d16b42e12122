"""scripts/refresh-prices.py parses the AWS Price List offer-file layout (products + terms.OnDemand
priceDimensions); it cannot reach AWS here, so it runs on small offer files in that layout."""

import copy
import importlib.util
import json
import pathlib

ROOT = pathlib.Path(__file__).resolve().parents[2]
FIXTURES = pathlib.Path(__file__).parent / "fixtures/offers"
spec = importlib.util.spec_from_file_location("refresh_prices", ROOT / "scripts/refresh-prices.py")
refresh_prices = importlib.util.module_from_spec(spec)
spec.loader.exec_module(refresh_prices)


def offer(name):
    return json.loads((FIXTURES / f"{name}.json").read_text())


def test_finds_the_application_load_balancer_prices_not_the_network_ones():
    elb = offer("AWSELB-us-east-1")
    usd, unit, sku = refresh_prices.find_price(elb, refresh_prices.PRODUCTS["alb.hour"][1])
    assert (usd, unit, sku) == ("0.0225000000", "Hrs", "ALBHOURSKU00000A")
    usd, unit, sku = refresh_prices.find_price(elb, refresh_prices.PRODUCTS["alb.lcuHour"][1])
    assert (usd, sku) == ("0.0080000000", "ALBLCUSKU00000B")


def test_tiered_price_skips_the_free_step_and_is_scaled_to_a_million():
    ddb = offer("AmazonDynamoDB-us-east-1")
    usd, _, _ = refresh_prices.find_price(ddb, refresh_prices.PRODUCTS["dynamodb.replicatedWriteMillion"][1])
    assert refresh_prices.normalised(usd, "dynamodb.replicatedWriteMillion") == "0.625"


def test_refresh_updates_found_entries_and_keeps_the_rest_with_their_notes():
    catalogue = json.loads((ROOT / "docs/prices/aws.json").read_text())
    before = copy.deepcopy(catalogue)
    offers = {("AWSELB", "us-east-1"): offer("AWSELB-us-east-1")}
    changed = refresh_prices.refresh(catalogue, lambda service, region: offers.get((service, region)), "2027-01-15")
    assert sorted(item[0] for item in changed) == ["alb.hour", "alb.lcuHour"]
    alb = next(e for e in catalogue["prices"] if e["id"] == "alb.lcuHour")
    assert alb["usd"] == "0.008" and alb["read"] == "2027-01-15"
    assert alb["source"].startswith("https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/AWSELB/current/us-east-1/index.json")
    assert catalogue["read"] == "2027-01-15"
    untouched = [e for e in catalogue["prices"] if not e["id"].startswith("alb.")]
    assert untouched == [e for e in before["prices"] if not e["id"].startswith("alb.")]
    # A price no offer file gave stays null with its reason; nothing is guessed.
    brokers = next(e for e in catalogue["prices"] if e["id"] == "msk.brokerHour")
    assert brokers["usd"] is None and brokers["note"].startswith("not found")


def test_embedded_swift_is_the_json_file():
    embedded = (ROOT / "Sources/Cost/PriceCatalogueData.swift").read_text()
    assert embedded == refresh_prices.swift_source((ROOT / "docs/prices/aws.json").read_text())
