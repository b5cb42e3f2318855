"""The notebook helpers: one narrative in two languages, tables with display labels."""

from __future__ import annotations

import numpy as np

import re
import pandas as pd
import pytest

from mutasi_analysis.reporting.notebook import Narrator


@pytest.fixture
def shown(monkeypatch):
    """Capture what the helpers display instead of sending it to a notebook."""
    import IPython.display as d

    got = []
    monkeypatch.setattr(d, "display", lambda obj: got.append(obj))
    return got


def test_say_picks_the_language_and_fills_values(shown):
    Narrator("id").say("IKM {v}", "IKM is {v}", v="82,41")
    Narrator("en").say("IKM {v}", "IKM is {v}", v="82.41")
    assert [o.data for o in shown] == ["IKM 82,41", "IKM is 82.41"]


def test_numbers_and_shares_per_language():
    assert Narrator("id").num(1234.5) == "1.234,50" and Narrator("en").num(1234.5) == "1,234.50"
    assert Narrator("id").pct(0.304) == "30,4%"


def test_table_has_labels_and_indonesian_numbers(shown):
    frame = pd.DataFrame({"kode_unit": ["A"], "n_responden": pd.array([1500], dtype="Int64"),
                          "ikm": [82.4149], "memadai": pd.array([True], dtype="boolean"), "masuk": [3]})
    Narrator("id").table(frame)
    html = shown[0].data
    for text in ('<th class="num">Jumlah responden</th>', "<th>Kode unit</th>", "1.500", "82,41", "ya", "Mutasi masuk"):
        assert text in html, text
    Narrator("en").table(frame)
    assert "Rotated in" in shown[1].data and "82.41" in shown[1].data and "yes" in shown[1].data


def test_table_marks_numeric_columns_so_that_text_stands_left_and_numbers_right(shown):
    """Issue 12: unit and method names were right-aligned like numbers."""
    frame = pd.DataFrame({
        "nama_unit": ["Kantor Camat Alak", "Puskesmas Alak", None],
        "n_responden": pd.array([1500, None, 7], dtype="Int64"),
        "masuk": ["3", "*", "1.204"],  # suppressed counts, already written as text
        "cohort": ["2023-09", "Tidak pernah dirotasi", "2025-10"],  # months and words: text
        "share": [0.25, 0.5, None],
        "bukti": ["n = 155", "-0,97 [-1,42; -0,43]", "< 0,001"],  # numbers inside prose: text
        "p": ["< 0,001", "0,350", "−0,25"],
        "memadai": pd.array([True, False, None], dtype="boolean"),
    })
    Narrator("id").table(frame, percent=["share"])
    page = shown[0].data
    heads = re.findall(r"<th( class=\"num\")?>([^<]*)</th>", page)
    assert [bool(c) for c, _ in heads] == [False, True, True, False, True, False, True, False]
    first = re.search(r"<tbody><tr>(.*?)</tr>", page).group(1)
    # Short texts stay on one line ("short"), numbers right ("num"), long text wraps.
    assert first.startswith('<td class="short">Kantor Camat Alak</td><td class="num">1.500</td><td class="num">3</td>')
    assert '<td class="short">ya</td>' in first and '<td class="num">25,0%</td>' in first
    assert re.search(r'<tr><td class="short"></td><td class="num">7</td>', page)  # a missing name: empty
    long = pd.DataFrame({"unsur_turun_mutu": ["Persyaratan (B \u2192 C), Sistem, mekanisme, dan prosedur (B \u2192 C)"]})
    Narrator("id").table(long)
    assert "<td>Persyaratan" in shown[1].data


def test_html_table_escapes_and_shows_the_index():
    from mutasi_analysis.reporting.notebook import html_table

    frame = pd.DataFrame({"Unit": ["<b>A</b>"], "Nilai": ["1,5"]}, index=pd.Index(["x&y"], name="Kode"))
    page = html_table(frame, index=True)
    assert page == ('<table class="dataframe"><thead><tr><th>Kode</th><th>Unit</th><th class="num">Nilai</th>'
                    '</tr></thead><tbody><tr><th>x&amp;y</th><td class="short">&lt;b&gt;A&lt;/b&gt;</td>'
                    '<td class="num">1,5</td></tr></tbody></table>')


def test_unknown_language_is_refused():
    with pytest.raises(ValueError, match="lang must be 'id' or 'en'"):
        Narrator("fr")


def test_say_escapes_text_values_and_writes_numbers_the_report_languages_way(monkeypatch):
    import IPython.display

    shown = []
    monkeypatch.setattr(IPython.display, "display", lambda obj: shown.append(obj.data))
    from mutasi_analysis.reporting.notebook import Narrator

    Narrator("id").say("{name}: {n} tahun, {m} orang, {x}", "en", name="<b>Alak</b> [x](y)", n=2.5, m=5270, x=True)
    assert shown == ["&lt;b&gt;Alak&lt;/b&gt; \\[x\\]\\(y\\): 2,5 tahun, 5.270 orang, True"]
    Narrator("en").say("id", "{n} years, {m} people", n=2.0, m=5270)
    assert shown[-1] == "2 years, 5,270 people"
    # A placeholder's number format keeps its decimals, written the language's way.
    Narrator("id").say("{x:.1f} tahun, {y:g}, {s:.0%}, {k:,d}, {z}", "en", x=1.234, y=2.5, s=0.333, k=np.int64(5270), z=0.004)
    assert shown[-1] == "1,2 tahun, 2,5, 33%, 5.270, 0,004"


def test_escaped_values_read_back_as_the_same_characters():
    """What nbconvert renders from an escaped value is the value: quotes intact, one line."""
    import html

    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    from mutasi_analysis.reporting.notebook import escape_markdown

    for value in ("Sant'Anna & \"Ma'ruf\"", "<img src=x onerror=alert(1)>", "a_b *c* [d](e) `f` #g", "x\n1. y\n    z"):
        rendered = markdown2html_mistune(escape_markdown(value))
        text = html.unescape(re.sub(r"<[^>]+>", "", rendered)).strip()
        assert text == " ".join(value.split()), (value, rendered)
        assert "<img" not in rendered and "<ol" not in rendered and "<pre" not in rendered
