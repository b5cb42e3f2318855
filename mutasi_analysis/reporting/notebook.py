"""What a report notebook calls first: :func:`report_context`, and its narrative helpers.

A notebook's first cells are its parameters and one call::

    ctx = report_context(period, lang, region, processed)

The context knows the period, the region config, the processed data (loaded on first use),
where results go and how text is written: a sentence switches between Indonesian and English,
a table gets display labels and Indonesian number formatting, and figures look alike, all
decided here once. Empty ``region`` / ``processed`` mean the project's (``[tool.mutasi]`` in
``pyproject.toml``, found from the working folder upwards), so the same notebook runs unchanged
from JupyterLab, from ``papermill`` in the project or in ``notebooks/``, and from
``mutasi report``.
"""

from __future__ import annotations

import html
import numbers
import os
import re
import string
from functools import cached_property
from pathlib import Path
from typing import Any, Mapping

import numpy as np
import pandas as pd

from .. import text
from . import charts

__all__ = [
    "Narrator", "ReportContext", "report_context", "setup", "LABELS", "RESULTS_DIR_ENV", "SECTIONS_ENV",
    "escape_markdown", "RENDER_PATH_ENV", "RESTRICTED_STAGING", "private_folder",
]

# Characters Markdown (CommonMark, as nbconvert renders it) gives a meaning to.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|~>-])")


def escape_markdown(value: Any) -> str:
    """A value as literal text inside Markdown: HTML escaped, Markdown punctuation backslashed.

    Numbers and other non-strings are turned into text first (``str``); line breaks become
    spaces. Quotes stay as they are (they mean nothing in Markdown text once ``<`` is escaped).
    """
    text = value if isinstance(value, str) else str(value)
    # A line break would start a list, a quote or a code block: values stay on one line.
    text = html.escape(" ".join(text.split()) if "\n" in text or "\r" in text else text, quote=False)
    return _MD_SPECIAL.sub(r"\\\1", text)

#: Set by ``mutasi report`` in each kernel: the folder the period's results are written to.
RESULTS_DIR_ENV = "MUTASI_RESULTS_DIR"
#: Set by ``mutasi report`` in each kernel: every report notebook of the project, comma-separated.
SECTIONS_ENV = "MUTASI_SECTIONS"
#: Set by ``mutasi report`` in each kernel: the run's region config, processed-data snapshot and
#: reports root, used for a parameter the notebook leaves empty or does not declare, so that a
#: researcher's notebook reads the same inputs as the rest of the report.
RENDER_PATH_ENV = {"region": "MUTASI_REGION", "processed": "MUTASI_PROCESSED", "reports": "MUTASI_REPORTS"}
#: Sub-folder of a run's results where :meth:`ReportContext.restricted_path` stages lists of
#: people; ``mutasi report`` moves it out of the report before publishing.
RESTRICTED_STAGING = ".restricted"


def private_folder(folder: Path, root: Path) -> Path:
    """``folder`` made (with its parents up to ``root``) and every level from ``root`` down set
    to mode 0700, whatever the umask: the folders that hold lists of people are not listable."""
    folder.mkdir(parents=True, exist_ok=True)
    level = folder
    while True:
        os.chmod(level, 0o700)
        if level == root or root not in level.parents:
            break
        level = level.parent
    return folder

# The columns report tables show, as a view of the one catalogue (mutasi_analysis.text.LABELS).
LABELS: dict[str, dict[str, str]] = text.labels('masuk', 'keluar', 'headcount_awal', 'headcount_akhir', 'headcount', 'rate_masuk', 'rate_keluar', 'pernah_unit_lain', 'share_pernah_unit_lain', 'diterima', 'diselesaikan', 'respon_hari_kerja_mean', 'respon_hari_kerja_median', 'penyelesaian_hari_kerja_mean', 'share_tepat_waktu', 'backlog', 'cohort', 'tabel', 'dibaca', 'diterima_baris', 'ditolak', 'alasan', 'jumlah', 'aturan', 'estimate', 'std_error', 'conf_low', 'conf_high', 'event_time', 'metode', 'p_value', 'bagian', 'ukuran', 'nilai', 'share_setuju', 'kelompok', 'twfe', 'callaway_santanna', 'sun_abraham', 'simple', 'event', 'group', 'calendar', 'treated_vs_never', 'earlier_vs_later', 'later_vs_earlier')


def _is_number(v) -> bool:
    return isinstance(v, numbers.Real) and not isinstance(v, (bool, np.bool_))


_SPEC = re.compile(r"^,?(?:\.(\d+))?([fgd%])$")


def _strip_number_specs(pattern: str) -> tuple[str, dict[str, str]]:
    """``"{x:.1f} of {n:,d}"`` -> ``("{x} of {n}", {"x": ".1f", "n": ",d"})``: the number specs a
    template asks for, taken out so that Babel writes the numbers (other specs are kept)."""
    out, specs = [], {}
    for literal, name, spec, conv in string.Formatter().parse(pattern):
        out.append(literal.replace("{", "{{").replace("}", "}}"))
        if name is None:
            continue
        if spec and _SPEC.match(spec) and not conv:
            specs[name] = spec
            spec = ""
        out.append("{" + name + (f"!{conv}" if conv else "") + (f":{spec}" if spec else "") + "}")
    return "".join(out), specs


def _say_number(value, spec: str | None, lang: str) -> str:
    m = _SPEC.match(spec) if spec else None
    if m is None or m.group(2) == "g":
        return text.fmt_number(value, None, lang)
    decimals = int(m.group(1)) if m.group(1) is not None else (0 if m.group(2) == "d" else 2)
    if m.group(2) == "%":
        return text.fmt_pct(value, decimals, lang)
    return text.fmt_number(value, decimals, lang)


def _label(key: str, lang: str) -> str:
    # A researcher's own column without a catalogue entry keeps its name (the reader-text test
    # catches one in a built-in section: add the key to mutasi_analysis.text.LABELS).
    try:
        return text.label(key, lang)
    except KeyError:
        return key


class Narrator:
    """Writes a notebook's narrative and tables in the report language.

    Parameters
    ----------
    lang : {"id", "en"}
    """

    def __init__(self, lang: str = "id"):
        if lang not in ("id", "en"):
            raise ValueError(f"lang must be 'id' or 'en', got {lang!r}")
        self.lang = lang

    def t(self, id_text: str, en_text: str) -> str:
        """The text in the report language."""
        return id_text if self.lang == "id" else en_text

    def say(self, id_text: str, en_text: str, **values: Any) -> None:
        """Show a Markdown paragraph (``{name}`` placeholders filled from ``values``).

        The two texts are the notebook's own Markdown; every value is text from elsewhere
        (config, data, parameters, estimator notes) and is escaped (:func:`escape_markdown`):
        a region named ``<img onerror=...>`` is shown as those characters, never run.
        """
        from IPython.display import Markdown, display

        pattern, specs = _strip_number_specs(self.t(id_text, en_text))
        # Numbers are written the report language's way (Babel: "1.234", "2,5"), keeping the
        # decimals a placeholder asks for ("{x:.1f}"); anything else is text from elsewhere and
        # is escaped.
        safe = {k: _say_number(v, specs.get(k), self.lang) if _is_number(v) else escape_markdown(v)
                for k, v in values.items()}
        display(Markdown(pattern.format(**safe)))

    def num(self, value, decimals: int = 2) -> str:
        """A number written the report language's way (``88,31`` / ``88.31``)."""
        return text.fmt_number(value, decimals, self.lang)

    def p(self, pvalue) -> str:
        """A p-value as reports write it: ``p < 0,001`` or ``p = 0,031``."""
        return text.fmt_p(pvalue, self.lang)

    def date(self, value) -> str:
        """A date in words (``29 November 2026``)."""
        return text.fmt_date(value, self.lang)

    def month(self, value) -> str:
        """A month in words (``Feb 2023``) from ``"2023-02"`` or a month index."""
        return text.fmt_month(value, self.lang)

    def pct(self, share, decimals: int = 1) -> str:
        """A share as a percentage (``33,3%``)."""
        return text.fmt_pct(share, decimals, self.lang)

    def label(self, key: str) -> str:
        """Display label of a column or key."""
        return _label(key, self.lang)

    def section(self, notebook: str) -> str:
        """A report section's title by its notebook name (the name itself when it has none)."""
        return text.section_title(notebook, self.lang)

    def note(self, note) -> str:
        """A language-free analysis note (a code with parameters) in the report language."""
        return text.note_text(note, self.lang)

    def table(self, frame: pd.DataFrame, decimals: int | Mapping[str, int] = 2, index: bool = False,
              percent: tuple[str, ...] | list[str] = (), suppressed: tuple[str, ...] | list[str] = ()) -> None:
        """Show a table with display labels and language-appropriate numbers.

        Parameters
        ----------
        frame : DataFrame
        decimals : int or mapping
            Decimals of float columns (per column with a mapping).
        index : bool
            Show the index.
        percent : sequence of str
            Columns of shares shown as percentages.
        suppressed : sequence of str
            Columns whose missing values are suppressed cells, shown as ``*``.
        """
        from IPython.display import HTML, display

        shown = frame.copy()
        numeric = [col in percent or _is_number_dtype(frame[col]) for col in frame.columns]
        for col in shown.columns:
            s = shown[col]
            blank = "*" if col in suppressed else ""
            if col in percent:
                shown[col] = s.map(lambda v, b=blank: b if pd.isna(v) else self.pct(v))
            elif pd.api.types.is_bool_dtype(s):
                shown[col] = s.map(lambda v: "" if v is None or v is pd.NA else text.fmt_value(bool(v), self.lang))
            elif pd.api.types.is_integer_dtype(s):
                shown[col] = s.map(lambda v, b=blank: b if pd.isna(v) else self.num(v, 0))
            elif pd.api.types.is_float_dtype(s):
                d = decimals.get(col, 2) if isinstance(decimals, Mapping) else decimals
                shown[col] = s.map(lambda v, d=d, b=blank: b if pd.isna(v) else self.num(v, d))
            else:  # stored period and month ids in words ("2023-09" -> "Sep 2023")
                shown[col] = s.map(lambda v: text.fmt_id(v, self.lang))
        # Numbers stand right-aligned, text left (CSS of the page and the PDF): a column is
        # numeric by its type, or when every shown cell reads as a number (pre-formatted cells).
        numeric = [n or _reads_as_numbers(shown[col]) for n, col in zip(numeric, shown.columns)]
        shown = shown.rename(columns=lambda c: _label(str(c), self.lang))
        if index:
            shown.index.name = _label(str(shown.index.name), self.lang) if shown.index.name else None
        display(HTML(html_table(shown, numeric, index=index)))


# A cell that reads as a number: optional comparison and sign, digits with group and decimal
# separators (either language), an optional percent sign; "*" is a suppressed number.
_NUMBER_TEXT = re.compile(r"^(?:[<>\u2264\u2265]\s*)?[-\u2212+]?\d[\d.,\u00a0\u202f]*\s?%?$")


def _cell_text(v) -> str:
    """A cell as text; missing (None, NaN, NA) is empty."""
    return "" if v is None or (pd.api.types.is_scalar(v) and pd.isna(v)) else str(v)


# Longest text (characters) kept on one line: the longest unit name of a kecamatan fits.
_SHORT = 32


def _longest(s: pd.Series) -> int:
    return max((len(_cell_text(v)) for v in s), default=0)


def _is_number_dtype(s: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s)


def _reads_as_numbers(s: pd.Series) -> bool:
    """True when every non-empty cell of ``s`` is a written number (or ``*``), at least one a number."""
    cells = [c for c in (_cell_text(v).strip() for v in s) if c]
    return any(_NUMBER_TEXT.match(c) for c in cells) and all(c == "*" or _NUMBER_TEXT.match(c) for c in cells)


def html_table(frame: pd.DataFrame, numeric: list[bool] | None = None, index: bool = False) -> str:
    """A table as HTML whose numeric columns carry ``class="num"`` (header and cells).

    Parameters
    ----------
    frame : DataFrame
        The table as shown: labelled columns, cells already written as text.
    numeric : list of bool, optional
        Per column, whether it holds numbers (default: judged from the cells' text).
    index : bool
        Show the index as the first column (header cells of each row).

    Returns
    -------
    str
        ``<table class="dataframe">`` with ``<thead>`` and ``<tbody>``; every text is escaped.
        Cells of a text column whose longest cell is short (a unit name, a grade) carry
        ``class="short"``: the page keeps them on one line and lets long text wrap instead.
    """
    e = html.escape
    if numeric is None:
        numeric = [_is_number_dtype(frame[c]) or _reads_as_numbers(frame[c]) for c in frame.columns]
    kinds = [("num" if n else "short" if _longest(frame.iloc[:, i]) <= _SHORT else "")
             for i, n in enumerate(numeric)]

    def cls(kind: str) -> str:
        return f' class="{kind}"' if kind else ""

    head = [f"<th>{e(str(frame.index.name or ''))}</th>"] if index else []
    head += [f"<th{cls('num' if k == 'num' else '')}>{e(str(c))}</th>" for c, k in zip(frame.columns, kinds)]
    rows = []
    for key, values in zip(frame.index, frame.itertuples(index=False, name=None)):
        cells = [f"<th>{e(_cell_text(key))}</th>"] if index else []
        cells += [f"<td{cls(k)}>{e(_cell_text(v))}</td>" for v, k in zip(values, kinds)]
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return ('<table class="dataframe"><thead><tr>' + "".join(head) + "</tr></thead><tbody>"
            + "".join(rows) + "</tbody></table>")


def setup(lang: str = "id") -> Narrator:
    """Figure and table defaults for a report notebook; returns its :class:`Narrator`.

    Figures are PNG at a fixed size and resolution (they are embedded in the HTML page as
    data URIs), in seaborn's ``whitegrid`` style; warnings of the statistics stack are kept
    out of the page (the notebooks record notes explicitly instead).
    """
    import warnings

    import matplotlib

    matplotlib.use("agg")
    import matplotlib.pyplot as plt
    import seaborn as sns

    sns.set_theme(style="whitegrid", context="notebook")
    plt.rcParams.update({"figure.figsize": (8, 4), "figure.dpi": 96, "savefig.dpi": 96})
    try:
        from IPython import get_ipython

        ip = get_ipython()
        if ip is not None:
            ip.run_line_magic("matplotlib", "inline")
            ip.run_line_magic("config", "InlineBackend.figure_formats = ['png']")
            charts.install(ip, lang)
    except Exception:  # outside IPython: nothing to configure
        pass
    warnings.filterwarnings("ignore", category=FutureWarning)
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    pd.set_option("display.max_rows", 60)
    return Narrator(lang)


class ReportContext(Narrator):
    """Everything a report notebook needs after its parameters (see :func:`report_context`).

    It is a :class:`Narrator` (``say``, ``t``, ``table``, ``num``, ``pct``, ``p``, ``label``)
    with the period's inputs.

    Attributes
    ----------
    period : Period
    config : RegionConfig
    processed : Path or None
        Processed data folder; :attr:`data` loads it on first use (None: not given and no
        project found; then :attr:`data` says how to give it).
    out_dir : Path
        Where :meth:`record` and :meth:`output_path` write: the report folder under
        ``mutasi report``, ``notebooks/_runs/<period>/<lang>/`` for a hand run.
    reports : Path or None
        Reports root of this language (for trends over past periods), when known.
    rendered : bool
        True when ``mutasi report`` runs the notebook.
    restricted : Path or None
        Where a hand run's lists of people go (:meth:`restricted_path`); None under
        ``mutasi report``, which publishes them itself.
    """

    def __init__(self, *, period, lang, config, processed: Path | None, out_dir: Path, reports: Path | None,
                 rendered: bool, notebooks: Path | None = None, restricted: Path | None = None):
        super().__init__(lang)
        self.period, self.config, self.processed = period, config, processed
        self.out_dir, self.reports, self.rendered = out_dir, reports, rendered
        self.notebooks = notebooks
        self.restricted = restricted

    def sections(self) -> list[str]:
        """The report's notebooks by name, in order (what a summary expects to find)."""
        from ..sections import MODELS

        listed = os.environ.get(SECTIONS_ENV)
        if listed:
            return [n for n in listed.split(",") if n]
        if self.notebooks is not None and self.notebooks.is_dir():
            return sorted(p.stem for p in self.notebooks.glob("[0-9][0-9]_*.ipynb"))
        return sorted(MODELS)

    @property
    def commit(self) -> str | None:
        """Commit of the running code (None outside a git checkout)."""
        from .manifest import git_state

        return git_state().get("commit")

    @cached_property
    def data(self):
        """The processed tables (:class:`~mutasi_analysis.processed.Processed`), loaded once."""
        from ..processed import load_processed

        if self.processed is None:
            raise _no_project("processed")
        return load_processed(self.processed)

    @cached_property
    def units(self) -> pd.DataFrame:
        """The region's units: ``kode_unit, nama_unit``, in config order."""
        return self.config.units_frame()[["kode_unit", "nama_unit"]]

    def with_units(self, frame: pd.DataFrame) -> pd.DataFrame:
        """``frame`` (keyed by ``kode_unit``) beside every unit's name, units in config order."""
        return self.units.merge(frame, on="kode_unit", how="left")

    def output_path(self, name: str) -> Path:
        """A file beside the section's results (e.g. a list handed to BKPSDM)."""
        if Path(name).name != name:
            raise ValueError(f"{name!r}: give a plain file name; it is written to {self.out_dir}")
        self.out_dir.mkdir(parents=True, exist_ok=True)
        return self.out_dir / name

    def restricted_path(self, name: str) -> Path:
        """A file for a list of people (by pseudonym), kept out of the published report.

        Under ``mutasi report`` it is staged in :data:`RESTRICTED_STAGING` under :attr:`out_dir`
        and moved to ``<restricted>/<region code>/<period>/`` when the report is published
        (dropped when the run fails). A notebook run by hand writes it to the project's
        ``<restricted>/<region code>/_runs/<period>/<lang>/`` (:attr:`restricted`). Folders are
        mode 0700, the file is created 0600 whatever the umask; nothing there is linked from a
        report.
        """
        if Path(name).name != name or name.startswith("."):
            raise ValueError(f"{name!r}: give a plain file name")
        if self.rendered or self.restricted is None:
            folder = private_folder(self.out_dir / RESTRICTED_STAGING, self.out_dir / RESTRICTED_STAGING)
        else:
            folder = private_folder(self.restricted, self.restricted.parents[3])
        path = folder / name
        # Created private before anything is written, whatever the umask (a report job's is 022).
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600))
        os.chmod(path, 0o600)
        return path

    def record(self, notebook: str, results: Mapping[str, Any]) -> None:
        """Write the section's results to ``out_dir / f"{notebook}.json"`` (validated, see
        :mod:`mutasi_analysis.sections`).

        ``period`` and ``lang`` are filled in from the context when not given. Returns nothing,
        so that a notebook's last line shows nothing in the report.
        """
        from ..record import record

        record(notebook, {"period": self.period.id, "lang": self.lang, **results}, folder=self.out_dir)

    def records(self, exclude: str | None = None) -> dict:
        """This period's records in :attr:`out_dir` (typed), without ``exclude``."""
        from ..record import read_sections

        found = read_sections(self.out_dir, period=self.period.id)
        found.pop(exclude, None)
        return found


def _no_project(key: str):
    """The error for an empty path parameter when no project can supply it."""
    from ..errors import MutasiError

    return MutasiError(
        f"parameter {key} is empty and {Path.cwd()} is not inside a mutasi project; pass "
        f"-p {key} PATH, run from the project folder, or set MUTASI_PROJECT=/path/to/project"
    )


def _project(start_points):
    from ..errors import MutasiError
    from ..project import find_project

    for start in start_points:
        try:
            return find_project(start)
        except MutasiError:
            continue
    return None


def report_context(period: str, lang: str = "id", region: str = "", processed: str = "",
                   reports: str = "") -> ReportContext:
    """Set a report notebook up: figures, language, config, period, data and output folder.

    Parameters
    ----------
    period : str
        Period id of the region's kind (``2026-S1``).
    lang : {"id", "en"}
    region : str
        Region config; ``""`` for the project's.
    processed : str
        Processed data folder; ``""`` for the project's.
    reports : str
        Reports root (for trends over past periods); ``""`` for the project's.

    Returns
    -------
    ReportContext

    Raises
    ------
    MutasiError
        When a path is empty and no project can be found (run inside the project, or set
        ``MUTASI_PROJECT``), or the config or period is invalid.
    """
    from ..config import load_config
    from ..periods import parse_period
    from .index import lang_root

    nar = setup(lang)  # checks lang; figure defaults
    starts = [Path.cwd()]
    session = os.environ.get("JPY_SESSION_NAME")  # JupyterLab: the notebook's own path
    if session:
        starts.append(Path(session).parent)
    project = _project(starts)

    def path(value: str, key: str) -> Path | None:
        """The parameter as given, else the run's input (under `mutasi report`), else the project's."""
        if value and str(value).strip():
            return Path(value).expanduser().resolve()
        if os.environ.get(RENDER_PATH_ENV[key]):
            return Path(os.environ[RENDER_PATH_ENV[key]])
        return getattr(project, key) if project is not None else None

    region_path = path(region, "region")
    if region_path is None:
        raise _no_project("region")
    config = load_config(region_path)
    processed_dir = path(processed, "processed")
    p = parse_period(period, config.period.kind)
    rendered_dir = os.environ.get(RESULTS_DIR_ENV)
    if rendered_dir:
        out_dir = Path(rendered_dir)
    elif project is not None:
        out_dir = project.runs(p.id, nar.lang)
    else:
        from ..project import RUNS_DIR

        out_dir = Path.cwd() / RUNS_DIR / p.id / nar.lang
    root = path(reports, "reports")
    # A hand run's lists of people go to the project's restricted folder, apart from the
    # published ones (``mutasi report`` stages them in its own run instead).
    restricted = (project.restricted / config.region.code / "_runs" / p.id / nar.lang
                  if project is not None and not rendered_dir else None)
    return ReportContext(
        period=p, lang=nar.lang, config=config, processed=processed_dir,
        out_dir=out_dir, reports=lang_root(root, nar.lang) if root is not None else None,
        rendered=bool(rendered_dir), notebooks=project.notebooks if project is not None else None,
        restricted=restricted,
    )
