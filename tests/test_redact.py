"""Free text is redacted at ingestion: NIP, NIK, phone numbers, e-mail addresses, dates and staff names."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil

import pandas as pd
import pyarrow.parquet as pq
import pytest

from mutasi_analysis import redact
from mutasi_analysis.demo import COMMENTS, GIVEN_F, GIVEN_M, SURNAMES
from mutasi_analysis.nip import check_nips

STAFF = pd.Series(["Yohanes Ndun", "Drs. Maria Goreti Tefa, M.Si", "Ruth Pah", "Kasih Lay", "Ratu Bani"])


def _one(text: str, names=STAFF) -> str:
    return redact.redact_text(pd.Series([text]), names)[0].iloc[0]


@pytest.mark.parametrize("text, expected", [
    # NIP: 18 digits, plain, grouped with spaces (as BKN documents write it), dots or dashes
    ("NIP saya 196608011988031001 mohon dicek", "NIP saya [NIP] mohon dicek"),
    ("NIP 19660801 198803 1 001.", "NIP [NIP]."),
    ("nip: 19660801.198803.1.001", "nip: [NIP]"),
    ("19660801-198803-1-001", "[NIP]"),
    ("PPPK 200012312024211001", "PPPK [NIP]"),
    # NIK: 16 digits
    ("NIK 5371012003850001 KTP", "NIK [NIK] KTP"),
    ("NIK 5371 0120 0385 0001", "NIK [NIK]"),
    # phone numbers
    ("hubungi 0812-3456-7890 ya", "hubungi [TELEPON] ya"),
    ("WA 081234567890", "WA [TELEPON]"),
    ("telp +62 812 3456 7890", "telp [TELEPON]"),
    ("telp +6281234567890.", "telp [TELEPON]."),
    ("telp 6281234567890", "telp [TELEPON]"),
    ("kantor (0380) 821234", "kantor [TELEPON]"),
    ("kantor 0380-821234", "kantor [TELEPON]"),
    # e-mail
    ("kirim ke yohanes.ndun@kupangkota.go.id segera", "kirim ke [EMAIL] segera"),
    # dates
    ("lahir 12-03-1985", "lahir [TANGGAL]"),
    ("lahir 12/03/1985", "lahir [TANGGAL]"),
    ("lahir 12.3.85", "lahir [TANGGAL]"),
    ("lahir 1985-03-12", "lahir [TANGGAL]"),
    ("lahir 12 Maret 1985", "lahir [TANGGAL]"),
    ("lahir tgl 3 agustus 2020", "lahir tgl [TANGGAL]"),
    ("pindah 1 Sept. 2023", "pindah [TANGGAL]"),
    ("pindah 1 Nopember 2023", "pindah [TANGGAL]"),
    # names: full names (titles dropped), tokens of 4+ letters, short tokens after an honorific
    ("Pak Yohanes Ndun sangat membantu", "Pak [NAMA] sangat membantu"),
    ("yohanes   NDUN membantu", "[NAMA] membantu"),
    ("ibu Maria Goreti Tefa baik", "ibu [NAMA] baik"),
    ("ibu Maria baik", "ibu [NAMA] baik"),
    ("kata Goreti, tugas berat", "kata [NAMA], tugas berat"),
    ("bu Ruth dan pak Pah", "bu [NAMA] dan pak [NAMA]"),
    ("Ruth Pah datang", "[NAMA] datang"),
    ("Ratu Bani datang", "[NAMA] datang"),
])
def test_each_kind_is_masked(text, expected):
    assert _one(text) == expected


@pytest.mark.parametrize("text", [
    *COMMENTS,
    "terima kasih atas bantuannya",            # Kasih is a staff name token, but a common word
    "pah, lay, kantor",                        # short tokens without an honorific stay
    "ratu adil",                               # common word, stoplisted
    "Yohanesburg",                             # a token inside a longer word
    "jam 08.00 sampai 14.30, 3 orang",          # times and small counts
    "tahun 2023 ada 12 pengaduan",             # a year alone is no date of birth
    "SK 800/1/2020 dan 821.2/15/2023",         # decree numbers
    "Rp 1.500.000 per bulan",                  # money
    "nilai 4 dari 5, skor 88,31",              # scores
    "rapat 12 Maret di kantor",                # day and month without a year
    "Puskesmas Alak, Kelurahan Nunbaun Sabu",  # places
    "",
])
def test_ordinary_text_is_kept(text):
    assert _one(text) == text


def test_missing_values_stay_missing_and_counts_per_kind():
    s = pd.Series(["NIP 196608011988031001 Yohanes Ndun", None, "tel 081234567890, lahir 12-03-1985",
                   "a@b.co dan c@d.org"], dtype="str")
    out, counts = redact.redact_text(s, STAFF)
    assert pd.isna(out.iloc[1]) and out.index.equals(s.index)
    assert counts == {"NIP": 1, "NIK": 0, "TELEPON": 1, "EMAIL": 2, "TANGGAL": 1, "NAMA": 1}
    assert list(counts) == list(redact.KINDS)


def test_name_rule_for_staff_tokens():
    # full names of 2+ tokens always; single tokens of 4+ letters unless a common word or a title
    tokens = redact.name_tokens(STAFF)
    assert {"yohanes", "ndun", "maria", "goreti", "tefa", "ruth", "bani"} <= tokens
    assert not {"kasih", "ratu", "drs", "pah", "lay"} & tokens
    assert redact.full_names(STAFF) >= {"yohanes ndun", "maria goreti tefa", "ruth pah", "kasih lay"}


def test_identifiers_in_controlled_text_columns_but_not_words():
    frames = {
        "survei_asn": pd.DataFrame({"pid": ["a"], "komentar": pd.Series(["Yohanes Ndun, 0812-3456-7890"], dtype="str")}),
        "pelatihan": pd.DataFrame({"pid": ["a"], "nama_pelatihan": pd.Series(["Diklat Yohanes 196608011988031001"],
                                                                             dtype="str")}),
    }
    out, counts = redact.redact_tables(frames, STAFF)
    assert out["survei_asn"]["komentar"].iloc[0] == "[NAMA], [TELEPON]"
    # course names and job titles are categories the analysis groups by: only identifiers go
    assert out["pelatihan"]["nama_pelatihan"].iloc[0] == "Diklat Yohanes [NIP]"
    assert counts["NIP"] == 1 and counts["NAMA"] == 1 and counts["TELEPON"] == 1
    assert frames["survei_asn"]["komentar"].iloc[0] == "Yohanes Ndun, 0812-3456-7890"  # inputs untouched


def test_every_planted_identifier_is_masked_at_many_times_the_demo_scale():
    # No time limit here (tests never assert a time); the scale is what is checked.
    rng = pd.Series(range(20_000))
    staff = pd.Series([f"{g} {s}" for g in GIVEN_M + GIVEN_F for s in SURNAMES])  # 990 staff
    comments = (pd.Series(COMMENTS * 2500, dtype="str") + " " + rng.astype(str).str.zfill(5)).astype("str")
    comments.iloc[::7] = "Pak Yohanes Ndun telp 081234567890, NIP 196608011988031001, lahir 12 Maret 1985"
    out, counts = redact.redact_text(comments, staff)
    assert counts["NIP"] == len(comments.iloc[::7]) and counts["NAMA"] == counts["NIP"]
    assert not out.str.contains("196608011988031001|Yohanes|081234567890", regex=True).any()


# -- through ingestion --------------------------------------------------------------------------

def _valid_nip() -> str:
    nip = "19850312" + "201001" + "2" + "017"  # born 12 Mar 1985, CPNS Jan 2010, woman, no. 17
    assert check_nips(pd.Series([nip]), today=dt.date(2026, 1, 1))["valid"].all()
    return nip


def test_a_comment_with_a_nip_and_a_staff_name_never_reaches_the_output(demo_raw, region_path, tmp_path, monkeypatch):
    from mutasi_analysis.ingest import ingest

    monkeypatch.setenv("MUTASI_PSEUDONYM_KEY", "test-key-for-redaction-0123456789abcdef")
    raw = tmp_path / "raw"
    shutil.copytree(demo_raw, raw)
    staff = pd.read_csv(raw / "pegawai.csv", dtype=str, keep_default_na=False)
    name = staff["nama"].iloc[5]
    nip = _valid_nip()
    survey = pd.read_csv(raw / "survei_asn.csv", dtype=str, keep_default_na=False)
    row = survey.iloc[0].copy()
    spaced = f"{nip[:8]} {nip[8:14]} {nip[14]} {nip[15:]}"
    row["komentar"] = (f"Saya {name.upper()} (NIP {spaced}), atasan saya {name} lahir 12 Maret 1985, "
                       f"hp 0812 3456 7890, {name.split()[0].lower()}@mail.com; NIP lama {nip}")
    survey = pd.concat([survey, row.to_frame().T], ignore_index=True)
    survey.to_csv(raw / "survei_asn.csv", index=False)

    summary = ingest(raw, tmp_path / "out", region_path)
    out = tmp_path / "out"
    assert summary.tables["survei_asn"].accepted == len(survey)
    # every file's bytes, and every text column of every parquet file (compressed on disk)
    secrets = [nip, spaced, name, name.upper(), "12 Maret 1985", "0812 3456 7890"]
    for path in out.rglob("*"):
        if path.is_file():
            blob = path.read_bytes()
            for s in secrets:
                assert s.encode() not in blob, (path.name, s)
    for path in out.glob("*.parquet"):
        table = pq.read_table(path).to_pandas()
        for col in table.columns:
            text = table[col].dropna().astype(str)
            for s in secrets:
                assert not text.str.contains(re.escape(s), case=False).any(), (path.name, col, s)
    comments = pd.read_parquet(out / "survei_asn.parquet")["komentar"].dropna()
    masked = comments[comments.str.contains("[NIP]", regex=False)].iloc[0]
    assert masked == ("Saya [NAMA] (NIP [NIP]), atasan saya [NAMA] lahir [TANGGAL], hp [TELEPON], [EMAIL]; "
                      "NIP lama [NIP]")
    saved = json.loads((out / "ingest_summary.json").read_text())
    assert saved["redacted"] == {"NIP": 2, "NIK": 0, "TELEPON": 1, "EMAIL": 1, "TANGGAL": 1, "NAMA": 2}
    assert "Redacted in free text: NIP 2, TELEPON 1, EMAIL 1, TANGGAL 1, NAMA 2" in summary.to_text()
