"""The hand-over files of a rendered period: ``tabel-<P>.xlsx`` always, ``laporan-<P>.pdf`` on request.

One call for the report pipeline, made on the period's folder after its ``manifest.json`` is
written and before the folder is swapped in, so that the hand-over files always describe the
report beside them::

    files = build_handover(tmp, manifest, lang=lang, pdf=pdf)

A hand-over file that this run does not write is removed, because the pipeline starts from a
copy of the previous folder and an old PDF or workbook would describe an older render.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any

from ..errors import MutasiError
from .excel import build_excel, collect_tables, excel_name
from .manifest import read_manifest
from .pdf import build_pdf, pdf_name

__all__ = ["build_handover", "handover_text"]


def build_handover(
    report_dir: str | Path, manifest: dict[str, Any] | None = None, lang: str = "id", pdf: bool = False,
) -> dict[str, str]:
    """Write the workbook (when any table was recorded) and, with ``pdf=True``, the PDF.

    Parameters
    ----------
    report_dir : path
        The period's folder (the pipeline's temporary folder before the swap).
    manifest : dict, optional
        Its manifest (read from ``manifest.json`` when not given).
    lang : {"id", "en"}
        Language of the hand-over files.
    pdf : bool
        Also write ``laporan-<P>.pdf``.

    Returns
    -------
    dict
        ``{"xlsx": file name, "pdf": file name}`` for the files written (relative to the
        folder), ready to be stored in the manifest.

    Raises
    ------
    MutasiError
        When the folder has no manifest, or the PDF was asked for and cannot be written (the
        message says why, e.g. WeasyPrint missing).
    """
    report_dir = Path(report_dir)
    manifest = manifest if manifest is not None else read_manifest(report_dir)
    if not manifest:
        raise MutasiError(f"{report_dir} has no readable manifest.json; render it with `mutasi report` first")
    period = str(manifest.get("period") or report_dir.name)
    written: dict[str, str] = {}
    if collect_tables(report_dir):
        written["xlsx"] = build_excel(report_dir, lang=lang, manifest=manifest).name
    else:
        (report_dir / excel_name(period)).unlink(missing_ok=True)
    if pdf:
        written["pdf"] = build_pdf(report_dir, manifest, lang=lang).name
    else:
        (report_dir / pdf_name(period)).unlink(missing_ok=True)
    return written


def handover_text(path: str | Path) -> str:
    """All text inside a hand-over file, for checks such as "no NIP or name in reports/".

    Both formats are compressed, so searching their bytes finds nothing: a workbook is a zip
    of XML parts (every part's text is returned, tags removed, entities decoded), a PDF's
    text layer is read with poppler's ``pdftotext``.

    Parameters
    ----------
    path : path
        An ``.xlsx`` or ``.pdf`` file.

    Returns
    -------
    str

    Raises
    ------
    ValueError
        For another kind of file.
    MutasiError
        For a PDF when ``pdftotext`` (Debian's poppler-utils) is not installed.
    """
    path = Path(path)
    if path.suffix.lower() == ".xlsx":
        with zipfile.ZipFile(path) as z:
            parts = [z.read(n).decode("utf-8", "replace") for n in sorted(z.namelist()) if n.endswith(".xml")]
        return "\n".join(html.unescape(re.sub(r"<[^>]+>", " ", p)) for p in parts)
    if path.suffix.lower() == ".pdf":
        tool = shutil.which("pdftotext")
        if tool is None:
            raise MutasiError("reading a PDF's text needs pdftotext: run tools/install-system-deps.sh")
        return subprocess.run([tool, "-q", str(path), "-"], capture_output=True, text=True, check=True,
                              timeout=300).stdout
    raise ValueError(f"{path.name} is not a hand-over file (.xlsx or .pdf)")
