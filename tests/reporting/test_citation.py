"""``mutasi cite``: the methods paragraph says what the report used, and cites what the code implements."""

from __future__ import annotations

import json
import re
import shutil

import pytest

from mutasi_analysis.cli import main
from mutasi_analysis.reporting.citation import REFERENCES, methods_paragraph

from report_helpers import REPO
from tests.conftest import require_module

GOLDEN = REPO / "tests" / "golden" / "2026-S1"


@pytest.fixture
def report(tmp_path):
    """A report folder: the golden records and a manifest as `mutasi report` writes it."""
    folder = tmp_path / "reports" / "2026-S1"
    shutil.copytree(GOLDEN, folder)
    manifest = {
        "schema": 1, "period": "2026-S1", "period_kind": "semester", "period_start": "2026-01-01",
        "period_end": "2026-06-30", "region": {"code": "alak", "name": "Kecamatan Alak"}, "lang": "id",
        "status": "ok", "ended": "2026-07-02T01:00:00.000+00:00",
        "git": {"commit": "0123456789abcdef0123", "dirty": False},
        "packages": {"mutasi-analysis": "9.8.7"},
        "notebooks": {"03_dampak_layanan": {"parameters": {"period": "2026-S1", "n_perm": 499, "n_boot": 1999}}},
    }
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return folder


def _impact(folder):
    return json.loads((folder / "03_dampak_layanan.json").read_text(encoding="utf-8"))["results"]


@pytest.mark.parametrize("lang", ["id", "en"])
def test_paragraph_names_what_the_report_used(report, lang):
    paragraph, cited = methods_paragraph(report, lang)
    assert "9.8.7" in paragraph and "0123456789ab" in paragraph and "0123456789abc" not in paragraph
    impact = _impact(report)
    # The draws the tests used (the record's), not the parameters asked for (499 / 1999).
    used = impact["draws"]
    assert f"({used['randomization']['n']} " in paragraph and f"({used['wild_bootstrap']['n']} " in paragraph
    assert "499" not in paragraph
    assert impact["control"] == "never" and impact["inference"] == "randomization"
    assert ("tidak pernah" if lang == "id" else "never-rotated") in paragraph
    assert ("95%" in paragraph)
    # Every citation in the text is in the list and the other way round.
    def short(r):
        return r.short.replace("et al.", "dkk.") if lang == "id" else r.short

    assert {short(r) for r in cited} == {short(r) for r in REFERENCES if short(r) in paragraph}
    assert {"callaway", "sun", "goodman", "fisher", "mackinnon", "cameron", "roodman", "permenpanrb",
            "krejcie"} <= {r.key for r in cited}
    assert ("rambachan" in {r.key for r in cited}) == bool(impact.get("sensitivity"))


def test_paragraph_follows_the_report_not_the_toolkit(report):
    """An analytic headline, a not-yet-rotated comparison, no sensitivity, no IKM section."""
    path = report / "03_dampak_layanan.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["results"].update(inference="analytic", control="notyet", sensitivity=None, alpha=0.1)
    path.write_text(json.dumps(data), encoding="utf-8")
    (report / "04_ikm.json").unlink()
    paragraph, cited = methods_paragraph(report, "en")
    assert "analytic standard errors" in paragraph and "not-yet-rotated" in paragraph and "90%" in paragraph
    assert "randomization inference over the rotation dates on the TWFE coefficient" in paragraph
    assert not {"rambachan", "permenpanrb", "krejcie"} & {r.key for r in cited}
    assert "PermenPANRB" not in paragraph and "Rambachan" not in paragraph


def test_without_a_dirty_tree_or_commit_it_says_so(report):
    m = json.loads((report / "manifest.json").read_text())
    m["git"] = {"commit": None, "dirty": True}
    (report / "manifest.json").write_text(json.dumps(m))
    paragraph, _ = methods_paragraph(report, "en")
    assert "(commit no git commit, with uncommitted changes)" in paragraph


def test_the_command_prints_paragraph_and_references(report, capsys):
    code = main(["cite", "--period", "2026-S1", "--reports", str(report.parent)])
    out = capsys.readouterr().out
    assert code == 0 and out.startswith("Laporan evaluasi Kecamatan Alak untuk Semester I 2026")
    refs = out.split("Rujukan:\n", 1)[1].strip().splitlines()
    assert refs == sorted(refs, key=str.casefold) and all(re.match(r"- .+ \(\d{4}\)\. ", r) for r in refs)
    assert "Callaway, B. dan Sant'Anna" in out and "Callaway, B. and" not in out    # an Indonesian list


def test_the_command_names_a_missing_report(tmp_path, capsys):
    code = main(["cite", "--period", "2026-S1", "--reports", str(tmp_path)])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1 and "mutasi report --period 2026-S1" in err[0]


def test_citation_cff_lists_every_work_the_paragraph_can_cite():
    yaml = require_module("yaml", "reads CITATION.cff (PyYAML comes with jupyterlab's jupyter_events)")
    cff = yaml.safe_load((REPO / "CITATION.cff").read_text(encoding="utf-8"))
    titles = {" ".join(str(r["title"]).split()).casefold() for r in cff.get("references", [])}
    missing = [r.title for r in REFERENCES if r.title.casefold() not in titles]
    assert not missing, f"CITATION.cff lacks: {missing}"


def test_authors_are_listed_as_the_citation_file_lists_them():
    yaml = require_module("yaml", "reads CITATION.cff (PyYAML comes with jupyterlab's jupyter_events)")
    cff = yaml.safe_load((REPO / "CITATION.cff").read_text(encoding="utf-8"))
    by_title = {" ".join(str(r["title"]).split()).casefold(): r for r in cff.get("references", [])}
    for ref in REFERENCES:
        entry = by_title[ref.title.casefold()]
        families = [a.get("family-names") or a.get("name") for a in entry.get("authors", [])]
        ours = [a.split(",")[0].strip() for a in ref.authors.replace(" and ", ", ").split("., ")]
        if ref.key != "permenpanrb":
            assert ours == families, ref.key


def test_enumerated_draws_are_told_as_such(report):
    """A small region's tests enumerate every assignment / sign pattern: the paragraph gives
    what ran (the record's draws), not the draws asked for."""
    path = report / "03_dampak_layanan.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["results"]["draws"] = {"randomization": {"n": 35, "enumerated": True, "term": "att_simple"},
                                "wild_bootstrap": {"n": 4096, "enumerated": True}}
    path.write_text(json.dumps(data), encoding="utf-8")
    en, _ = methods_paragraph(report, "en")
    assert "all 35 possible assignments of the rotation dates" in en and "all 4,096 sign patterns" in en
    assert "499" not in en and "1999" not in en.replace(",", "")
    assert "seluruh 4.096 pola tanda" in methods_paragraph(report, "id")[0]


def test_latest_is_the_newest_rendered_period(report, capsys):
    older = report.parent / "2025-S2"
    shutil.copytree(report, older)
    m = json.loads((older / "manifest.json").read_text())
    m.update(period="2025-S2", period_start="2025-07-01", period_end="2025-12-31")
    (older / "manifest.json").write_text(json.dumps(m))
    assert main(["cite", "--period", "latest", "--reports", str(report.parent)]) == 0
    assert "Semester I 2026" in capsys.readouterr().out


def test_a_record_without_draws_gives_the_parameters_the_report_ran_with(report):
    path = report / "03_dampak_layanan.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    del data["results"]["draws"]                        # written before draws were recorded
    path.write_text(json.dumps(data), encoding="utf-8")
    paragraph, _ = methods_paragraph(report, "en")
    assert "(499 permutations" in paragraph and "(1,999 replications" in paragraph
