#!/usr/bin/env python3
"""A FOCUS 1.2 reader written from the specification's column definitions
(/work/shared/reference/focus.md and the FOCUS 1.2 spec): loads a cost export,
checks every row against the columns it defines, and prints per-account totals.

Usage: focus-check.py FOCUS.csv [ESTIMATE.json]
With the estimate's JSON, BilledCost per sub-account must add up to each
deployment's total, and the charge periods must be its months from the start.
"""
import csv
import json
import re
import sys
from datetime import datetime, timezone

MANDATORY = [
    "BilledCost", "BillingAccountId", "BillingAccountName", "BillingCurrency",
    "BillingPeriodStart", "BillingPeriodEnd", "ChargeCategory", "ChargeClass",
    "ChargeDescription", "ChargePeriodStart", "ChargePeriodEnd", "ContractedCost",
    "EffectiveCost", "InvoiceIssuerName", "ListCost", "PricingQuantity", "PricingUnit",
    "ProviderName", "PublisherName", "ServiceCategory", "ServiceName",
]
# Other columns FOCUS 1.2 defines (conditional or optional); anything else must
# be a custom column, named with the x_ prefix.
DEFINED = set(MANDATORY) | {
    "AvailabilityZone", "CapacityReservationId", "CapacityReservationStatus",
    "ChargeFrequency", "CommitmentDiscountCategory", "CommitmentDiscountId",
    "CommitmentDiscountName", "CommitmentDiscountQuantity", "CommitmentDiscountStatus",
    "CommitmentDiscountType", "CommitmentDiscountUnit", "ConsumedQuantity", "ConsumedUnit",
    "ContractedUnitPrice", "InvoiceId", "ListUnitPrice", "PricingCategory",
    "PricingCurrency", "PricingCurrencyContractedUnitPrice", "PricingCurrencyEffectiveCost",
    "PricingCurrencyListUnitPrice", "RegionId", "RegionName", "ResourceId", "ResourceName",
    "ResourceType", "ServiceSubcategory", "SkuId", "SkuMeter", "SkuPriceDetails",
    "SkuPriceId", "SubAccountId", "SubAccountName", "SubAccountType", "Tags",
}
CHARGE_CATEGORIES = {"Usage", "Purchase", "Tax", "Credit", "Adjustment"}
PRICING_CATEGORIES = {"Standard", "Dynamic", "Committed", "Other"}
SERVICE_CATEGORIES = {
    "AI and Machine Learning", "Analytics", "Business Applications", "Compute",
    "Databases", "Developer Tools", "Multicloud", "Identity", "Integration",
    "Internet of Things", "Management and Governance", "Media", "Migration", "Mobile",
    "Networking", "Security", "Storage", "Web", "Other",
}
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
DECIMAL = re.compile(r"^-?\d+(\.\d+)?$")


def fail(row, message):
    sys.exit(f"row {row}: {message}")


def date(row, name, value):
    if not DATE.match(value):
        fail(row, f"{name} {value!r} is not ISO 8601 UTC (YYYY-MM-DDTHH:MM:SSZ)")
    return datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)


def month_start(start, months):
    month = start.month - 1 + months
    year = start.year + month // 12
    return start.replace(year=year, month=month % 12 + 1)


def main():
    with open(sys.argv[1], newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        header = reader.fieldnames or []
        rows = list(reader)
    missing = [c for c in MANDATORY if c not in header]
    if missing:
        sys.exit(f"mandatory columns missing: {missing}")
    for name in header:
        if name not in DEFINED and not name.startswith("x_"):
            sys.exit(f"column {name} is neither a FOCUS column nor a custom x_ column")
    if len(set(header)) != len(header):
        sys.exit("a column appears twice")
    totals, periods = {}, {}
    for i, r in enumerate(rows, start=2):
        for name in ("BilledCost", "EffectiveCost", "ListCost", "ContractedCost",
                     "PricingQuantity"):
            if not DECIMAL.match(r[name]):
                fail(i, f"{name} {r[name]!r} is not a decimal number")
        for name in ("BillingAccountId", "BillingAccountName", "InvoiceIssuerName",
                     "ProviderName", "PublisherName", "ServiceName", "ChargeDescription",
                     "PricingUnit"):
            if not r[name]:
                fail(i, f"{name} is empty")
        if not re.match(r"^[A-Z]{3}$", r["BillingCurrency"]):
            fail(i, f"BillingCurrency {r['BillingCurrency']!r} is not ISO 4217")
        if r["ChargeCategory"] not in CHARGE_CATEGORIES:
            fail(i, f"ChargeCategory {r['ChargeCategory']!r}")
        if r["ChargeClass"] not in ("", "Correction"):
            fail(i, f"ChargeClass {r['ChargeClass']!r}")
        if r["ServiceCategory"] not in SERVICE_CATEGORIES:
            fail(i, f"ServiceCategory {r['ServiceCategory']!r}")
        if "PricingCategory" in r and r["PricingCategory"] not in PRICING_CATEGORIES | {""}:
            fail(i, f"PricingCategory {r['PricingCategory']!r}")
        cost = float(r["BilledCost"])
        if r["ChargeCategory"] == "Credit" and cost > 0:
            fail(i, "a Credit is a negative cost")
        if r["ChargeCategory"] in ("Usage", "Purchase") and cost < 0:
            fail(i, f"a {r['ChargeCategory']} row costs {cost}")
        if float(r["EffectiveCost"]) != cost:
            fail(i, "EffectiveCost differs from BilledCost in an estimate")
        start = date(i, "ChargePeriodStart", r["ChargePeriodStart"])
        end = date(i, "ChargePeriodEnd", r["ChargePeriodEnd"])
        bstart = date(i, "BillingPeriodStart", r["BillingPeriodStart"])
        bend = date(i, "BillingPeriodEnd", r["BillingPeriodEnd"])
        if not start < end or end != month_start(start, 1):
            fail(i, f"charge period [{start}, {end}) is not one calendar month")
        if not (bstart <= start and end <= bend):
            fail(i, "charge period outside its billing period")
        key = r["SubAccountId"] if "SubAccountId" in r else r["BillingAccountId"]
        totals[key] = totals.get(key, 0.0) + cost
        periods.setdefault(key, set()).add(start)
    if len(sys.argv) > 2:
        with open(sys.argv[2], encoding="utf-8") as f:
            estimate = json.load(f)
        first = min(min(p) for p in periods.values())
        for d in estimate["deployments"]:
            got = totals.get(d["name"], 0.0)
            if abs(got - d["total"]) > 0.01:
                sys.exit(f"{d['name']}: BilledCost sums to {got:.2f}, the total is {d['total']:.2f}")
            months = {month_start(first, m) for m, v in enumerate(d["monthly"]) if v}
            if not periods.get(d["name"], set()) <= {month_start(first, m)
                                                    for m in range(estimate["horizon_months"])}:
                sys.exit(f"{d['name']}: a charge period outside the horizon")
            if months - periods.get(d["name"], set()):
                sys.exit(f"{d['name']}: a month with cash has no row")
    for key in sorted(totals):
        print(f"{key} {totals[key]:.2f}")


main()
