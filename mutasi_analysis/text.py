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
import numbers
import re
from typing import Iterable, Mapping

import babel.dates
import babel.numbers
import numpy as np
import pandas as pd

__all__ = ["LANGS", "LABELS", "TEMPLATES", "NOTES", "label", "relabel", "template", "note_text", "sensitivity_text",
           "pretrend_text", "power_text", "verdict_text", "labels", "namespace", "both", "fmt_number", "fmt_count", "fmt_value", "fmt_pct", "fmt_p", "fmt_date", "fmt_datetime",
           "fmt_month", "fmt_id", "period_label", "LOCALES"]

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
    "n_belum_siap": {"id": "Belum siap (skor ≤ 2)", "en": "Not ready (score ≤ 2)"},
    "share_belum_siap": {"id": "Persentase belum siap", "en": "Share not ready"},
    "n_pelatihan_dijawab": {"id": "Menjawab butir pelatihan", "en": "Answered the training item"},
    "n_butuh_pelatihan": {"id": "Membutuhkan pelatihan (skor ≥ 4)", "en": "Asking for training (score ≥ 4)"},
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
    "sejak_24_plus": {"id": "≥ 24 bulan", "en": "≥ 24 months"},
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
    # rotation (mutasi_analysis.rotation)
    'nama_jabatan': {"id": 'Nama jabatan', "en": 'Post'},
    'kelas': {"id": 'Jenis perubahan', "en": 'Kind of change'},
    'start': {"id": 'Mulai', "en": 'Start'},
    'end': {"id": 'Selesai', "en": 'End'},
    'tenure_years': {"id": 'Masa jabatan (tahun)', "en": 'Years in post'},
    'tahun_menjabat': {"id": 'Lama pada jabatan (tahun)', "en": 'Years in post'},
    'definitif': {"id": 'Definitif', "en": 'Definitive'},
    'masuk': {"id": 'Mutasi masuk', "en": 'Rotated in'},
    'keluar': {"id": 'Mutasi keluar', "en": 'Rotated out'},
    'headcount_awal': {"id": 'Jumlah pegawai awal periode', "en": 'Staff at period start'},
    'headcount_akhir': {"id": 'Jumlah pegawai akhir periode', "en": 'Staff at period end'},
    'rate_masuk': {"id": 'Tingkat mutasi masuk', "en": 'Rotation-in rate'},
    'rate_keluar': {"id": 'Tingkat mutasi keluar', "en": 'Rotation-out rate'},
    'asal': {"id": 'Unit asal', "en": 'From unit'},
    'tujuan': {"id": 'Unit tujuan', "en": 'To unit'},
    'pernah_unit_lain': {"id": 'Pernah bertugas di unit lain', "en": 'Served in another unit'},
    'share_pernah_unit_lain': {"id": 'Proporsi pernah di unit lain', "en": 'Share served elsewhere'},
    'legal_basis': {"id": 'Dasar hukum', "en": 'Legal basis'},
    'tanggal': {"id": 'Tanggal', "en": 'Date'},
    'years': {"id": 'Lama (tahun)', "en": 'Years'},
    'detail': {"id": 'Keterangan', "en": 'Detail'},
    'bulan': {"id": 'Bulan', "en": 'Month'},
    'share_rotated_in': {"id": 'Proporsi pegawai baru dimutasi masuk', "en": 'Share newly rotated in'},
    'kepala_masuk': {"id": 'Kepala unit baru masuk', "en": 'New head rotated in'},
    'cohort': {"id": 'Kohort (bulan pertama perlakuan)', "en": 'Cohort (first treated month)'},
    'definition': {"id": 'Definisi perlakuan', "en": 'Treatment definition'},
    'threshold': {"id": 'Ambang proporsi', "en": 'Share threshold'},
    'pengangkatan_pertama': {"id": 'Pengangkatan pertama', "en": 'First appointment'},
    'penugasan_sementara': {"id": 'Penugasan sementara (PLT/PLH/PJ)', "en": 'Acting assignment (PLT/PLH/PJ)'},
    'tugas_tambahan': {"id": 'Tugas tambahan', "en": 'Added task'},
    'penyetaraan': {"id": 'Penyetaraan jabatan 2021', "en": '2021 equalisation'},
    'mutasi_unor': {"id": 'Mutasi antar unit (rotasi)', "en": 'Unit move (rotation)'},
    'mutasi_jabatan': {"id": 'Mutasi jabatan dalam unit', "en": 'Post change within unit'},
    'min_years': {"id": 'Dimutasi sebelum masa minimal jabatan', "en": 'Moved before the minimum years in post'},
    'max_years': {"id": 'Melewati masa maksimal jabatan (kandidat rotasi)', "en": 'Past the maximum years in post (rotation candidate)'},
    'freeze': {"id": 'Mutasi dalam masa larangan tanpa persetujuan Mendagri', "en": "Move inside a freeze window without the Minister's approval"},
    'share_rotated_in_def': {"id": 'proporsi pegawai yang baru dimutasi masuk mencapai ambang', "en": 'share of staff newly rotated in reaches the threshold'},
    'first_rotation_def': {"id": 'mutasi masuk pertama', "en": 'first rotation into the unit'},
    'head_rotated_def': {"id": 'kepala unit baru masuk melalui mutasi', "en": 'a new head of unit rotated in'},
    # complaints and service times (mutasi_analysis.services)
    't': {"id": 'Bulan (indeks)', "en": 'Month (index)'},
    'diterima': {"id": 'Pengaduan diterima', "en": 'Complaints received'},
    'diselesaikan': {"id": 'Pengaduan selesai', "en": 'Complaints resolved'},
    'n_respon': {"id": 'Pengaduan sudah direspons', "en": 'Complaints answered'},
    'respon_hari_kerja_mean': {"id": 'Rata-rata waktu respons pertama (hari kerja)', "en": 'Mean working days to first response'},
    'respon_hari_kerja_median': {"id": 'Median waktu respons pertama (hari kerja)', "en": 'Median working days to first response'},
    'n_penyelesaian': {"id": 'Pengaduan dengan waktu selesai', "en": 'Complaints with a resolution time'},
    'penyelesaian_hari_kerja_mean': {"id": 'Rata-rata waktu penyelesaian (hari kerja)', "en": 'Mean working days to resolution'},
    'penyelesaian_hari_kerja_median': {"id": 'Median waktu penyelesaian (hari kerja)', "en": 'Median working days to resolution'},
    'n_tepat_waktu': {"id": 'Direspons tepat waktu', "en": 'Answered within target'},
    'n_dinilai': {"id": 'Pengaduan yang dinilai ketepatan waktunya', "en": 'Complaints assessed for timeliness'},
    'n_tersensor': {"id": 'Belum direspons, masih dalam batas waktu (disensor)', "en": 'Unanswered, still within target (censored)'},
    'share_tepat_waktu': {"id": 'Proporsi respons tepat waktu', "en": 'Share answered within target'},
    'backlog': {"id": 'Tunggakan pada akhir periode', "en": 'Backlog at period end'},
    'hari_kerja_sampai_akhir_data': {"id": 'Hari kerja sampai akhir data', "en": 'Working days to the end of the data'},
    'respon_median_km': {"id": 'Median waktu respons pertama, Kaplan-Meier (hari kerja)', "en": 'Kaplan-Meier median working days to first response'},
    'respon_terbuka': {"id": 'Belum direspons pada akhir data', "en": 'Unanswered at the end of the data'},
    'penyelesaian_median_km': {"id": 'Median waktu penyelesaian, Kaplan-Meier (hari kerja)', "en": 'Kaplan-Meier median working days to resolution'},
    'penyelesaian_terbuka': {"id": 'Belum selesai pada akhir data', "en": 'Open at the end of the data'},
    'SEMUA': {"id": 'Semua unit', "en": 'All units'},
    # impact analysis (mutasi_analysis.impact)
    'treated': {"id": 'Unit perlakuan (sudah menerima mutasi)', "en": 'Treated (rotated)'},
    'ok': {"id": 'Cukup data', "en": 'Enough data'},
    'ci': {"id": 'Selang kepercayaan', "en": 'Confidence interval'},
    'control_never': {"id": 'unit yang tidak pernah menerima mutasi', "en": 'never-rotated units'},
    'control_notyet': {"id": 'unit yang belum menerima mutasi', "en": 'not-yet-rotated units'},
    'never': {"id": 'Tidak pernah menerima mutasi', "en": 'Never rotated'},
    'n_unit': {"id": 'Jumlah unit', "en": 'Units'},
    # report sections: tables, methods, diagnostics
    'headcount': {"id": 'Jumlah pegawai', "en": 'Staff'},
    'tabel': {"id": 'Tabel', "en": 'Table'},
    'dibaca': {"id": 'Dibaca', "en": 'Read'},
    'diterima_baris': {"id": 'Diterima', "en": 'Accepted'},
    'ditolak': {"id": 'Ditolak', "en": 'Rejected'},
    'alasan': {"id": 'Alasan', "en": 'Reason'},
    'jumlah': {"id": 'Jumlah', "en": 'Count'},
    'aturan': {"id": 'Aturan', "en": 'Rule'},
    'estimate': {"id": 'Perkiraan', "en": 'Estimate'},
    'std_error': {"id": 'Galat baku', "en": 'Std. error'},
    'conf_low': {"id": 'Batas bawah SK', "en": 'CI lower'},
    'conf_high': {"id": 'Batas atas SK', "en": 'CI upper'},
    'event_time': {"id": 'Bulan sejak rotasi', "en": 'Months since rotation'},
    'metode': {"id": 'Metode', "en": 'Method'},
    'p_value': {"id": 'Nilai p', "en": 'p-value'},
    'bagian': {"id": 'Bagian', "en": 'Section'},
    'ukuran': {"id": 'Ukuran', "en": 'Measure'},
    'nilai': {"id": 'Nilai', "en": 'Value'},
    'share_setuju': {"id": 'Proporsi setuju (4-5)', "en": 'Share agreeing (4-5)'},
    'kelompok': {"id": 'Kelompok', "en": 'Group'},
    'twfe': {"id": 'TWFE', "en": 'TWFE'},
    'callaway_santanna': {"id": "Callaway-Sant'Anna", "en": "Callaway-Sant'Anna"},
    'sun_abraham': {"id": 'Sun-Abraham', "en": 'Sun-Abraham'},
    'simple': {"id": 'Rata-rata sederhana', "en": 'Simple average'},
    'event': {"id": 'Studi peristiwa', "en": 'Event study'},
    'group': {"id": 'Per kohort', "en": 'By cohort'},
    'calendar': {"id": 'Per bulan kalender', "en": 'By calendar month'},
    'treated_vs_never': {"id": 'unit perlakuan vs unit yang tidak pernah menerima mutasi', "en": 'treated vs never'},
    'earlier_vs_later': {"id": 'lebih awal vs lebih akhir', "en": 'earlier vs later'},
    'later_vs_earlier': {"id": 'lebih akhir vs lebih awal (pembanding sudah menerima mutasi)', "en": 'later vs earlier (already-treated controls)'},
    # the impact table of the workbook and PDF (reporting.tables.impact_table)
    'impact_table.ukuran': {"id": 'Ukuran', "en": 'Measure'},
    'impact_table.metode': {"id": 'Metode inferensi', "en": 'Inference method'},
    'impact_table.estimate': {"id": 'Perkiraan dampak', "en": 'Estimated impact'},
    'impact_table.conf_low': {"id": 'Batas bawah SK', "en": 'CI lower'},
    'impact_table.conf_high': {"id": 'Batas atas SK', "en": 'CI upper'},
    'impact_table.pvalue': {"id": 'Nilai p', "en": 'p-value'},
    'impact_row.overall': {"id": 'Dampak rata-rata (semua unit dan bulan setelah mutasi)', "en": 'Average impact (all units and months after rotation)'},
    'impact_row.event': {"id": 'Bulan ke-{e} sejak mutasi', "en": 'Month {e} since rotation'},
    'impact_row.pre': {"id": '{e} bulan sebelum mutasi', "en": '{e} months before rotation'},
    'impact_row.analytic': {"id": 'analitik (klaster unit)', "en": 'analytic (unit clusters)'},
    'impact_row.wcb': {"id": 'bootstrap wild klaster', "en": 'wild cluster bootstrap'},
    'impact_row.ri': {"id": 'inferensi randomisasi', "en": 'randomization inference'},
    # reference lists of `mutasi cite` (reporting/citation.py): "A and B" in the reader's language
    'cite.and': {"id": 'dan', "en": 'and'},
    'cite.et_al': {"id": 'dkk.', "en": 'et al.'},
    # Under the not-yet-rotated comparison the permutation test recomputes the TWFE coefficient.
    'impact_row.twfe': {"id": 'Koefisien TWFE (semua unit dan bulan setelah mutasi)', "en": 'TWFE coefficient (all units and months after rotation)'},
    'impact_row.ri_twfe': {"id": 'inferensi randomisasi pada koefisien TWFE', "en": 'randomization inference on the TWFE coefficient'},
    # sheet names of the headline tables (at most 31 characters: Excel's limit)
    'sheet.dampak': {"id": 'Dampak layanan', "en": 'Service impact'},
    'sheet.ikm_unit': {"id": 'IKM per unit', "en": 'IKM by unit'},
    'sheet.ikm_unsur': {"id": 'IKM per unsur', "en": 'IKM by element'},
    'sheet.mutasi': {"id": 'Mutasi per unit', "en": 'Rotations by unit'},
    'sheet.kepatuhan': {"id": 'Kepatuhan mutasi', "en": 'Rotation compliance'},
    'sheet.umpan_balik': {"id": 'Umpan balik ASN', "en": 'Staff feedback'},
    'sheet.temuan': {"id": 'Temuan', "en": 'Findings'},
    # the raw export tables, as readers know them (data/raw/README.md)
    'pegawai': {"id": "Data pegawai", "en": "Staff records"},
    'riwayat_jabatan': {"id": "Riwayat jabatan", "en": "Post history"},
    'skm': {"id": "Survei kepuasan masyarakat (SKM)", "en": "Community satisfaction survey (SKM)"},
    'pengaduan': {"id": "Pengaduan", "en": "Complaints"},
    'survei_asn': {"id": "Umpan balik ASN", "en": "Staff feedback survey"},
    'pelatihan': {"id": "Pelatihan", "en": "Training"},
    'unit': {"id": "Unit layanan", "en": "Service units"},
    # titles and units of the recorded headline tables (reporting.tables)
    'table.dampak': {"id": "Dampak mutasi pada layanan: perkiraan dan selang kepercayaan", "en": "Impact of rotation on service: estimates and confidence intervals"},
    'table.temuan': {"id": "Temuan dan rekomendasi", "en": "Findings and recommendations"},
    'table.mutasi': {"id": "Mutasi antar unit per unit", "en": "Moves between units by unit"},
    'table.kepatuhan': {"id": "Kepatuhan mutasi pada periode", "en": "Rotation compliance in the period"},
    'table.ikm_unit': {"id": "IKM per unit layanan", "en": "IKM by service unit"},
    'table.ikm_unsur': {"id": "Nilai per unsur", "en": "Score by element"},
    'table.umpan_balik': {"id": "Kesiapan dan kebutuhan pelatihan", "en": "Readiness and training needs"},
    'unit.working_days': {"id": "hari kerja", "en": "working days"},
    'unit.people': {"id": "orang", "en": "people"},
    'unit.ikm_score': {"id": "skor 25-100", "en": "score 25-100"},
    # the rule behind each finding (findings.evaluate), in words: no configuration keys
    'rule.KESIAPAN': {"id": "persentase belum siap di atas ambang kebutuhan pelatihan ({threshold}), minimal {min_cell} jawaban", "en": "share not ready above the training threshold ({threshold}), at least {min_cell} answers"},
    'rule.KESIAPAN-DATA': {"id": "jawaban butir kesiapan kurang dari batas sel kecil ({min_cell})", "en": "fewer answers to the readiness item than the small-cell limit ({min_cell})"},
    'rule.KESIAPAN-KECIL': {"id": "kelompok belum siap atau siap kurang dari batas sel kecil ({min_cell} orang; disembunyikan)", "en": "the not-ready or ready group is below the small-cell limit ({min_cell} people; suppressed)"},
    'rule.DAMPAK': {"id": "selang kepercayaan {level} dampak tidak mencakup nol", "en": "the {level} confidence interval of the impact excludes zero"},
    'rule.DAMPAK-TREN': {"id": "selang kepercayaan {level} dampak tidak mencakup nol, tetapi uji tren sebelum rotasi menolak tren sejajar", "en": "the {level} confidence interval of the impact excludes zero, but the pre-rotation trend test rejects parallel trends"},
    'rule.KANDIDAT-MUTASI': {"id": "masa jabatan lebih dari batas maksimal ({max_years} tahun); {basis}", "en": "time in post above the maximum ({max_years} years); {basis}"},
    'rule.MASA-MINIMUM': {"id": "mutasi sebelum masa jabatan minimal ({min_years} tahun); {basis}", "en": "move before the minimum time in post ({min_years} years); {basis}"},
    'rule.MASA-LARANGAN': {"id": "mutasi dalam masa larangan tanpa nomor persetujuan; UU 10/2016 Pasal 71 ayat (2), Pasal 162 ayat (3)", "en": "move inside a freeze window without an approval number; Law 10/2016 art. 71(2), 162(3)"},
    'rule.IKM-TURUN': {"id": "mutu IKM lebih rendah dari periode sebelumnya (PermenPANRB 14/2017)", "en": "IKM grade lower than in the previous period (PermenPANRB 14/2017)"},
    'rule.SAMPEL-SKM': {"id": "responden kurang dari ukuran sampel Krejcie-Morgan untuk volume layanan tahunan", "en": "fewer respondents than the Krejcie-Morgan sample size for the yearly service volume"},
    'rule.UNIT-KURANG': {"id": "unit perlakuan kurang dari {min_treated} atau unit pembanding kurang dari {min_control}", "en": "fewer than {min_treated} treated units or fewer than {min_control} comparison units"},
    # the PDF's method appendix, one paragraph per key (reporting.pdf)
    'pdf_method.1': {"id": 'Laporan ini dibuat otomatis oleh paket mutasi-analysis dari data kepegawaian dan layanan yang telah divalidasi dan dipseudonimkan; tidak ada NIP, nama, atau tanggal lahir di dalamnya. Setiap bagian adalah buku catatan berparameter yang dijalankan ulang untuk periode ini.', "en": 'This report was produced automatically by the mutasi-analysis package from validated, pseudonymised personnel and service data; it holds no NIP, name or birth date. Each section is a parameterised notebook executed again for this period.'},
    'pdf_method.2': {"id": "Dampak mutasi pada layanan diperkirakan dengan selisih-dalam-selisih bertahap (Callaway dan Sant'Anna): setiap unit yang menerima mutasi dibandingkan dengan unit yang belum atau tidak pernah menerima mutasi, bulan demi bulan. Asumsinya: tanpa mutasi, tren unit perlakuan akan sejajar dengan tren unit pembanding, dan unit tidak berubah sebelum mutasi terjadi. Perkiraan sebelum mutasi pada grafik studi peristiwa menguji asumsi ini.", "en": "The impact of rotation on service is estimated by staggered difference-in-differences (Callaway and Sant'Anna): each unit receiving rotated staff is compared, month by month, with units not (yet) receiving any. Assumptions: without rotation, treated units would have followed the comparison units' trend (parallel trends), and units did not change before the rotation (no anticipation). The pre-rotation estimates in the event-study plot test this."},
    'pdf_method.3': {"id": 'Karena jumlah unit sedikit, ketidakpastian juga dinilai dengan bootstrap wild klaster dan inferensi randomisasi atas tanggal mutasi. IKM dihitung menurut PermenPANRB 14/2017. Sel tabel yang berasal dari terlalu sedikit orang disembunyikan (UU 27/2022).', "en": 'With few units, uncertainty is also assessed by the wild cluster bootstrap and by randomization inference over rotation dates. The IKM follows PermenPANRB 14/2017. Table cells from too few people are suppressed (Law 27/2022).'},
    # how service times are counted (services.METHOD; {target} is the response target)
    'method.services': {"id": 'Waktu dihitung dalam hari kerja (Senin-Jumat, di luar hari libur nasional dan cuti bersama). Rata-rata dan median waktu respons pertama dan waktu penyelesaian dihitung dari pengaduan yang sudah memilikinya; pengaduan yang belum selesai tidak dihitung sebagai selesai dan tetap masuk tunggakan. Pengaduan yang belum direspons dan sudah melewati batas {target} hari kerja pada akhir data dihitung tidak tepat waktu; yang belum direspons tetapi masih dalam batas waktu disensor (tidak masuk penyebut proporsi tepat waktu).', "en": 'Times are in working days (Monday-Friday, excluding national holidays and cuti bersama). Mean and median time to first response and to resolution are computed over complaints that have them; open complaints are not counted as resolved and stay in the backlog. A complaint still unanswered past the {target}-working-day target at the end of the data counts as not answered in time; one unanswered but still within the target is censored (left out of the denominator of the on-time share).'},
    # the workbook (reporting.excel)
    'excel.about': {"id": 'Keterangan', "en": 'About'},
    'excel.title': {"id": 'Tabel laporan evaluasi mutasi ASN', "en": 'Tables of the civil-servant rotation evaluation'},
    'excel.region': {"id": 'Wilayah', "en": 'Region'},
    'excel.period': {"id": 'Periode', "en": 'Period'},
    'excel.version': {"id": 'Versi mutasi-analysis', "en": 'mutasi-analysis version'},
    'excel.commit': {"id": 'Commit kode', "en": 'Code commit'},
    'excel.sheet': {"id": 'Lembar', "en": 'Sheet'},
    'excel.table': {"id": 'Tabel', "en": 'Table'},
    'excel.source': {"id": 'Sumber', "en": 'Source'},
    'excel.missing': {"id": 'tidak tersedia dalam laporan ini', "en": 'not available in this report'},
    'excel.source_line': {"id": 'Sumber: bagian laporan "{file}"', "en": 'Source: report section "{file}"'},
    'excel.hidden': {"id": '* = disembunyikan (sel dari terlalu sedikit orang, UU 27/2022); - = tidak ada data.', "en": '* = suppressed (cell from too few people, Law 27/2022); - = no data.'},
    'excel.page': {"id": 'Halaman', "en": 'Page'},
    'excel.details': {"id": 'Rincian', "en": 'Details'},
    'excel.details_title': {"id": 'Rincian dampak: perkiraan per bulan sejak mutasi dan per kohort', "en": 'Impact details: estimates by month since rotation and by cohort'},
    'excel.details_pointer': {"id": 'Perkiraan per bulan sejak mutasi dan per kohort: lembar "{sheet}".', "en": 'Estimates by month since rotation and by cohort: sheet "{sheet}".'},
    'excel.details_note': {"id": 'Baris "semua kohort" adalah studi peristiwa (rata-rata semua kohort). Baris per kohort adalah perkiraan untuk satu kohort pada satu bulan, dengan selang kepercayaan per titik dan tanpa nilai p.', "en": 'Rows "all cohorts" are the event study (averaged over cohorts). Rows by cohort are the estimate for one cohort in one month, with a pointwise confidence interval and no p-value.'},
    'excel.event_time': {"id": 'Bulan relatif terhadap mutasi', "en": 'Months relative to rotation'},
    'excel.cohort': {"id": 'Kohort', "en": 'Cohort'},
    'excel.all_cohorts': {"id": 'semua kohort', "en": 'all cohorts'},
    # the PDF (reporting.pdf)
    'pdf.doc': {"id": 'Laporan Evaluasi Mutasi ASN', "en": 'Civil-Servant Rotation Evaluation Report'},
    'pdf.period': {"id": 'Periode', "en": 'Period'},
    'pdf.date': {"id": 'Tanggal laporan', "en": 'Report date'},
    'pdf.version': {"id": 'Versi mutasi-analysis', "en": 'mutasi-analysis version'},
    'pdf.toc': {"id": 'Daftar Isi', "en": 'Contents'},
    'pdf.page': {"id": 'Halaman', "en": 'Page'},
    'pdf.of': {"id": 'dari', "en": 'of'},
    'pdf.appendix': {"id": 'Lampiran', "en": 'Appendix'},
    'pdf.method': {"id": 'Lampiran A. Metode', "en": 'Appendix A. Method'},
    'pdf.coverage': {"id": 'Lampiran B. Cakupan data', "en": 'Appendix B. Data coverage'},
    'pdf.provenance': {"id": 'Lampiran C. Asal-usul laporan', "en": 'Appendix C. Provenance'},
    'pdf.failed_note': {"id": 'Perhatian: bagian berikut gagal dibuat dan tidak ada dalam laporan ini: {names}.', "en": 'Note: these sections failed to render and are missing from this report: {names}.'},
    'pdf.file': {"id": 'Berkas', "en": 'File'},
    'pdf.section': {"id": 'Bagian', "en": 'Section'},
    'pdf.status': {"id": 'Status', "en": 'Status'},
    'pdf.duration': {"id": 'Durasi (detik)', "en": 'Duration (s)'},
    'pdf.parameters': {"id": 'Parameter', "en": 'Parameters'},
    'pdf.package': {"id": 'Paket', "en": 'Package'},
    'pdf.version_col': {"id": 'Versi', "en": 'Version'},
    'pdf.measure': {"id": 'Ukuran', "en": 'Measure'},
    'pdf.value': {"id": 'Nilai', "en": 'Value'},
    'pdf.commit': {"id": 'Commit kode', "en": 'Code commit'},
    'pdf.dirty': {"id": 'ada perubahan yang belum di-commit', "en": 'uncommitted changes present'},
    'pdf.clean': {"id": 'bersih', "en": 'clean'},
    'pdf.code': {"id": 'SHA-256 kode paket', "en": 'SHA-256 of the package code'},
    'pdf.rendered': {"id": 'Dibuat', "en": 'Rendered'},
    'pdf.region_config': {"id": 'Konfigurasi wilayah', "en": 'Region configuration'},
    'pdf.span': {"id": 'Rentang periode', "en": 'Period span'},
    'pdf.inputs': {"id": 'Berkas masukan dan sidik SHA-256', "en": 'Input files and SHA-256 fingerprints'},
    'pdf.headline': {"id": 'Angka utama kualitas data', "en": 'Data-quality headline numbers'},
    # the index page (reporting.index)
    'index.attempt_failed': {"id": "percobaan {when} gagal: {names}", "en": "attempt {when} failed: {names}"},
    'index.better_higher': {"id": "lebih tinggi lebih baik", "en": "higher is better"},
    'index.better_lower': {"id": "lebih rendah lebih baik", "en": "lower is better"},
    'index.status': {"id": "Status", "en": "Status"},
    'index.rendered': {"id": "Dibuat", "en": "Rendered"},
    'index.commit': {"id": "Versi kode (commit)", "en": "Code version (commit)"},
    'index.heading': {"id": 'Laporan dalam bahasa Indonesia', "en": 'Reports in English'},
    'index.period': {"id": 'Periode', "en": 'Period'},
    'index.numbers': {"id": 'Angka utama', "en": 'Headline numbers'},
    'index.section': {"id": 'Bagian', "en": 'Section'},
    'index.measure': {"id": 'Ukuran', "en": 'Measure'},
    # pages: figures and tables
    "unsur_turun_mutu": {"id": "Unsur yang turun mutu", "en": "Elements whose grade fell"},
    "pages.grade_border": {"id": "Batas mutu (PermenPANRB 14/2017)", "en": "Grade border (PermenPANRB 14/2017)"},
    "pages.element_grade": {"id": "Mutu unsur (dari NRR)", "en": "Element grade (from NRR)"},
    # input templates (mutasi template; mutasi_analysis.templates): the sheet "Petunjuk", the
    # input and error messages of the data validation, and what each raw column holds
    'template.guide_title': {"id": 'Petunjuk pengisian tabel {table}', "en": 'How to fill in the {table} table'},
    'template.region': {"id": 'Wilayah: {region} (daftar unit dari {config})', "en": 'Region: {region} (units from {config})'},
    'template.guide_fill': {"id": 'Isi data mulai baris 2 di lembar kerja pertama ({sheet}), satu baris untuk setiap {row}. Jangan mengubah nama kolom di baris 1 dan jangan menaruh lembar kerja lain di depannya: ingesti hanya membaca lembar kerja pertama.', "en": 'Enter the data from row 2 of the first sheet ({sheet}), one row per {row}. Do not change the column names in row 1 and do not put another sheet before it: ingestion reads the first sheet only.'},
    'template.guide_save': {"id": 'Simpan berkas sebagai {file} di folder data/raw, lalu jalankan mutasi ingest.', "en": 'Save the file as {file} in the data/raw folder, then run mutasi ingest.'},
    'template.guide_paste': {"id": 'Excel memeriksa isian yang diketik, tetapi tidak memeriksa nilai yang ditempel (paste). Ingesti tetap memeriksa setiap baris: baris yang ditolak dicatat di data/processed/rejects.csv beserta nomor baris dan alasannya.', "en": 'Excel checks what is typed, not values that are pasted. Ingestion checks every row all the same: a rejected row is listed in data/processed/rejects.csv with its row number and reason.'},
    'template.guide_nip': {"id": 'Kolom NIP berformat teks: ketik NIP apa adanya (18 digit, spasi boleh) agar Excel tidak mengubahnya menjadi angka seperti 1,98E+17.', "en": 'NIP columns are formatted as text: type the NIP as it is (18 digits, spaces allowed) so that Excel does not turn it into a number such as 1.98E+17.'},
    'template.guide_date': {"id": 'Kolom tanggal: ketik tanggal sebagai 2024-06-15 (ISO), atau periksa bahwa sel menampilkan DD-MM-YYYY setelah menekan Enter (Excel berbahasa Inggris AS membaca 05/03/2024 sebagai 3 Mei). Tanggal yang diketik sebagai teks DD-MM-YYYY memunculkan peringatan tetapi diterima ingesti: pilih Yes untuk menyimpannya.', "en": 'Date columns: type the date as 2024-06-15 (ISO), or check that the cell shows DD-MM-YYYY after Enter (an en-US Excel reads 05/03/2024 as 3 May). A date typed as DD-MM-YYYY text raises a warning but ingestion accepts it: choose Yes to keep it.'},
    'template.guide_unit': {"id": 'Tabel unit sudah diisi dengan unit dari {config}. Baris unit harus sama dengan konfigurasi wilayah (kode, nama, jenis, kelurahan): ingesti menolak tabel unit yang berbeda. Ubah konfigurasi wilayah terlebih dahulu bila unit berubah.', "en": 'The unit table comes filled with the units of {config}. The unit rows must equal the region config (code, name, type, kelurahan): ingestion refuses a unit table that differs. Change the region config first when the units change.'},
    'template.head.column': {"id": 'Kolom', "en": 'Column'},
    'template.head.required': {"id": 'Wajib diisi', "en": 'Required'},
    'template.head.kind': {"id": 'Jenis isian', "en": 'Type'},
    'template.head.allowed': {"id": 'Nilai yang diterima', "en": 'Allowed values'},
    'template.head.example': {"id": 'Contoh', "en": 'Example'},
    'template.head.meaning': {"id": 'Keterangan', "en": 'Meaning'},
    'template.required.yes': {"id": 'Ya', "en": 'Yes'},
    'template.required.blank': {"id": 'Tidak (boleh kosong)', "en": 'No (may be blank)'},
    'template.required.optional_column': {"id": 'Tidak (boleh kosong; kolom ini juga boleh dihapus)', "en": 'No (may be blank; the column may also be left out)'},
    'template.kind.text': {"id": 'Teks', "en": 'Text'},
    'template.kind.nip': {"id": 'NIP (teks)', "en": 'NIP (text)'},
    'template.kind.unit': {"id": 'Kode unit (pilih dari daftar)', "en": 'Unit code (pick from the list)'},
    'template.kind.code': {"id": 'Kode (pilih dari daftar)', "en": 'Code (pick from the list)'},
    'template.kind.intcode': {"id": 'Kode angka (pilih dari daftar)', "en": 'Numeric code (pick from the list)'},
    'template.kind.golongan': {"id": 'Golongan (pilih dari daftar)', "en": 'Grade (pick from the list)'},
    'template.kind.int': {"id": 'Bilangan bulat', "en": 'Whole number'},
    'template.kind.float': {"id": 'Angka', "en": 'Number'},
    'template.kind.date': {"id": 'Tanggal (DD-MM-YYYY)', "en": 'Date (DD-MM-YYYY)'},
    'template.kind.datetime': {"id": 'Tanggal dan jam (DD-MM-YYYY JJ:MM)', "en": 'Date and time (DD-MM-YYYY HH:MM)'},
    'template.allowed.any': {"id": 'bebas', "en": 'any text'},
    'template.allowed.nip': {"id": '18 digit; spasi boleh', "en": '18 digits; spaces allowed'},
    'template.allowed.range': {"id": '{lo} sampai {hi}', "en": '{lo} to {hi}'},
    'template.allowed.above': {"id": 'lebih dari {lo}', "en": 'more than {lo}'},
    'template.allowed.at_least': {"id": '{lo} atau lebih', "en": '{lo} or more'},
    'template.allowed.year_in_data': {"id": 'tahun dari tahun tmt_jabatan paling awal sampai satu tahun setelah tanggal kejadian terakhir data', "en": 'a year from the year of the earliest tmt_jabatan to the year after the latest event date of the data'},
    'template.allowed.dates': {"id": '{start} sampai hari ingesti dijalankan', "en": '{start} to the day ingestion runs'},
    'template.allowed.suggested': {"id": 'misalnya {values}; kanal lain boleh', "en": 'e.g. {values}; other channels allowed'},
    'template.allowed.list_sheet': {"id": '(daftar lengkap di lembar kerja tersembunyi {sheet})', "en": '(the full list is on the hidden sheet {sheet})'},
    'template.error_title': {"id": 'Isian tidak diterima', "en": 'Value not accepted'},
    'template.error.list': {"id": 'Pilih salah satu nilai dari daftar kolom {column}.', "en": 'Pick one of the values listed for {column}.'},
    'template.error.whole': {"id": 'Isi bilangan bulat {lo} sampai {hi}, atau biarkan kosong bila tidak dijawab.', "en": 'Enter a whole number from {lo} to {hi}, or leave it blank when not answered.'},
    'template.error.above': {"id": 'Isi angka lebih dari {lo}.', "en": 'Enter a number greater than {lo}.'},
    'template.error.at_least': {"id": 'Isi angka {lo} atau lebih.', "en": 'Enter a number of {lo} or more.'},
    'template.error.at_least_whole': {"id": 'Isi bilangan bulat {lo} atau lebih.', "en": 'Enter a whole number of {lo} or more.'},
    'template.error.year': {"id": 'Isi tahun sebagai bilangan bulat empat digit, misalnya 2026.', "en": 'Enter the year as a four-digit whole number, e.g. 2026.'},
    'template.error.date': {"id": 'Isi tanggal yang benar-benar ada (DD-MM-YYYY atau 2024-06-15), tidak sebelum {start} dan tidak setelah hari ini. Tanggal yang diketik sebagai teks DD-MM-YYYY diterima ingesti: pilih Yes untuk menyimpannya.', "en": 'Enter a date that exists (DD-MM-YYYY or 2024-06-15), not before {start} and not after today. A date typed as DD-MM-YYYY text is accepted by ingestion: choose Yes to keep it.'},
    'template.error.nip': {"id": 'NIP terdiri atas 18 digit dan diketik sebagai teks (spasi boleh).', "en": 'A NIP has 18 digits and is typed as text (spaces allowed).'},
    'template.error.suggested': {"id": 'Kanal ini tidak ada di daftar. Pilih OK bila memang kanal lain.', "en": 'This channel is not in the list. Choose OK if it really is another channel.'},
    'template.prompt.required': {"id": 'Wajib diisi.', "en": 'Required.'},
    'template.prompt.blank': {"id": 'Boleh kosong.', "en": 'May be blank.'},
    'template.prompt.date': {"id": 'Ketik 2024-06-15 (ISO), atau periksa bahwa sel menampilkan DD-MM-YYYY setelah Enter.', "en": 'Type 2024-06-15 (ISO), or check that the cell shows DD-MM-YYYY after Enter.'},
    # what one row of each raw table is (the guide's "one row per ...")
    'template.row.unit': {"id": 'unit layanan', "en": 'service unit'},
    'template.row.pegawai': {"id": 'pegawai', "en": 'staff member'},
    'template.row.riwayat_jabatan': {"id": 'SK jabatan', "en": 'appointment decree'},
    'template.row.pengaduan': {"id": 'pengaduan', "en": 'complaint'},
    'template.row.skm': {"id": 'responden SKM', "en": 'SKM respondent'},
    'template.row.survei_asn': {"id": 'lembar jawaban umpan balik ASN', "en": 'staff feedback sheet'},
    'template.row.pelatihan': {"id": 'diklat yang diikuti seorang pegawai', "en": "course a staff member attended"},
    'template.row.formasi': {"id": 'kebutuhan pegawai per unit, kelompok jabatan dan tahun', "en": 'staffing requirement per unit, position group and year'},
    # what a raw column holds (data/raw/README.md); <table>.<column> where a table differs
    'template.col.kode_unit': {"id": 'Kode unit layanan dari konfigurasi wilayah', "en": 'Service unit code from the region config'},
    'template.col.riwayat_jabatan.kode_unit': {"id": 'Unit tempat jabatan ini', "en": 'Unit of this post'},
    'template.col.pengaduan.kode_unit': {"id": 'Unit yang menangani pengaduan', "en": 'Unit that handles the complaint'},
    'template.col.skm.kode_unit': {"id": 'Unit yang disurvei', "en": 'Unit surveyed'},
    'template.col.survei_asn.kode_unit': {"id": 'Unit tempat pegawai bertugas saat mengisi', "en": 'Unit the staff member worked in when answering'},
    'template.col.nama_unit': {"id": 'Nama unit', "en": 'Unit name'},
    'template.col.jenis_unit': {"id": 'Jenis unit', "en": 'Unit type'},
    'template.col.kelurahan': {"id": 'Kelurahan tempat unit berada', "en": 'Kelurahan where the unit sits'},
    'template.col.nip': {"id": 'NIP pegawai (harus ada di tabel pegawai)', "en": 'Staff NIP (must be in the pegawai table)'},
    'template.col.pegawai.nip': {"id": 'NIP 18 digit (PNS: tanggal lahir + TMT CPNS + jenis kelamin + nomor urut; PPPK: tanggal lahir + tahun TMT + 2 + angkatan + jenis kelamin + nomor urut)', "en": '18-digit NIP (PNS: birth date + TMT CPNS + sex + sequence; PPPK: birth date + TMT year + 2 + batch + sex + sequence)'},
    'template.col.nama': {"id": 'Nama (dibuang saat ingesti)', "en": 'Name (dropped at ingestion)'},
    'template.col.golongan': {"id": 'Golongan PNS I/a..IV/e atau golongan PPPK I..XVII', "en": 'PNS grade I/a..IV/e or PPPK grade I..XVII'},
    'template.col.jenis_jabatan': {"id": '1 Struktural, 2 Fungsional Tertentu, 3 Rangkap, 4 Fungsional Umum (pelaksana)', "en": '1 Structural, 2 Specific functional, 3 Dual, 4 General functional (pelaksana)'},
    'template.col.pegawai.status': {"id": 'Status kepegawaian', "en": 'Employment status'},
    'template.col.tanggal_keluar': {"id": 'Tanggal pegawai berhenti atau keluar dari wilayah (pensiun, pindah); sejak tanggal itu ia tidak lagi menjadi kandidat rotasi', "en": 'Date the person left the service or the region (retired, moved away); from then on not a rotation candidate'},
    'template.col.nama_jabatan': {"id": 'Nama jabatan', "en": 'Post name'},
    'template.col.eselon': {"id": 'Eselon; kosong = non-eselon', "en": 'Eselon; blank = non-eselon'},
    'template.col.tmt_jabatan': {"id": 'TMT jabatan', "en": 'Date the post took effect'},
    'template.col.nomor_sk': {"id": 'Nomor SK', "en": 'Decree number'},
    'template.col.tanggal_sk': {"id": 'Tanggal SK (paling lambat satu tahun setelah tmt_jabatan)', "en": 'Decree date (not after tmt_jabatan + 1 year)'},
    'template.col.jenis_mutasi': {"id": 'MJ mutasi jabatan, MU mutasi unor', "en": 'MJ change of post, MU change of unit (mutasi unor)'},
    'template.col.jenis_penugasan': {"id": 'D definitif, PLT pelaksana tugas, PLH pelaksana harian, PJ penjabat, TT tugas tambahan', "en": 'D definitive, PLT acting, PLH daily acting, PJ interim, TT additional duty'},
    'template.col.nomor_persetujuan': {"id": 'Nomor persetujuan tertulis Menteri Dalam Negeri untuk penggantian pejabat pada masa larangan pilkada', "en": 'Written approval of the Home Affairs Minister for a move inside an election freeze window'},
    'template.col.id_laporan': {"id": 'Nomor laporan, tidak boleh ganda', "en": 'Complaint id, unique'},
    'template.col.kanal': {"id": 'Kanal masuk pengaduan', "en": 'Channel the complaint came through'},
    'template.col.kategori': {"id": 'Kategori laporan', "en": 'Report category'},
    'template.col.waktu_diterima': {"id": 'Waktu laporan diterima', "en": 'When the report was received'},
    'template.col.waktu_respon_pertama': {"id": 'Tanggapan pertama; kosong bila belum ditanggapi; tidak boleh sebelum waktu_diterima', "en": 'First response; blank while none; not before waktu_diterima'},
    'template.col.waktu_selesai': {"id": 'Waktu selesai; kosong bila belum selesai; tidak boleh sebelum waktu_diterima atau waktu_respon_pertama', "en": 'Resolution; blank while open; not before waktu_diterima or waktu_respon_pertama'},
    'template.col.pengaduan.status': {"id": 'Status penanganan (selesai wajib disertai waktu_selesai)', "en": 'Handling status (selesai needs waktu_selesai)'},
    'template.col.id_responden': {"id": 'Nomor responden, tidak boleh ganda', "en": 'Respondent id, unique'},
    'template.col.skm.tanggal': {"id": 'Tanggal survei', "en": 'Survey date'},
    'template.col.survei_asn.tanggal': {"id": 'Tanggal pengisian', "en": 'Date filled in'},
    'template.col.skm_element': {"id": 'Unsur pelayanan U{n}: {name}; 1 = nilai terendah, 4 = tertinggi; kosong = tidak dijawab', "en": 'Service element U{n}: {name}; 1 = lowest, 4 = highest; blank = not answered'},
    'template.col.likert_item': {"id": '{name}; 1 = {low}, 5 = {high}; kosong = tidak dijawab', "en": '{name}; 1 = {low}, 5 = {high}; blank = not answered'},
    'template.col.komentar': {"id": 'Isian bebas (untuk telaah kualitatif; tidak pernah ditampilkan di laporan)', "en": 'Free text (for qualitative reading; never shown in reports)'},
    'template.col.nama_pelatihan': {"id": 'Nama diklat', "en": 'Course name'},
    'template.col.tanggal_mulai': {"id": 'Tanggal mulai', "en": 'Start date'},
    'template.col.tanggal_selesai': {"id": 'Tanggal selesai (tidak boleh sebelum tanggal_mulai)', "en": 'End date (not before tanggal_mulai)'},
    'template.col.jam_pelajaran': {"id": 'Jumlah jam pelajaran (JP)', "en": 'Hours (JP)'},
    'template.col.formasi.kode_unit': {"id": 'Unit yang membutuhkan pegawai', "en": 'Unit that needs the staff'},
    'template.col.kelompok_jabatan': {"id": 'Kelompok jabatan: struktural (jenis_jabatan 1 struktural dan 3 rangkap), fungsional (2 fungsional tertentu), pelaksana (4 fungsional umum)', "en": 'Position group: struktural (jenis_jabatan 1 structural and 3 dual), fungsional (2 specific functional), pelaksana (4 general functional)'},
    'template.col.formasi.nama_jabatan': {"id": 'Jabatan di dalam kelompok, untuk pembaca; kosong = seluruh kelompok', "en": 'The post within the group, for the reader; blank = the whole group'},
    'template.col.kebutuhan': {"id": 'Kebutuhan pegawai menurut analisis beban kerja (ABK/anjab), bilangan bulat 0 atau lebih', "en": 'Staff required by the workload analysis (ABK/anjab), a whole number of 0 or more'},
    'template.col.tahun': {"id": 'Tahun berlakunya kebutuhan (tahun data, atau tahun berikutnya untuk perencanaan)', "en": 'Year the requirement applies to (a year of the data, or the next year for planning)'},
}

#: Finding templates: key -> {"id": ..., "en": ...}, filled with :meth:`str.format`.
# -- planning the next wave (section 06, `mutasi plan`, the plan workbook) ---------------------
LABELS.update({
    "section_06_perencanaan": {"id": "Perencanaan gelombang berikutnya", "en": "Planning the next wave"},
    # columns
    "kelompok_jabatan": {"id": "Kelompok jabatan", "en": "Position group"},
    "kebutuhan": {"id": "Kebutuhan (formasi)", "en": "Required (formasi)"},
    "ada": {"id": "Pegawai ada", "en": "Staff present"},
    "kekurangan": {"id": "Kekurangan", "en": "Gap"},
    "kekurangan_sesudah": {"id": "Kekurangan sesudah rencana", "en": "Gap after the plan"},
    "ada_sesudah": {"id": "Pegawai sesudah rencana", "en": "Staff after the plan"},
    "struktural": {"id": "Struktural", "en": "Structural"},
    "fungsional": {"id": "Fungsional", "en": "Functional"},
    "pelaksana": {"id": "Pelaksana", "en": "Administrative"},
    "rata_unit_dijalani": {"id": "Rata-rata unit yang pernah dijalani", "en": "Mean units served in"},
    "unit_dijalani": {"id": "Unit yang pernah dijalani", "en": "Units served in"},
    "n_unit_dijalani": {"id": "Pengalaman (jumlah unit yang pernah dijalani)", "en": "Experience (units served in)"},
    "dasar_hukum": {"id": "Dasar hukum", "en": "Legal basis"},
    "keterangan": {"id": "Keterangan", "en": "Detail"},
    "n": {"id": "Jumlah pegawai", "en": "Staff"},
    "gelombang": {"id": "Gelombang", "en": "Wave"},
    "mutasi": {"id": "Usulan mutasi", "en": "Proposed moves"},
    "kolom": {"id": "Dasar pengelompokan", "en": "Grouped by"},
    "perlu_pelatihan": {"id": "Perlu pelatihan sebelum mutasi", "en": "Training before the move"},
    "peserta": {"id": "Peserta", "en": "Participants"},
    "peserta_sebelumnya": {"id": "Peserta sebelumnya", "en": "Earlier participants"},
    "dalam_katalog": {"id": "Pernah diselenggarakan", "en": "Held before"},
    "selesai_sebelum": {"id": "Selesai paling lambat", "en": "Ends by"},
    "tanggal_pindah": {"id": "Tanggal pindah", "en": "Move date"},
    "sinyal_kesiapan": {"id": "Sinyal kesiapan (proporsi belum siap di kelompoknya)",
                        "en": "Readiness signal (share unready in their groups)"},
    "lewat_batas": {"id": "Melewati batas masa jabatan", "en": "Past the maximum years"},
    "layak": {"id": "Memenuhi syarat", "en": "Eligible"},
    "table.rencana_unit": {"id": "Kebutuhan, pegawai dan usulan mutasi per unit",
                           "en": "Needs, staff and proposed moves by unit"},
    "table.rencana_kelayakan": {"id": "Pegawai yang tidak diusulkan, menurut aturan",
                                "en": "Staff not proposed, by rule"},
    "table.rencana_gelombang": {"id": "Gelombang mutasi (unit diundi acak)", "en": "Rotation waves (units drawn at random)"},
    # rules of eligibility, position groups, reasons of a move, the two rollouts
    "plan.rule.keluar": {"id": "akan keluar", "en": "leaving"},
    "plan.rule.pensiun": {"id": "mencapai batas usia pensiun", "en": "reaching retirement age"},
    "plan.rule.plt": {"id": "sedang menjabat Plt/Plh/Pj", "en": "holds an acting post"},
    "plan.rule.pppk": {"id": "PPPK (sesuai perjanjian kerja)", "en": "PPPK (bound by contract)"},
    "plan.rule.masa_minimal": {"id": "belum memenuhi masa jabatan minimal", "en": "short of the minimum years in post"},
    "plan.group.struktural": {"id": "struktural", "en": "structural"},
    "plan.group.fungsional": {"id": "fungsional", "en": "functional"},
    "plan.group.pelaksana": {"id": "pelaksana", "en": "administrative"},
    "plan.reason.mengisi_kekurangan": {"id": "mengisi kekurangan", "en": "fills a gap"},
    "plan.reason.mengurangi_kelebihan": {"id": "mengurangi kelebihan di unit asal", "en": "relieves a surplus"},
    "plan.reason.unit_baru": {"id": "unit yang belum pernah dijalani", "en": "a unit not served in before"},
    "plan.reason.lewat_batas": {"id": "melewati batas masa jabatan", "en": "past the maximum years"},
    "plan.design.acak": {"id": "urutan acak", "en": "random order"},
    "plan.design.kebutuhan": {"id": "urutan menurut kebutuhan", "en": "order by need"},
    # the plan workbook
    "plan.sheet.summary": {"id": "Ringkasan", "en": "Summary"},
    "plan.sheet.moves": {"id": "Usulan mutasi", "en": "Proposed moves"},
    "plan.sheet.training": {"id": "Pelatihan", "en": "Training"},
    "plan.sheet.needs": {"id": "Kebutuhan", "en": "Needs"},
    "plan.sheet.eligibility": {"id": "Kelayakan", "en": "Eligibility"},
    "plan.sheet.waves": {"id": "Gelombang", "en": "Waves"},
    "plan.row.title": {"id": "Rencana mutasi {period}: {region}", "en": "Rotation plan {period}: {region}"},
    "plan.row.note": {"id": "Catatan", "en": "Note"},
    "plan.row.note_text": {
        "id": "Berkas terbatas: pegawai disebut dengan pseudonim. Jangan dilampirkan pada laporan. Pemegang kunci "
              "pseudonim mengembalikannya ke NIP dan nama dengan `mutasi reidentify`. Ini usulan: keputusan tetap "
              "pada pejabat yang berwenang.",
        "en": "Restricted file: staff are named by pseudonym. Never attach it to a report. The pseudonym key holder "
              "turns it back into NIPs and names with `mutasi reidentify`. This is a proposal: the decision stays "
              "with the competent official."},
    "plan.row.region": {"id": "Wilayah", "en": "Region"},
    "plan.row.plan_period": {"id": "Periode gelombang", "en": "Period of the wave"},
    "plan.row.as_of": {"id": "Data sampai", "en": "Data up to"},
    "plan.row.first_wave": {"id": "Gelombang pertama", "en": "First wave"},
    "plan.row.formasi_year": {"id": "Tahun formasi", "en": "Formasi year"},
    "plan.row.staff": {"id": "Pegawai yang menjabat", "en": "Staff in post"},
    "plan.row.eligible": {"id": "Memenuhi syarat mutasi", "en": "Eligible to move"},
    "plan.row.excluded": {"id": "Tidak diusulkan", "en": "Not proposed"},
    "plan.row.overdue": {"id": "Melewati batas masa jabatan", "en": "Past the maximum years in post"},
    "plan.row.gap_before": {"id": "Kekurangan pegawai sebelum rencana", "en": "Staff gap before the plan"},
    "plan.row.gap_after": {"id": "Kekurangan pegawai sesudah rencana", "en": "Staff gap after the plan"},
    "plan.row.moves": {"id": "Usulan mutasi", "en": "Proposed moves"},
    "plan.row.moves_in_wave": {"id": "Usulan mutasi gelombang", "en": "Proposed moves, wave"},
    "plan.row.training": {"id": "Pelatihan sebelum mutasi", "en": "Training before the move"},
    "plan.row.infeasible": {"id": "Tidak ada rencana yang memenuhi aturan", "en": "No plan satisfies the rules"},
    "plan.row.mde_random": {"id": "Perubahan terkecil yang dapat dideteksi (daya 80%), urutan acak",
                            "en": "Smallest change detectable (80% power), random order"},
    "plan.row.mde_need": {"id": "Perubahan terkecil yang dapat dideteksi (daya 80%), urutan menurut kebutuhan",
                          "en": "Smallest change detectable (80% power), order by need"},
    "plan.row.blocked": {"id": "Pasangan pegawai-unit yang tidak dibolehkan", "en": "Staff-unit pairs ruled out"},
    "plan.pair.tidak_kembali": {"id": "kembali ke unit yang baru ditinggalkan", "en": "return to a unit left recently"},
    "plan.pair.pembekuan": {"id": "gelombang dalam masa larangan pilkada", "en": "wave inside an election freeze"},
    "plan.pair.tanpa_formasi": {"id": "pegawai tetap di tempat: formasi tidak memuat kebutuhan jabatannya",
                                "en": "staff kept in place: formasi has no requirement for their post"},
    "plan.row.seed": {"id": "Benih acak (gelombang dan simulasi)", "en": "Random seed (waves and simulation)"},
    "plan.row.key_id": {"id": "Sidik kunci pseudonim", "en": "Pseudonym key fingerprint"},
    "plan.row.version": {"id": "Versi mutasi-analysis", "en": "mutasi-analysis version"},
})

# -- the pooled report of many regions (notebooks/gabungan/01_gabungan.ipynb, mutasi batch) ----------
LABELS.update({
    "section_01_gabungan": {"id": "Analisis gabungan antarwilayah", "en": "Pooled analysis across regions"},
    "pooled.title": {"id": "Laporan gabungan", "en": "Pooled report"},
    "pooled.doc": {"id": "Laporan Gabungan Evaluasi Mutasi ASN", "en": "Pooled Civil-Servant Rotation Evaluation Report"},
    # columns (reporting.pooled_pages, reporting.tables.pooled_tables)
    "pooled.col.kode_wilayah": {"id": "Kode wilayah", "en": "Region code"},
    "pooled.col.nama_wilayah": {"id": "Wilayah", "en": "Region"},
    "pooled.col.n_unit": {"id": "Jumlah unit", "en": "Units"},
    "pooled.col.n_treated": {"id": "Unit perlakuan", "en": "Treated units"},
    "pooled.col.n_control": {"id": "Unit pembanding", "en": "Comparison units"},
    "pooled.col.data_start": {"id": "Data mulai", "en": "Data from"},
    "pooled.col.data_end": {"id": "Data sampai", "en": "Data up to"},
    "pooled.col.inference": {"id": "Inferensi", "en": "Inference"},
    "pooled.col.n_clusters": {"id": "Jumlah klaster", "en": "Clusters"},
    "pooled.col.estimate": {"id": "Perkiraan", "en": "Estimate"},
    "pooled.col.std_error": {"id": "Galat baku", "en": "Std. error"},
    "pooled.col.conf_low": {"id": "Batas bawah SK", "en": "CI lower"},
    "pooled.col.conf_high": {"id": "Batas atas SK", "en": "CI upper"},
    "pooled.col.pvalue": {"id": "Nilai p", "en": "p-value"},
    "pooled.col.rank": {"id": "Peringkat", "en": "Rank"},
    "pooled.col.rank_low": {"id": "Peringkat terbaik yang mungkin", "en": "Best plausible rank"},
    "pooled.col.rank_high": {"id": "Peringkat terburuk yang mungkin", "en": "Worst plausible rank"},
    "pooled.col.n_responden": {"id": "Jumlah responden", "en": "Respondents"},
    "pooled.col.ikm": {"id": "Nilai IKM", "en": "IKM score"},
    "pooled.col.n_mutasi": {"id": "Mutasi antar unit", "en": "Unit moves"},
    "pooled.col.share_patuh": {"id": "Proporsi mutasi yang patuh", "en": "Share of moves that broke no rule"},
    "pooled.col.status": {"id": "Status", "en": "Status"},
    "pooled.col.reason": {"id": "Alasan", "en": "Reason"},
    "pooled.col.shrunk": {"id": "Perkiraan setelah penyusutan", "en": "Shrunken estimate"},
    "pooled.col.shrunk_low": {"id": "Batas bawah SK (penyusutan)", "en": "CI lower (shrunken)"},
    "pooled.col.shrunk_high": {"id": "Batas atas SK (penyusutan)", "en": "CI upper (shrunken)"},
    "pooled.col.weight": {"id": "Bobot perkiraan wilayah sendiri", "en": "Weight of the region's own estimate"},
    "pooled.col.event_time": {"id": "Bulan sejak rotasi", "en": "Months since rotation"},
    # codes of pooled.PooledDiDResult.tidy() and pooled.ShrinkageResult
    "pooled.inference.office": {"id": "Klaster unit layanan (analitik)", "en": "Clustered by office (analytic)"},
    "pooled.inference.region_analytic": {"id": "Klaster wilayah (analitik, t dengan G - 1 derajat bebas)",
                                         "en": "Clustered by region (analytic, t with G - 1 df)"},
    "pooled.inference.region_wild_bootstrap": {"id": "Klaster wilayah (bootstrap wild klaster, ATT Sun-Abraham)",
                                               "en": "Clustered by region (wild cluster bootstrap, Sun-Abraham ATT)"},
    "pooled.status.ok": {"id": "diperkirakan", "en": "estimated"},
    "pooled.status.not_estimated": {"id": "tidak diperkirakan", "en": "not estimated"},
    "pooled.reason.few_treated": {"id": "unit perlakuan terlalu sedikit", "en": "too few treated units"},
    "pooled.reason.few_control": {"id": "unit pembanding terlalu sedikit", "en": "too few comparison units"},
    "pooled.reason.no_post_cells": {"id": "tidak ada bulan sesudah rotasi di dalam jendela bersama",
                                    "en": "no month after rotation inside the common window"},
    "pooled.reason.panel_error": {"id": "tidak ada data di dalam jendela bersama", "en": "no data inside the common window"},
    "pooled.reason.treated_in_first_month": {"id": "sudah menerima mutasi pada bulan pertama jendela bersama",
                                             "en": "rotated by the first month of the common window"},
    "pooled.control.never": {"id": "unit yang tidak pernah menerima mutasi", "en": "never-rotated units"},
    "pooled.control.notyet": {"id": "unit yang belum menerima mutasi", "en": "not-yet-rotated units"},
    # figures
    "pooled.plot.raw": {"id": "Perkiraan wilayah sendiri (SK 95%)", "en": "The region's own estimate (95% CI)"},
    "pooled.plot.shrunk": {"id": "Setelah penyusutan (SK 95%)", "en": "After shrinkage (95% CI)"},
    "pooled.plot.re_mean": {"id": "Rata-rata efek acak", "en": "Random-effects mean"},
    "pooled.plot.ci": {"id": "SK 95%", "en": "95% CI"},
    "pooled.plot.estimate": {"id": "Perkiraan", "en": "Estimate"},
    # the workbook's tables (titles at most 31 characters: they name the sheets)
    "table.gabungan_wilayah": {"id": "Wilayah yang digabung", "en": "Regions pooled"},
    "table.gabungan_att": {"id": "Dampak gabungan (ATT)", "en": "Pooled effect (ATT)"},
    "table.gabungan_studi_peristiwa": {"id": "Studi peristiwa gabungan", "en": "Pooled event study"},
    "table.gabungan_ikm": {"id": "Peringkat IKM per wilayah", "en": "IKM league table"},
    "table.gabungan_kepatuhan": {"id": "Peringkat kepatuhan mutasi", "en": "Compliance league table"},
    "table.gabungan_efek": {"id": "Dampak per wilayah", "en": "Effect by region"},
    "table.gabungan_efek.note": {
        "id": "Perkiraan setelah penyusutan menarik perkiraan wilayah yang tidak pasti ke rata-rata efek acak "
              "(empirical Bayes); wilayah yang tidak diperkirakan diberi rata-rata itu.",
        "en": "The shrunken estimate pulls an uncertain region's estimate towards the random-effects mean "
              "(empirical Bayes); regions not estimated are given that mean.",
    },
    "table.gabungan_league.note": {
        "id": "Peringkat hanya untuk wilayah dengan sedikitnya {k} orang; peringkat terbaik dan terburuk yang mungkin "
              "dihitung dari SK: dua wilayah hanya dapat dibedakan bila SK-nya tidak bertumpang tindih.",
        "en": "Only regions with at least {k} people are ranked; the best and worst plausible ranks come from the "
              "CIs: two regions can be told apart only when their CIs do not overlap.",
    },
})

TEMPLATES: dict[str, dict[str, str]] = {
    # a figure's description for screen readers (reporting.charts.alt_text)
    "alt_figure": {"id": "Grafik: {what}", "en": "Chart: {what}"},
    "alt_figure_plain": {"id": "Grafik", "en": "Chart"},
    "alt_x": {"id": "sumbu mendatar: {label}", "en": "horizontal axis: {label}"},
    "alt_y": {"id": "sumbu tegak: {label}", "en": "vertical axis: {label}"},
    # the verdict of the impact analysis (verdict_text; impact.Verdict holds the numbers)
    "verdict.estimate": {
        "id": "Rotasi (definisi perlakuan: {definition}) diperkirakan {verb} {outcome} sebesar {amount}{pp}{base} (SK {conf}% dengan {how} untuk perubahannya: {lo} s.d. {hi}; {n_treated} unit perlakuan, {n_control} unit pembanding: {control}). ",
        "en": "Rotation (treatment definition: {definition}) is estimated to {verb} the {outcome} by {amount}{pp}{base} ({conf}% CI of the change by {how} {lo} to {hi}; {n_treated} rotated units, {n_control} comparison units: {control}). ",
    },
    "verdict.baseline": {
        "id": ", dari rata-rata {before} sebelum rotasi di unit perlakuan menjadi sekitar {after}",
        "en": ", from an average of {before} before rotation in the rotated units to about {after}",
    },
    "verdict.verb_down": {"id": "menurunkan", "en": "lower"},
    "verdict.verb_up": {"id": "menaikkan", "en": "raise"},
    "verdict.verb_flat": {"id": "mengubah", "en": "change"},
    "verdict.points": {"id": " poin persen", "en": " percentage points"},
    "verdict.how_randomization": {"id": "inferensi randomisasi", "en": "randomization inference"},
    "verdict.how_analytic": {"id": "galat baku analitik", "en": "analytic standard error"},
    "verdict.better": {"id": "membaik", "en": "better"},
    "verdict.worse": {"id": "memburuk", "en": "worse"},
    "verdict.inconclusive": {
        "id": "Belum dapat disimpulkan apakah layanan {direction} karena rotasi: uji tren sebelum rotasi menolak tren sejajar ({p}), sehingga perbedaan ini bisa sudah ada sebelum rotasi. ",
        "en": "Whether rotation made service {direction} cannot be concluded: the pre-rotation trend test rejects parallel trends ({p}), so the difference may predate rotation. ",
    },
    "verdict.clear": {"id": "Artinya layanan {direction} setelah rotasi. ", "en": "Service got {direction} after rotation. "},
    "verdict.unclear": {"id": "Selang kepercayaan mencakup nol: tidak ada perubahan yang jelas. ", "en": "The confidence interval includes zero: no clear change. "},
    "verdict.check_ri": {"id": "inferensi randomisasi {p}", "en": "randomization inference {p}"},
    # `mutasi cite`: the suggested methods paragraph of a rendered report (reporting/citation.py)
    "cite.software": {
        "id": "Laporan evaluasi {region} untuk {period} disusun dengan perangkat lunak mutasi-analysis versi {version} (commit {commit}) pada {date}.",
        "en": "The evaluation report for {region}, {period}, was produced with the mutasi-analysis software, version {version} (commit {commit}), on {date}.",
    },
    "cite.no_commit": {"id": "tanpa commit git", "en": "no git commit"},
    "cite.dirty": {"id": ", dengan perubahan yang belum di-commit", "en": ", with uncommitted changes"},
    "cite.did": {
        "id": "Dampak mutasi pada layanan diperkirakan dengan metode selisih-dalam-selisih bertahap (difference-in-differences; {cs}), dengan {control} sebagai kelompok pembanding; studi peristiwa ({sa}) dan dekomposisi perkiraan TWFE ({gb}) dipakai sebagai pemeriksaan.",
        "en": "The effect of rotation on services was estimated by difference-in-differences for staggered adoption ({cs}), with {control} as the comparison group; an event study ({sa}) and the decomposition of the TWFE estimate ({gb}) served as checks.",
    },
    "cite.inference_ri": {
        "id": "Karena jumlah kantor sedikit, selang kepercayaan {level} dan nilai p utama berasal dari inferensi randomisasi atas tanggal mutasi ({perm}; {ri}), dengan bootstrap wild klaster ({boot}; {wcb}) sebagai pembanding kedua.",
        "en": "Because the offices are few, the headline {level} confidence interval and p-value come from randomization inference over the rotation dates ({perm}; {ri}), with a wild cluster bootstrap ({boot}; {wcb}) as a second opinion.",
    },
    "cite.inference_analytic": {
        "id": "Selang kepercayaan {level} utama memakai galat baku analitik yang diklaster per kantor; inferensi randomisasi atas tanggal mutasi ({perm}; {ri}) dan bootstrap wild klaster ({boot}; {wcb}) dipakai sebagai pembanding kedua.",
        "en": "The headline {level} confidence interval uses analytic standard errors clustered by office; randomization inference over the rotation dates ({perm}; {ri}) and a wild cluster bootstrap ({boot}; {wcb}) served as second opinions.",
    },
    "cite.inference_analytic_twfe": {
        "id": "Pembanding yang dipakai adalah unit yang belum menerima mutasi, sehingga selang kepercayaan {level} utama memakai galat baku analitik yang diklaster per kantor; inferensi randomisasi atas tanggal mutasi pada koefisien TWFE ({perm}; {ri}) dan bootstrap wild klaster ({boot}; {wcb}) dipakai sebagai pembanding kedua.",
        "en": "With not-yet-rotated offices as the comparison, the headline {level} confidence interval uses analytic standard errors clustered by office; randomization inference over the rotation dates on the TWFE coefficient ({perm}; {ri}) and a wild cluster bootstrap ({boot}; {wcb}) served as second opinions.",
    },
    # the draws behind those sentences: asked-for count, or every assignment when enumerated
    "cite.perm_n": {"id": "{n} permutasi", "en": "{n} permutations"},
    "cite.perm_all": {"id": "seluruh {n} kemungkinan penempatan tanggal mutasi", "en": "all {n} possible assignments of the rotation dates"},
    "cite.boot_n": {"id": "{n} replikasi", "en": "{n} replications"},
    "cite.boot_all": {"id": "seluruh {n} pola tanda", "en": "all {n} sign patterns"},
    "cite.sensitivity": {
        "id": "Kepekaan kesimpulan terhadap pelanggaran asumsi tren sejajar dinilai dengan metode HonestDiD ({rr}).",
        "en": "The sensitivity of the conclusion to violations of parallel trends was assessed with the HonestDiD method ({rr}).",
    },
    "cite.ikm": {
        "id": "Indeks Kepuasan Masyarakat (IKM) dihitung menurut {reg}, dengan ukuran sampel minimum per unit menurut rumus Krejcie-Morgan ({km}).",
        "en": "The community satisfaction index (IKM) was computed as {reg} prescribes, with each office's minimum sample size from the Krejcie-Morgan formula ({km}).",
    },
    "cite.references": {"id": "Rujukan:", "en": "References:"},
    "verdict.check_ri_twfe": {"id": "inferensi randomisasi pada koefisien TWFE {p}", "en": "randomization inference on the TWFE coefficient {p}"},
    "verdict.check_wcb": {"id": "bootstrap wild klaster (Sun-Abraham) {p}", "en": "wild cluster bootstrap (Sun-Abraham) {p}"},
    "verdict.check_analytic": {"id": "galat baku analitik {p}", "en": "analytic standard error {p}"},
    "verdict.no_checks": {"id": "Pembanding kedua tidak dapat dijalankan.", "en": "The second opinions could not be run."},
    "verdict.agree": {"id": "Metode lain sejalan: {checks}.", "en": "The other methods agree: {checks}."},
    "verdict.disagree": {
        "id": "Metode lain TIDAK sejalan ({checks}): perlakukan perkiraan ini dengan hati-hati.",
        "en": "The other methods do NOT agree ({checks}): treat this estimate with caution.",
    },
    "verdict.pretrend_rejected": {
        "id": " Uji tren sebelum rotasi menolak tren sejajar ({p}): unit perlakuan sudah bergerak berbeda sebelum rotasi, sehingga perkiraan ini bisa bias.",
        "en": " The pre-rotation trend test rejects parallel trends ({p}): rotated units already moved differently before rotation, so this estimate may be biased.",
    },
    "verdict.not_enough_data": {
        "id": "Data belum cukup untuk menilai dampak rotasi terhadap {outcome} (definisi perlakuan: {definition}). {why}",
        "en": "Not enough data to judge the impact of rotation on {outcome} (treatment definition: {definition}). {why}",
    },
    "verdict.few_treated": {
        "id": "Hanya {n} unit perlakuan di dalam periode analisis dengan bulan sebelum rotasi (minimal {minimum}).",
        "en": "Only {n} unit(s) were rotated inside the analysis window with a month before rotation (at least {minimum} needed).",
    },
    "verdict.few_control": {
        "id": "Hanya {n} unit pembanding ({control}; minimal {minimum}).",
        "en": "Only {n} comparison unit(s) ({control}; at least {minimum} needed).",
    },
    "verdict.no_post_cells": {"id": "Tidak ada sel setelah perlakuan untuk dirata-ratakan.", "en": "No post-treatment cells to aggregate."},
    "feedback_small": {"id": "Kurang dari {k} lembar: tidak ditampilkan.", "en": "Fewer than {k} sheets: not shown."},
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
        "id": "Belum dapat disimpulkan apakah mutasi mengubah {outcome}: perkiraan dampak {estimate} (selang kepercayaan {level}: {conf_low} s.d. {conf_high}), tetapi unit perlakuan sudah bergerak berbeda sebelum rotasi (uji tren sebelum rotasi menolak tren sejajar).",
        "en": "Whether rotation changed the {outcome} cannot be concluded: estimated impact {estimate} ({level} confidence interval {conf_low} to {conf_high}), but the rotated units already moved differently before rotation (the pre-rotation trend test rejects parallel trends).",
    },
    "impact_inconclusive.rec": {
        "id": "Jangan mengubah atau mempertahankan pola mutasi atas dasar angka ini; periksa unit pembanding dan perubahan lain pada unit perlakuan sebelum rotasi, lalu ulangi analisis pada periode berikutnya.",
        "en": "Do not change or keep the rotation pattern on the strength of this number; check the comparison units and other changes in the rotated units before rotation, and repeat the analysis next period.",
    },
    "rotation_candidates.text": {
        "id": "{count} ASN telah menduduki jabatan yang sama lebih dari {max_years} tahun pada akhir periode.",
        "en": "{count} staff have held the same post for more than {max_years} years at the period's end.",
    },
    "rotation_candidates.rec": {
        "id": "Masukkan ASN tersebut sebagai kandidat rotasi (daftar per pseudonim dan unit disimpan terpisah dari laporan; mintalah kepada pengelola laporan), dengan memperhatikan kebutuhan unit.",
        "en": "List these staff as rotation candidates (the list by pseudonym and unit is kept apart from the report; ask the report's administrator for it), considering each unit's needs.",
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
    "control_notyet": {"id": "Hanya {n_never} unit yang tidak pernah menerima mutasi (minimal {min_control}), sehingga "
                              "pembanding adalah unit yang belum menerima mutasi pada bulan yang sama.",
                       "en": "Only {n_never} never-rotated unit(s) (at least {min_control} needed), so the comparison "
                             "uses units not yet rotated in the same month."},
    "ri_statistic_twfe": {"id": "Inferensi randomisasi memakai koefisien TWFE sebagai statistik (ATT sederhana "
                                 "memerlukan unit yang tidak pernah menerima mutasi).",
                          "en": "randomization_inference: statistic 'twfe' (the simple ATT needs never-treated units)."},
    "headline_analytic": {"id": "Inferensi utama memakai galat baku analitik (inferensi randomisasi pada ATT "
                                 "sederhana tidak dapat dijalankan).",
                          "en": "headline inference: analytic standard error (randomization inference on the simple "
                                "ATT could not run)."},
}


def _check_lang(lang: str) -> None:
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}; use one of {', '.join(LANGS)}")


def labels(*keys: str) -> dict[str, dict[str, str]]:
    """The catalogue's entries for ``keys`` (``{key: {"id": ..., "en": ...}}``): a module's view.

    Raises
    ------
    KeyError
        When a key is not in the catalogue.
    """
    return {k: LABELS[k] for k in keys}


def namespace(prefix: str) -> dict[str, dict[str, str]]:
    """The catalogue's entries whose keys start with ``prefix + "."``, with the prefix removed.

    The strings of one surface (``"pdf"``, ``"excel"``, ``"index"``, ``"impact_row"``...) as one
    mapping, e.g. ``namespace("pdf")["doc"]``.
    """
    head = prefix + "."
    return {k[len(head):]: v for k, v in LABELS.items() if k.startswith(head)}


def both(key: str) -> dict[str, str]:
    """``{"id": ..., "en": ...}`` of one key, for a recorded table's title or note."""
    return dict(LABELS[key])


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
        "id": "Bila rotasi berikutnya mengulang pola yang teramati ({n} unit menerima pegawai mutasi pada bulan-bulan yang sama), "
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



def _definition_text(definition: str, threshold, lang: str) -> str:
    base = label(f"{definition}_def", lang)
    if definition == "share_rotated_in" and threshold is not None:
        base += " " + fmt_pct(threshold, 0, lang)
    return base


def verdict_text(verdict, lang: str = "id") -> str:
    """Word the verdict of an impact analysis (:class:`mutasi_analysis.impact.Verdict`) in ``lang``.

    The verdict holds numbers and codes only; this writes the sentence a reader sees: the
    direction and size of the change with its baseline, its interval and inference method,
    whether service got better, was unchanged or cannot be judged (a rejected pre-trend test),
    and whether the second opinions agree.

    Parameters
    ----------
    verdict : Verdict or Mapping
        The verdict, or its ``to_dict()`` as read back from a record.
    lang : {"id", "en"}

    Returns
    -------
    str
    """
    _check_lang(lang)
    v = dict(verdict) if isinstance(verdict, Mapping) else {"code": verdict.code, **verdict.params}
    outcome = label(v["outcome"], lang).lower()
    definition = _definition_text(v["definition"], v.get("threshold"), lang)
    if v["code"] == "not_enough_data":
        why = template(f"verdict.{v['reason']}", lang, n=fmt_count(v.get("n"), lang) if v.get("n") is not None else "",
                       minimum=v.get("minimum", ""),
                       control=label(f"control_{v['control']}", lang) if v.get("control") else "")
        return template("verdict.not_enough_data", lang, outcome=outcome, definition=definition, why=why)
    est, lo, hi = v["estimate"], v["conf_low"], v["conf_high"]
    percent = bool(v.get("percent"))
    k, sign = (100.0, "%") if percent else (1.0, "")
    clear = lo > 0 or hi < 0
    improved = (est < 0) if v["better"] == "lower" else (est > 0)
    pre_p = v.get("pretrend_p")
    rejected = pre_p is not None and not math.isnan(pre_p) and pre_p <= v["alpha"]
    baseline = v.get("baseline")
    base = "" if baseline is None or not math.isfinite(baseline) else template(
        "verdict.baseline", lang, before=fmt_number(k * baseline, 2, lang) + sign,
        after=fmt_number(k * (baseline + est), 2, lang) + sign)
    verb = "verb_down" if est < 0 else ("verb_up" if est > 0 else "verb_flat")
    s = template("verdict.estimate", lang, definition=definition, verb=template(f"verdict.{verb}", lang), outcome=outcome,
                 amount=fmt_number(k * abs(est), 2, lang), pp=template("verdict.points", lang) if percent else "",
                 base=base, conf=fmt_number(100 * (1 - v["alpha"]), 0, lang),
                 how=template(f"verdict.how_{v['inference']}", lang), lo=fmt_number(k * lo, 2, lang),
                 hi=fmt_number(k * hi, 2, lang), n_treated=fmt_count(v["n_treated"], lang),
                 n_control=fmt_count(v["n_control"], lang), control=label(f"control_{v['control']}", lang))
    direction = template("verdict.better" if improved else "verdict.worse", lang)
    if clear and rejected:
        s += template("verdict.inconclusive", lang, direction=direction, p=fmt_p(pre_p, lang))
    elif clear:
        s += template("verdict.clear", lang, direction=direction)
    else:
        s += template("verdict.unclear", lang)
    # The permutation test's statistic is named when it is not the simple ATT (the TWFE
    # coefficient, under the not-yet-rotated comparison); older records lack ``ri_term``.
    ri_name = "ri_twfe" if v.get("ri_term") == "twfe" else "ri"
    checks = [template(f"verdict.check_{ri_name if name == 'ri' else name}", lang, p=fmt_p(v[f"{name}_p"], lang))
              for name in ("ri", "wcb", "analytic") if v.get(f"{name}_p") is not None]
    agrees = v.get("agrees")
    if agrees is None:
        s += template("verdict.no_checks", lang)
    else:
        s += template("verdict.agree" if agrees else "verdict.disagree", lang, checks="; ".join(checks))
    # Only a rejection is reported: with few units a non-rejection is weak evidence and must
    # not read as proof of parallel trends (see did.pretrend_randomization_test).
    if rejected and not clear:
        s += template("verdict.pretrend_rejected", lang, p=fmt_p(pre_p, lang))
    return s

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
    # None: at most two decimals, more for a small number so that 0,004 is not written 0.
    pattern = ("#,##0.##" if abs(value) >= 0.01 or value == 0 else "#,##0.####") if decimals is None else _pattern(decimals)
    text = babel.numbers.format_decimal(value, format=pattern, locale=LOCALES[lang])
    # A value that rounds to zero keeps no sign ("-0,00" reads as a negative result).
    return text.lstrip("-") if set(text) <= set("-0.,") else text


def fmt_value(value, lang: str = "id") -> str:
    """Any recorded value as a reader sees it: a count, a number with two decimals, yes/no, a dash.

    The one rule for headline values in the index, the PDF and the summary, so that they agree.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "\u2013"
    if isinstance(value, (bool, np.bool_)):
        return label("yes" if value else "no", lang)
    if isinstance(value, numbers.Integral):
        return fmt_count(value, lang)
    if isinstance(value, numbers.Real):
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
    out = babel.numbers.format_percent(float(share), format=_pattern(decimals, "%"), locale=LOCALES[lang])
    return out.lstrip("-") if set(out) <= set("-0.,%") else out  # no "-0,0%"


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
    # An offset is written as one ("UTC+07:00"): CLDR has no name for a bare offset.
    offset = when.utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset is not None else 0
    zone = "UTC" if minutes == 0 else f"UTC{'+' if minutes > 0 else '-'}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
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
    if isinstance(value, numbers.Integral) and not isinstance(value, (bool, np.bool_)) and value > 3000:
        value = pd.Timestamp(int(value) // 12, int(value) % 12 + 1, 1)
    day = pd.Timestamp(value).date()
    return babel.dates.format_date(day, format="MMM y" if width == "short" else "MMMM y", locale=LOCALES[lang])


_PERIOD_ID = re.compile(r"^\d{4}-(?:S[12]|Q[1-4])$")
_MONTH_ID = re.compile(r"^\d{4}-(?:0[1-9]|1[0-2])$")


def fmt_id(value, lang: str = "id"):
    """A period or month id in words (``2025-S2`` -> ``Semester II 2025``, ``2023-09`` ->
    ``Sep 2023``); any other value is returned as it is. For table cells and chart labels that
    hold stored ids."""
    if not isinstance(value, str):
        return value
    s = value.strip()
    if _PERIOD_ID.match(s):
        from .periods import parse_period  # periods words its labels here: import when used

        return parse_period(s, "semester" if "-S" in s else "quarter").label(lang)
    if _MONTH_ID.match(s):
        return fmt_month(s, lang)
    return value


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
