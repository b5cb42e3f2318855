"""``rencana-mutasi-<period>.xlsx``: the proposed next wave as a workbook for BKPSDM.

The workbook names staff by pseudonym only, so it is a restricted file (mode 0600, outside
``reports/``), never part of a report. Sheets, in the report language: a summary (what the
plan is, how it was made, what it leaves undone), the proposed moves with each move's reasons,
readiness signal and training, the training schedule, the needs before and after, eligibility
(every person in post, with the rule and legal basis of each exclusion) and the waves. Two
hidden sheets (:func:`mutasi_analysis.reidentify.write_machine_sheets`) let the key holder turn
the moves back into names with ``mutasi reidentify``.

openpyxl writes it (the hidden-sheet contract is openpyxl's); the creation time is fixed to the
plan's data end so that the same plan gives the same workbook content.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pandas as pd

from .. import text as _text
from ..files import replaced_atomically
from ..planning import RULES, Plan

__all__ = ["write_plan_workbook", "plan_file_name", "reasons"]

_REASONS = ("mengisi_kekurangan", "mengurangi_kelebihan", "unit_baru", "lewat_batas")


def plan_file_name(period: str) -> str:
    """``rencana-mutasi-<period>.xlsx``."""
    return f"rencana-mutasi-{period}.xlsx"


def _w(key: str, lang: str) -> str:
    return _text.label(f"plan.{key}", lang)


def reasons(moves: pd.DataFrame, lang: str = "id") -> pd.Series:
    """Each move's reasons in words (gap filled, surplus relieved, new unit, past max years)."""
    words = {r: _w(f"reason.{r}", lang) for r in _REASONS}
    return pd.Series(["; ".join(words[r] for r in _REASONS if bool(m[r])) for m in moves.to_dict("records")],
                     index=moves.index, dtype="object")


def _sheet(wb, title: str, frame: pd.DataFrame, lang: str, percent=(), dates=(), widths=None) -> None:
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    ws = wb.create_sheet(title)
    headers = [_text.label(c, lang) for c in frame.columns]  # KeyError names a missing label
    ws.append(headers)
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in frame.itertuples(index=False, name=None):
        ws.append([_value(v, lang) for v in row])
    for j, col in enumerate(frame.columns, start=1):
        letter = get_column_letter(j)
        if col in percent:
            for c in ws[letter][1:]:
                c.number_format = "0.0%"
        if col in dates:
            for c in ws[letter][1:]:
                c.number_format = "yyyy-mm-dd"
        longest = max([len(str(headers[j - 1]))] + [len(str(v)) for v in frame[col].head(500)])
        ws.column_dimensions[letter].width = min(max(10, longest + 2), 60)
    ws.freeze_panes = "A2"
    if len(frame):
        ws.auto_filter.ref = ws.dimensions
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "1:1"


def _value(v, lang: str) -> Any:
    if v is None or (not isinstance(v, (list, tuple, str)) and pd.isna(v)):
        return None
    if isinstance(v, bool):
        return _text.label("yes" if v else "no", lang)
    if isinstance(v, (list, tuple)):
        return ", ".join(map(str, v))
    if isinstance(v, pd.Timestamp):
        return v.date()
    if hasattr(v, "item"):
        return v.item()
    return v


def _summary_rows(plan: Plan, region: str, key_id: str, version: str, lang: str) -> list[tuple[str, Any]]:
    f = plan.facts()
    rows = [
        (_w("row.note", lang), _w("row.note_text", lang)),
        (_w("row.region", lang), region),
        (_w("row.plan_period", lang), plan.period.label(lang)),
        (_w("row.as_of", lang), plan.as_of),
        (_w("row.first_wave", lang), plan.first_wave),
        (_w("row.formasi_year", lang), f["formasi_year"]),
        (_w("row.staff", lang), f["staff"]),
        (_w("row.eligible", lang), f["eligible"]),
    ]
    for r in RULES:
        basis = plan.eligibility.loc[plan.eligibility["aturan"] == r, "dasar_hukum"]
        rows.append((f"{_w('row.excluded', lang)}: {_w('rule.' + r, lang)}"
                     + (f" ({basis.iloc[0]})" if len(basis) else ""), f["excluded"][r]))
    pair_basis = plan.params.get("pair_basis", {})
    for k, n in f["pairs_blocked"].items():
        basis = pair_basis.get(k)
        rows.append((f"{_w('row.blocked', lang)}: {_w('pair.' + k, lang)}" + (f" ({basis})" if basis else ""), n))
    rows += [(_w("row.overdue", lang), f["overdue"]), (_w("row.gap_before", lang), f["gap_before"])]
    if plan.ok:
        rows += [(_w("row.moves", lang), f["moves"]), (_w("row.gap_after", lang), f["gap_after"]),
                 (_w("row.training", lang), f["training"])]
        for w, n in f["moves_per_wave"].items():
            rows.append((f"{_w('row.moves_in_wave', lang)} {w}", n))
    else:
        rows.append((_w("row.infeasible", lang), plan.infeasible))
    for key, name in (("power_random", "row.mde_random"), ("power_need_order", "row.mde_need")):
        p = f[key]
        rows.append((_w(name, lang), None if p is None or p["mde"] is None else round(p["mde"], 3)))
    rows += [(_w("row.seed", lang), f["seed"]), (_w("row.key_id", lang), key_id), (_w("row.version", lang), version)]
    return rows


def write_plan_workbook(plan: Plan, path: str | Path, *, region_code: str, region_name: str, key_id: str,
                        lang: str = "id", version: str | None = None) -> Path:
    """Write the plan workbook (mode 0600, atomically).

    Parameters
    ----------
    plan : Plan
        A solved plan (``plan.ok``).
    path : str or Path
        The workbook to write; its folder must exist.
    region_code, region_name : str
        ``[region] code`` (recorded for ``mutasi reidentify``) and the name shown.
    key_id : str
        Fingerprint of the pseudonym key the data were ingested with
        (:func:`mutasi_analysis.pseudonym.processed_key_id`).
    lang : {"id", "en"}
    version : str, optional
        Toolkit version (default the installed one).

    Returns
    -------
    Path

    Raises
    ------
    ValueError
        When the plan is infeasible: there is no plan to write.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    from .. import __version__
    from ..reidentify import write_machine_sheets

    if not plan.ok:
        raise ValueError(f"no plan to write: {plan.infeasible}")
    version = version or __version__
    path = Path(path)
    wb = Workbook()
    ws = wb.active
    ws.title = _w("sheet.summary", lang)
    ws.append([_w("row.title", lang).format(period=plan.period.label(lang), region=region_name)])
    ws["A1"].font = Font(bold=True, size=13)
    for k, v in _summary_rows(plan, region_name, key_id, version, lang):
        ws.append([k, _value(v, lang)])
    ws.column_dimensions["A"].width = 48
    ws.column_dimensions["B"].width = 90
    for row in ws.iter_rows(min_row=2):
        row[1].alignment = Alignment(wrap_text=True, vertical="top")
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True

    moves = plan.moves.copy()
    tr = plan.training.set_index("pid") if plan.training is not None and len(plan.training) else None
    shown = pd.DataFrame({
        "pid": moves["pid"], "asal": moves["asal"], "tujuan": moves["tujuan"],
        "kelompok_jabatan": moves["kelompok_jabatan"].map(lambda g: _w("group." + g, lang)),
        "gelombang": moves["gelombang"], "tanggal_pindah": pd.to_datetime(moves["tanggal_pindah"]).dt.date,
        "alasan": reasons(moves, lang), "n_unit_dijalani": moves["n_unit_dijalani"],
        "sinyal_kesiapan": moves["sinyal_kesiapan"],
        "pelatihan": moves["pid"].map(lambda p: tr.at[p, "pelatihan"] if tr is not None and p in tr.index else None),
        "selesai_sebelum": moves["pid"].map(lambda p: tr.at[p, "selesai_sebelum"]
                                            if tr is not None and p in tr.index else None),
    })
    _sheet(wb, _w("sheet.moves", lang), shown, lang, percent=("sinyal_kesiapan",),
           dates=("tanggal_pindah", "selesai_sebelum"))
    training = plan.training.drop(columns=["tanggal_pindah"]) if plan.training is not None else pd.DataFrame()
    _sheet(wb, _w("sheet.training", lang), training, lang, dates=("selesai_sebelum",))
    after = plan.after.assign(kelompok_jabatan=plan.after["kelompok_jabatan"].map(lambda g: _w("group." + g, lang)))
    _sheet(wb, _w("sheet.needs", lang), after, lang)
    el = plan.eligibility.assign(
        kelompok_jabatan=plan.eligibility["kelompok_jabatan"].map(lambda g: _w("group." + g, lang)
                                                                  if isinstance(g, str) else g),
        aturan=plan.eligibility["aturan"].map(lambda r: _w("rule." + r, lang) if isinstance(r, str) else None),
    ).drop(columns=["semua_aturan"])
    _sheet(wb, _w("sheet.eligibility", lang), el, lang)
    ro = plan.rollout[["kode_unit", "gelombang", "tanggal"]]
    _sheet(wb, _w("sheet.waves", lang), ro, lang, dates=("tanggal",))

    machine = moves[["pid", "asal", "tujuan", "kelompok_jabatan", "gelombang", "tanggal_pindah"]].assign(
        alasan=reasons(moves, "id"),
        pelatihan=shown["pelatihan"], selesai_sebelum=shown["selesai_sebelum"])
    write_machine_sheets(wb, machine, {
        "pseudonym_key_id": key_id, "period": plan.period.id, "region": region_code,
        "as_of": str(plan.as_of), "seed": plan.params.get("seed"), "version": version,
    })
    stamp = dt.datetime.combine(plan.as_of, dt.time())
    wb.properties.created = wb.properties.modified = stamp
    with replaced_atomically(path, 0o600) as tmp:  # it names people by pseudonym
        wb.save(tmp)
    return path
