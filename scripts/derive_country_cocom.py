"""Derive data/reference/country_cocom.csv: each ISO country's geographic combatant command.

Run once by a developer (the output is the product's own, committed, editable data). The rule
follows the Unified Command Plan areas of responsibility as published on defense.gov's
combatant-command pages: Africa less Egypt -> AFRICOM; the Middle East, Egypt, Central Asia,
Afghanistan and Pakistan -> CENTCOM (Israel since 1 Sep 2021); Europe, Russia, Turkey and the
Caucasus -> EUCOM; the rest of Asia and Oceania -> INDOPACOM; the U.S., Canada, Mexico, the
Bahamas and Turks and Caicos -> NORTHCOM (Greenland since 2025); Central and South America and
the rest of the Caribbean -> SOUTHCOM.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

CENTCOM = {
    "AFG",
    "BHR",
    "EGY",
    "IRN",
    "IRQ",
    "ISR",
    "JOR",
    "KAZ",
    "KWT",
    "KGZ",
    "LBN",
    "OMN",
    "PAK",
    "PSE",
    "QAT",
    "SAU",
    "SYR",
    "TJK",
    "TKM",
    "ARE",
    "UZB",
    "YEM",
}
EUCOM_ASIA = {"ARM", "AZE", "GEO", "CYP", "TUR", "RUS"}
NORTHCOM = {"USA", "CAN", "MEX", "BHS", "TCA", "BMU", "SPM", "GRL", "PRI", "VIR", "UMI"}
NONE = {"ATA", "BVT", "HMD", "ATF", "SGS", "IOT"}
SOURCE = "Unified Command Plan AORs (defense.gov combatant command pages); derived by scripts/derive_country_cocom.py"


def cocom(row: dict[str, str]) -> str:
    iso3, region = row["alpha-3"], row["region"]
    if iso3 in NONE:
        return ""
    if iso3 in CENTCOM:
        return "CENTCOM"
    if iso3 in NORTHCOM:
        return "NORTHCOM"
    if iso3 in EUCOM_ASIA or region == "Europe":
        return "EUCOM"
    if region == "Africa":
        return "AFRICOM"
    if region == "Americas":
        return "SOUTHCOM"
    if region in ("Asia", "Oceania"):
        return "INDOPACOM"
    return ""


def main(iso_csv: Path, out: Path) -> None:
    with iso_csv.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    with out.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["iso3", "cocom", "source"])
        for row in sorted(rows, key=lambda r: r["alpha-3"]):
            writer.writerow([row["alpha-3"], cocom(row), SOURCE])
        writer.writerow(["XKX", "EUCOM", SOURCE])


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
