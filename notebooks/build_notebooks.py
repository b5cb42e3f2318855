"""Generate the report notebooks (``NN_name.ipynb``) from the cell lists below.

Run ``.venv/bin/python notebooks/build_notebooks.py`` after editing this file; the notebooks are
written without outputs and with the ``mutasi-analysis`` kernel. Editing a notebook in
JupyterLab is fine too: then keep this file in step (a test compares them).

Each notebook is thin: a ``parameters`` cell with typed defaults and a help comment per line,
loading, calls into the package, seaborn figures, narrative in Indonesian (English with
``lang="en"``), and one :func:`mutasi_analysis.record.record` call with its key results.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = Path(__file__).resolve().parent
KERNELSPEC = {"name": "mutasi-analysis", "language": "python", "display_name": "Python (mutasi-analysis)"}

COMMON = '''period: str = "2026-S1"  # evaluation period (the region's kind: 2026-S1, 2026-Q2, 2026-05, 2026)
lang: str = "id"  # report language: "id" (Indonesian) or "en" (English)
region: str = "../config/alak.toml"  # region configuration (TOML)
processed: str = "../data/processed"  # processed (pseudonymised) data folder
'''

LOAD = '''from mutasi_analysis.config import load_config
from mutasi_analysis.periods import parse_period
from mutasi_analysis.processed import load_processed
from mutasi_analysis.record import record
from mutasi_analysis.reporting.notebook import setup

nar = setup(lang)
cfg = load_config(region)
p = parse_period(period, cfg.period.kind)
data = load_processed(processed)
units = cfg.units_frame()[["kode_unit", "nama_unit"]]'''


def code(src: str):
    return new_code_cell(src.strip("\n"))


def md(src: str):
    return new_markdown_cell(src.strip("\n"))


NOTEBOOKS: dict[str, list] = {}

# ------------------------------------------------------------------------------------- 01
NOTEBOOKS["01_kualitas_data"] = [
    code(COMMON),
    code(LOAD),
    code('''
nar.say("# Kualitas data: {period}", "# Data quality: {period}", period=p.label(lang))
nar.say(
    "Bagian ini menunjukkan data apa yang dibaca, berapa baris yang ditolak saat validasi dan "
    "mengapa, serta cakupan data per unit layanan pada periode ini. Baris yang ditolak tidak "
    "dipakai dalam analisis; rinciannya ada di `rejects.csv` pada folder data olahan (berisi data "
    "pribadi, tidak disalin ke laporan).",
    "This section shows what was read, how many rows were rejected at validation and why, and "
    "the coverage per service unit in this period. Rejected rows are not used in the analysis; "
    "their details are in `rejects.csv` in the processed folder (personal data, never copied "
    "into the report).",
)'''),
    code('''
from mutasi_analysis.reporting.quality import coverage, ingest_tables, rejects_by_reason

tables = ingest_tables(data.summary)
reasons = rejects_by_reason(data.summary)
nar.table(tables)
if len(reasons):
    nar.say("**Alasan penolakan**", "**Reasons for rejection**")
    nar.table(reasons)
else:
    nar.say("Tidak ada baris yang ditolak.", "No rows were rejected.")'''),
    code('''
import seaborn as sns

cov = coverage(data, cfg, p)
nar.say("**Cakupan per unit pada periode ini**", "**Coverage per unit in this period**")
nar.table(cov)
ax = sns.barplot(data=cov, y="nama_unit", x="pengaduan", color="#4c72b0")
ax.set(xlabel=nar.t("Pengaduan diterima", "Complaints received"), ylabel="")
missing = cov.loc[(cov["pengaduan"] == 0) | (cov["skm"] == 0), "kode_unit"].tolist()
if missing:
    nar.say("Unit tanpa pengaduan atau tanpa survei SKM pada periode ini: {u}.",
            "Units without complaints or without SKM responses in this period: {u}.", u=", ".join(missing))'''),
    code('''
saved = record("01_kualitas_data", {
    "period": p.id,
    "headline": {
        "rows_accepted": {"label": nar.t("Baris diterima", "Rows accepted"), "value": int(tables["diterima_baris"].sum())},
        "rows_rejected": {"label": nar.t("Baris ditolak", "Rows rejected"), "value": int(tables["ditolak"].sum())},
    },
    "ingest_tables": {r.tabel: {"read": r.dibaca, "accepted": r.diterima_baris, "rejected": r.ditolak} for r in tables.itertuples()},
    "rejects_by_reason": dict(zip(reasons["alasan"], reasons["jumlah"])),
    "coverage": cov.drop(columns="nama_unit"),
    "units_missing_data": missing,
})'''),
]

# ------------------------------------------------------------------------------------- 02
NOTEBOOKS["02_mutasi"] = [
    code(COMMON),
    code(LOAD),
    code('''
from mutasi_analysis import rotation
from mutasi_analysis.suppression import suppress

nar.say("# Mutasi: {period}", "# Rotation: {period}", period=p.label(lang))
counts = rotation.rotation_counts(data.riwayat_jabatan, cfg, periods=[p])
per_unit = units.merge(counts[["kode_unit", "masuk", "keluar", "headcount_akhir"]], on="kode_unit", how="left")
shown = suppress(per_unit.set_index("kode_unit")[["masuk", "keluar"]], config=cfg)
total_in, total_out = int(per_unit["masuk"].sum()), int(per_unit["keluar"].sum())
nar.say(
    "Pada periode ini tercatat **{i}** mutasi antar unit (masuk) dan **{o}** keluar. Sel dengan "
    "kurang dari {k} orang disembunyikan (*), bersama sel lain yang dapat membukanya lewat total.",
    "In this period **{i}** moves between units were recorded (in) and **{o}** out. Cells from "
    "fewer than {k} people are hidden (*), with any cell that would reveal them through totals.",
    i=total_in, o=total_out, k=cfg.thresholds.min_cell_size,
)
nar.table(per_unit[["kode_unit", "nama_unit"]].join(shown.formatted(decimals=0, lang=lang), on="kode_unit"))'''),
    code('''
import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns

from mutasi_analysis.reporting.notebook import LABELS

history = rotation.rotation_counts(data.riwayat_jabatan, cfg)
history = history[history["periode"] <= p.id].groupby("periode", as_index=False)[["masuk"]].sum()
history = history[history["periode"] >= p.previous().previous().previous().previous().previous().previous().id]
ax = sns.barplot(data=history, x="periode", y="masuk", color="#4c72b0")
ax.set(xlabel="", ylabel=nar.t("Mutasi antar unit", "Moves between units"),
       title=nar.t("Mutasi antar unit per periode (kecamatan)", "Moves between units per period (whole region)"))
plt.xticks(rotation=45);'''),
    code('''
flows = rotation.flow_matrix(data.riwayat_jabatan, cfg, start=p.start, end=p.end)
flows_shown = suppress(flows, config=cfg).table
if int(flows.to_numpy().sum()) > 0:
    fig, ax = plt.subplots(figsize=(8, 6))
    sns.heatmap(flows_shown.astype(float), annot=True, fmt=".0f", cmap="Blues", cbar=False, ax=ax)
    ax.set(xlabel=nar.t("Unit tujuan", "Destination"), ylabel=nar.t("Unit asal", "Origin"),
           title=nar.t("Arus mutasi antar unit (sel kecil disembunyikan)", "Flows between units (small cells hidden)"))
else:
    nar.say("Tidak ada mutasi antar unit pada periode ini.", "No moves between units in this period.")'''),
    code('''
spread = rotation.knowledge_spread(data.riwayat_jabatan, cfg, periods=[p])
spread = units.merge(spread[["kode_unit", "headcount", "share_pernah_unit_lain"]], on="kode_unit", how="left")
# A share over fewer than min_cell_size people describes individuals: not shown.
small = spread["headcount"] < cfg.thresholds.min_cell_size
spread["share_pernah_unit_lain"] = spread["share_pernah_unit_lain"].astype("Float64").mask(small)
nar.say(
    "**Penyebaran pengetahuan**: proporsi pegawai tiap unit yang pernah bertugas di unit lain, "
    "pada akhir periode.",
    "**Knowledge spread**: share of each unit's staff who have served in another unit, at the "
    "end of the period.",
)
nar.table(spread, decimals={"share_pernah_unit_lain": 2})'''),
    code('''
flags = rotation.compliance_flags(data.riwayat_jabatan, cfg, periods=[p], pegawai=data.pegawai)
in_period = flags[(flags["rule"] != "max_years") & (flags["periode"] == p.id)]
to_date = flags[(flags["rule"] != "max_years") & (flags["tanggal"] <= str(p.end))]
candidates = flags[(flags["rule"] == "max_years") & (flags["periode"] == p.id)]
compliance = {
    "min_years_in_period": int((in_period["rule"] == "min_years").sum()),
    "freeze_in_period": int((in_period["rule"] == "freeze").sum()),
    "min_years_to_date": int((to_date["rule"] == "min_years").sum()),
    "freeze_to_date": int((to_date["rule"] == "freeze").sum()),
    "max_years_candidates": int(len(candidates)),
}
nar.say(
    "**Kepatuhan** ({basis}): pada periode ini {a} mutasi sebelum {mn:g} tahun menjabat dan {b} "
    "mutasi dalam masa larangan tanpa persetujuan tertulis Mendagri; sejak awal data {c} dan {d}. "
    "Pada akhir periode {e} pegawai telah lebih dari {mx:g} tahun pada jabatannya (kandidat rotasi).",
    "**Compliance** ({basis}): in this period {a} moves before {mn:g} years in post and {b} moves "
    "inside an election freeze without the Home Affairs Minister's written approval; since the "
    "start of the data {c} and {d}. At the end of the period {e} staff had held their post for "
    "more than {mx:g} years (rotation candidates).",
    basis=cfg.rotation.legal_basis, a=compliance["min_years_in_period"], b=compliance["freeze_in_period"],
    c=compliance["min_years_to_date"], d=compliance["freeze_to_date"], e=compliance["max_years_candidates"],
    mn=cfg.rotation.min_years_in_post, mx=cfg.rotation.max_years_in_post,
)
# The candidate list goes beside the report by pseudonym and unit only (never names or NIPs).
candidates_file = f"kandidat-rotasi-{p.id}.csv"
rotation.rotation_candidates(flags, p, cfg.period.kind).to_csv(candidates_file, index=False)
nar.say("Daftar kandidat rotasi per pseudonim dan unit: berkas `{f}` di folder laporan ini (tanpa nama "
        "atau NIP; BKPSDM mencocokkan pseudonim dengan kunci pseudonimisasi yang sama).",
        "The rotation candidates by pseudonym and unit are in `{f}` in this report's folder (no names "
        "or NIPs; BKPSDM matches pseudonyms with the same pseudonymisation key).", f=candidates_file)'''),
    code('''
from mutasi_analysis.reporting.tables import table_payload

people = {"id": "orang", "en": "people"}
rules = pd.DataFrame({"aturan": ["min_years", "freeze", "max_years"],
                      "jumlah": [compliance["min_years_in_period"], compliance["freeze_in_period"], compliance["max_years_candidates"]]})
saved = record("02_mutasi", {
    "period": p.id,
    "tables": {
        "mutasi": table_payload(shown, title={"id": "Mutasi antar unit per unit", "en": "Moves between units by unit"},
                                labels={k: LABELS[k] for k in ("masuk", "keluar")}, units={"masuk": people, "keluar": people}),
        "kepatuhan": table_payload(rules, title={"id": "Kepatuhan mutasi pada periode", "en": "Rotation compliance in the period"},
                                   labels={k: LABELS[k] for k in ("aturan", "jumlah")}, formats={"aturan": "text", "jumlah": "integer"}),
    },
    "headline": {
        "rotations_in": {"label": nar.t("Mutasi antar unit", "Moves between units"), "value": total_in},
        "max_years_candidates": {"label": nar.t("Kandidat rotasi (> batas masa jabatan)", "Rotation candidates (over max years)"),
                                  "value": compliance["max_years_candidates"]},
    },
    "total_in": total_in,
    "total_out": total_out,
    "per_unit": shown.table.reset_index(),
    "compliance": compliance,
    "candidates_file": candidates_file,
    "knowledge_spread": spread[["kode_unit", "share_pernah_unit_lain"]],
})'''),
]

# ------------------------------------------------------------------------------------- 03
NOTEBOOKS["03_dampak_layanan"] = [
    code(COMMON + '''n_boot: int = 9999  # wild cluster bootstrap draws (enumerated exactly when clusters are few)
n_perm: int = 999  # randomization-inference permutations of adoption dates
seed: int = 20260701  # random seed (same seed, same numbers)
'''),
    code(LOAD),
    code('''
from mutasi_analysis import impact
from mutasi_analysis.rotation import month_label

nar.say("# Dampak rotasi pada layanan: {period}", "# Impact of rotation on service: {period}", period=p.label(lang))
panel = impact.build_panel(data.pengaduan, data.riwayat_jabatan, cfg, end=p.end)
res = impact.analyse(panel, cfg, B=n_boot, n_perm=n_perm, seed=seed)
nar.say("**Kesimpulan.** " + res.verdict["id"], "**Verdict.** " + res.verdict["en"])'''),
    code('''
import matplotlib.pyplot as plt
import seaborn as sns

timing = panel.drop_duplicates("kode_unit")[["kode_unit", "cohort"]]
timing["cohort"] = timing["cohort"].map(lambda c: month_label(int(c)) if c > 0 else nar.t("tidak dirotasi", "never rotated"))
nar.say("**Waktu perlakuan** (bulan pertama unit dianggap dirotasi, definisi: `{d}`)",
        "**Treatment timing** (first month a unit counts as rotated, definition: `{d}`)", d=res.definition)
nar.table(units.merge(timing, on="kode_unit", how="left"))

trend = panel.assign(kelompok=panel["cohort"].map(lambda c: month_label(int(c)) if c > 0 else nar.t("tidak dirotasi", "never rotated")),
                     bulan=panel["bulan"].astype(str))
ax = sns.lineplot(data=trend, x="t", y=res.outcome, hue="kelompok", errorbar=None)
ax.set(xlabel=nar.t("Bulan", "Month"), ylabel=nar.label(res.outcome),
       title=nar.t("Tren mentah per kohort rotasi", "Raw trends by rotation cohort"))
ticks = sorted(panel["t"].unique())[::6]
ax.set_xticks(ticks, [month_label(int(t)) for t in ticks], rotation=45);'''),
    code('''
if res.ok:
    ev = res.aggregates["event"]
    fig, ax = plt.subplots(figsize=(9, 4))
    ev.plot(ax=ax)
    ax.set(xlabel=nar.t("Bulan sejak rotasi", "Months since rotation"), ylabel=nar.label(res.outcome),
           title=nar.t("Studi peristiwa (termasuk estimasi sebelum rotasi)", "Event study (with pre-rotation estimates)"))
    agg = {k: a.tidy().iloc[0] for k, a in res.aggregates.items()}
    nar.table(pd.DataFrame([{"metode": k, "estimate": r["estimate"], "se": r["se"], "conf_low": r["ci_low"], "conf_high": r["ci_high"]}
                            for k, r in agg.items()]))
    nar.say("Uji tren sebelum rotasi: p = {p}.", "Pre-trend test: p = {p}.", p=nar.num(res.pretrend.tidy()["pvalue"].iloc[0], 3))
    gt = res.att_gt.tidy()
    gt = gt[gt["event_time"] >= -6].assign(kohort=gt["cohort"].map(lambda c: month_label(int(c))),
                                           event_time=gt["event_time"].astype(int))
    fig, ax = plt.subplots(figsize=(10, 2.2))
    sns.heatmap(gt.pivot(index="kohort", columns="event_time", values="att").astype(float), center=0, cmap="RdBu_r", ax=ax)
    ax.set(xlabel=nar.t("Bulan sejak rotasi", "Months since rotation"), ylabel=nar.t("Kohort", "Cohort"),
           title=nar.t("Efek per kohort dan bulan, ATT(g,t)", "Group-time effects ATT(g,t)"))'''.replace("nar.table(pd.DataFrame", "import pandas as pd\n    nar.table(pd.DataFrame")),
    code('''
if res.ok:
    nar.say(
        "**Diagnostik.** TWFE biasa memberi {twfe} dibanding {cs} dari penaksir Callaway-Sant'Anna. "
        "Dekomposisi Goodman-Bacon menunjukkan dari perbandingan mana angka TWFE berasal; bobot pada "
        "perbandingan 'unit lebih awal sebagai pembanding' adalah sumber bias TWFE bila efek berubah "
        "menurut waktu.",
        "**Diagnostics.** Plain TWFE gives {twfe} against {cs} from the Callaway-Sant'Anna estimator. "
        "The Goodman-Bacon decomposition shows which comparisons the TWFE number comes from; weight "
        "on 'earlier units as controls' is where TWFE is biased when effects change over time.",
        twfe=nar.num(res.twfe.estimate), cs=nar.num(res.estimate),
    )
    sa = res.sun_abraham.overall() if res.sun_abraham is not None else None
    rows = [("TWFE", res.twfe.estimate, *res.twfe.conf_int(res.alpha)),
            ("Callaway-Sant'Anna" + nar.t(" (IK randomisasi)", " (randomization CI)"), res.estimate, *res.conf_int())]
    if sa is not None:
        rows.append(("Sun-Abraham", sa.estimate, *sa.conf_int(res.alpha)))
    import pandas as pd
    nar.table(pd.DataFrame(rows, columns=["metode", "estimate", "conf_low", "conf_high"]))
    comparison = {"treated_vs_never": nar.t("dirotasi vs tidak pernah", "treated vs never"),
                  "earlier_vs_later": nar.t("lebih awal vs lebih akhir", "earlier vs later"),
                  "later_vs_earlier": nar.t("lebih akhir vs lebih awal (pembanding sudah dirotasi)",
                                            "later vs earlier (already-treated controls)")}
    fig, ax = plt.subplots(figsize=(7, 3.5))
    sns.scatterplot(data=res.bacon.table.assign(perbandingan=res.bacon.table["comparison"].map(comparison)),
                    x="weight", y="estimate", hue="perbandingan", ax=ax)
    ax.legend(title=nar.t("Perbandingan", "Comparison"), loc="upper left", bbox_to_anchor=(1.02, 1), frameon=False)
    ax.axhline(res.twfe.estimate, color="grey", ls="--")
    ax.set(xlabel=nar.t("Bobot", "Weight"), ylabel=nar.t("Estimasi 2x2", "2x2 estimate"), title="Goodman-Bacon")
    ri = res.randomization.tidy().iloc[0]
    wcb_p = res.wild_bootstrap.pvalue if res.wild_bootstrap is not None else float("nan")
    nar.say(
        "**Inferensi untuk sedikit klaster** ({g} unit). Inferensi utama: randomisasi atas tanggal rotasi, "
        "{p2} (metode yang paling jujur pada skala ini menurut studi cakupan di benchmarks/README.md). "
        "Pembanding: wild cluster bootstrap pada ATT Sun-Abraham {p1}; galat baku analitik {p3}. "
        "Keduanya {agree} dengan inferensi utama.",
        "**Few-cluster inference** ({g} units). Headline: randomization inference over rotation dates, "
        "{p2} (the most honest method at this scale in the coverage study of benchmarks/README.md). "
        "Second opinions: wild cluster bootstrap of the Sun-Abraham ATT {p1}; analytic standard error "
        "{p3}. They {agree} the headline.",
        g=res.n_units, p1=nar.p(wcb_p), p2=nar.p(ri["pvalue"]), p3=nar.p(res.aggregates["simple"].pvalue),
        agree=nar.t("sejalan", "agree with") if res.agrees else nar.t("tidak sejalan", "do not agree with"),
    )
if res.notes:
    # The estimators' notes are technical and in English; they are shown as they are.
    nar.say("**Catatan teknis** (dari penaksir, dalam bahasa Inggris):", "**Technical notes** (from the estimators):")
for note in res.notes:
    nar.say("> " + note, "> " + note)'''),
    code('''
def _gt(r):
    return {"cohort": month_label(int(r.cohort)), "event_time": int(r.event_time), "post": bool(r.post),
            "estimate": r.att, "conf_low": r.ci_low, "conf_high": r.ci_high}

ci = res.conf_int() if res.ok else (None, None)
analytic = res.aggregates["simple"].conf_int(res.alpha) if res.ok else (None, None)
from mutasi_analysis.reporting.tables import impact_table

saved = record("03_dampak_layanan", {
    "period": p.id,
    "tables": {"dampak": impact_table(res)},
    "status": res.status,
    "outcome": res.outcome,
    "headline": {
        "att": {"label": nar.t("Dampak rotasi pada waktu respons (hari kerja)", "Rotation effect on response time (working days)"),
                "value": res.estimate},
    },
    "att": res.estimate, "conf_low": ci[0], "conf_high": ci[1], "alpha": res.alpha,
    "inference": res.inference,  # what the headline interval comes from
    "analytic_conf_low": analytic[0], "analytic_conf_high": analytic[1],
    "facts": res.estimate_facts(),  # the fields of findings.ImpactEstimate
    "n_units": res.n_units, "n_treated": res.n_treated, "n_never": res.n_never, "control": res.control,
    "att_gt": [_gt(r) for r in res.att_gt.tidy().itertuples()] if res.ok else [],
    "event_study": res.aggregates["event"].tidy() if res.ok else [],
    "twfe": res.twfe.estimate if res.ok else None,
    "sun_abraham": {"estimate": sa.estimate, "conf_low": sa.conf_int(res.alpha)[0], "conf_high": sa.conf_int(res.alpha)[1]} if res.ok else None,
    "bacon": res.bacon.table if res.ok else [],
    "wild_bootstrap_p": res.wild_bootstrap.tidy()["pvalue"].iloc[0] if res.ok else None,
    "randomization_p": res.randomization.tidy()["pvalue"].iloc[0] if res.ok else None,
    "agrees": res.agrees,
    "verdict": dict(res.verdict),
})'''),
]

# ------------------------------------------------------------------------------------- 04
NOTEBOOKS["04_ikm"] = [
    code(COMMON + '''n_boot: int = 2000  # bootstrap resamples for the IKM confidence intervals
seed: int = 20260701  # random seed (same seed, same numbers)
'''),
    code(LOAD),
    code('''
from mutasi_analysis import ikm

nar.say("# Indeks Kepuasan Masyarakat (IKM): {period}", "# Community satisfaction index (IKM): {period}", period=p.label(lang))
skm = ikm.add_period(data.skm, cfg.period.kind)
current = skm[skm["periode"] == p.id]
previous = skm[skm["periode"] == p.previous().id]
per_unit = ikm.sample_adequacy(ikm.compute(current, by=("kode_unit",), config=cfg, lang=lang), config=cfg, lang=lang)
overall = ikm.compute(current.assign(wilayah=cfg.region.code), by=("wilayah",), config=cfg, lang=lang).iloc[0]
nar.say(
    "IKM {region} pada periode ini **{v}** (mutu {m}, {k}) dari {n} responden, dihitung menurut "
    "PermenPANRB 14/2017 (9 unsur, bobot 1/9).",
    "The IKM of {region} in this period is **{v}** (grade {m}, {k}) from {n} respondents, computed "
    "per PermenPANRB 14/2017 (9 elements, weight 1/9).",
    region=cfg.region.name, v=nar.num(overall["ikm"]), m=overall["mutu"], k=overall["kinerja"], n=int(overall["n_responden"]),
)
table = units.merge(per_unit[["kode_unit", "n_responden", "ikm", "mutu", "kinerja", "sampel_minimum", "memadai"]], on="kode_unit", how="left")
nar.table(table)'''),
    code('''
import matplotlib.pyplot as plt
import seaborn as sns

ci = ikm.bootstrap_ci(current, by=("kode_unit",), n_boot=n_boot, seed=seed, config=cfg, lang=lang)
plot = table.merge(ci, on="kode_unit", how="left", suffixes=("", "_ci"))
fig, ax = plt.subplots(figsize=(8, 5))
sns.barplot(data=plot, y="nama_unit", x="ikm", hue="mutu", dodge=False, ax=ax)
lo, hi = [c for c in ci.columns if c.startswith("ci_")][:2]
ax.errorbar(plot["ikm"], range(len(plot)), xerr=[plot["ikm"] - plot[lo], plot[hi] - plot["ikm"]], fmt="none", color="black")
for border in (65.0, 76.61, 88.31):
    ax.axvline(border, color="grey", ls=":")
ax.set(xlim=(60, 100), xlabel="IKM", ylabel="", title=nar.t("IKM per unit (IK 95% bootstrap)", "IKM per unit (95% bootstrap CI)"));'''),
    code('''
elements = ikm.by_element(current, by=("kode_unit",), config=cfg, lang=lang)
weakest = elements[elements["terlemah"]][["kode_unit", "unsur", "nrr", "nilai_unsur"]]
nar.say("**Unsur terlemah per unit**", "**Weakest element per unit**")
nar.table(units.merge(weakest, on="kode_unit"))
heat = elements.pivot(index="kode_unit", columns="kode_unsur", values="nrr").astype(float)
fig, ax = plt.subplots(figsize=(9, 6))
sns.heatmap(heat, annot=True, fmt=".2f", cmap="RdYlGn", vmin=2.5, vmax=4, ax=ax)
ax.set(xlabel=nar.t("Unsur", "Element"), ylabel="", title=nar.t("NRR per unsur", "Mean score per element"));'''),
    code('''
change = None
if len(previous):
    before = ikm.compute(previous, by=("kode_unit",), config=cfg, lang=lang)
    change = ikm.compare_periods(per_unit, before)
    nar.say("**Dibanding periode sebelumnya ({q})**", "**Compared with the previous period ({q})**", q=p.previous().id)
    nar.table(change)
inadequate = table.loc[table["memadai"] == False, "kode_unit"].tolist()  # noqa: E712 (NA-aware)
if inadequate:
    nar.say("Sampel belum memenuhi ukuran Krejcie-Morgan di: {u}.", "Sample below the Krejcie-Morgan size at: {u}.", u=", ".join(inadequate))'''),
    code('''
from mutasi_analysis.reporting.tables import table_payload

score = {"id": "skor 25-100", "en": "score 25-100"}
saved = record("04_ikm", {
    "period": p.id,
    "tables": {
        "ikm_unit": table_payload(per_unit[["kode_unit", "n_responden", "ikm", "mutu", "kinerja", "sampel_minimum", "memadai"]],
                                  title={"id": "IKM per unit layanan", "en": "IKM by service unit"}, units={"ikm": score},
                                  formats={"mutu": "text", "kinerja": "text"}, decimals={"ikm": 2}),
        "ikm_unsur": table_payload(elements[["kode_unit", "kode_unsur", "unsur", "n_jawaban", "nrr", "nilai_unsur", "mutu"]],
                                   title={"id": "Nilai per unsur", "en": "Score by element"},
                                   formats={"mutu": "text"}, decimals={"nrr": 2, "nilai_unsur": 2}),
    },
    "changes": change.assign(periode=p.id, periode_sebelumnya=p.previous().id) if change is not None else [],
    "headline": {
        "ikm": {"label": nar.t("IKM wilayah", "Region IKM"), "value": overall["ikm"]},
        "n_responden": {"label": nar.t("Responden SKM", "SKM respondents"), "value": int(overall["n_responden"])},
    },
    "ikm": overall["ikm"], "mutu": overall["mutu"], "n_responden": int(overall["n_responden"]),
    "units": per_unit[["kode_unit", "n_responden", "ikm", "mutu", "sampel_minimum", "memadai"]],
    "weakest": weakest,
    "inadequate_sample": inadequate,
})'''),
]

# ------------------------------------------------------------------------------------- 05
NOTEBOOKS["05_umpan_balik_asn"] = [
    code(COMMON),
    code(LOAD),
    code('''
from mutasi_analysis import survey
from mutasi_analysis.ikm import add_period

nar.say("# Umpan balik pegawai yang dimutasi: {period}", "# Feedback from rotated staff: {period}", period=p.label(lang))
sheets = add_period(data.survei_asn, cfg.period.kind)
current = sheets[sheets["periode"] == p.id]
k = cfg.thresholds.min_cell_size
ready = survey.readiness(current, lang=lang).iloc[0] if len(current) else None
enough = ready is not None and int(ready["n_kesiapan"]) >= k
if not enough:
    nar.say("Kurang dari {k} lembar umpan balik pada periode ini: hasil tidak ditampilkan untuk melindungi responden.",
            "Fewer than {k} feedback sheets in this period: results are not shown, to protect respondents.", k=k)
else:
    nar.say(
        "{n} pegawai yang dimutasi mengisi umpan balik. **{u}** merasa belum siap untuk tugas barunya "
        "(kesiapan 1-2 dari 5) dan **{t}** menyatakan membutuhkan pelatihan (4-5 dari 5).",
        "{n} rotated staff returned feedback. **{u}** felt not ready for the new post (readiness 1-2 "
        "of 5) and **{t}** said they need training (4-5 of 5).",
        n=int(ready["n_lembar"]), u=nar.pct(ready["share_belum_siap"]), t=nar.pct(ready["share_butuh_pelatihan"]),
    )
    if ready["share_belum_siap"] > cfg.thresholds.unready_share_training:
        nar.say(
            "**Rekomendasi:** proporsi yang belum siap melebihi ambang {th}: adakan pelatihan *sebelum* rotasi berikutnya.",
            "**Recommendation:** the share not ready exceeds the threshold {th}: hold training *before* the next rotation.",
            th=nar.pct(cfg.thresholds.unready_share_training),
        )'''),
    code('''
import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns

if enough:
    dist = survey.item_distribution(current)
    # Answer counts per category are cells of a few people: show means and shares instead.
    dist["share_setuju"] = (dist["likert_4"] + dist["likert_5"]) / dist["n_jawab"]
    dist.loc[dist["n_jawab"] < k, ["rata_rata", "share_setuju"]] = float("nan")
    adapt = dist.set_index("item").loc["adaptasi_budaya_kerja"]
    nar.say(
        "**Adaptasi budaya kerja**: rata-rata {m} dari 5; {s} setuju bahwa mereka sudah menyesuaikan "
        "diri dengan budaya kerja unit baru.",
        "**Culture adaptation**: mean {m} of 5; {s} agree they have adapted to the new unit's work culture.",
        m=nar.num(adapt["rata_rata"]), s=nar.pct(adapt["share_setuju"]),
    )
    dist["item"] = dist["item"].map(nar.label)
    nar.table(dist[["item", "n_jawab", "rata_rata", "share_setuju"]].rename(columns={"share_setuju": nar.t("Proporsi setuju (4-5)", "Share agreeing (4-5)")}))
    items = survey.validate_responses(current)[list(survey.ITEMS)]
    long = items.melt(var_name="item", value_name="skor").dropna()
    long["item"] = long["item"].map(nar.label)
    fig, ax = plt.subplots(figsize=(8, 4))
    sns.boxplot(data=long, y="item", x="skor", ax=ax, color="#dd8452")
    ax.set(xlabel=nar.t("Skor (1-5)", "Score (1-5)"), ylabel="", xlim=(0.5, 5.5),
           title=nar.t("Jawaban per butir", "Answers per item"))
    alpha = survey.cronbach_alpha(items, items=survey.SCALE_ITEMS, lang=lang)
    nar.say("Reliabilitas skala pengalaman mutasi: alpha Cronbach {a}.", "Reliability of the rotation-experience scale: Cronbach's alpha {a}.",
            a=nar.num(alpha.alpha) if alpha.alpha is not None else nar.t("tidak dapat dihitung", "not computable"))'''),
    code('''
trend = survey.readiness(sheets, by=("periode",), lang=lang)
trend = trend[(trend["periode"] <= p.id) & (trend["n_kesiapan"] >= k)]
if len(trend) > 1:
    ax = sns.lineplot(data=trend, x="periode", y="share_belum_siap", marker="o")
    ax.set(xlabel="", ylabel=nar.t("Proporsi belum siap", "Share not ready"), ylim=(0, 1),
           title=nar.t("Kesiapan dari periode ke periode (periode dengan sedikit lembar tidak ditampilkan)",
                       "Readiness over periods (periods with few sheets not shown)"));'''),
    code('''
from mutasi_analysis import rotation

# Breakdowns and the training link use every sheet up to the period's end: one period holds
# too few sheets to split. Cells from fewer than min_cell_size people are hidden (*), and so are
# cells whose value the group totals would otherwise reveal.
to_date = sheets[sheets["periode"] <= p.id]
events = rotation.rotation_events(data.riwayat_jabatan, cfg)
grouped = survey.add_time_since_rotation(
    survey.add_golongan(survey.add_unit_type(to_date, cfg), data.pegawai), events, lang=lang)
nar.say("## Kesiapan menurut kelompok",  "## Readiness by group")
nar.say("Semua lembar sampai akhir {period} ({n} lembar). Sel dari kurang dari {k} orang disembunyikan (*), "
        "begitu pula sel yang dapat dihitung dari total.",
        "All sheets up to the end of {period} ({n} sheets). Cells from fewer than {k} people are hidden (*), "
        "and so are cells that the totals would reveal.", period=p.label(lang), n=len(grouped), k=k)
by_group = {}
for col, title in (("jenis_unit", nar.t("Jenis unit", "Unit type")), ("golongan", nar.t("Golongan", "Grade")),
                   ("kelompok_sejak_mutasi", nar.t("Lama sejak mutasi", "Time since rotation"))):
    by_group[col] = survey.readiness_by_group(grouped, col, min_cell=k, lang=lang)
    names = by_group[col]["kelompok"].map(nar.label) if col == "jenis_unit" else by_group[col]["kelompok"]
    nar.table(pd.DataFrame({title: names, nar.t("Lembar", "Sheets"): by_group[col]["n_kesiapan"],
                            nar.t("Proporsi belum siap", "Share not ready"):
                            [("*" if pd.isna(v) else nar.pct(v)) for v in by_group[col]["share_belum_siap"]]}))

link = survey.training_link(to_date, data.pelatihan, events, min_group=k, lang=lang)
if link.status == "ok":
    nar.say(
        "**Pelatihan sebelum mutasi** (asosiasi, bukan efek): pegawai yang mengikuti pelatihan dalam 365 hari "
        "sebelum mutasinya rata-rata menilai kesiapannya {mt} dari 5, yang tidak {mu}; selisih {d} "
        "(IK {lv}%: {lo} s.d. {hi}; {nt} dan {nu} lembar).",
        "**Training before rotation** (an association, not an effect): staff trained within 365 days before "
        "their move rated their readiness {mt} of 5 on average, others {mu}; difference {d} "
        "({lv}% CI {lo} to {hi}; {nt} and {nu} sheets).",
        mt=nar.num(link.mean_trained), mu=nar.num(link.mean_untrained), d=nar.num(link.mean_diff),
        lo=nar.num(link.mean_ci_low), hi=nar.num(link.mean_ci_high), lv=nar.num(100 * link.level, 0),
        nt=link.n_trained, nu=link.n_untrained)
else:
    nar.say("**Pelatihan sebelum mutasi**: {note}", "**Training before rotation**: {note}", note=link.note)'''),
    code('''
from mutasi_analysis.reporting.tables import table_payload

cols = ["n_lembar", "n_kesiapan", "n_belum_siap", "share_belum_siap", "n_pelatihan_dijawab", "n_butuh_pelatihan", "share_butuh_pelatihan"]
saved = record("05_umpan_balik_asn", {
    "period": p.id,
    "tables": {"umpan_balik": table_payload(
        survey.readiness(current, lang=lang)[cols] if enough else pd.DataFrame(columns=cols),
        title={"id": "Kesiapan dan kebutuhan pelatihan", "en": "Readiness and training needs"},
        formats={c: ("percent" if c.startswith("share") else "integer") for c in cols},
        note=None if enough else {"id": f"Kurang dari {k} lembar: tidak ditampilkan.", "en": f"Fewer than {k} sheets: not shown."})},
    "headline": {
        "share_unready": {"label": nar.t("Belum siap setelah mutasi", "Not ready after rotation"),
                          "value": float(ready["share_belum_siap"]) if enough else None},
    },
    "sheets": int(ready["n_lembar"]) if enough else None,
    "by_group": by_group,
    "training_link": link.to_dict(),
    # The number of answers is not sensitive; the split of a small group would be.
    "answered": int(ready["n_kesiapan"]) if ready is not None else 0,
    "unready": int(ready["n_belum_siap"]) if enough else None,
    "share_unready": float(ready["share_belum_siap"]) if enough else None,
    "share_training": float(ready["share_butuh_pelatihan"]) if enough else None,
    "culture_adaptation_mean": float(adapt["rata_rata"]) if enough else None,
    "suppressed": not enough,
    "training_recommended": bool(enough and ready["share_belum_siap"] > cfg.thresholds.unready_share_training),
})'''),
]

# ------------------------------------------------------------------------------------- 00
NOTEBOOKS["00_ringkasan"] = [
    code('''period: str = "2026-S1"  # evaluation period (the region's kind: 2026-S1, 2026-Q2, 2026-05, 2026)
lang: str = "id"  # report language: "id" (Indonesian) or "en" (English)
region: str = "../config/alak.toml"  # region configuration (TOML)
reports: str = "../reports"  # reports root, for the trends over past periods
'''),
    code('''
import pandas as pd

from mutasi_analysis.config import load_config
from mutasi_analysis.periods import parse_period
from mutasi_analysis.record import read_records, record
from mutasi_analysis.reporting.index import headline_rows
from mutasi_analysis.reporting.notebook import setup

nar = setup(lang)
cfg = load_config(region)
p = parse_period(period, cfg.period.kind)
results = read_records(".")  # the other notebooks of this period ran first, in this folder
results.pop("00_ringkasan", None)
nar.say("# Ringkasan eksekutif: evaluasi mutasi ASN {region}, {period}",
        "# Executive summary: civil-servant rotation in {region}, {period}", region=cfg.region.name, period=p.label(lang))'''),
    code('''
def shown(v):
    if v is None:
        return nar.t("tidak cukup data", "not enough data")
    return nar.num(v, 2 if isinstance(v, float) else 0) if isinstance(v, (int, float)) else str(v)

from mutasi_analysis.text import section_title

rows = []
for nb, res in sorted(results.items()):
    for key, h in (res.get("headline") or {}).items():
        rows.append({"bagian": section_title(nb, lang), "ukuran": h["label"] if isinstance(h, dict) else key,
                     "nilai": shown(h["value"] if isinstance(h, dict) else h)})
headline = pd.DataFrame(rows, columns=["bagian", "ukuran", "nilai"], dtype=object)
nar.table(headline)
missing = [nb for nb in ("01_kualitas_data", "02_mutasi", "03_dampak_layanan", "04_ikm", "05_umpan_balik_asn") if nb not in results]
if missing:
    nar.say("**Bagian belum tersedia:** {m}.", "**Sections not available:** {m}.", m=", ".join(missing))'''),
    code('''
from mutasi_analysis import findings as fnd

nar.say("## Temuan dan rekomendasi", "## Findings and recommendations")
impact = results.get("03_dampak_layanan") or {}
ikm_res = results.get("04_ikm") or {}
fb = results.get("05_umpan_balik_asn") or {}
rot = (results.get("02_mutasi") or {}).get("compliance") or {}
impacts = (fnd.ImpactEstimate(**impact["facts"]),) if impact.get("facts") else ()
n_control = None
if impact.get("status") == "ok":
    n_control = impact["n_never"] if impact["control"] == "never" else impact["n_units"] - impact["n_treated"]
inputs = fnd.FindingInputs(
    period=p.id,
    readiness_answered=fb.get("answered") if fb.get("unready") is not None else None,
    readiness_unready=fb.get("unready"),
    impacts=impacts,
    rotation_candidates=rot.get("max_years_candidates"),
    min_years_breaks=rot.get("min_years_in_period"),
    freeze_breaks=rot.get("freeze_in_period"),
    ikm_changes=fnd.ikm_changes(pd.DataFrame(ikm_res["changes"])) if ikm_res.get("changes") else (),
    skm_samples=fnd.skm_samples(pd.DataFrame(ikm_res["units"])) if ikm_res.get("units") else (),
    n_treated_units=impact.get("n_treated") if n_control is not None else None,
    n_control_units=n_control,
)
findings = fnd.evaluate(inputs, cfg, lang=lang)
if len(findings):
    nar.table(findings[["severity", "topic", "text", "recommendation", "evidence"]])
else:
    nar.say("Tidak ada temuan yang memerlukan tindakan.", "No findings that call for action.")
if impact.get("verdict"):
    nar.say("**Dampak pada layanan.** " + impact["verdict"]["id"], "**Impact on service.** " + impact["verdict"]["en"])'''),
    code('''
import matplotlib.pyplot as plt
import seaborn as sns

periods, past = headline_rows(reports)
trend = [{"periode": per, "ukuran": r["label"], "nilai": v} for r in past for per, v in r["values"].items()
         if per < p.id and isinstance(v, (int, float))]
trend += [{"periode": p.id, "ukuran": h["label"], "nilai": h["value"]} for res in results.values()
          for h in (res.get("headline") or {}).values() if isinstance(h, dict) and isinstance(h.get("value"), (int, float))]
trend = pd.DataFrame(trend, columns=["periode", "ukuran", "nilai"])
if trend["periode"].nunique() > 1:
    g = sns.relplot(data=trend, x="periode", y="nilai", col="ukuran", col_wrap=3, kind="line", marker="o",
                    facet_kws={"sharey": False}, height=2.6, aspect=1.3)
    g.set_titles("{col_name}")
else:
    nar.say("Tren antar periode tampil setelah lebih dari satu periode dilaporkan.",
            "Trends over periods appear once more than one period has been reported.")'''),
    code('''
from mutasi_analysis.reporting.tables import findings_table

saved = record("00_ringkasan", {
    "period": p.id,
    "headline": {"findings": {"label": nar.t("Jumlah temuan", "Number of findings"), "value": int(len(findings))}},
    "findings": findings,
    "tables": {"temuan": findings_table(findings)},
    "sections": sorted(results),
    "missing_sections": missing,
    "headline_count": len(headline),
    "periods_in_trend": sorted(trend["periode"].unique().tolist()),
})'''),
]


def build(folder: Path = HERE) -> list[Path]:
    """Write every notebook (no outputs, kernel ``mutasi-analysis``); returns the paths."""
    out = []
    for name, cells in NOTEBOOKS.items():
        cells = [nbformat.from_dict(dict(c)) for c in cells]
        cells[0].metadata["tags"] = ["parameters"]
        for i, c in enumerate(cells):
            c.id = f"{name[:2]}-{i:02d}"  # stable ids: rebuilding gives the same bytes
        nb = new_notebook(cells=cells)
        nb.metadata.kernelspec = dict(KERNELSPEC)
        nb.metadata.language_info = {"name": "python"}
        path = folder / f"{name}.ipynb"
        nbformat.write(nb, str(path))
        out.append(path)
    return out


if __name__ == "__main__":
    for path in build(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE):
        print(path)
