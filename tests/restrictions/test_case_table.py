"""Issue #10: a table of real public-record cases per restriction and per decade, each with its source, run
against the engine: the restriction's finding must be the record's (prohibits / waived / excepted / none), or
not_assessed where the product's data names the gap; and a day either side of each designation, rescission,
coup, restoration and waiver date. A case whose restriction prohibits must come back `prohibited`; no case with a
not_assessed finding may come back allowed*."""

from __future__ import annotations

import datetime as dt

import pytest

D = dt.date
NONE = None  # the restriction neither bars nor leaves a gap: the recorded list answers "not restricted"
GAP = "not_assessed"

# (restriction, country, program, fiscal year, date, expected effect of that restriction's finding, source)
CASES = [
    # ---- before the statute (ADR 0621): not in force, never a gap
    ("cspa", "TWN", "FMF", 1968, D(1968, 3, 1), "not_in_force", "CSPA in force from 2009-06-21 (P.L. 110-457 title IV)"),
    ("tvpa-tier3", "TWN", "IMET", 1968, D(1968, 3, 1), "not_in_force", "TVPA enacted 2000-10-28 (P.L. 106-386)"),
    ("cspa", "YEM", "FMF", 2008, D(2008, 9, 30), "not_in_force", "FY2008 ended before the CSPA took effect (2009-06-21)"),
    ("cspa", "YEM", "FMF", 2009, D(2008, 10, 1), NONE, "FY2009: CSPA in force from 2009-06-21; no list until June 2010"),
    ("tvpa-tier3", "MMR", "FMF", 2000, D(2000, 9, 30), "not_in_force", "FY2000 ended before the TVPA's enactment"),
    ("tvpa-tier3", "MMR", "FMF", 2001, D(2000, 10, 1), NONE, "FY2001: TVPA enacted 2000-10-28; withholding first applied FY2004"),
    # ---- TVPA §110(d), 2000s
    (
        "tvpa-tier3",
        "CUB",
        "FMF",
        2004,
        D(2004, 3, 1),
        "prohibits",
        "White House statement 2003-09-10: sanctions on Burma, Cuba, North Korea",
    ),
    ("tvpa-tier3", "MMR", "IMET", 2004, D(2004, 3, 1), "prohibits", "White House statement 2003-09-10"),
    (
        "tvpa-tier3",
        "GRC",
        "FMF",
        2004,
        D(2004, 3, 1),
        NONE,
        "2003-09-10: Greece among the ten governments that avoided sanctions",
    ),
    ("tvpa-tier3", "GNQ", "IMET", 2005, D(2005, 3, 1), "prohibits", "PD 2004-46 §110(d)(1)(A)(i): Equatorial Guinea, Venezuela"),
    ("tvpa-tier3", "ECU", "FMF", 2005, D(2005, 3, 1), NONE, "PD 2004-46 §110(d)(3): Bangladesh, Ecuador, Guyana, Sierra Leone"),
    ("tvpa-tier3", "KHM", "FMF", 2006, D(2006, 3, 1), "prohibits", "PD 2005-37 §110(d)(1)(A)(i): Cambodia, Venezuela"),
    ("tvpa-tier3", "SAU", "FMF", 2006, D(2006, 3, 1), GAP, "Tier 3 in June 2005 (Kelley); PD 2005-37 waiver paragraph not read"),
    ("tvpa-tier3", "BLZ", "IMET", 2007, D(2007, 3, 1), NONE, "PD 2006-25 §110(d)(3): Belize, Laos"),
    ("tvpa-tier3", "DZA", "IMET", 2008, D(2008, 3, 1), "waived", "PD 2008-4 §110(d)(4): Algeria, all programs"),
    (
        "tvpa-tier3",
        "KWT",
        "FMF",
        2009,
        D(2009, 3, 1),
        "waived",
        "PD 2009-5 §110(d)(4): Algeria, Fiji, Kuwait, PNG, Qatar, Saudi Arabia, Sudan",
    ),
    # ---- TVPA, 2010s
    ("tvpa-tier3", "ZWE", "IMET", 2010, D(2010, 3, 1), "prohibits", "PD 2009-29 §110(d)(1)(A)(i): Burma, DPRK, Zimbabwe"),
    ("tvpa-tier3", "MYS", "FMF", 2010, D(2010, 3, 1), "waived", "PD 2009-29 §110(d)(4): Malaysia among the full waivers"),
    (
        "tvpa-tier3",
        "MYS",
        "FMF",
        2010,
        D(2009, 9, 13),
        "prohibits",
        "PD 2009-29 signed 2009-09-14: the day before, no waiver yet",
    ),
    ("tvpa-tier3", "MYS", "FMF", 2010, D(2009, 9, 14), "waived", "PD 2009-29 signed 2009-09-14"),
    ("tvpa-tier3", "VEN", "FMF", 2012, D(2012, 3, 1), "prohibits", "PD 2011-18 §110(d)(1)(A)(ii)"),
    ("tvpa-tier3", "COD", "IMET", 2013, D(2013, 3, 1), GAP, "PD 2012-16: partial §110(d)(4) waiver for the DRC, scope not read"),
    ("tvpa-tier3", "THA", "FMF", 2015, D(2015, 3, 1), "waived", "PD 2014-16 §110(d)(4): Thailand among the full waivers"),
    ("tvpa-tier3", "RUS", "IMET", 2015, D(2015, 3, 1), "prohibits", "PD 2014-16 §110(d)(1)(A)(i): Russia"),
    ("tvpa-tier3", "SSD", "PKO", 2018, D(2018, 3, 1), "prohibits", "PD 2017-15 §1: South Sudan"),
    ("tvpa-tier3", "GBR", "FMF", 2016, D(2016, 3, 1), NONE, "2015 TIP Report Tier 3 (23 governments): the UK is not on it"),
    (
        "tvpa-tier3",
        "THA",
        "FMF",
        2016,
        D(2016, 3, 1),
        GAP,
        "Tier 3 in the 2015 TIP Report; the FY2016 determination was not read",
    ),
    (
        "tvpa-tier3",
        "MYS",
        "FMF",
        2016,
        D(2016, 3, 1),
        NONE,
        "Malaysia upgraded from Tier 3 in the 2015 report (Reuters 2015-07-27)",
    ),
    (
        "tvpa-tier3",
        "BLR",
        "IMET",
        2016,
        D(2016, 3, 1),
        GAP,
        "Belarus downgraded to Tier 3 in 2015 (Reuters); FY2016 determination not read",
    ),
    # ---- TVPA, 2020s
    ("tvpa-tier3", "GMB", "FMF", 2020, D(2020, 3, 1), "prohibits", "PD 2020-02 §110(d)(1)(A)(i): The Gambia"),
    ("tvpa-tier3", "AFG", "FMF", 2022, D(2022, 3, 1), "prohibits", "PD 2022-06 §110(d)(1)(A)(i)"),
    ("tvpa-tier3", "COM", "IMET", 2022, D(2022, 3, 1), "waived", "PD 2022-06: Comoros partial waiver including IMET"),
    ("tvpa-tier3", "IRN", "IMET", 2025, D(2025, 3, 1), "prohibits", "PD 2024-14 §110(d)(1)(A)(i): Burma and Iran"),
    ("tvpa-tier3", "CUB", "FMF", 2025, D(2025, 3, 1), "prohibits", "PD 2024-14 §110(d)(1)(A)(ii)"),
    ("tvpa-tier3", "RUS", "IMET", 2026, D(2026, 3, 1), GAP, "Tier 3 in the 2025 TIP Report (Factbook); PD 2026-02 not read"),
    ("tvpa-tier3", "VEN", "FMF", 2026, D(2026, 3, 1), GAP, "PD 2026-02 read only in an AI-generated summary: unresolved"),
    ("tvpa-tier3", "TCD", "IMET", 2026, D(2026, 3, 1), GAP, "PD 2026-02 read only in an AI-generated summary: unresolved"),
    ("tvpa-tier3", "GBR", "FMF", 2026, D(2026, 3, 1), NONE, "2025 TIP Report Tier 3 (20 governments): the UK is not on it"),
    # ---- CSPA, 2010s
    ("cspa", "TCD", "FMF", 2011, D(2011, 3, 1), "waived", "PD 2011-4: waiver for Chad, DRC, Sudan, Yemen"),
    ("cspa", "TCD", "FMF", 2011, D(2010, 10, 24), "prohibits", "PD 2011-4 is dated 2010-10-25 (Washington Post): the day before"),
    ("cspa", "TCD", "FMF", 2011, D(2010, 10, 25), "waived", "PD 2011-4 memorandum of 2010-10-25"),
    ("cspa", "MMR", "IMET", 2011, D(2011, 3, 1), "prohibits", "2010 CSPA list (NGO letter, HRW 2010-11-05); not waived"),
    ("cspa", "SDN", "FMF", 2012, D(2012, 3, 1), "prohibits", "2011 CSPA list (HRW 2011-06-27); not in the FY2012 waivers (IPS)"),
    ("cspa", "TCD", "IMET", 2012, D(2012, 3, 1), GAP, "FY2012 waiver of 2011-10-04 names Chad; scope not read"),
    ("cspa", "GBR", "FMF", 2012, D(2012, 3, 1), NONE, "2011 CSPA list of six governments: the UK is not on it"),
    ("cspa", "LBY", "FMF", 2013, D(2013, 3, 1), "waived", "waiver memorandum of 2012-09-28 (Foreign Policy, The Cable)"),
    ("cspa", "MMR", "IMET", 2013, D(2013, 3, 1), "prohibits", "2012 CSPA list (HRW names Burma); not waived"),
    (
        "cspa",
        "SOM",
        "FMF",
        2013,
        D(2013, 3, 1),
        GAP,
        "78 FR 72789: Somalia's FY2013 waiver decision delegated; its outcome not read",
    ),
    ("cspa", "GAB", "FMF", 2013, D(2013, 3, 1), GAP, "2012 list of seven: one government still not named in the sources read"),
    (
        "cspa",
        "RWA",
        "FMF",
        2014,
        D(2014, 3, 1),
        "prohibits",
        "2013 CSPA list; sanctions kept for Rwanda (antiwar.com 2013-10-03)",
    ),
    ("cspa", "SOM", "FMF", 2014, D(2014, 3, 1), "prohibits", "FY2014 partial waiver for Somalia: IMET and PKO, not FMF"),
    ("cspa", "SOM", "IMET", 2014, D(2014, 3, 1), "waived", "FY2014 partial waiver for Somalia covers IMET (Think Progress)"),
    (
        "cspa",
        "TCD",
        "FMF",
        2014,
        D(2013, 10, 2),
        "prohibits",
        "FY2014 waiver counted from its first report, 2013-10-03: the day before",
    ),
    ("cspa", "TCD", "FMF", 2014, D(2013, 10, 3), "waived", "FY2014 full waiver for Chad (antiwar.com 2013-10-03)"),
    ("cspa", "CAF", "FMF", 2015, D(2015, 3, 1), "prohibits", "PD of 2014-09-30: CAR waived for IMET only (igihe.com)"),
    ("cspa", "CAF", "IMET", 2015, D(2015, 3, 1), "waived", "PD of 2014-09-30: CAR waived for IMET"),
    ("cspa", "RWA", "FMF", 2015, D(2015, 3, 1), "waived", "PD of 2014-09-30: Rwanda waived in full (AFP 2014-10-02)"),
    ("cspa", "SYR", "IMET", 2015, D(2015, 3, 1), "prohibits", "2014 list; sanctions maintained on Burma, Sudan, Syria"),
    ("cspa", "SSD", "PKO", 2015, D(2015, 3, 1), GAP, "PD of 2014-09-30: South Sudan partial waiver, scope not read"),
    (
        "cspa",
        "YEM",
        "FMF",
        2017,
        D(2017, 3, 1),
        "prohibits",
        "2016 CSPA list; not among the seven FY2017 waivers (AP 2016-10-07)",
    ),
    ("cspa", "SYR", "FMF", 2016, D(2016, 3, 1), "prohibits", "2015 CSPA list (VOA editorial); no FY2016 waiver"),
    ("cspa", "MMR", "IMET", 2016, D(2016, 3, 1), "prohibits", "2015 CSPA list (VOA editorial); no FY2016 waiver"),
    ("cspa", "NGA", "IMET", 2016, D(2016, 3, 1), GAP, "2015 CSPA list; FY2016 waiver named, scope not read"),
    ("cspa", "IRQ", "FMF", 2017, D(2017, 3, 1), GAP, "2016 CSPA list (Watchlist); FY2017 waiver determination not read"),
    ("cspa", "NER", "FMF", 2019, D(2019, 3, 1), GAP, "2018 CSPA list (Stimson, 11 governments); FY2019 waivers not read"),
    ("cspa", "SDN", "FMF", 2019, D(2019, 3, 1), NONE, "Sudan removed from the CSPA list in 2018 (Stimson)"),
    ("cspa", "AFG", "FMF", 2020, D(2020, 3, 1), "waived", "2019 CSPA list (State §405 report); waived in full on 2019-10-18"),
    ("cspa", "SSD", "IMET", 2020, D(2020, 3, 1), "prohibits", "determination of 2019-10-18: South Sudan waived for PKO only"),
    (
        "cspa",
        "MLI",
        "IMET",
        2020,
        D(2020, 3, 1),
        "waived",
        "determination of 2019-10-18: Mali waived for IMET, PKO, 10 U.S.C. 333",
    ),
    ("cspa", "IRQ", "FMF", 2020, D(2019, 10, 17), "prohibits", "determination of 2019-10-18: the day before"),
    ("cspa", "IRQ", "FMF", 2020, D(2019, 10, 18), "waived", "determination of 2019-10-18: Iraq waived in full"),
    ("cspa", "SYR", "FMF", 2020, D(2020, 3, 1), "prohibits", "2019 list; not in the FY2020 determination"),
    ("cspa", "GBR", "IMET", 2016, D(2016, 3, 1), NONE, "2015 CSPA list (8 governments): the United Kingdom is not on it"),
    ("cspa", "IND", "FMF", 2014, D(2014, 3, 1), NONE, "2013 CSPA list of ten governments: India is not on it"),
    ("cspa", "YEM", "FMF", 2010, D(2010, 3, 1), NONE, "no CSPA list before the June 2010 TIP Report"),
    # ---- CSPA, 2020s
    ("cspa", "SOM", "IMET", 2021, D(2021, 3, 1), "waived", "PD 2021-01: Somalia waived for IMET, PKO and 10 U.S.C. 333"),
    ("cspa", "SSD", "IMET", 2021, D(2021, 3, 1), "prohibits", "PD 2021-01: South Sudan waived for PKO only"),
    (
        "cspa",
        "VEN",
        "FMF",
        2022,
        D(2022, 3, 1),
        "prohibits",
        "2021 CSPA list (Dawn; iaspoint); the FY2022 determination waives Venezuela for nothing",
    ),
    ("cspa", "IRQ", "FMF", 2022, D(2022, 3, 1), "waived", "FY2022 CSPA determination of 2021-10-08: Iraq in full"),
    ("cspa", "VEN", "IMET", 2025, D(2025, 3, 1), "prohibits", "2024 CSPA list (RTTNews); no FY2025 waiver"),
    ("cspa", "VEN", "FMF", 2023, D(2023, 3, 1), "prohibits", "2022 CSPA list (Stimson, 12 governments); not in PD 2023-01"),
    ("cspa", "AFG", "IMET", 2023, D(2023, 3, 1), "prohibits", "2022 CSPA list (Stimson); not in PD 2023-01"),
    ("cspa", "GBR", "FMF", 2023, D(2023, 3, 1), NONE, "2022 CSPA list of twelve: the UK is not on it"),
    ("cspa", "TUR", "FMF", 2025, D(2025, 8, 3), "prohibits", "PD 2025-10 of 2025-08-04 (FR Doc 2025-15680): the day before"),
    ("cspa", "TUR", "FMF", 2025, D(2025, 8, 4), "waived", "PD 2025-10 of 2025-08-04: Turkey waived"),
    (
        "cspa",
        "VEN",
        "FMF",
        2024,
        D(2024, 3, 1),
        GAP,
        "the nine unwaived governments of the 2023 CSPA list are not named in any source read",
    ),
    ("cspa", "EGY", "FMF", 2024, D(2024, 3, 1), "waived", "FY2024 CSPA determination of 2023-09-15: Egypt in full"),
    ("cspa", "VEN", "FMF", 2026, D(2026, 3, 1), GAP, "the CSPA list of the 2025 TIP Report (released 2025-09-29) was not found"),
    ("cspa", "SOM", "IMET", 2018, D(2018, 3, 1), GAP, "2017 list; FY2018 determination of 2017-09-30 (Stimson), text not read"),
    # ---- drug majors (FAA §490 / FRAA §706)
    ("drug-majors-490", "MMR", "FMF", 2007, D(2007, 3, 1), "prohibits", "PD 2006-24: Burma failed demonstrably, no waiver"),
    (
        "drug-majors-490",
        "VEN",
        "FMF",
        2007,
        D(2007, 3, 1),
        GAP,
        "PD 2006-24: waiver for programs aiding democratic institutions only",
    ),
    (
        "drug-majors-490",
        "COL",
        "FMF",
        2008,
        D(2008, 3, 1),
        NONE,
        "FY2008 majors (White House 2007-09-17): Colombia listed, not failed",
    ),
    (
        "drug-majors-490",
        "MMR",
        "IMET",
        2008,
        D(2008, 3, 1),
        "prohibits",
        "FY2008: Burma failed; programs maintained for Venezuela only",
    ),
    (
        "drug-majors-490",
        "MMR",
        "FMF",
        2002,
        D(2002, 3, 1),
        "prohibits",
        "PD 2002-07: Burma failed demonstrably, no vital-interest finding",
    ),
    ("drug-majors-490", "AFG", "FMF", 2002, D(2002, 2, 22), "prohibits", "PD 2002-07 of 2002-02-23: the day before"),
    (
        "drug-majors-490",
        "AFG",
        "FMF",
        2002,
        D(2002, 2, 23),
        "waived",
        "PD 2002-07: assistance to Afghanistan vital (FOAA 2002 §591(3))",
    ),
    (
        "drug-majors-490",
        "THA",
        "IMET",
        2003,
        D(2003, 3, 1),
        NONE,
        "PD 2003-14: Thailand a major, not failed (Washington File 2003-01-31)",
    ),
    (
        "drug-majors-490",
        "MMR",
        "FMF",
        2003,
        D(2003, 3, 1),
        "prohibits",
        "PD 2003-14: Burma failed, aid not continued (Washington File)",
    ),
    (
        "drug-majors-490",
        "GTM",
        "FMF",
        2003,
        D(2003, 1, 30),
        "prohibits",
        "PD 2003-14 of 2003-01-31: Guatemala failed, the day before",
    ),
    ("drug-majors-490", "GTM", "FMF", 2003, D(2003, 1, 31), "waived", "PD 2003-14: aid continues to Guatemala (Washington File)"),
    (
        "drug-majors-490",
        "HTI",
        "FMF",
        2003,
        D(2003, 1, 30),
        "prohibits",
        "PD 2003-14 of 2003-01-31: Haiti failed, the day before",
    ),
    (
        "drug-majors-490",
        "HTI",
        "FMF",
        2003,
        D(2003, 1, 31),
        "waived",
        "PD 2003-14: Haiti failed; vital-interest waiver (House hearing 2003-02-27)",
    ),
    (
        "drug-majors-490",
        "HTI",
        "FMF",
        2004,
        D(2004, 3, 1),
        "waived",
        "PD 2003-38: Haiti failed; assistance maintained (Washington File 2003-09-15)",
    ),
    (
        "drug-majors-490",
        "HTI",
        "FMF",
        2004,
        D(2003, 9, 14),
        "prohibits",
        "PD 2003-38 of 2003-09-15: the day before (FY2004 asked early)",
    ),
    (
        "drug-majors-490",
        "MMR",
        "IMET",
        2004,
        D(2004, 3, 1),
        "prohibits",
        "PD 2003-38: no waiver for Burma (Washington File 2003-09-15)",
    ),
    ("drug-majors-490", "COL", "FMF", 2004, D(2004, 3, 1), NONE, "PD 2003-38: Colombia on the majors list, not failed"),
    ("drug-majors-490", "BRA", "FMF", 2006, D(2006, 3, 1), NONE, "PD 2005-36: Brazil on the majors list, not failed"),
    ("drug-majors-490", "BOL", "FMF", 2009, D(2009, 3, 1), GAP, "PD 2008-28: Bolivia failed; the waiver paragraph not read"),
    (
        "drug-majors-490",
        "MMR",
        "IMET",
        2011,
        D(2011, 3, 1),
        "prohibits",
        "PD 2010-16: Burma failed demonstrably; waivers only for Bolivia and Venezuela",
    ),
    (
        "drug-majors-490",
        "BOL",
        "IMET",
        2011,
        D(2011, 3, 1),
        GAP,
        "PD 2010-16: waiver for 'bilateral programs' in Bolivia, reach not recorded",
    ),
    ("drug-majors-490", "COL", "FMF", 2011, D(2011, 3, 1), NONE, "PD 2010-16: Colombia on the majors list, not failed"),
    (
        "drug-majors-490",
        "MMR",
        "FMF",
        2012,
        D(2012, 3, 1),
        "prohibits",
        "FY2012 (2011-09-15): Burma failed; waivers for Bolivia, Venezuela only",
    ),
    ("drug-majors-490", "SLV", "FMF", 2012, D(2012, 3, 1), NONE, "FY2012: El Salvador added to the majors list, not failed (AP)"),
    (
        "drug-majors-490",
        "BOL",
        "IMET",
        2012,
        D(2012, 3, 1),
        GAP,
        "FY2012: Bolivia failed; waiver for specific programs, reach not read",
    ),
    (
        "drug-majors-490",
        "BOL",
        "FMF",
        2016,
        D(2016, 3, 1),
        "prohibits",
        "PD 2015-12: Bolivia failed; waivers for Burma and Venezuela only",
    ),
    (
        "drug-majors-490",
        "HTI",
        "IMET",
        2010,
        D(2010, 3, 1),
        NONE,
        "State statement 2009-09-15: Haiti on the majors list, not failed",
    ),
    ("drug-majors-490", "MEX", "FMF", 2014, D(2014, 3, 1), NONE, "PD 2013-14: Mexico on the majors list, not failed"),
    (
        "drug-majors-490",
        "BOL",
        "FMF",
        2013,
        D(2013, 3, 1),
        "waived",
        "PD 2012-15: vital-interest finding for Bolivia, Burma, Venezuela",
    ),
    ("drug-majors-490", "SLV", "FMF", 2017, D(2017, 3, 1), NONE, "PD 2016-10: El Salvador on the majors list, not failed"),
    (
        "drug-majors-490",
        "BOL",
        "IMET",
        2019,
        D(2019, 3, 1),
        "prohibits",
        "PD 2018-12: Bolivia failed; vital-interest finding for Venezuela only",
    ),
    ("drug-majors-490", "VEN", "FMF", 2019, D(2019, 3, 1), GAP, "PD 2018-12: Venezuela democracy programs only; reach not read"),
    (
        "drug-majors-490",
        "VEN",
        "FMF",
        2015,
        D(2015, 3, 1),
        GAP,
        "PD 2014-15: Venezuela failed demonstrably; waiver paragraph not read",
    ),
    (
        "drug-majors-490",
        "AFG",
        "FMF",
        2023,
        D(2023, 3, 1),
        "waived",
        "PD 2022-23: Afghanistan failed demonstrably, vital-national-interest determination",
    ),
    ("drug-majors-490", "PER", "FMF", 2024, D(2024, 3, 1), NONE, "PD 2023-12: Peru on the majors list, not failed"),
    ("drug-majors-490", "COL", "FMF", 2021, D(2021, 3, 1), GAP, "PD 2020-11: majors list read, 'failed demonstrably' not read"),
    (
        "drug-majors-490",
        "AFG",
        "FMF",
        2026,
        D(2026, 3, 1),
        "prohibits",
        "FY2026 determination: Afghanistan failed, no vital finding",
    ),
    ("drug-majors-490", "COL", "FMF", 2026, D(2026, 3, 1), "waived", "FY2026 determination: Colombia failed; assistance vital"),
    ("drug-majors-490", "MEX", "FMF", 2026, D(2026, 3, 1), NONE, "FY2026 determination: Mexico on the majors list, not failed"),
    # ---- drug majors FY2000-FY2001: the old March certification regime (FAA §490(b))
    ("drug-majors-490", "AFG", "FMF", 2000, D(2000, 6, 1), "prohibits", "PD 2000-16 of 2000-02-29: Afghanistan not certified"),
    ("drug-majors-490", "MMR", "IMET", 2000, D(2000, 6, 1), "prohibits", "PD 2000-16: Burma not certified"),
    (
        "drug-majors-490",
        "HTI",
        "FMF",
        2000,
        D(2000, 2, 28),
        "prohibits",
        "PD 2000-16 of 2000-02-29: the day before the certification",
    ),
    (
        "drug-majors-490",
        "HTI",
        "FMF",
        2000,
        D(2000, 2, 29),
        "waived",
        "PD 2000-16: Haiti certified on vital-national-interest grounds",
    ),
    (
        "drug-majors-490",
        "PRY",
        "IMET",
        2000,
        D(2000, 3, 1),
        "waived",
        "PD 2000-16 §490(b)(1)(B): Paraguay, vital national interests",
    ),
    (
        "drug-majors-490",
        "COL",
        "FMF",
        2000,
        D(2000, 2, 28),
        "condition",
        "FAA §490(a): half withheld until the certification, the day before",
    ),
    (
        "drug-majors-490",
        "COL",
        "FMF",
        2000,
        D(2000, 2, 29),
        NONE,
        "PD 2000-16 §490(b)(1)(A): Colombia certified as cooperating fully",
    ),
    ("drug-majors-490", "GBR", "FMF", 2000, D(2000, 3, 1), NONE, "PD 2000-16: the UK is not among the 26 majors"),
    (
        "drug-majors-490",
        "AFG",
        "FMF",
        2001,
        D(2001, 6, 1),
        "prohibits",
        "CBS 2002-02-25: Afghanistan decertified in 2001 with no waiver",
    ),
    ("drug-majors-490", "COL", "FMF", 2001, D(2001, 6, 1), GAP, "the March 2001 certification text was not read"),
    # ---- §7008 coups: a day either side of each coup and restoration
    ("coup-7008", "PAK", "IMET", 2000, D(2000, 3, 1), "prohibits", "§508 after the 12 Oct 1999 coup (State fact sheet 2001)"),
    ("coup-7008", "THA", "FMF", 2006, D(2006, 9, 18), NONE, "coup of 19 Sep 2006 (AP 2006-09-28): the day before"),
    ("coup-7008", "THA", "FMF", 2006, D(2006, 9, 19), "prohibits", "coup of 19 Sep 2006"),
    ("coup-7008", "FJI", "IMET", 2007, D(2006, 12, 4), NONE, "coup of 5 Dec 2006 (VOA): the day before"),
    ("coup-7008", "FJI", "IMET", 2007, D(2006, 12, 5), "prohibits", "coup of 5 Dec 2006; US Embassy Suva §508 page"),
    ("coup-7008", "FJI", "IMET", 2010, D(2010, 3, 1), "prohibits", "§508/§7008 until after the 2014 election"),
    ("coup-7008", "FJI", "IMET", 2015, D(2014, 10, 30), "prohibits", "lifted 31 Oct 2014 (AP): the day before"),
    ("coup-7008", "MRT", "FMF", 2008, D(2008, 8, 6), "prohibits", "coup of 6 Aug 2008 (VOA 2008-08-07)"),
    ("coup-7008", "GIN", "IMET", 2009, D(2008, 12, 22), NONE, "coup of 23 Dec 2008 (CRS R40703): the day before"),
    ("coup-7008", "GIN", "IMET", 2009, D(2008, 12, 23), "prohibits", "coup of 23 Dec 2008"),
    ("coup-7008", "MDG", "IMET", 2009, D(2009, 3, 17), "prohibits", "coup of 17 Mar 2009 (UPI 2009-03-20; CRS R40448)"),
    ("coup-7008", "HND", "FMF", 2009, D(2009, 6, 27), NONE, "coup of 28 Jun 2009: the day before"),
    ("coup-7008", "HND", "FMF", 2009, D(2009, 6, 28), "prohibits", "coup of 28 Jun 2009 (State statement 2009-09-03)"),
    ("coup-7008", "NER", "IMET", 2010, D(2010, 2, 18), "prohibits", "coup of 18 Feb 2010"),
    ("coup-7008", "MLI", "IMET", 2012, D(2012, 3, 21), NONE, "coup of 22 Mar 2012: the day before"),
    (
        "coup-7008",
        "MLI",
        "IMET",
        2012,
        D(2012, 6, 15),
        "prohibits",
        "Mali IMET June 2012: the bar runs from the coup (Reuters/AP 2012-03-26)",
    ),
    ("coup-7008", "EGY", "FMF", 2013, D(2013, 7, 3), "prohibits", "coup of 3 Jul 2013: the bar runs until the decision"),
    (
        "coup-7008",
        "EGY",
        "FMF",
        2014,
        D(2013, 11, 1),
        "excepted",
        "Reuters 2013-07-25: the Administration decided no determination was required",
    ),
    ("coup-7008", "THA", "IMET", 2014, D(2014, 5, 21), NONE, "coup of 22 May 2014: the day before"),
    ("coup-7008", "THA", "IMET", 2014, D(2014, 5, 22), "prohibits", "coup of 22 May 2014 (AP 2014-05-23)"),
    (
        "coup-7008",
        "BFA",
        "FMF",
        2015,
        D(2015, 9, 20),
        GAP,
        "Burkina Faso: no US determination after the Oct 2014 takeover; unresolved until Dec 2015",
    ),
    (
        "coup-7008",
        "SDN",
        "FMF",
        2019,
        D(2019, 4, 12),
        "prohibits",
        "Sudan restricted since 1989; the April 2019 ouster happened while restricted (CRS IF11267)",
    ),
    ("coup-7008", "MMR", "IMET", 2021, D(2021, 1, 31), NONE, "coup of 1 Feb 2021: the day before"),
    ("coup-7008", "MMR", "IMET", 2021, D(2021, 2, 1), "prohibits", "coup of 1 Feb 2021; determination 2 Feb 2021"),
    ("coup-7008", "GIN", "FMF", 2021, D(2021, 9, 5), "prohibits", "coup of 5 Sep 2021 (CRS IF11267)"),
    ("coup-7008", "SDN", "FMF", 2022, D(2021, 10, 26), "prohibits", "Sudan: Oct 2021 takeover while restricted since 1989"),
    ("coup-7008", "BFA", "PKO", 2022, D(2022, 1, 23), "prohibits", "coup of 23 Jan 2022 (Reuters 2022-02-19)"),
    ("coup-7008", "NER", "FMF", 2023, D(2023, 7, 25), NONE, "coup of 26 Jul 2023: the day before"),
    ("coup-7008", "NER", "FMF", 2023, D(2023, 7, 26), "prohibits", "coup of 26 Jul 2023; formal determination 10 Oct 2023"),
    ("coup-7008", "GAB", "IMET", 2023, D(2023, 8, 30), "prohibits", "coup of 30 Aug 2023; State statement 2023-10-23"),
    ("coup-7008", "TCD", "FMF", 2022, D(2022, 3, 1), GAP, "Chad 2021: no §7008 determination reported (Reuters; CRS IF11817)"),
    # ---- SST (FAA §620A): designations and rescissions, a day either side
    ("sst-620a", "IRN", "IMET", 2001, D(2001, 3, 1), "prohibits", "Iran designated 19 Jan 1984"),
    ("sst-620a", "IRQ", "FMF", 2005, D(2004, 10, 19), "prohibits", "Iraq rescinded 20 Oct 2004: the day before"),
    ("sst-620a", "IRQ", "FMF", 2005, D(2004, 10, 20), NONE, "Iraq rescinded 20 Oct 2004"),
    ("sst-620a", "LBY", "FMF", 2006, D(2006, 6, 29), "prohibits", "Libya rescinded 30 Jun 2006: the day before"),
    ("sst-620a", "LBY", "FMF", 2006, D(2006, 6, 30), NONE, "Libya rescinded 30 Jun 2006"),
    ("sst-620a", "PRK", "FMF", 2009, D(2008, 10, 10), "prohibits", "North Korea rescinded 11 Oct 2008: the day before"),
    ("sst-620a", "PRK", "FMF", 2009, D(2008, 10, 11), NONE, "North Korea rescinded 11 Oct 2008"),
    ("sst-620a", "SYR", "FMF", 2012, D(2012, 3, 1), "prohibits", "Syria designated 29 Dec 1979"),
    ("sst-620a", "CUB", "FMF", 2015, D(2015, 5, 28), "prohibits", "Cuba rescinded 29 May 2015: the day before"),
    ("sst-620a", "CUB", "FMF", 2015, D(2015, 5, 29), NONE, "Cuba rescinded 29 May 2015"),
    ("sst-620a", "PRK", "FMF", 2018, D(2017, 11, 20), "prohibits", "North Korea re-designated 20 Nov 2017"),
    ("sst-620a", "IRN", "IMET", 2016, D(2016, 3, 1), "prohibits", "Iran designated 19 Jan 1984"),
    ("sst-620a", "SDN", "FMF", 2017, D(2017, 3, 1), "prohibits", "Sudan designated 12 Aug 1993, rescinded 14 Dec 2020"),
    ("sst-620a", "SDN", "FMF", 2021, D(2020, 12, 14), NONE, "Sudan rescinded 14 Dec 2020"),
    ("sst-620a", "CUB", "FMF", 2021, D(2021, 1, 11), NONE, "Cuba re-designated 12 Jan 2021: the day before"),
    ("sst-620a", "CUB", "FMF", 2021, D(2021, 1, 12), "prohibits", "Cuba re-designated 12 Jan 2021"),
    (
        "sst-620a",
        "CUB",
        "FMF",
        2025,
        D(2025, 1, 15),
        "prohibits",
        "Cuba 14-19 Jan 2025: a 2371(c)(2) rescission waits 45 days; revoked 20 Jan",
    ),
    # ---- SFOPS prohibited countries (§507 / §607 / §7007)
    ("sfops-7007", "PRK", "IMET", 2003, D(2003, 3, 1), "prohibits", "P.L. 108-7 §507 (FY2003)"),
    ("sfops-7007", "CUB", "FMF", 2008, D(2008, 3, 1), "prohibits", "P.L. 110-161 Div. J §607 (FY2008)"),
    ("sfops-7007", "PRK", "IMET", 2010, D(2010, 3, 1), "prohibits", "SFOPS §7007 FY2010 [unconfirmed list]"),
    ("sfops-7007", "CUB", "FMF", 2023, D(2023, 3, 1), "prohibits", "P.L. 117-328 Div. K §7007"),
    ("sfops-7007", "SYR", "IMET", 2024, D(2024, 3, 1), "prohibits", "P.L. 118-47 Div. F §7007"),
    ("sfops-7007", "CUB", "FMF", 2005, D(2005, 3, 1), GAP, "the FY2005 act's §507 text is not in the product's sources"),
    # ---- Symington / Glenn / Pressler
    (
        "symington-glenn",
        "PAK",
        "FMF",
        1999,
        D(1999, 3, 1),
        "prohibits",
        "Pressler since 1990 and Glenn after the May 1998 tests (CRS 98-486)",
    ),
    ("symington-glenn", "IND", "IMET", 2000, D(2000, 3, 1), "prohibits", "Glenn sanctions of 13 May 1998"),
    (
        "symington-glenn",
        "IND",
        "IMET",
        2001,
        D(2001, 9, 21),
        "prohibits",
        "waived 22 Sep 2001 (State fact sheet): the day before",
    ),
    ("symington-glenn", "PAK", "FMF", 2001, D(2001, 9, 21), "prohibits", "waived 22 Sep 2001: the day before"),
    # ---- 22 U.S.C. 2347e
    ("imet-high-income-2347e", "AUT", "IMET", 2005, D(2005, 3, 1), "prohibits", "22 U.S.C. 2347e names Austria"),
    ("imet-high-income-2347e", "SGP", "IMET", 2015, D(2015, 3, 1), "prohibits", "22 U.S.C. 2347e names Singapore"),
    ("imet-high-income-2347e", "ESP", "IMET", 2010, D(2010, 3, 1), "prohibits", "22 U.S.C. 2347e names Spain"),
    ("imet-high-income-2347e", "KOR", "IMET", 2022, D(2022, 3, 1), "prohibits", "22 U.S.C. 2347e names the Republic of Korea"),
    ("imet-high-income-2347e", "FIN", "IMET", 2020, D(2020, 3, 1), "prohibits", "22 U.S.C. 2347e names Finland"),
    ("imet-high-income-2347e", "NOR", "IMET", 2020, D(2020, 3, 1), NONE, "22 U.S.C. 2347e does not name Norway"),
]


@pytest.mark.parametrize("case", CASES, ids=[f"{c[0]}-{c[1]}-{c[2]}-FY{c[3]}-{c[4]}" for c in CASES])
def test_a_public_record_case_gets_the_records_answer_or_names_the_gap(check, case):
    restriction, country, program, fy, on_date, effect, source = case
    result = check(country=country, program=program, fiscal_year=fy, on_date=on_date)
    effects = {f.effect for f in result.findings if f.restriction_key == restriction}
    if effect is None:  # a standing condition (e.g. an unconfirmed earlier restoration) may remain; no bar, gap or relief
        assert not effects - {"condition"}, (source, [f.as_dict() for f in result.findings if f.restriction_key == restriction])
    else:
        assert effect in effects, (source, effects, [f.explanation for f in result.findings if f.restriction_key == restriction])
    if effect == "prohibits":
        assert result.verdict == "prohibited", source
    if result.gaps:
        assert result.verdict in ("prohibited", "not_assessed"), source
    if effect == GAP:
        gap = next(f for f in result.findings if f.restriction_key == restriction and f.effect == GAP)
        assert gap.designation and gap.designation.get("to_fill"), "a gap names what would fill it"


def test_the_table_holds_five_cases_per_restriction_per_decade_where_data_exists():
    counts: dict[tuple[str, int], int] = {}
    for restriction, _, _, fy, *_ in CASES:
        decade = 2000 if fy < 2010 else 2010 if fy < 2020 else 2020
        counts[(restriction, decade)] = counts.get((restriction, decade), 0) + 1
    for key in [
        ("tvpa-tier3", 2000),
        ("tvpa-tier3", 2010),
        ("tvpa-tier3", 2020),
        ("cspa", 2010),
        ("cspa", 2020),
        ("drug-majors-490", 2000),
        ("drug-majors-490", 2010),
        ("drug-majors-490", 2020),
        ("coup-7008", 2000),
        ("coup-7008", 2010),
        ("coup-7008", 2020),
        ("sst-620a", 2000),
        ("sst-620a", 2010),
    ]:
        assert counts.get(key, 0) >= 5, key


def test_the_country_timeline_shows_each_gap_as_a_labelled_not_covered_period(restrictions_data, client_as, viewer):
    from django.urls import reverse

    html = client_as(viewer).get(reverse("restrictions:country", args=["VEN"])).content.decode()
    assert "Periods not covered by the data" in html and "Not covered" in html
    assert "<caption>Not covered: periods in which the restrictions data cannot answer for" in html
    # The 2022 CSPA list is now read (Venezuela prohibited in FY2023); the 2023 list is still partial, so FY2024 is a gap
    # labelled with what would fill it.
    assert "whether Venezuela was listed" in html


def test_timeline_gaps_follow_the_coverage_and_the_countrys_own_designations(restrictions_data):
    import datetime as dt

    from secassist.restrictions.coverage import country_gaps
    from secassist.restrictions.snapshot import get_snapshot

    gaps = country_gaps(get_snapshot(), "COD", fy_from=2010, fy_to=2016, today=dt.date(2026, 11, 29))
    tvpa = [(g["fy_from"], g["fy_to"], g["status"]) for g in gaps if g["restriction"] == "tvpa-tier3"]
    assert (2013, 2015, "unresolved") in tvpa  # partial §110(d)(4) waivers whose scope was not read
    # FY2016: the Tier 3 list of the 2015 report is recorded and the DRC is not on it, so FY2016 is no gap for the DRC.
    assert not any(g_from <= 2016 <= g_to for g_from, g_to, _ in tvpa)
    assert not any(g["fy_from"] <= 2012 <= g["fy_to"] for g in gaps if g["restriction"] == "tvpa-tier3")


def test_10_usc_345_has_its_current_name_and_no_concurrence_the_statute_does_not_require(restrictions_data):
    from secassist.reference.models import Authority

    s345 = Authority.objects.get(code="10USC345")
    assert s345.name == "Irregular Warfare Center and Regional Defense Fellowship Program"
    assert s345.requires_secstate_concurrence is False and s345.state_role == "joint"
    assert "P.L. 117-263" in s345.source
    assert Authority.objects.get(code="10USC332").requires_secstate_concurrence is True


def test_the_634a_rule_starts_when_section_634a_entered_the_faa_not_in_1961(db):
    from secassist.congress.models import NotificationRule

    rule = NotificationRule.objects.get(code="FAA634A")
    assert rule.effective_from == dt.date(1977, 8, 3)


def test_an_expired_leahy_unit_under_a_cspa_waiver_keeps_re_vetting_in_the_answer(
    restrictions_data, fill_gaps, sa_analyst, api_as
):
    """Issue #10 example: Somalia IMET FY2025 is relieved of CSPA by the 2024-09-30 determination (IMET, PKO, 10 U.S.C.
    331/333), but a unit whose vetting expired must still be re-vetted: the waiver is relied on and the condition stays."""
    from secassist.restrictions import services

    fill_gaps("SOM", 2025, D(2025, 3, 1))
    unit = services.save_unit(
        acting_user=sa_analyst,
        country="SOM",
        name="Somali National Army battalion (test)",
        force_type="military",
        vetting_status="approved",
        vetted_on=D(2024, 1, 10),
        vetting_expires_on=D(2025, 1, 31),
    )
    body = (
        api_as(sa_analyst)
        .post(
            "/api/v1/restrictions/check",
            {"country": "SOM", "program": "IMET", "fiscal_year": 2025, "on_date": "2025-03-01", "units": [unit.pk]},
            content_type="application/json",
        )
        .json()
    )
    assert body["verdict"] == "allowed_under_waiver"
    assert any(w["restriction_key"] == "cspa" for w in body["waivers_relied_on"])
    assert {c["code"] for c in body["conditions"]} >= {"RST-090", "RST-091"}
    assert any("vet" in c["text"] for c in body["conditions"] if c["code"] == "RST-091")


def test_a_bar_read_only_in_an_ai_generated_summary_is_not_assessed(check):
    """PD 2026-02 (TVPA, FY2026) was read only in an AI-generated summary, which is not a source of record: the five
    governments it names as withheld are unresolved, so the check says not assessed (never allowed, never a refusal
    resting on a machine's summary) and names what would settle it."""
    result = check(country="VEN", program="FMF", fiscal_year=2026, on_date=D(2026, 3, 1))
    assert "tvpa-tier3" in {g.restriction_key for g in result.gaps}
    assert result.verdict in ("prohibited", "not_assessed")  # Venezuela is barred on other grounds too
    assert not [f for f in result.findings if f.restriction_key == "tvpa-tier3" and f.effect == "prohibits"]
    other = check(country="RUS", program="IMET", fiscal_year=2026, on_date=D(2026, 3, 1))
    assert "tvpa-tier3" in {g.restriction_key for g in other.gaps}  # the other Tier 3 governments stay unresolved
