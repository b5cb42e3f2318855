"""The notebook helpers: one narrative in two languages, tables with display labels."""

from __future__ import annotations

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
    for text in ("<th>Jumlah responden</th>", "<th>Kode unit</th>", "1.500", "82,41", "ya", "Mutasi masuk"):
        assert text in html, text
    Narrator("en").table(frame)
    assert "Rotated in" in shown[1].data and "82.41" in shown[1].data and "yes" in shown[1].data


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
