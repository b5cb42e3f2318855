"""Indonesian and English strings for report tables and findings.

Every column a domain table shows, every category label and every finding template lives here,
so that a report can be rendered in Indonesian (the default) or English from the same results.
:func:`label` looks a key up; :func:`relabel` renames a table's columns for display;
:func:`fmt_number`, :func:`fmt_pct`, :func:`fmt_date` and :func:`period_label` write numbers,
dates and periods through Babel (CLDR locales ``id_ID`` and ``en``): the only number formatting
of the reports.
"""

from __future__ import annotations

import math
from typing import Iterable, Mapping

import babel.dates
import babel.numbers
import pandas as pd

__all__ = ["LANGS", "LABELS", "TEMPLATES", "NOTES", "label", "relabel", "template", "note_text", "sensitivity_text",
           "pretrend_text", "power_text", "fmt_number", "fmt_count", "fmt_value", "fmt_pct", "fmt_p", "fmt_date", "fmt_datetime",
           "fmt_month", "period_label", "LOCALES"]

LANGS = ("id", "en")
#: Babel (CLDR) locale of each report language: every number, date and month is written by it.
LOCALES = {"id": "id_ID", "en": "en"}

#: Key -> {"id": Indonesian, "en": English}. Keys are the column names the modules return.
LABELS: dict[str, dict[str, str]] = {
    # grouping columns shared by several tables
    "kode_unit": {"id": "Kode unit", "en": "Unit code"},
    "nama_unit": {"id": "Unit layanan", "en": "Service unit"},
    "jenis_unit": {"id": "Jenis unit", "en": "Unit type"},
    "golongan": {"id": "Golongan", "en": "Civil-service grade"},
    "periode": {"id": "Periode", "en": "Period"},
    "periode_sebelumnya": {"id": "Periode sebelumnya", "en": "Previous period"},
    "catatan": {"id": "Catatan", "en": "Note"},
    # IKM (PermenPANRB 14/2017)
    "n_responden": {"id": "Jumlah responden", "en": "Respondents"},
    "ikm": {"id": "Nilai IKM", "en": "IKM score"},
    "ikm_sebelumnya": {"id": "IKM periode sebelumnya", "en": "IKM, previous period"},
    "mutu": {"id": "Mutu pelayanan", "en": "Service grade"},
    "mutu_sebelumnya": {"id": "Mutu periode sebelumnya", "en": "Grade, previous period"},
    "kinerja": {"id": "Kinerja unit pelayanan", "en": "Unit performance"},
    "bobot": {"id": "Bobot unsur", "en": "Element weight"},
    "unsur": {"id": "Unsur pelayanan", "en": "Service element"},
    "kode_unsur": {"id": "Kode unsur", "en": "Element code"},
    "nrr": {"id": "Nilai rata-rata (NRR)", "en": "Mean score (NRR)"},
    "nilai_unsur": {"id": "Nilai unsur (NRR x 25)", "en": "Element score (NRR x 25)"},
    "n_jawaban": {"id": "Jumlah jawaban", "en": "Answers"},
    "peringkat": {"id": "Peringkat (1 = terlemah)", "en": "Rank (1 = weakest)"},
    "terlemah": {"id": "Unsur terlemah", "en": "Weakest element"},
    "ci_bawah": {"id": "Batas bawah SK", "en": "CI lower"},
    "ci_atas": {"id": "Batas atas SK", "en": "CI upper"},
    "tingkat_kepercayaan": {"id": "Tingkat kepercayaan", "en": "Confidence level"},
    "populasi": {"id": "Penerima layanan per tahun", "en": "Service recipients per year"},
    "sampel_minimum": {"id": "Sampel minimum (Krejcie-Morgan)", "en": "Minimum sample (Krejcie-Morgan)"},
    "memadai": {"id": "Sampel memadai", "en": "Sample adequate"},
    "turun_mutu": {"id": "Mutu turun", "en": "Grade dropped"},
    "selisih_ikm": {"id": "Selisih IKM", "en": "IKM change"},
    # IKM elements
    "persyaratan": {"id": "Persyaratan", "en": "Requirements"},
    "prosedur": {"id": "Sistem, mekanisme, dan prosedur", "en": "System, mechanism and procedure"},
    "waktu_penyelesaian": {"id": "Waktu penyelesaian", "en": "Completion time"},
    "biaya_tarif": {"id": "Biaya/tarif", "en": "Cost/tariff"},
    "produk_layanan": {"id": "Produk spesifikasi jenis pelayanan", "en": "Service product specification"},
    "kompetensi_pelaksana": {"id": "Kompetensi pelaksana", "en": "Staff competence"},
    "perilaku_pelaksana": {"id": "Perilaku pelaksana", "en": "Staff conduct"},
    "penanganan_pengaduan": {
        "id": "Penanganan pengaduan, saran dan masukan",
        "en": "Handling of complaints, suggestions and input",
    },
    "sarana_prasarana": {"id": "Sarana dan prasarana", "en": "Facilities and infrastructure"},
    # IKM categories (kinerja labels)
    "kinerja_A": {"id": "Sangat Baik", "en": "Very good"},
    "kinerja_B": {"id": "Baik", "en": "Good"},
    "kinerja_C": {"id": "Kurang Baik", "en": "Poor"},
    "kinerja_D": {"id": "Tidak Baik", "en": "Bad"},
    # staff feedback items (Likert 1..5)
    "kesiapan_tugas": {"id": "Kesiapan menjalankan tugas baru", "en": "Readiness for the new post"},
    "kejelasan_informasi": {"id": "Kejelasan informasi mutasi", "en": "Clarity of rotation information"},
    "dukungan_atasan": {"id": "Dukungan atasan", "en": "Supervisor support"},
    "adaptasi_budaya_kerja": {"id": "Adaptasi budaya kerja", "en": "Adapting to the work culture"},
    "kebutuhan_pelatihan": {"id": "Kebutuhan pelatihan", "en": "Need for training"},
    "kepuasan_mutasi": {"id": "Kepuasan terhadap mutasi", "en": "Satisfaction with the rotation"},
    "niat_bertahan": {"id": "Niat bertahan di unit", "en": "Intention to stay"},
    "likert_1": {"id": "Sangat tidak setuju", "en": "Strongly disagree"},
    "likert_2": {"id": "Tidak setuju", "en": "Disagree"},
    "likert_3": {"id": "Netral", "en": "Neutral"},
    "likert_4": {"id": "Setuju", "en": "Agree"},
    "likert_5": {"id": "Sangat setuju", "en": "Strongly agree"},
    # staff feedback tables
    "item": {"id": "Butir pertanyaan", "en": "Item"},
    "skor": {"id": "Skor", "en": "Score"},
    "n_lembar": {"id": "Jumlah lembar jawaban", "en": "Answer sheets"},
    "n_jawab": {"id": "Jumlah menjawab", "en": "Answered"},
    "n_kosong": {"id": "Tidak menjawab", "en": "Not answered"},
    "rata_rata": {"id": "Rata-rata", "en": "Mean"},
    "simpangan_baku": {"id": "Simpangan baku", "en": "Standard deviation"},
    "skor_skala": {"id": "Skor skala pengalaman mutasi", "en": "Rotation-experience scale score"},
    "n_item_dijawab": {"id": "Butir dijawab", "en": "Items answered"},
    "n_kesiapan": {"id": "Menjawab butir kesiapan", "en": "Answered the readiness item"},
    "n_belum_siap": {"id": "Belum siap (skor <= 2)", "en": "Not ready (score <= 2)"},
    "share_belum_siap": {"id": "Persentase belum siap", "en": "Share not ready"},
    "n_pelatihan_dijawab": {"id": "Menjawab butir pelatihan", "en": "Answered the training item"},
    "n_butuh_pelatihan": {"id": "Membutuhkan pelatihan (skor >= 4)", "en": "Asking for training (score >= 4)"},
    "share_butuh_pelatihan": {"id": "Persentase membutuhkan pelatihan", "en": "Share asking for training"},
    "share_belum_siap_sebelumnya": {"id": "Persentase belum siap (periode sebelumnya)", "en": "Share not ready (previous period)"},
    "n_kesiapan_sebelumnya": {"id": "Menjawab butir kesiapan (periode sebelumnya)", "en": "Answered the readiness item (previous period)"},
    "n_belum_siap_sebelumnya": {"id": "Belum siap (periode sebelumnya)", "en": "Not ready (previous period)"},
    "share_butuh_pelatihan_sebelumnya": {"id": "Persentase membutuhkan pelatihan (periode sebelumnya)", "en": "Share asking for training (previous period)"},
    "n_pelatihan_dijawab_sebelumnya": {"id": "Menjawab butir pelatihan (periode sebelumnya)", "en": "Answered the training item (previous period)"},
    "n_butuh_pelatihan_sebelumnya": {"id": "Membutuhkan pelatihan (periode sebelumnya)", "en": "Asking for training (previous period)"},
    "tanggal_mutasi": {"id": "Tanggal mutasi", "en": "Rotation date"},
    "pid": {"id": "Pseudonim pegawai", "en": "Staff pseudonym"},
    "selisih": {"id": "Selisih", "en": "Difference"},
    "kelompok_sejak_mutasi": {"id": "Lama sejak mutasi", "en": "Time since rotation"},
    "bulan_sejak_mutasi": {"id": "Bulan sejak mutasi", "en": "Months since rotation"},
    "sejak_0_6": {"id": "< 6 bulan", "en": "< 6 months"},
    "sejak_6_12": {"id": "6-12 bulan", "en": "6-12 months"},
    "sejak_12_24": {"id": "12-24 bulan", "en": "12-24 months"},
    "sejak_24_plus": {"id": ">= 24 bulan", "en": ">= 24 months"},
    "sejak_tidak_diketahui": {"id": "Tanpa data mutasi", "en": "No rotation on record"},
    "dilatih_sebelum_mutasi": {"id": "Dilatih sebelum mutasi", "en": "Trained before rotation"},
    "tidak_dilatih": {"id": "Tidak dilatih sebelum mutasi", "en": "Not trained before rotation"},
    "alpha_cronbach": {"id": "Alpha Cronbach", "en": "Cronbach's alpha"},
    "status": {"id": "Status", "en": "Status"},
    "status_ok": {"id": "cukup data", "en": "enough data"},
    "render_ok": {"id": "berhasil", "en": "done"},
    "render_failed": {"id": "gagal", "en": "failed"},
    "render_skipped": {"id": "dilewati", "en": "skipped"},
    "status_not_enough_data": {"id": "tidak cukup data", "en": "not enough data"},
    # suppression
    "disembunyikan": {"id": "*", "en": "*"},
    "catatan_sensor": {
        "id": "* disembunyikan: sel dari kurang dari {min_cell} orang, atau disembunyikan agar sel tersebut tidak dapat dihitung dari total (UU 27/2022).",
        "en": "* suppressed: cell from fewer than {min_cell} people, or hidden so that such a cell cannot be derived from totals (Law 27/2022).",
    },
    "total": {"id": "Total", "en": "Total"},
    # findings
    "id": {"id": "No.", "en": "ID"},
    "severity": {"id": "Tingkat", "en": "Severity"},
    "topic": {"id": "Topik", "en": "Topic"},
    "text": {"id": "Temuan", "en": "Finding"},
    "recommendation": {"id": "Rekomendasi", "en": "Recommendation"},
    "evidence": {"id": "Bukti", "en": "Evidence"},
    "rule": {"id": "Aturan", "en": "Rule"},
    "severity_high": {"id": "tinggi", "en": "high"},
    "severity_medium": {"id": "sedang", "en": "medium"},
    "severity_low": {"id": "rendah", "en": "low"},
    "severity_info": {"id": "informasi", "en": "information"},
    "topic_feedback": {"id": "Umpan balik ASN", "en": "Staff feedback"},
    "topic_service": {"id": "Kinerja pelayanan", "en": "Service performance"},
    "topic_compliance": {"id": "Kepatuhan mutasi", "en": "Rotation compliance"},
    "topic_ikm": {"id": "Indeks Kepuasan Masyarakat", "en": "Community satisfaction index"},
    "topic_method": {"id": "Keandalan analisis", "en": "Soundness of the analysis"},
    "not_enough_data": {"id": "tidak cukup data", "en": "not enough data"},
    "not_available": {"id": "tidak tersedia", "en": "n/a"},
    "note_element_unanswered": {
        "id": "tidak cukup data: unsur {elements} tidak dijawab satu responden pun",
        "en": "not enough data: no respondent answered {elements}",
    },
    "note_few_respondents": {
        "id": "tidak cukup data: kurang dari {n} responden",
        "en": "not enough data: fewer than {n} respondents",
    },
    "note_volume_unknown": {
        "id": "volume layanan tahunan tidak diketahui",
        "en": "yearly service volume unknown",
    },
    "yes": {"id": "ya", "en": "yes"},
    "no": {"id": "tidak", "en": "no"},
    # unit types (config [[units]] type)
    "kantor_camat": {"id": "Kantor camat", "en": "Sub-district office"},
    "kantor_kelurahan": {"id": "Kantor kelurahan", "en": "Urban village office"},
    "puskesmas": {"id": "Puskesmas", "en": "Community health centre"},
    "pustu": {"id": "Puskesmas pembantu", "en": "Auxiliary health post"},
    # report sections (notebook names)
    "section_00_ringkasan": {"id": "Ringkasan eksekutif", "en": "Executive summary"},
    "section_01_kualitas_data": {"id": "Kualitas data", "en": "Data quality"},
    "section_02_mutasi": {"id": "Mutasi", "en": "Rotation"},
    "section_03_dampak_layanan": {"id": "Dampak layanan", "en": "Service impact"},
    "section_04_ikm": {"id": "Kepuasan masyarakat (IKM)", "en": "Community satisfaction (IKM)"},
    "section_05_umpan_balik_asn": {"id": "Umpan balik ASN", "en": "Staff feedback"},
}

#: Finding templates: key -> {"id": ..., "en": ...}, filled with :meth:`str.format`.
TEMPLATES: dict[str, dict[str, str]] = {
    # periods and moments (numbers and month names inside them come from Babel)
    "period_semester": {"id": "Semester {roman} {year}", "en": "Semester {n}, {year}"},
    "period_quarter": {"id": "Triwulan {roman} {year}", "en": "Quarter {n}, {year}"},
    "datetime": {"id": "{day} pukul {clock} {zone}", "en": "{day} at {clock} {zone}"},
    "unready_training.text": {
        "id": "{share} ASN yang dimutasi ({unready} dari {n} yang menjawab; selang kepercayaan 95%: {low} s.d. {high}) merasa belum siap menjalankan tugas baru (skor kesiapan ≤ 2), di atas batas {threshold}.",
        "en": "{share} of rotated staff ({unready} of {n} who answered; 95% confidence interval {low} to {high}) feel not ready for the new post (readiness score ≤ 2), above the {threshold} threshold.",
    },
    "unready_training.rec": {
        "id": "Adakan pelatihan bagi ASN yang akan dimutasi sebelum mutasi berikutnya dilaksanakan.",
        "en": "Train staff due for rotation before the next rotation takes place.",
    },
    "unready_few.text": {
        "id": "Hanya {n} lembar jawaban menjawab butir kesiapan (minimum {min_cell}); persentase belum siap tidak dilaporkan.",
        "en": "Only {n} answer sheets answered the readiness item (minimum {min_cell}); the share not ready is not reported.",
    },
    "unready_small.text": {
        "id": "Dari {n} jawaban butir kesiapan, kelompok yang belum siap atau yang siap terdiri dari kurang dari {min_cell} orang; persentasenya tidak dilaporkan, seperti tabel umpan balik menyensornya.",
        "en": "Of {n} answers to the readiness item, the not-ready or the ready group has fewer than {min_cell} people; the share is not reported, as the feedback tables suppress it.",
    },
    "unready_small.rec": {
        "id": "Perluas pengumpulan umpan balik dari ASN yang dimutasi pada periode berikutnya sebelum menarik kesimpulan tentang kesiapan.",
        "en": "Collect feedback from more rotated staff next period before drawing conclusions about readiness.",
    },
    "unready_few.rec": {
        "id": "Perluas pengumpulan umpan balik dari ASN yang dimutasi pada periode berikutnya.",
        "en": "Collect feedback from more rotated staff next period.",
    },
    "impact_better.text": {
        "id": "Setelah mutasi, {outcome} membaik: perkiraan dampak {estimate} (selang kepercayaan {level}: {conf_low} s.d. {conf_high}, tidak mencakup nol).",
        "en": "After rotation, {outcome} improved: estimated impact {estimate} ({level} confidence interval {conf_low} to {conf_high}, excluding zero).",
    },
    "impact_better.rec": {
        "id": "Pertahankan pola mutasi ini dan pantau apakah perbaikan berlanjut; hasil ini menunjukkan perubahan yang sejalan dengan mutasi.",
        "en": "Keep this rotation pattern and monitor whether the improvement lasts.",
    },
    "impact_worse.text": {
        "id": "Setelah mutasi, {outcome} memburuk: perkiraan dampak {estimate} (selang kepercayaan {level}: {conf_low} s.d. {conf_high}, tidak mencakup nol).",
        "en": "After rotation, {outcome} got worse: estimated impact {estimate} ({level} confidence interval {conf_low} to {conf_high}, excluding zero).",
    },
    "impact_worse.rec": {
        "id": "Tinjau masa transisi pada unit yang menerima ASN mutasi (serah terima tugas, pendampingan) sebelum mutasi berikutnya.",
        "en": "Review the hand-over and mentoring in units receiving rotated staff before the next rotation.",
    },
    "impact_inconclusive.text": {
        "id": "Belum dapat disimpulkan apakah mutasi mengubah {outcome}: perkiraan dampak {estimate} (selang kepercayaan {level}: {conf_low} s.d. {conf_high}), tetapi unit yang dirotasi sudah berubah berbeda sebelum rotasi (uji tren sebelum rotasi menolak tren sejajar).",
        "en": "Whether rotation changed the {outcome} cannot be concluded: estimated impact {estimate} ({level} confidence interval {conf_low} to {conf_high}), but the rotated units already moved differently before rotation (the pre-rotation trend test rejects parallel trends).",
    },
    "impact_inconclusive.rec": {
        "id": "Jangan mengubah atau mempertahankan pola mutasi atas dasar angka ini; periksa unit pembanding dan perubahan lain pada unit yang dirotasi sebelum rotasi, lalu ulangi analisis pada periode berikutnya.",
        "en": "Do not change or keep the rotation pattern on the strength of this number; check the comparison units and other changes in the rotated units before rotation, and repeat the analysis next period.",
    },
    "rotation_candidates.text": {
        "id": "{count} ASN telah menduduki jabatan yang sama lebih dari {max_years} tahun pada akhir periode.",
        "en": "{count} staff have held the same post for more than {max_years} years at the period's end.",
    },
    "rotation_candidates.rec": {
        "id": "Masukkan ASN tersebut sebagai kandidat mutasi (daftar per pseudonim dan unit terlampir), dengan memperhatikan kebutuhan unit.",
        "en": "List these staff as rotation candidates (by pseudonym and unit), considering each unit's needs.",
    },
    "min_years_break.text": {
        "id": "{count} mutasi dilakukan sebelum pejabat menduduki jabatan sebelumnya selama {min_years} tahun.",
        "en": "{count} moves were made before the person had held the previous post for {min_years} years.",
    },
    "min_years_break.rec": {
        "id": "Dokumentasikan alasan mutasi lebih awal atau patuhi masa jabatan minimum pada mutasi berikutnya.",
        "en": "Document the reason for early moves, or respect the minimum time in post next time.",
    },
    "freeze_break.text": {
        "id": "{count} mutasi dilakukan dalam masa larangan penggantian pejabat tanpa nomor persetujuan tertulis Menteri Dalam Negeri.",
        "en": "{count} moves took place inside an election freeze window without the Home Affairs Minister's written approval number.",
    },
    "freeze_break.rec": {
        "id": "Lengkapi nomor persetujuan Mendagri untuk mutasi tersebut atau tinjau keabsahannya.",
        "en": "Record the Minister's approval number for these moves or review their validity.",
    },
    "ikm_drop.text": {
        "id": "Mutu pelayanan {unit} turun dari {mutu_prev} ({ikm_prev}) pada {period_prev} menjadi {mutu} ({ikm}) pada {period}.",
        "en": "The service grade of {unit} dropped from {mutu_prev} ({ikm_prev}) in {period_prev} to {mutu} ({ikm}) in {period}.",
    },
    "ikm_drop.rec": {
        "id": "Periksa unsur pelayanan terlemah di {unit} dan susun rencana tindak lanjut hasil SKM.",
        "en": "Examine the weakest service element at {unit} and draw up a follow-up plan for the survey results.",
    },
    "skm_sample.text": {
        "id": "Sampel SKM {unit} ({n} responden) di bawah ukuran minimum Krejcie-Morgan ({required}) untuk volume layanan tahunannya.",
        "en": "The satisfaction-survey sample at {unit} ({n} respondents) is below the Krejcie-Morgan minimum ({required}) for its yearly service volume.",
    },
    "skm_sample.rec": {
        "id": "Tambah jumlah responden SKM di {unit} pada periode berikutnya; baca nilai IKM-nya dengan hati-hati.",
        "en": "Survey more respondents at {unit} next period; read its IKM with caution.",
    },
    "few_units.text": {
        "id": "Hanya {treated} unit perlakuan dan {control} unit pembanding (minimum {min_treated} dan {min_control}); perkiraan dampak belum dapat dipercaya.",
        "en": "Only {treated} treated and {control} comparison units (minimum {min_treated} and {min_control}); the impact estimate is not yet credible.",
    },
    "few_units.rec": {
        "id": "Jangan menarik kesimpulan dampak dari periode ini; ulangi analisis ketika lebih banyak unit tersedia.",
        "en": "Draw no impact conclusion from this period; repeat the analysis when more units are available.",
    },
}


#: Words of the impact analysis' notes (:class:`mutasi_analysis.impact.Note`), by code.
#: ``{detail}`` is the estimator's technical message, shown as the statistics package wrote it.
NOTES: dict[str, dict[str, str]] = {
    "not_run": {"id": "{method} tidak dijalankan: data tidak mendukungnya ({detail}).",
                "en": "{method}: not run ({detail})."},
    "warning": {"id": "Peringatan dari {method}: {detail}.",
                "en": "{method}: {detail}."},
    "missing_outcome": {"id": "{n} unit-bulan tanpa nilai {outcome} (tidak ada pengaduan dengan waktu itu) tidak dipakai.",
                        "en": "{n} unit-month(s) without a value of {outcome} (no complaint with that time) left out."},
    "balanced_subset": {"id": "Dekomposisi Bacon, inferensi randomisasi, uji tren sebelum rotasi, dan simulasi daya "
                               "memakai {n_kept} dari {n_units} unit yang teramati setiap bulan (semuanya memerlukan "
                               "panel seimbang).",
                        "en": "bacon, randomization inference, the pre-trend test and the power simulation use the "
                              "{n_kept} of {n_units} units observed in every month (they need a balanced panel)."},
    "control_notyet": {"id": "Hanya {n_never} unit yang tidak pernah dirotasi (minimal {min_control}), sehingga "
                              "pembanding adalah unit yang belum dirotasi pada bulan yang sama.",
                       "en": "Only {n_never} never-rotated unit(s) (at least {min_control} needed), so the comparison "
                             "uses units not yet rotated in the same month."},
    "ri_statistic_twfe": {"id": "Inferensi randomisasi memakai koefisien TWFE sebagai statistik (ATT sederhana "
                                 "memerlukan unit yang tidak pernah dirotasi).",
                          "en": "randomization_inference: statistic 'twfe' (the simple ATT needs never-treated units)."},
    "headline_analytic": {"id": "Inferensi utama memakai galat baku analitik (inferensi randomisasi pada ATT "
                                 "sederhana tidak dapat dijalankan).",
                          "en": "headline inference: analytic standard error (randomization inference on the simple "
                                "ATT could not run)."},
}


def _check_lang(lang: str) -> None:
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}; use one of {', '.join(LANGS)}")


def section_title(notebook: str, lang: str = "id") -> str:
    """Title of a report section by its notebook name (the name itself when it has none)."""
    _check_lang(lang)
    entry = LABELS.get(f"section_{notebook}")
    return entry[lang] if entry else notebook


def label(key: str, lang: str = "id") -> str:
    """The display label of ``key`` in ``lang``.

    Parameters
    ----------
    key : str
        A column name or label key, e.g. ``"n_responden"`` or ``"kinerja_A"``.
    lang : {"id", "en"}
        Indonesian (default) or English.

    Returns
    -------
    str

    Raises
    ------
    ValueError
        When the language is unknown.
    KeyError
        When the key has no label; the message names the key so that it can be added here.
    """
    _check_lang(lang)
    if key.startswith("nrr_") and key[4:] in LABELS:
        return f"NRR {LABELS[key[4:]][lang]}"
    try:
        return LABELS[key][lang]
    except KeyError:
        raise KeyError(f"no label for {key!r}; add it to mutasi_analysis.text.LABELS") from None


def template(key: str, lang: str = "id", **values) -> str:
    """A finding template filled with ``values``.

    Raises
    ------
    KeyError
        When the template or one of its placeholders is missing.
    """
    _check_lang(lang)
    try:
        pattern = TEMPLATES[key][lang]
    except KeyError:
        raise KeyError(f"no template {key!r}; add it to mutasi_analysis.text.TEMPLATES") from None
    return pattern.format(**values)


def note_text(note, lang: str = "id") -> str:
    """Word a language-free note (a code and its parameters) in ``lang``.

    Parameters
    ----------
    note : mutasi_analysis.impact.Note or Mapping
        A :class:`~mutasi_analysis.impact.Note`, or its ``to_dict()`` (``{"code": ..., ...}``)
        as read back from a record.
    lang : {"id", "en"}

    Returns
    -------
    str
    """
    _check_lang(lang)
    if isinstance(note, Mapping):
        code, params = note["code"], {k: v for k, v in note.items() if k != "code"}
    else:
        code, params = note.code, dict(note.params)
    try:
        pattern = NOTES[code][lang]
    except KeyError:
        raise KeyError(f"no words for note {code!r}; add them to mutasi_analysis.text.NOTES") from None
    return pattern.format(**params)


#: Words of the Rambachan-Roth sensitivity sentence, by case (:func:`sensitivity_text`).
SENSITIVITY = {
    "holds": {
        "id": "Rata-rata efek {w} bulan pertama setelah rotasi tetap berbeda dari nol kecuali penyimpangan tren "
              "setelah rotasi melebihi {b} kali perubahan bulanan terbesar sebelum rotasi (besaran relatif, "
              "Rambachan dan Roth 2023).",
        "en": "The average effect in the first {w} months after rotation stays distinguishable from zero unless "
              "the post-rotation drift from parallel trends exceeds {b} times the largest month-to-month change "
              "before rotation (relative magnitudes, Rambachan and Roth 2023).",
    },
    "fragile": {
        "id": "Rata-rata efek {w} bulan pertama setelah rotasi hanya berbeda dari nol bila tren setelah rotasi "
              "benar-benar sejajar: penyimpangan sebesar {b} kali perubahan bulanan terbesar sebelum rotasi "
              "sudah cukup untuk membuatnya tidak jelas (besaran relatif, Rambachan dan Roth 2023). Bacalah "
              "dengan hati-hati.",
        "en": "The average effect in the first {w} months after rotation is distinguishable from zero only if "
              "trends stay exactly parallel after rotation: a drift of {b} times the largest month-to-month "
              "change before rotation already makes it unclear (relative magnitudes, Rambachan and Roth 2023). "
              "Read it with care.",
    },
    "not_robust": {
        "id": "Rata-rata efek {w} bulan pertama setelah rotasi tidak dapat dibedakan dari nol dengan selang yang "
              "tahan terhadap pelanggaran tren sejajar, bahkan tanpa penyimpangan apa pun setelah rotasi "
              "(Rambachan dan Roth 2023). Bacalah dengan hati-hati.",
        "en": "With an interval robust to violations of parallel trends, the average effect in the first {w} "
              "months after rotation cannot be told from zero even with no drift at all after rotation "
              "(Rambachan and Roth 2023). Read it with care.",
    },
    "not_significant": {
        "id": "Rata-rata efek {w} bulan pertama setelah rotasi belum dapat dibedakan dari nol bahkan bila tren "
              "sejajar terpenuhi, sehingga tidak ada efek jangka pendek yang diuji kepekaannya (Rambachan dan "
              "Roth 2023).",
        "en": "The average effect in the first {w} months after rotation cannot be told from zero even if "
              "parallel trends hold, so there is no short-run effect whose sensitivity could be assessed "
              "(Rambachan and Roth 2023).",
    },
}


def sensitivity_text(result, lang: str = "id") -> str:
    """One sentence on how far the short-run effect survives violations of parallel trends.

    The sentence is about the quantity the sensitivity analysis bounds (the average effect in
    the first months after rotation, :func:`mutasi_analysis.impact.sensitivity`), never about
    the headline verdict, which averages every month after rotation.

    Parameters
    ----------
    result : mutasi_analysis.did.HonestDiDResult
        Relative-magnitudes sensitivity.
    lang : {"id", "en"}

    Returns
    -------
    str
        ``not_significant``: the original interval includes zero; ``not_robust``: the robust
        interval includes zero already at the first grid value (Mbar = 0); ``fragile``: it
        excludes zero only at Mbar = 0; ``holds``: with the breakdown value (written "at
        least" the grid's end when it lies beyond it).
    """
    _check_lang(lang)
    orig = result.original.iloc[0]
    w = int(result.num_post)
    if orig["conf_low"] <= 0 <= orig["conf_high"]:
        return SENSITIVITY["not_significant"][lang].format(w=w)
    if result.breakdown is None:
        return SENSITIVITY["not_robust"][lang].format(w=w)
    grid = result.table["M"].to_numpy()
    if result.breakdown <= grid[0]:
        nxt = grid[1] if len(grid) > 1 else grid[0]
        return SENSITIVITY["fragile"][lang].format(w=w, b=fmt_number(nxt, 1, lang))
    b = fmt_number(result.breakdown, 1, lang)
    if "breakdown_above_grid" in result.notes:
        b = ("sedikitnya " if lang == "id" else "at least ") + b
    return SENSITIVITY["holds"][lang].format(w=w, b=b)


#: Words of the pre-trend sentence (:func:`pretrend_text`), by the size gate's code.
PRETREND = {
    "in_range": {
        "id": "Uji tren sebelum rotasi (randomisasi atas tanggal rotasi; ukuran terukur {s} pada taraf 5%): {p}. "
              "Tidak menolak bukanlah bukti bahwa tren sejajar terpenuhi.",
        "en": "Pre-trend test (randomization over rotation dates; measured size {s} at the 5% level): {p}. "
              "Not rejecting is not evidence that trends are parallel.",
    },
    "size_out_of_range": {
        "id": "Uji tren sebelum rotasi: {p}, hanya deskriptif (ukuran terukurnya {s}, di luar 3-7%).",
        "en": "Pre-trend test: {p}, descriptive only (its measured size, {s}, is outside 3-7%).",
    },
    "too_few_assignments": {
        "id": "Uji tren sebelum rotasi: {p}, hanya deskriptif (terlalu sedikit cara membagi tanggal rotasi untuk "
              "mencapai taraf 5%).",
        "en": "Pre-trend test: {p}, descriptive only (too few ways to assign the rotation dates to reach the 5% "
              "level).",
    },
    "unmeasured": {
        "id": "Uji tren sebelum rotasi: {p}, hanya deskriptif (ukurannya belum diukur).",
        "en": "Pre-trend test: {p}, descriptive only (its size has not been measured).",
    },
}

#: Words of the next wave's power sentence (:func:`power_text`).
POWER = {
    "mde": {
        "id": "Bila rotasi berikutnya mengulang pola yang teramati ({n} unit dirotasi pada bulan-bulan yang sama), "
              "perubahan terkecil yang dapat dideteksi dengan daya 80% adalah {m} pada {o} (galat Monte Carlo {se}; "
              "{k} simulasi); perubahan yang lebih kecil akan terlewat lebih dari satu kali dalam lima.",
        "en": "If the next rotation replays the observed rollout ({n} units rotated in the same months), the "
              "smallest change detectable with 80% power is {m} in the {o} (Monte Carlo error {se}; {k} "
              "simulations); a smaller change would be missed more than one time in five.",
    },
    "unreachable": {
        "id": "Bila rotasi berikutnya mengulang pola yang teramati ({n} unit), daya 80% tidak tercapai pada "
              "besaran efek yang disimulasikan ({k} simulasi).",
        "en": "If the next rotation replays the observed rollout ({n} units), 80% power is not reached at any "
              "simulated effect size ({k} simulations).",
    },
}


def fmt_p(pvalue, lang: str = "id") -> str:
    """A p-value as reports write it: ``p < 0,001`` or ``p = 0,031`` (``n/a`` when missing)."""
    _check_lang(lang)
    if pvalue is None or pvalue != pvalue:
        return "p = " + label("not_available", lang)
    return ("p < " + fmt_number(0.001, 3, lang)) if pvalue < 0.001 else "p = " + fmt_number(pvalue, 3, lang)


def pretrend_text(test, size: Mapping, lang: str = "id") -> str:
    """One sentence on the pre-trend test, worded from its size gate (``did.pretrend_size``)."""
    _check_lang(lang)
    code = size.get("code", "in_range" if size.get("usable") else "unmeasured")
    return PRETREND[code][lang].format(p=fmt_p(test.pvalue, lang), s=fmt_pct(size.get("size"), 1, lang))


def power_text(power, n_treated: int, outcome_label: str, lang: str = "id") -> str:
    """One sentence on the next wave's minimum detectable effect (``impact.next_wave_power``)."""
    _check_lang(lang)
    if not math.isfinite(power.mde):
        return POWER["unreachable"][lang].format(n=n_treated, k=fmt_number(power.n_sim, 0, lang))
    return POWER["mde"][lang].format(n=n_treated, m=fmt_number(abs(power.mde), 2, lang), o=outcome_label,
                                     se=fmt_number(power.mde_se, 3, lang), k=fmt_number(power.n_sim, 0, lang))


def relabel(frame: pd.DataFrame, lang: str = "id", keep: Iterable[str] = ()) -> pd.DataFrame:
    """Rename a table's columns to their display labels.

    Parameters
    ----------
    frame : DataFrame
    lang : {"id", "en"}
    keep : iterable of str
        Columns to leave as they are (e.g. period ids used as column names).

    Returns
    -------
    DataFrame
        A copy with renamed columns; a column without a label raises :class:`KeyError`.
    """
    keep = set(keep)
    mapping: Mapping[str, str] = {c: (c if c in keep else label(str(c), lang)) for c in frame.columns}
    return frame.rename(columns=mapping)


def _missing(value) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def _pattern(decimals: int, suffix: str = "") -> str:
    # An explicit CLDR pattern fixes the decimals (Babel's locale default rounds to 3) and keeps
    # the locale's own symbols: "1.234,57" in id_ID, "1,234.57" in en.
    return "#,##0" + ("." + "0" * decimals if decimals > 0 else "") + suffix


def fmt_number(value, decimals: int | None = 2, lang: str = "id") -> str:
    """Write a number with ``decimals`` decimals in the report language (Babel, CLDR).

    ``1.234,57`` in Indonesian (``id_ID``: decimal comma, dot between thousands) and ``1,234.57``
    in English. Missing values are written as the "not enough data" label, never as ``nan``.

    Parameters
    ----------
    value : number or None
    decimals : int or None
        Digits after the decimal separator (0 for counts); None: as many as needed, at most
        two (``2,5``, ``3``), for a number inside a sentence.
    lang : {"id", "en"}

    Returns
    -------
    str
    """
    _check_lang(lang)
    if _missing(value):
        return label("not_enough_data", lang)
    value = float(value)
    if value == 0:
        value = 0.0  # no "-0,00" from a negative zero
    pattern = "#,##0.##" if decimals is None else _pattern(decimals)
    text = babel.numbers.format_decimal(value, format=pattern, locale=LOCALES[lang])
    # A value that rounds to zero keeps no sign ("-0,00" reads as a negative result).
    return text.lstrip("-") if set(text) <= set("-0.,") else text


def fmt_value(value, lang: str = "id") -> str:
    """Any recorded value as a reader sees it: a count, a number with two decimals, yes/no, a dash.

    The one rule for headline values in the index, the PDF and the summary, so that they agree.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "\u2013"
    if isinstance(value, bool):
        return label("yes" if value else "no", lang)
    if isinstance(value, int):
        return fmt_count(value, lang)
    if isinstance(value, float):
        return fmt_number(value, 2, lang)
    return str(value)


def fmt_count(value, lang: str = "id") -> str:
    """A whole number with the language's thousands separator: ``5.270`` / ``5,270``."""
    return fmt_number(value, 0, lang)


def fmt_pct(share, decimals: int = 1, lang: str = "id") -> str:
    """Write a share (0..1) as a percentage, e.g. ``33,3%`` (Babel, CLDR)."""
    _check_lang(lang)
    if _missing(share):
        return label("not_enough_data", lang)
    return babel.numbers.format_percent(float(share), format=_pattern(decimals, "%"), locale=LOCALES[lang])


def fmt_date(value, lang: str = "id") -> str:
    """A date in words: ``29 November 2026`` / ``November 29, 2026`` (Babel's long form)."""
    _check_lang(lang)
    if _missing(value) or value == "":
        return label("not_enough_data", lang)
    day = pd.Timestamp(value).date()
    return babel.dates.format_date(day, format="long", locale=LOCALES[lang])


def fmt_datetime(value, lang: str = "id") -> str:
    """A moment in words, to the minute, in the time zone it carries (UTC when it has none).

    ``30 November 2026 pukul 06.22 UTC`` / ``November 30, 2026 at 6:22 AM UTC``: for the
    "rendered at" lines of a report, never an ISO timestamp.
    """
    _check_lang(lang)
    if _missing(value) or value == "":
        return label("not_enough_data", lang)
    ts = pd.Timestamp(value)
    ts = ts.tz_localize("UTC") if ts.tzinfo is None else ts
    when = ts.to_pydatetime()
    day = babel.dates.format_date(when, format="long", locale=LOCALES[lang])
    clock = babel.dates.format_time(when, format="short", tzinfo=when.tzinfo, locale=LOCALES[lang])
    zone = babel.dates.get_timezone_name(when.tzinfo, width="short", locale=LOCALES[lang]) if str(when.tzinfo) != "UTC" else "UTC"
    return template("datetime", lang, day=day, clock=clock, zone=zone)


def fmt_month(value, lang: str = "id", width: str = "short") -> str:
    """A calendar month in words: ``Feb 2023`` (short) or ``Februari 2023`` (long).

    Parameters
    ----------
    value : str, int or date
        ``"2023-02"`` (a cohort label), a month index ``year * 12 + month - 1``
        (:func:`mutasi_analysis.rotation.month_index`) or anything :class:`pandas.Timestamp` reads.
    lang : {"id", "en"}
    width : {"short", "long"}
    """
    _check_lang(lang)
    if isinstance(value, (int,)) and not isinstance(value, bool) and value > 3000:
        value = pd.Timestamp(int(value) // 12, int(value) % 12 + 1, 1)
    day = pd.Timestamp(value).date()
    return babel.dates.format_date(day, format="MMM y" if width == "short" else "MMMM y", locale=LOCALES[lang])


def period_label(period, lang: str = "id") -> str:
    """The reader's name of a period: ``Semester I 2026`` / ``Semester 1, 2026``.

    Months come from Babel (``Mei 2026``); semesters and quarters from the catalogue, since CLDR
    has no half-years and its Indonesian quarter ("Kuartal ke-2") is not the government's
    "Triwulan II".
    """
    _check_lang(lang)
    if period.kind == "month":
        return fmt_month(period.start, lang, width="long")
    if period.kind == "year":
        return str(period.year)
    roman = {1: "I", 2: "II", 3: "III", 4: "IV"}[period.index]
    return template(f"period_{period.kind}", lang, roman=roman, n=period.index, year=period.year)
