"""Masking personal data in free text at ingestion, before anything is written.

A staff survey comment (``survei_asn.komentar``) can hold a NIP, a phone number or a
colleague's name; ingestion replaces each by a token, and counts how many of each kind it
masked (``ingest_summary.json`` and the printed summary):

=============  ==========================================================================
token          what is masked
=============  ==========================================================================
``[EMAIL]``    e-mail addresses (``nama@domain.go.id``); masked first, so a name or
               number inside an address counts as an address
``[NIP]``      18 digits in a row, plain or grouped by spaces, dots or dashes
               (``19660801 198803 1 001``): PNS and PPPK layouts alike, valid or not
``[NIK]``      16 digits, grouped the same ways (the population number of the KTP)
``[TELEPON]``  Indonesian mobile numbers (``08xx``, ``+62 8xx``, ``628xx``; 9 to 12
               digits after the prefix, spaces, dots or dashes between) and landlines with
               an area code (``(0380) 821234``, ``0380-821234``, ``+62 380 821234``)
``[TANGGAL]``  full dates: ``dd-mm-yyyy``, ``dd/mm/yyyy``, ``dd.mm.yyyy`` (also with a
               two-digit year), ``yyyy-mm-dd``, and a day, a month name and a year in
               Indonesian or English, full or short (``12 Maret 1985``, ``3 Agt 2020``)
``[NAMA]``     the names of the staff in the raw ``pegawai`` file, whole words,
               case-insensitive (rules below)
=============  ==========================================================================

**Names.** From each ``pegawai.nama`` (all rows of the raw file, rejected ones too), academic
and religious titles are dropped (a leading ``Drs.``, ``dr.``, ``H.``, ``Ir.`` ...; anything
after the first comma, such as ``, M.Si``). Then, in one pass, longest match first:

1. the **full name** (two or more words, any spacing, any case) is masked as one ``[NAMA]``;
2. **each word of a name with 4 or more letters** is masked on its own (a first name or a
   surname used alone), unless it is a common Indonesian word or a title fragment
   (:data:`COMMON_WORDS`: ``kasih`` as in *terima kasih*, ``baru``, ``ratu``, ``indah`` ...);
3. a name word of **any length after a form of address** (``Pak``, ``Bu``, ``Bapak``, ``Ibu``,
   ``Sdr.``, ``Kak``, ``Om``, ``Tanta`` ...) is masked too, even a short or common one
   (``Pak Pah``, ``Bu Kasih``); the form of address stays.

Known limits. *False positives* (text masked that is no name of a person meant): an ordinary
word that is also the name word of a staff member and is not in :data:`COMMON_WORDS` (a staff
surname ``Lopo`` masks *lopo*, the traditional hut); a version number such as ``1.2.10`` read
as a date; 16 or 18 digits that are some other number. *False negatives* (personal data
kept): names of people not in ``pegawai`` (members of the public, staff of other offices),
nicknames and misspellings (``Yos`` for Yosef, ``Yohanis``), a short or common name word
without a form of address (``Lay``, ``Ratu``); dates without a year (``12 Maret``) or without
a day (``Maret 1985``), ages, addresses; phone numbers written with other separators or
without the leading ``0``/``62``. Reports never show comments; redaction protects the
processed files and whoever reads them.

Other text columns (job titles, course names, decree numbers, complaint channels) are values
the analysis groups by, so only identifiers (``[EMAIL]``, ``[NIP]``, ``[NIK]``, ``[TELEPON]``)
are masked there (:data:`IDENTIFIER_COLUMNS`); key columns (``id_laporan``,
``id_responden``) are never changed.

Vectorised: each kind is one compiled regular expression run over the column
(``Series.str.count`` and ``Series.str.replace``); staff names are compiled into one
prefix-tree pattern, so a thousand staff cost about as much as a few.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import pandas as pd

__all__ = [
    "KINDS", "TOKENS", "FREE_TEXT_COLUMNS", "IDENTIFIER_COLUMNS", "COMMON_WORDS", "HONORIFICS",
    "redact_text", "redact_tables", "name_tokens", "full_names",
]

#: Kinds of masked data, in the order the summary lists them.
KINDS = ("NIP", "NIK", "TELEPON", "EMAIL", "TANGGAL", "NAMA")
#: The token that replaces each kind.
TOKENS = {k: f"[{k}]" for k in KINDS}
#: Free-text columns: every kind is masked.
FREE_TEXT_COLUMNS: dict[str, tuple[str, ...]] = {"survei_asn": ("komentar",)}
#: Controlled text columns (values the analysis groups by): identifiers only.
IDENTIFIER_COLUMNS: dict[str, tuple[str, ...]] = {
    "riwayat_jabatan": ("nama_jabatan", "nomor_sk", "nomor_persetujuan"),
    "pengaduan": ("kanal",),
    "pelatihan": ("nama_pelatihan",),
}
_IDENTIFIERS = ("EMAIL", "NIP", "NIK", "TELEPON")
_ORDER = ("EMAIL", "NIP", "NIK", "TELEPON", "TANGGAL")  # then names

#: Forms of address before a name (rule 3).
HONORIFICS = ("pak", "bapak", "bpk", "bp", "bu", "ibu", "sdr", "sdri", "saudara", "saudari", "kak", "kakak",
              "om", "tante", "tanta", "mama", "bapa", "mas", "mbak", "bang", "abang", "nona", "nn", "ny",
              "nyonya", "tuan", "dokter", "dr", "suster", "ns", "bidan", "pendeta", "pdt", "romo", "pastor")

#: Words of 4+ letters that are common in Indonesian text (and in these comments) and also occur
#: as names, or are fragments of titles: never masked alone (rule 2), only in a full name or
#: after a form of address.
COMMON_WORDS = frozenset("""
    ada adalah agak agar akan akhir aktif alam aman amat anak angin apa atas atasan atau awal bagus
    bahagia bahwa baik bagi bakti banyak baru batu bawah beda belum benar berat berkat bersama besar
    betul biasa bidan bintang bisa budi bulan bumi bunga buruk butuh cahaya cepat cinta cukup dalam
    damai dan dapat dari datang dekat dengan dewi dia dini dulu emas empat fajar guna gunung hadir
    hal hanya harap harapan hari harus hati haji hajjah hidup hijau hormat hujan ibu ikhlas ilmu iman
    indah ingin intan jadi jalan jauh jaya jelas juga jujur kabar kala kali kami kamu kantor kapan
    karena karunia kasih kata kawan kecil kelas kembali kemudian kepala kerja kini kota kuat kurang
    kurnia laku lama lambat langit lapor laut lebih lewat lima lurah luar maju makin malam mana manis
    masa masih masuk mawar melati merdeka mereka minggu mohon mudah mulai mulia murni mutiara nama
    nanti ners nilai nomor pagi pahlawan pakai panjang pantai para pasti pelita penuh perlu permata
    pertama pindah pintar pulang puas puji pulau putih putra putri rasa ratu raja rekan rendah rezeki
    rizki ruang rumah sabar saja sakit salam sama sampai sangat santun saat satu saya sebab sehat
    sejahtera selalu selamat semua senang senja sering sesuai setelah setia siang sinar slamet suci
    sudah suka sulit sumber syukur tahun tanah tanggal tapi tegas teguh telah teman tempat tenang
    tengah tepat terang terima tetap tiba tidak tiga tinggi tugas tulus tuan tunggu uang ujian umum
    untuk utama waktu warga yang adil agung anugerah berlian budiman bijak cantik cerdas embun
    hikmah kartini lestari melayani mutasi rotasi pegawai pelayanan layanan pelatihan informasi
    aplikasi sistem unit seksi kelurahan kecamatan camat puskesmas pustu jabatan kompetensi budaya
    adaptasi dukungan kesiapan kebutuhan kepuasan minggu pertama belum paham berbeda menerima
    terlambat membantu telepon email farm kesehatan masyarakat warga umum dinas badan bagian
    sekretaris staf kepala pengaduan informasi kantor baru lama sekali banget juga kakak abang
    bapak saudara saudari nyonya nona tante dokter suster pendeta romo pastor
""".split())

# -- patterns -----------------------------------------------------------------------------------
_SEP = r"[ .\-]"


def _digits(n: int) -> str:
    """Exactly ``n`` digits, single spaces, dots or dashes allowed between them."""
    return rf"(?<!\d)(?:\d{_SEP}?){{{n - 1}}}\d(?!\d)"


_DAY = r"(?:0?[1-9]|[12]\d|3[01])"
_MONTH = r"(?:0?[1-9]|1[0-2])"
_YEAR = r"(?:(?:19|20)\d{2}|\d{2})"
_MONTH_NAMES = ("januari january jan februari pebruari february feb peb maret march mar april apr mei may "
                "juni june jun juli july jul agustus august agu agt ags aug september sept sep oktober "
                "october okt oct november nopember nov nop desember december des dec").split()
_MONTH_RE = "|".join(sorted(_MONTH_NAMES, key=len, reverse=True))

_PATTERNS: dict[str, re.Pattern] = {
    "EMAIL": re.compile(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+"),
    "NIP": re.compile(_digits(18)),
    "NIK": re.compile(_digits(16)),
    "TELEPON": re.compile(
        r"(?<![\w+])(?:"
        # mobile: 08.., +62 8.., 628..: 9 to 12 digits from the 8
        rf"(?:\+\s?62|62|0){_SEP}?8(?:{_SEP}?\d){{8,11}}"
        # landline with an area code: (0380) 821234, 0380-821234, +62 380 821234
        rf"|(?:\(0[2-9]\d{{1,2}}\)|0[2-9]\d{{1,2}}|\+\s?62{_SEP}?[2-79]\d{{1,2}}){_SEP}?\d{{3,4}}{_SEP}?\d{{3,4}}"
        r")(?!\d)"
    ),
    "TANGGAL": re.compile(
        r"(?<![\d./\-])(?:"
        rf"{_DAY}([\-/.]){_DAY}\1{_YEAR}"                    # 12-03-1985, 12/03/85 (either day order)
        rf"|(?:19|20)\d{{2}}([\-/.]){_MONTH}\2{_DAY}"          # 1985-03-12
        r")(?!\d|[./\-]\d)"
        rf"|(?<!\d){_DAY}\s*(?:{_MONTH_RE})(?![^\W\d_])\.?,?\s*(?:(?:19|20)\d{{2}}|'\d{{2}})(?!\d)",  # 12 Maret 1985
        re.IGNORECASE,
    ),
}
_LETTER_BEFORE, _LETTER_AFTER = r"(?<![^\W\d_])", r"(?![^\W\d_])"
_NAME_SEP = r"[\s.]+"
_TITLE_PREFIX = re.compile(r"^(?:\s*[^\W\d_]{1,5}\.)+\s*")  # Drs. dr. H. Ir. Prof. Hj. ...
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")


# -- names ----------------------------------------------------------------------------------------

def _name_words(names: pd.Series | Iterable[str] | None) -> list[list[str]]:
    """The words of each name, titles dropped, lower-cased (casefold)."""
    if names is None:
        return []
    out = []
    for name in pd.Series(list(names) if not isinstance(names, pd.Series) else names, dtype=object).dropna():
        core = str(name).split(",")[0]
        core = _TITLE_PREFIX.sub("", core)
        words = [w.casefold() for w in _WORD.findall(core)]
        if words:
            out.append(words)
    return out


def full_names(names) -> set[str]:
    """Full names (two or more words, titles dropped) as lower-case words joined by one space."""
    return {" ".join(w) for w in _name_words(names) if len(w) >= 2}


def name_tokens(names) -> set[str]:
    """Name words masked on their own: 4 or more letters and not in :data:`COMMON_WORDS`."""
    return {t for w in _name_words(names) for t in w if len(t) >= 4 and t not in COMMON_WORDS}


def _short_tokens(names) -> set[str]:
    """Name words masked after a form of address: 2 or more letters, any word."""
    return {t for w in _name_words(names) for t in w if len(t) >= 2}


def _trie_regex(entries: Iterable[str]) -> str:
    """One regular expression matching any entry, longest first; a space matches any spacing."""
    trie: dict = {}
    for e in entries:
        node = trie
        for ch in e:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict) -> str:
        end = "" in node
        alts = [(_NAME_SEP if ch == " " else re.escape(ch)) + emit(child)
                for ch, child in sorted(node.items()) if ch != ""]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        if end:
            return f"(?:{body})?"
        return body

    return emit(trie)


def _name_patterns(names) -> list[re.Pattern]:
    main = full_names(names) | name_tokens(names)
    short = _short_tokens(names)
    pats = []
    if main:
        pats.append(re.compile(f"{_LETTER_BEFORE}(?:{_trie_regex(main)}){_LETTER_AFTER}", re.IGNORECASE))
    if short:
        hon = "|".join(sorted(HONORIFICS, key=len, reverse=True))
        pats.append(re.compile(
            rf"{_LETTER_BEFORE}((?:{hon})\.?)(\s+)(?:{_trie_regex(short)}){_LETTER_AFTER}", re.IGNORECASE))
    return pats


# -- masking ------------------------------------------------------------------------------------

def _mask(text: pd.Series, pattern: re.Pattern, repl: str) -> tuple[pd.Series, int]:
    n = int(text.str.count(pattern).fillna(0).sum())
    if n:
        text = text.str.replace(pattern, repl, regex=True)
    return text, n


def redact_text(text: pd.Series, names=None, kinds: Iterable[str] = KINDS,
                _name_pats: list[re.Pattern] | None = None) -> tuple[pd.Series, dict[str, int]]:
    """Mask personal data in a column of free text.

    Parameters
    ----------
    text : pandas.Series
        Free text (NA allowed, kept).
    names : Series or iterable of str, optional
        Staff names (``pegawai.nama``), for ``[NAMA]``.
    kinds : iterable of str
        Which of :data:`KINDS` to mask (default all).

    Returns
    -------
    (pandas.Series of str, dict of str to int)
        The masked text (same index) and the number of masked items per kind, every kind of
        :data:`KINDS` listed.

    Examples
    --------
    >>> import pandas as pd
    >>> out, n = redact_text(pd.Series(["Pak Yohanes Ndun, 0812-3456-7890"]), ["Drs. Yohanes Ndun"])
    >>> out[0], n["NAMA"], n["TELEPON"]
    ('Pak [NAMA], [TELEPON]', 1, 1)
    """
    kinds = set(kinds)
    counts = dict.fromkeys(KINDS, 0)
    out = text.astype("str")
    if not out.notna().any():
        return out, counts
    for kind in _ORDER:
        if kind in kinds:
            out, counts[kind] = _mask(out, _PATTERNS[kind], TOKENS[kind])
    if "NAMA" in kinds:
        pats = _name_patterns(names) if _name_pats is None else _name_pats
        for i, pat in enumerate(pats):
            out, n = _mask(out, pat, TOKENS["NAMA"] if i == 0 else r"\1\2" + TOKENS["NAMA"])
            counts["NAMA"] += n
    return out, counts


def redact_tables(frames: dict[str, pd.DataFrame], names=None) -> tuple[dict[str, pd.DataFrame], dict[str, int]]:
    """Mask the free-text and controlled text columns of processed tables (copies; inputs untouched).

    Parameters
    ----------
    frames : dict of str to DataFrame
        Tables by name; tables or columns not present are skipped.
    names : Series, optional
        Staff names for ``[NAMA]`` (the raw ``pegawai.nama``).

    Returns
    -------
    (dict of str to DataFrame, dict of str to int)
        The tables (``attrs`` kept) and the masked items per kind over all columns.
    """
    counts = dict.fromkeys(KINDS, 0)
    out = dict(frames)
    name_pats = None
    for columns, kinds in ((FREE_TEXT_COLUMNS, KINDS), (IDENTIFIER_COLUMNS, _IDENTIFIERS)):
        for table, cols in columns.items():
            if table not in out:
                continue
            df = out[table]
            for col in cols:
                if col not in df.columns:
                    continue
                if "NAMA" in kinds and name_pats is None:
                    name_pats = _name_patterns(names)
                masked, n = redact_text(df[col], names, kinds, _name_pats=name_pats)
                if any(n.values()):
                    attrs = dict(df.attrs)
                    df = df.assign(**{col: masked.astype(df[col].dtype)})
                    df.attrs = attrs
                for k, v in n.items():
                    counts[k] += v
            out[table] = df
    return out, counts
