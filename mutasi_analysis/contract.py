"""Names fixed by the raw data contract (``data/raw/README.md``), defined once.

The nine SKM elements of PermenPANRB 14/2017 in the regulation's order (U1..U9), and the
seven Likert items of the feedback sheet of rotated staff. Columns are matched by these names,
never by position.
"""

from __future__ import annotations

__all__ = ["SKM_ELEMENTS", "LIKERT_ITEMS"]

SKM_ELEMENTS: tuple[str, ...] = (
    "persyaratan",
    "prosedur",
    "waktu_penyelesaian",
    "biaya_tarif",
    "produk_layanan",
    "kompetensi_pelaksana",
    "perilaku_pelaksana",
    "penanganan_pengaduan",
    "sarana_prasarana",
)

LIKERT_ITEMS: tuple[str, ...] = (
    "kesiapan_tugas",
    "kejelasan_informasi",
    "dukungan_atasan",
    "adaptasi_budaya_kerja",
    "kebutuhan_pelatihan",
    "kepuasan_mutasi",
    "niat_bertahan",
)
