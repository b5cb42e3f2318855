"""``reports/index.html``: every period rendered so far, headline numbers side by side.

Headline numbers come from the recorded results (``<notebook>.json``, key ``headline``, see
:mod:`mutasi_analysis.sections`), never from HTML. Each language has its own reports root
(:func:`lang_root`: Indonesian ``reports/<period>/``, English ``reports/en/<period>/``); the
index lists each language in its own table and never mixes numbers across them.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from ..project import POOLED_CODE
from ..record import RecordError, read_sections
from ..text import fmt_datetime, fmt_value, section_title
from ..text import label as text_label
from .html import CSP_META
from .lock import period_lock
from .manifest import period_name, read_manifest, write_text_atomic

__all__ = ["report_folders", "headline_rows", "write_index", "INDEX_NAME", "lang_root", "LANG_ROOTS",
           "display_title"]

INDEX_NAME = "index.html"
#: Languages in index order, and the folder of each under the reports root.
LANG_ROOTS = {"id": "", "en": "en"}


def lang_root(reports: str | Path, lang: str) -> Path:
    """The folder holding a language's period folders: ``reports`` itself for Indonesian."""
    if lang not in LANG_ROOTS:
        raise ValueError(f"unknown report language {lang!r}; one of {', '.join(LANG_ROOTS)}")
    return Path(reports) / LANG_ROOTS[lang] if LANG_ROOTS[lang] else Path(reports)


def display_title(notebook: str, entry: dict[str, Any] | None = None, lang: str = "id") -> str:
    """A section's title: the built-in one, else the title its render found, else its name."""
    built_in = section_title(notebook, lang)
    if built_in != notebook:
        return built_in
    return str((entry or {}).get("title") or notebook)

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2rem;color:#222}
table{border-collapse:collapse;margin:1rem 0}th,td{border:1px solid #ccc;padding:.3rem .6rem}
th{background:#f3f3f3;text-align:left}td.num{text-align:right;font-variant-numeric:tabular-nums}
.ok{color:#1b7f3b}.failed{color:#b00020;font-weight:bold}small{color:#666}
"""


def report_folders(reports: str | Path) -> list[tuple[str, Path, dict[str, Any]]]:
    """``(period, folder, manifest)`` for every rendered period, in period order.

    Hidden folders (temporary renders) and ``_failed`` are not reports.
    """
    reports = Path(reports)
    out = []
    if not reports.is_dir():
        return out
    for d in sorted(reports.iterdir()):
        if not d.is_dir() or d.name.startswith((".", "_")) or d.name in LANG_ROOTS.values():
            continue
        m = read_manifest(d)
        if m is not None:
            out.append((str(m.get("period", d.name)), d, m))
    return out


def headline_rows(reports: str | Path) -> tuple[list[str], list[dict[str, Any]]]:
    """Headline numbers of every period side by side.

    Returns
    -------
    periods : list of str
    rows : list of dict
        ``{"notebook", "key", "label", "values": {period: value}}`` in notebook order.
    """
    folders = report_folders(reports)
    periods = [p for p, _, _ in folders]
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    for period, folder, _ in folders:
        try:
            records = read_sections(folder)
        except RecordError:  # written by an older version: shown once rendered again
            records = {}
        for nb, rec in records.items():
            for key, h in rec.headline.items():
                label, value = h.label, h.value
                row = rows.setdefault((nb, key), {"notebook": nb, "key": key, "label": label, "better": h.better,
                                                  "values": {}})
                row["values"][period] = value
    return periods, [rows[k] for k in sorted(rows)]


def _fmt(v: Any, lang: str = "id") -> str:
    return html.escape(fmt_value(v, lang))


#: The heading of the index; the pooled report of many regions (code ``_gabungan``) gets ``pooled.title``.
_TITLE = "Laporan evaluasi mutasi ASN / Civil-servant rotation reports"


def write_index(reports: str | Path, title: str = _TITLE) -> Path:
    """Write ``reports/index.html`` (self-contained, no network assets).

    Parameters
    ----------
    reports : path
        The reports root.
    title : str
        Page heading.

    Returns
    -------
    Path
        The page written (atomically).
    """
    reports = Path(reports)
    reports.mkdir(parents=True, exist_ok=True)
    # Runs of different periods may finish together: one writer at a time, so that the
    # last one written has seen every period.
    with period_lock(reports / ".locks" / "index.lock", "reports/index.html", wait=120):
        return _write_index(reports, title)




def _lang_part(reports: Path, lang: str) -> list[str]:
    root = lang_root(reports, lang)
    folders = report_folders(root)
    if not folders:
        return []
    periods, rows = headline_rows(root)
    prefix = f"{LANG_ROOTS[lang]}/" if LANG_ROOTS[lang] else ""
    heading, period_h, numbers_h, section_h, measure_h = (
        text_label(f"index.{k}", lang) for k in ("heading", "period", "numbers", "section", "measure"))
    esc = html.escape
    parts = [
        f'<section lang="{lang}" id="lang-{lang}"><h2>{esc(heading)}</h2>',
        f"<table><tr><th>{period_h}</th><th>{esc(text_label('index.status', lang))}</th>"
        f"<th>{esc(text_label('index.rendered', lang))}</th><th>{esc(text_label('index.commit', lang))}</th><th>{section_h}</th></tr>",
    ]
    for period, folder, m in folders:
        base = f"{prefix}{folder.name}"
        status = m.get("status", "?")
        failed = ", ".join(display_title(n, (m.get("notebooks") or {}).get(n), lang) for n in m.get("failed", []))
        git = m.get("git") or {}
        commit = (git.get("commit") or "")[:10] + (" (dirty)" if git.get("dirty") else "")
        links = " &middot; ".join(
            f'<a href="{esc(base)}/{esc(e["files"]["html"])}">{esc(display_title(name, e, lang))}</a>'
            for name, e in m.get("notebooks", {}).items() if e.get("files", {}).get("html")
        )
        for e in (m.get("exports") or {}).values():
            if e.get("status") == "ok":
                for kind, f in sorted((e.get("files") or {}).items()):
                    label = kind.upper() if kind != "file" else Path(f).suffix.lstrip(".").upper()
                    links += f' &middot; <a href="{esc(base)}/{esc(f)}">{esc(label)}</a>'

        attempt = read_manifest(root / "_failed" / folder.name)
        if attempt is not None and attempt.get("failed"):
            # A later run failed and the report above was kept: say so, with a link.
            when = fmt_datetime(attempt["ended"], lang) if attempt.get("ended") else ""
            names = ", ".join(display_title(n, (attempt.get("notebooks") or {}).get(n), lang) for n in attempt["failed"])
            failed = (failed + "; " if failed else "") + (
                f'<a href="{esc(prefix)}_failed/{esc(folder.name)}/manifest.json">'
                f"{esc(text_label('index.attempt_failed', lang).format(when=when, names=names))}</a>")
        else:
            failed = esc(failed)
        shown_status = text_label(f"render_{status}", lang) if status in ("ok", "failed") else status
        ended = fmt_datetime(m["ended"], lang) if m.get("ended") else ""
        parts.append(
            f"<tr><td>{esc(period_name(m, lang))}</td><td class=\"{esc(status)}\">{esc(shown_status)}"
            f"{'<br><small>' + failed + '</small>' if failed else ''}</td>"
            f"<td>{esc(ended)}</td><td><code>{esc(commit)}</code></td>"
            f"<td>{links} &middot; <a href=\"{esc(base)}/manifest.json\">manifest</a></td></tr>"
        )
    parts.append("</table>")
    if rows:
        parts.append(f"<h3>{esc(numbers_h)}</h3><table><tr><th>{section_h}</th><th>{measure_h}</th>")
        names = {p: period_name(m, lang) for p, _, m in folders}
        parts += [f"<th>{esc(names.get(p, p))}</th>" for p in periods]
        parts.append("</tr>")
        titles = {name: display_title(name, e, lang) for _, _, m in folders for name, e in m.get("notebooks", {}).items()}
        for r in rows:
            cells = "".join(f'<td class="num">{_fmt(r["values"].get(p), lang)}</td>' for p in periods)
            title = titles.get(r["notebook"], display_title(r["notebook"], None, lang))
            better = r.get("better")
            hint = f' <small class="better">({esc(text_label("index.better_" + better, lang))})</small>' if better else ""
            parts.append(f"<tr><td>{esc(title)}</td><td>{esc(r['label'])}{hint}</td>{cells}</tr>")
        parts.append("</table>")
    parts.append("</section>")
    return parts


def _write_index(reports: Path, title: str) -> Path:
    every = [m for lang in LANG_ROOTS for _, _, m in report_folders(lang_root(reports, lang))]
    region = next((m.get("region", {}).get("name") for m in reversed(every) if m.get("region")), "")
    code = next((m.get("region", {}).get("code") for m in reversed(every) if m.get("region")), "")
    if code == POOLED_CODE and title == _TITLE:  # the pooled report of many regions
        title = " / ".join(text_label("pooled.title", lang) for lang in LANG_ROOTS)
    esc = html.escape
    parts = [
        "<!DOCTYPE html>", f'<html lang="id"><head><meta charset="utf-8">{CSP_META}',
        f"<title>{esc(title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{esc(title)}</h1>", f"<p>{esc(region)}</p>" if region else "",
    ]
    for lang in LANG_ROOTS:
        parts += _lang_part(reports, lang)
    parts.append("</body></html>")
    return write_text_atomic(reports / INDEX_NAME, "\n".join(parts) + "\n")
