"""``reports/index.html``: every period rendered so far, headline numbers side by side.

Headline numbers come from the recorded results (``<notebook>.json``, key ``headline``), never
from HTML. A headline entry is ``{"key": {"label": "IKM kecamatan", "value": 82.41}}`` or
simply ``{"IKM kecamatan": 82.41}``.
"""

from __future__ import annotations

import html
import math
from pathlib import Path
from typing import Any

from ..record import read_records
from ..text import section_title
from .lock import period_lock
from .manifest import read_manifest, write_text_atomic

__all__ = ["report_folders", "headline_rows", "write_index", "INDEX_NAME"]

INDEX_NAME = "index.html"

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
        if not d.is_dir() or d.name.startswith((".", "_")):
            continue
        m = read_manifest(d)
        if m is not None:
            out.append((str(m.get("period", d.name)), d, m))
    return out


def _headline(results: dict[str, Any]) -> dict[str, tuple[str, Any]]:
    items = results.get("headline") if isinstance(results, dict) else None
    out = {}
    if not isinstance(items, dict):
        return out
    for key, v in items.items():
        if isinstance(v, dict) and "value" in v:
            out[key] = (str(v.get("label", key)), v["value"])
        elif v is None or isinstance(v, (int, float, str)):
            out[key] = (str(key), v)
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
        for nb, results in read_records(folder).items():
            for key, (label, value) in _headline(results).items():
                row = rows.setdefault((nb, key), {"notebook": nb, "key": key, "label": label, "values": {}})
                row["values"][period] = value
    return periods, [rows[k] for k in sorted(rows)]


def _fmt(v: Any) -> str:
    if v is None:
        return "&ndash;"
    if isinstance(v, bool):
        return "ya" if v else "tidak"
    if isinstance(v, int):
        return f"{v:,}".replace(",", ".")  # Indonesian thousands separator
    if isinstance(v, float):
        if math.isnan(v):
            return "&ndash;"
        s = f"{v:,.2f}"
        return s.replace(",", "\u2009").replace(".", ",").replace("\u2009", ".")
    return html.escape(str(v))


def write_index(reports: str | Path, title: str = "Laporan evaluasi mutasi ASN") -> Path:
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


def _write_index(reports: Path, title: str) -> Path:
    folders = report_folders(reports)
    periods, rows = headline_rows(reports)
    region = next((m.get("region", {}).get("name") for _, _, m in reversed(folders) if m.get("region")), "")
    esc = html.escape
    parts = [
        "<!DOCTYPE html>", '<html lang="id"><head><meta charset="utf-8">',
        f"<title>{esc(title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{esc(title)}</h1>", f"<p>{esc(region)}</p>" if region else "",
        "<h2>Periode / Periods</h2>",
        "<table><tr><th>Periode</th><th>Status</th><th>Dibuat (UTC)</th><th>Commit</th><th>Laporan</th></tr>",
    ]
    for period, folder, m in folders:
        status = m.get("status", "?")
        failed = ", ".join(m.get("failed", []))
        git = m.get("git") or {}
        commit = (git.get("commit") or "")[:10] + (" (dirty)" if git.get("dirty") else "")
        links = " &middot; ".join(
            f'<a href="{esc(folder.name)}/{esc(e["files"]["html"])}">{esc(section_title(name))}</a>'
            for name, e in m.get("notebooks", {}).items() if e.get("files", {}).get("html")
        )
        for e in (m.get("exports") or {}).values():
            if e.get("status") == "ok":
                for kind, f in sorted((e.get("files") or {}).items()):
                    label = kind.upper() if kind != "file" else Path(f).suffix.lstrip(".").upper()
                    links += f' &middot; <a href="{esc(folder.name)}/{esc(f)}">{esc(label)}</a>'

        attempt = read_manifest(reports / "_failed" / folder.name)
        if attempt is not None and attempt.get("failed"):
            # A later run failed and the report above was kept: say so, with a link.
            failed = (failed + "; " if failed else "") + (
                f'<a href="_failed/{esc(folder.name)}/manifest.json">'
                f"percobaan {esc(str(attempt.get('ended', ''))[:19])} gagal: {esc(', '.join(attempt['failed']))}</a>")
        else:
            failed = esc(failed)
        parts.append(
            f"<tr><td>{esc(period)}</td><td class=\"{esc(status)}\">{esc(status)}"
            f"{'<br><small>' + failed + '</small>' if failed else ''}</td>"
            f"<td>{esc(str(m.get('ended', ''))[:19])}</td><td><code>{esc(commit)}</code></td>"
            f"<td>{links} &middot; <a href=\"{esc(folder.name)}/manifest.json\">manifest</a></td></tr>"
        )
    parts.append("</table>")
    if rows:
        parts.append("<h2>Angka utama / Headline numbers</h2><table><tr><th>Bagian</th><th>Ukuran</th>")
        parts += [f"<th>{esc(p)}</th>" for p in periods]
        parts.append("</tr>")
        for r in rows:
            cells = "".join(f'<td class="num">{_fmt(r["values"].get(p))}</td>' for p in periods)
            parts.append(f"<tr><td>{esc(section_title(r['notebook']))}</td><td>{esc(r['label'])}</td>{cells}</tr>")
        parts.append("</table>")
    parts.append("</body></html>")
    return write_text_atomic(reports / INDEX_NAME, "\n".join(parts) + "\n")
