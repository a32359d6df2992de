"""Broken files are rejected with every problem named by file, line and field, all at once."""

import subprocess
import sys

import pytest

from datadir import INDICATORS, write_data_dir
from indicators import DataValidationError, load_dataset

GOOD = [("AAA", 2021, "a_lin", 3), ("BBB", 2021, "a_lin", 2)]


def issues_of(path):
    with pytest.raises(DataValidationError) as err:
        load_dataset(path)
    return err.value.issues


def find(issues, file, line, field):
    hits = [i for i in issues if i.file == file and i.line == line and i.field == field]
    assert hits, f"no issue for {file}:{line}:{field} in {[str(i) for i in issues]}"
    return hits[0]


def test_good_data_loads(tmp_path):
    ds = load_dataset(write_data_dir(tmp_path, GOOD))
    assert len(ds.observations) == 2


def test_broken_observations_report_every_problem(tmp_path):
    root = write_data_dir(tmp_path, GOOD)
    (root / "observations.csv").write_text(
        "iso3,year,indicator,value,source_id,note\n"
        "AAA,2021,a_lin,3,SRC,\n"           # line 2: fine
        "AAA,2021,no_such,1,SRC,\n"         # line 3: unknown indicator
        "Aa1,2021,a_lin,1,SRC,\n"           # line 4: bad iso3
        "AAA,2021,a_lin,2,SRC,\n"           # line 5: duplicate of line 2
        "BBB,2021,a_lin,three,SRC,\n"       # line 6: text in a value column
        "BBB,2020,a_lin,1,NOPE,\n"          # line 7: source_id with no source
        "ZZZ,2020,a_lin,1,SRC,\n"           # line 8: country not in countries.csv
        "BBB,2020,c_cat,7,SRC,\n"           # line 9: not a category
        "BBB,20x0,a_lin,1,SRC,\n"           # line 10: bad year
    )
    issues = issues_of(root)
    f = "observations.csv"
    assert "'no_such' is not a known indicator" in find(issues, f, 3, "indicator").message
    assert "not an ISO 3166-1 alpha-3 code" in find(issues, f, 4, "iso3").message
    assert "duplicate of line 2" in find(issues, f, 5, "iso3, year, indicator").message
    assert "'three' is not a number" in find(issues, f, 6, "value").message
    assert "'NOPE' is not a known source_id" in find(issues, f, 7, "source_id").message
    assert "'ZZZ' is not a known country" in find(issues, f, 8, "iso3").message
    assert "7 is not a category of c_cat" in find(issues, f, 9, "value").message
    assert "'20x0' is not a number" in find(issues, f, 10, "year").message
    assert str(find(issues, f, 6, "value")).startswith("observations.csv, line 6, field 'value':")


def test_broken_methodology_and_sources(tmp_path):
    bad = [list(r) for r in INDICATORS]
    bad[0][2] = "nonsense_pillar"   # line 2: unknown pillar
    bad[1][6], bad[1][7] = 5, 1     # line 3: hi below lo
    bad[2][8] = "0=1;1=nine"        # line 4: malformed mapping
    bad[3][9] = -1                  # line 5: negative weight
    bad[4][11] = "MISSING"          # line 6: unknown source
    root = write_data_dir(tmp_path, GOOD, indicators=[tuple(r) for r in bad])
    sources = (root / "sources.csv").read_text().replace("https://example.org/data", "example.org")
    (root / "sources.csv").write_text(sources)
    issues = issues_of(root)
    f = "methodology/indicators.csv"
    assert "not a known pillar" in find(issues, f, 2, "pillar").message
    assert "must be above lo" in find(issues, f, 3, "hi").message
    assert "mapping" in find(issues, f, 4, "mapping").message
    assert "below the minimum" in find(issues, f, 5, "weight").message
    assert "not a known source_id" in find(issues, f, 6, "source_id").message
    assert "not an http(s) URL" in find(issues, "sources.csv", 2, "url").message


def test_missing_column_and_missing_file(tmp_path):
    root = write_data_dir(tmp_path, GOOD)
    (root / "countries.csv").write_text("iso3,name\nAAA,Aland\n")
    (root / "sources.csv").unlink()
    issues = issues_of(root)
    assert any(i.file == "countries.csv" and i.field == "pilot" and "missing from the header" in i.message
               for i in issues)
    assert any(i.file == "sources.csv" and "file not found" in i.message for i in issues)


def test_bad_corrections_are_reported(tmp_path):
    root = write_data_dir(tmp_path, GOOD, corrections=[("AAA", 2021, "a_lin", "high", "", "x", "01/02/2026", "")])
    issues = issues_of(root)
    assert "'high' is not a number" in find(issues, "corrections.csv", 2, "value").message
    assert "empty but required" in find(issues, "corrections.csv", 2, "reason").message
    assert "not a date" in find(issues, "corrections.csv", 2, "date").message


def test_cli_validate_exit_codes(tmp_path):
    good = write_data_dir(tmp_path / "good", GOOD)
    ok = subprocess.run([sys.executable, "-m", "indicators", "validate", "--data", str(good)],
                        capture_output=True, text=True)
    assert ok.returncode == 0 and ok.stdout.startswith("OK:")
    bad = write_data_dir(tmp_path / "bad", GOOD + [("AAA", 2021, "bogus", 1), ("QQ", 2021, "a_lin", 1)])
    res = subprocess.run([sys.executable, "-m", "indicators", "validate", "--data", str(bad)],
                         capture_output=True, text=True)
    assert res.returncode == 1
    assert "2 problem(s)" in res.stderr
    assert "observations.csv, line 4, field 'indicator'" in res.stderr
    assert "observations.csv, line 5, field 'iso3'" in res.stderr


def test_shipped_data_is_valid():
    ds = load_dataset()
    assert ds.observations["source_id"].ne("").all()


# --- the methodology's words in other languages (data/methodology/translations.csv) ---------------------

def _translations(root, drop=(), extra=()):
    """A complete translations.csv in Spanish for the hand-made methodology, minus `drop`, plus `extra`."""
    import pandas as pd
    meth = root / "methodology"
    rows = [("indicators", code, "name", "es", f"{name} (es)") for code, name, *_rest in INDICATORS]
    rows += [("pillars", c, "name", "es", f"{c} (es)") for c in ("privacy", "expression")]
    rows += [("actors", c, "name", "es", f"{c} (es)") for c in ("state", "corporate", "structural")]
    rows += [("bands", f"{n}:{b}", "label", "es", f"{n} {b} (es)") for n in ("overall", "privacy", "expression")
             for b in range(1, 7)]
    rows = [r for r in rows if r[:3] not in drop] + list(extra)
    pd.DataFrame(rows, columns=["table", "key", "field", "lang", "text"]).to_csv(meth / "translations.csv",
                                                                                 index=False)


def test_complete_translations_load_and_are_read(tmp_path):
    root = write_data_dir(tmp_path, GOOD)
    _translations(root)
    meth = load_dataset(root).methodology
    words = meth.translated("es")
    assert words[("bands", "privacy:3", "label")] == "privacy 3 (es)"
    assert words[("indicators", "a_lin", "name")] == "Linear item (es)"
    assert meth.translated("fr") == {}


def test_a_missing_translation_names_file_row_and_language(tmp_path):
    root = write_data_dir(tmp_path, GOOD)
    _translations(root, drop={("indicators", "b_worse", "name"), ("bands", "expression:6", "label")},
                  extra=[("pillars", "privacy", "name", "fr", "Vie privée")])
    issues = issues_of(root)
    hit = find(issues, "methodology/indicators.csv", 3, "name")  # b_worse is the second row
    assert "'es'" in hit.message and "b_worse" in hit.message
    assert "'es'" in find(issues, "methodology/bands.csv", 19, "label").message  # expression, band 6
    # a language appears as soon as one row names it: French now lacks every other text
    french = [i for i in issues if "'fr'" in i.message]
    assert len(french) == len(INDICATORS) + 1 + 3 + 18


def test_a_translation_of_nothing_is_refused(tmp_path):
    root = write_data_dir(tmp_path, GOOD)
    _translations(root, extra=[("indicators", "zz_gone", "name", "es", "x"),
                               ("pillars", "privacy", "weight", "es", "1"),
                               ("sources", "SRC", "name", "es", "x"), ("actors", "state", "name", "ES", "x")])
    issues = issues_of(root)
    lines = {i.field: i for i in issues if i.file == "methodology/translations.csv"}
    assert set(lines) == {"key", "field", "table", "lang"}
    assert "zz_gone" in lines["key"].message


def _explained(root):
    """The hand-made methodology with the texts a reader is given: an indicator's description, an excluded
    candidate, a changelog entry and a sensitivity choice, each a field translations.csv must carry."""
    import pandas as pd
    meth = root / "methodology"
    ind = pd.read_csv(meth / "indicators.csv", dtype=str, keep_default_na=False)
    ind["description"] = ["", "Higher counts are worse.", "", "", "", ""]  # b_worse, line 3
    ind.to_csv(meth / "indicators.csv", index=False)
    (meth / "excluded.csv").write_text("candidate,variables,publisher,reason\n"
                                       "\"Requests, by product\",x_var,Test Publisher,Counts one request twice.\n")
    (meth / "changelog.csv").write_text("version,order,area,change,reason\n"
                                        "2.0,1,Access,Goalposts widened.,No country reached the top.\n")
    (meth / "sensitivity.csv").write_text("choice,enabled,values,spread,description\n"
                                          "window,1,1;2,,The window drawn per run.\n")
    return [("indicators", "b_worse", "description", "es", "Los valores altos son peores."),
            ("excluded", "Requests, by product", "candidate", "es", "Solicitudes, por producto"),
            ("excluded", "Requests, by product", "reason", "es", "Cuenta dos veces una solicitud."),
            ("changelog", "2.0:1", "area", "es", "Acceso"),
            ("changelog", "2.0:1", "change", "es", "Umbrales ampliados."),
            ("changelog", "2.0:1", "reason", "es", "Ningún país llegaba al máximo."),
            ("sensitivity", "window", "description", "es", "La ventana elegida en cada ejecución.")]


def test_descriptions_reasons_and_changes_are_translated_too(tmp_path):
    root = write_data_dir(tmp_path, GOOD)
    _translations(root, extra=_explained(root))
    words = load_dataset(root).methodology.translated("es")
    assert words[("indicators", "b_worse", "description")] == "Los valores altos son peores."
    assert words[("changelog", "2.0:1", "reason")] == "Ningún país llegaba al máximo."  # key: version:order
    assert words[("excluded", "Requests, by product", "candidate")] == "Solicitudes, por producto"
    assert words[("sensitivity", "window", "description")] == "La ventana elegida en cada ejecución."


def test_a_missing_description_or_reason_names_file_row_field_and_language(tmp_path):
    root = write_data_dir(tmp_path, GOOD)
    rows = _explained(root)
    gone = {("indicators", "b_worse", "description"), ("excluded", "Requests, by product", "reason"),
            ("changelog", "2.0:1", "change"), ("sensitivity", "window", "description")}
    _translations(root, extra=[r for r in rows if r[:3] not in gone])
    issues = issues_of(root)
    for file, line, field, key in (("methodology/indicators.csv", 3, "description", "b_worse"),
                                   ("methodology/excluded.csv", 2, "reason", "Requests, by product"),
                                   ("methodology/changelog.csv", 2, "change", "2.0:1"),
                                   ("methodology/sensitivity.csv", 2, "description", "window")):
        message = find(issues, file, line, field).message
        assert f"no 'es' translation of {field} for '{key}'" in message, message
    assert len(issues) == 4  # the indicators without a description need no translation of one


def test_a_translation_whose_english_changed_since_is_refused(tmp_path):
    """translations.csv's `source` names the English each text was made from (8 hex digits of its SHA-256):
    an edited description, or a row without a source, is reported on the translation's line."""
    import hashlib

    import pandas as pd
    root = write_data_dir(tmp_path, GOOD)
    _translations(root, extra=_explained(root))
    path = root / "methodology" / "translations.csv"
    rows = pd.read_csv(path, dtype=str, keep_default_na=False)
    said = "Higher counts are worse."
    rows.insert(4, "source", "")
    rows.loc[rows["key"] == "b_worse", "source"] = hashlib.sha256(said.encode()).hexdigest()[:8]
    rows.to_csv(path, index=False)
    line = {k: i + 2 for i, k in enumerate(rows["table"] + "/" + rows["key"] + "/" + rows["field"])}
    issues = issues_of(root)
    assert {i.field for i in issues} == {"source"} and all(i.file == "methodology/translations.csv" for i in issues)
    assert len(issues) == len(rows) - 1  # only b_worse's description names its English rightly:
    named = find(issues, "methodology/translations.csv", line["indicators/b_worse/name"], "source").message
    assert "changed after this 'es' text was written" in named  # its name was not made from that sentence
    blank = find(issues, "methodology/translations.csv", line["indicators/a_lin/name"], "source").message
    assert blank.startswith("no source: set it to '" + hashlib.sha256(b"Linear item").hexdigest()[:8] + "'")

    ind = pd.read_csv(root / "methodology" / "indicators.csv", dtype=str, keep_default_na=False)
    ind.loc[ind["code"] == "b_worse", "description"] = "Higher counts are worse; 0 is best."  # edited later
    ind.to_csv(root / "methodology" / "indicators.csv", index=False)
    stale = find(issues_of(root), "methodology/translations.csv", line["indicators/b_worse/description"],
                 "source").message
    assert "description for 'b_worse' (methodology/indicators.csv, line 3) changed" in stale
    assert hashlib.sha256(b"Higher counts are worse; 0 is best.").hexdigest()[:8] in stale
