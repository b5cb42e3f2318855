"""A small rendered report for the hand-over tests: four notebooks shaped like the real ones.

They are named unlike the built-in sections (whose records have fixed models, see
``mutasi_analysis.sections``): like a researcher's own notebooks, they record headline numbers
and tables only.

The notebooks are rendered by the real pipeline (papermill, offline HTML export, manifest,
index), and record their tables with :func:`mutasi_analysis.reporting.tables.table_payload`,
so the PDF, Excel and browser tests read exactly what a real report folder holds. Known inputs:

* ``02_rotasi`` records a rotation table whose small cells are suppressed (``HIDDEN_COUNTS``
  holds numbers that must never reach any exported file) and draws a retina PNG figure;
* ``03_dampak`` estimates a planted effect (``PLANTED_EFFECT``) with
  :func:`mutasi_analysis.impact.analyse` on simulated data and draws the event study (SVG);
* ``04_kepuasan`` records IKM per unit and per element;
* ``00_ikhtisar`` reads the others' results and records the findings table.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import pandas as pd
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

REPO = Path(__file__).resolve().parents[2]
KERNELSPEC = {"name": "mutasi-analysis", "language": "python", "display_name": "Python (mutasi-analysis)"}
PERIOD = "2026-S1"
PLANTED_EFFECT = -1.5
SECTION_TITLES = {
    "00_ikhtisar": "Ringkasan Eksekutif",
    "02_rotasi": "Mutasi ASN per Unit",
    "03_dampak": "Dampak Mutasi pada Layanan",
    "04_kepuasan": "Indeks Kepuasan Masyarakat",
}
# Counts of the rotation table; cells below the config's minimum cell size (5) are hidden.
ROTATION_COUNTS = {"masuk": [7, 1, 5, 2], "keluar": [4, 6, 2, 8]}

PARAMS = (
    'period: str = "2026-S1"  # evaluation period\n'
    'lang: str = "id"  # report language\n'
    'region: str = "config/alak.toml"  # region config\n'
    'processed: str = "data/processed"  # processed data folder\n'
)

SETUP = (
    "import matplotlib\nmatplotlib.use('agg')\nimport matplotlib.pyplot as plt\n"
    "%matplotlib inline\n"
    "import pandas as pd, numpy as np\n"
    "from IPython.display import HTML, Markdown, display\n"
    "from mutasi_analysis.config import load_config\n"
    "from mutasi_analysis.record import record, read_records\n"
    "from mutasi_analysis.reporting.tables import table_payload, impact_table, findings_table\n"
    "cfg = load_config(region)\n"
)

MUTASI = f"""
%config InlineBackend.figure_formats = ['retina']
from mutasi_analysis.suppression import suppress
units = list(cfg.unit_codes)[:4]
counts = pd.DataFrame({ROTATION_COUNTS!r}, index=pd.Index(units, name="kode_unit"))
shown = suppress(counts, config=cfg, published="none")
display(HTML(shown.formatted(decimals=0, lang=lang).to_html()))
display(Markdown(shown.note(lang)))
fig, ax = plt.subplots(figsize=(6, 3))
counts.plot.bar(ax=ax, color=["#1f77b4", "#d62728"])
ax.set_ylabel("orang")
plt.show()
_ = record("02_rotasi", {{"period": period, "headline": {{"masuk": {{"label": "Mutasi masuk", "value": int(counts["masuk"].sum())}}}},
                     "tables": {{"mutasi": table_payload(shown, title={{"id": "Mutasi per unit", "en": "Rotations by unit"}},
                                                        units={{"masuk": "orang", "keluar": "orang"}})}}}})
"""

DAMPAK = f"""
%config InlineBackend.figure_formats = ['svg']
from mutasi_analysis import impact
rng = np.random.default_rng(7)
units = list(cfg.unit_codes)
t0 = 2022 * 12
cohort = {{u: (t0 + 14 if i < 4 else t0 + 20 if i < 8 else 0) for i, u in enumerate(units)}}
months = np.arange(t0, t0 + 36)
ufe, tfe = rng.normal(5, 1, len(units)), rng.normal(0, 0.5, len(months))
rows = [(u, int(t), cohort[u], ufe[i] + tfe[j] + {PLANTED_EFFECT} * (cohort[u] > 0 and t >= cohort[u]) + rng.normal(0, 0.5))
        for i, u in enumerate(units) for j, t in enumerate(months)]
panel = pd.DataFrame(rows, columns=["kode_unit", "t", "cohort", "respon_hari_kerja_mean"])
panel.attrs.update(outcome="respon_hari_kerja_mean", definition="share_rotated_in", threshold=0.25)
res = impact.analyse(panel, cfg, n_boot=199, n_perm=99, seed=1)
ax = res.aggregates["event"].plot()
ax.set_title("Studi peristiwa")
plt.show()
display(Markdown(res.verdict[lang]))
_ = record("03_dampak", {{"period": period, "headline": {{"att": {{"label": "Dampak (hari kerja)", "value": res.estimate}}}},
                             "impact": res.to_dict(), "tables": {{"dampak": impact_table(res)}}}})
"""

IKM = """
units = list(cfg.unit_codes)[:3]
ikm = pd.DataFrame({"nama_unit": ["Unit A", "Unit B", "Unit C"], "n_responden": [120, 95, 40],
                    "ikm": [88.3125, 79.5, 70.25], "mutu": ["A", "B", "C"], "memadai": [True, True, False]})
display(HTML(ikm.to_html(index=False)))
elements = pd.DataFrame({"unsur": ["Persyaratan", "Prosedur", "Waktu penyelesaian"], "nrr": [3.41, 3.02, 2.87],
                         "nilai_unsur": [85.25, 75.5, 71.75]})
# A wide table (unit x element): too wide for a portrait page.
wide = pd.DataFrame(np.round(np.linspace(2.5, 3.9, 3 * 15).reshape(3, 15), 2),
                    columns=[f"NRR unsur nomor {i + 1}" for i in range(15)])
wide.insert(0, "Unit", ["KEL-MANULAI2-WIDECHECK", "Unit B", "Unit C"])
display(HTML(wide.to_html(index=False)))
display(Markdown("## Unsur terlemah"))
display(HTML(elements.to_html(index=False)))
_ = record("04_kepuasan", {"period": period, "headline": {"ikm": {"label": "IKM kecamatan", "value": 81.02}},
                  "tables": {"ikm_unit": table_payload(ikm, title={"id": "IKM per unit layanan", "en": "IKM by service unit"},
                                                       units={"ikm": {"id": "skor 25-100", "en": "score 25-100"}},
                                                       formats={"mutu": "text"}),
                             "ikm_unsur": table_payload(elements, title={"id": "Nilai per unsur", "en": "Score by element"},
                                                        decimals={"nrr": 2, "nilai_unsur": 2})}})
"""

RINGKASAN = """
r = read_records('.')
att = r["03_dampak"]["headline"]["att"]["value"]
display(Markdown(f"Perkiraan dampak: **{att:.2f}** hari kerja."))
findings = pd.DataFrame({"id": ["KESIAPAN", "MASA-MINIMUM"], "severity": ["tinggi", "sedang"],
                         "topic": ["Umpan balik ASN", "Kepatuhan mutasi"],
                         "text": ["40,0% ASN yang dimutasi merasa belum siap menjalankan tugas baru.", "2 mutasi dilakukan sebelum masa minimum."],
                         "recommendation": ["Adakan pelatihan sebelum mutasi berikutnya.", "Dokumentasikan alasan mutasi lebih awal."],
                         "evidence": ["4 dari 10", "2 mutasi"], "rule": ["> 30%", "< 2 tahun"]})
display(HTML(findings.to_html(index=False)))
_ = record("00_ikhtisar", {"period": period, "headline": {"temuan": {"label": "Jumlah temuan", "value": len(findings)}},
                        "tables": {"temuan": findings_table(findings)}})
"""


def _notebook(path: Path, title: str, intro: str, code: str) -> None:
    cells = [
        new_code_cell(PARAMS, metadata={"tags": ["parameters"]}),
        new_markdown_cell(f"# {title}\n\n{intro}"),
        new_code_cell(SETUP),
        new_code_cell(code),
    ]
    nb = new_notebook(cells=cells)
    nb.metadata.kernelspec = dict(KERNELSPEC)
    nbformat.write(nb, str(path))


def write_project(root: Path) -> dict[str, Path]:
    """Notebooks, processed data and region config of the hand-over test project."""
    nbdir, processed = root / "notebooks", root / "processed"
    nbdir.mkdir(parents=True)
    processed.mkdir()
    pd.DataFrame({"a": [1, 2, 3]}).to_parquet(processed / "t.parquet")
    region = root / "region.toml"
    shutil.copy(REPO / "config" / "alak.toml", region)
    intro = "Bagian ini merangkum hasil periode evaluasi."
    _notebook(nbdir / "00_ikhtisar.ipynb", SECTION_TITLES["00_ikhtisar"], intro, RINGKASAN)
    _notebook(nbdir / "02_rotasi.ipynb", SECTION_TITLES["02_rotasi"], "Jumlah mutasi masuk dan keluar.", MUTASI)
    _notebook(nbdir / "03_dampak.ipynb", SECTION_TITLES["03_dampak"],
              "Apakah mutasi mengubah waktu respons pengaduan?", DAMPAK)
    _notebook(nbdir / "04_kepuasan.ipynb", SECTION_TITLES["04_kepuasan"], "Kepuasan masyarakat per unit.", IKM)
    return {"root": root, "notebooks": nbdir, "processed": processed, "region": region, "reports": root / "reports"}
