"""A realistic demo raw data set with a known truth.

``write_demo_data`` writes every raw table of the contract (``data/raw/README.md``) for the
units of a region config, January 2022 to June 2026: staff with real-format NIPs (PNS and
PPPK), position histories with staggered rotation waves, the 2021 equalisation and acting
assignments, public complaints on the working-day clock, SKM surveys sized by Krejcie-Morgan,
feedback sheets from rotated staff, training records and the staffing requirements of the
last year (``formasi``, from the workload analysis).

It plants effects on the time to first response that differ by rotation wave and grow with
time since rotation, and writes what is true of the data to ``truth.json`` (the planted
effects, and counts computed from the generated records by the rules in
``docs/definitions.md``) so that tests can check that the analyses recover them. It also plants
what next-wave planning should find: per unit and position group, the staff present at
``DEMO_END`` and a requirement that differs from it by a known gap (``truth["formasi"]``), and
an unready group (staff rotated into a puskesmas answer ``kesiapan_tugas`` lower:
``truth["unready_groups"]``). The same seed gives the same bytes. ``dirty=True`` adds realistic faults and lists each in ``faults.json``.

``write_demo_regions`` writes many such regions into a project of many regions (the demo kota's
kecamatan, then made-up ones), each with its own rotation calendar and planted effect, and the
truth of the pooled effect across them (issue 14).

This module (with ingestion) is the only one that handles NIPs and names: it invents them.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import math
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .config import RegionConfig, load_config
from .contract import LIKERT_ITEMS, SKM_ELEMENTS
from .errors import MutasiError
from .periods import period_of, periods_between
from .workdays import add_working_days, calendar

__all__ = ["write_demo_data", "DemoResult", "write_demo_regions", "RegionsDemoResult", "DEMO_START", "DEMO_END", "TABLES"]

DEMO_START = dt.date(2022, 1, 1)
DEMO_END = dt.date(2026, 6, 30)
# Complaints received up to DEMO_END are exported on this day: replies after it are unknown.
EXPORT_DATE = dt.date(2026, 7, 20)
TABLES = ("unit", "pegawai", "riwayat_jabatan", "pengaduan", "skm", "survei_asn", "pelatihan", "formasi")
MARKER = ".mutasi-demo"

COLUMNS = {
    "unit": ["kode_unit", "nama_unit", "jenis_unit", "kelurahan"],
    "pegawai": ["nip", "nama", "golongan", "jenis_jabatan", "status"],
    "riwayat_jabatan": ["nip", "kode_unit", "nama_jabatan", "jenis_jabatan", "eselon", "tmt_jabatan",
                        "nomor_sk", "tanggal_sk", "jenis_mutasi", "jenis_penugasan", "nomor_persetujuan"],
    "pengaduan": ["id_laporan", "kode_unit", "kanal", "kategori", "waktu_diterima",
                  "waktu_respon_pertama", "waktu_selesai", "status"],
    "skm": ["id_responden", "kode_unit", "tanggal", *SKM_ELEMENTS],
    "survei_asn": ["nip", "tanggal", "kode_unit", *LIKERT_ITEMS, "komentar"],
    "pelatihan": ["nip", "nama_pelatihan", "tanggal_mulai", "tanggal_selesai", "jam_pelajaran"],
    "formasi": ["kode_unit", "kelompok_jabatan", "nama_jabatan", "kebutuhan", "tahun"],
}
# Tables written as CSV from Excel in an Indonesian locale (";" separator, decimal comma, BOM).
EXCEL_ID_LOCALE = ("skm", "pelatihan")

# Rotation waves: (month, share of each unit's staff that moves). Units join waves at random;
# about two thirds of a region's units are treated, in up to three waves of at least two units.
WAVES = ((dt.date(2023, 2, 1), 0.30), (dt.date(2023, 9, 1), 0.30), (dt.date(2025, 10, 1), 0.34))
# Planted effect on mean working days to first response: A_w * (1 - exp(-(e + 1) / 6)).
WAVE_EFFECT = (-2.0, -1.2, -0.8)
# Share of a wave's movers trained in the 6 months before their move (the third wave's
# training budget fell: the programme document's "train before rotating" case).
WAVE_TRAINED = (0.2, 0.6, 0.3)
# kesiapan_tugas answer probabilities (1..5): trained before the move, untrained, and the planted
# unready group, staff rotated into a puskesmas (clinical work: the least ready, trained or not;
# unready share 0.35 trained and 0.80 untrained, against 0.15 and 0.45 elsewhere), so that the
# group stands out from the others in the survey and not only in truth.json.
READY_TRAINED = [0.03, 0.12, 0.25, 0.40, 0.20]
READY_UNTRAINED = [0.15, 0.30, 0.25, 0.20, 0.10]
READY_TRAINED_PUSKESMAS = [0.10, 0.25, 0.30, 0.25, 0.10]
READY_UNTRAINED_PUSKESMAS = [0.45, 0.35, 0.10, 0.07, 0.03]
UNREADY_GROUPS = [{"column": "jenis_unit", "value": "puskesmas"}]
# Position group of each jenis_jabatan: the contract's mapping (schemas.POSITION_GROUP_OF_JENIS),
# written again on purpose so that the planted staffing truth does not depend on the code it tests.
GROUP_OF_JENIS = {1: "struktural", 3: "struktural", 2: "fungsional", 4: "pelaksana"}
GROUPS = ("struktural", "fungsional", "pelaksana")
# Planted gap between the requirement (kebutuhan) and the staff present, per unit and group.
FORMASI_DELTAS = (-2, -1, 0, 0, 0, 1, 2, 3)

GIVEN_M = ["Yohanes", "Agustinus", "Fransiskus", "Daniel", "Yosef", "Petrus", "Stefanus", "Markus",
           "Yakobus", "Melkianus", "Simon", "Paulus", "Aleksander", "Robert", "Jefri", "Obed", "Yunus"]
GIVEN_F = ["Maria", "Yuliana", "Marselina", "Debora", "Elisabeth", "Theresia", "Adriana", "Ruth",
           "Agustina", "Yohana", "Margaretha", "Seprina", "Naomi", "Dorkas", "Ester", "Sarlince"]
SURNAMES = ["Ndun", "Bani", "Tefa", "Nenobais", "Benu", "Lay", "Kana", "Dethan", "Manafe", "Pah", "Lopo",
            "Nalle", "Tanono", "Fanggidae", "Riwu", "Ratu", "Kale", "Haba", "Mooy", "Sinlae", "Kolo",
            "Tallo", "Bessie", "Adoe", "Lenggu", "Nitbani", "Amalo", "Foeh", "Ludji", "Messakh"]
COURSES = ["Pelatihan Pelayanan Prima", "Orientasi Tugas Jabatan Baru", "Pelatihan Aplikasi SIASN",
           "Pelatihan Penanganan Pengaduan SP4N-LAPOR!", "Pelatihan Administrasi Kependudukan",
           "Pelatihan Manajemen Puskesmas", "Bimtek Keuangan Daerah", "Pelatihan Komunikasi Publik"]
COMMENTS = ["Perlu pelatihan sebelum pindah tugas", "Informasi mutasi datang terlambat",
            "Atasan sangat membantu di minggu pertama", "Budaya kerja berbeda, butuh waktu adaptasi",
            "Tugas baru sesuai kompetensi", "Belum paham aplikasi di unit baru",
            "Rekan kerja menerima dengan baik", "Jarak ke kantor baru lebih jauh"]

# Post templates per unit type: (nama_jabatan, jenis_jabatan, eselon or None, count).
HEAD_POST = {"kantor_camat": ("Camat", 1, 31), "kantor_kelurahan": ("Lurah", 1, 41),
             "puskesmas": ("Kepala Puskesmas", 2, None), "pustu": ("Kepala Pustu", 2, None)}
STAFF_POSTS = {
    "kantor_camat": [("Sekretaris Camat", 1, 32, 1), ("Kepala Seksi Pemerintahan", 1, 41, 1),
                     ("Kepala Seksi Pelayanan Umum", 1, 41, 1), ("Kepala Seksi Trantib", 1, 41, 1),
                     ("Kepala Seksi Kesejahteraan Sosial", 1, 41, 1),
                     ("Pengadministrasi Umum", 4, None, 10), ("Pengelola Layanan Kependudukan", 4, None, 8)],
    "kantor_kelurahan": [("Sekretaris Lurah", 1, 42, 1), ("Kepala Seksi Pemerintahan", 1, 42, 1),
                         ("Pengadministrasi Umum", 4, None, 4), ("Pengelola Layanan Kependudukan", 4, None, 2)],
    "puskesmas": [("Kepala Subbagian Tata Usaha", 1, 42, 1), ("Dokter Ahli Pertama", 2, None, 3),
                  ("Perawat Ahli Pertama", 2, None, 8), ("Bidan Terampil", 2, None, 6),
                  ("Pranata Laboratorium Kesehatan", 2, None, 2),
                  ("Pengadministrasi Umum", 4, None, 8), ("Pengelola Data Kesehatan", 4, None, 6)],
    "pustu": [("Perawat Terampil", 2, None, 2), ("Bidan Terampil", 2, None, 1),
              ("Pengadministrasi Umum", 4, None, 2)],
}
GENERIC_POST = ("Pengadministrasi Umum", 4, None)
UNIT_BASE_COMPLAINTS = {"kantor_camat": 30, "kantor_kelurahan": 15, "puskesmas": 60, "pustu": 8}
PPPK_GOLONGAN = ["V", "VII", "IX", "X"]


def _golongan_text(code: int) -> str:
    roman = {1: "I", 2: "II", 3: "III", 4: "IV"}
    return f"{roman[code // 10]}/{'abcde'[code % 10 - 1]}"


def _month_index(d) -> int:
    d = pd.Timestamp(d)
    return d.year * 12 + d.month - 1


def _month_start(i: int) -> dt.date:
    return dt.date(i // 12, i % 12 + 1, 1)


def _fmt_dmy(d) -> str:
    return "" if d is None or pd.isna(d) else pd.Timestamp(d).strftime("%d-%m-%Y")


def _krejcie_morgan(n: int) -> int:
    # Same formula as ikm.krejcie_morgan; written again here on purpose so that the demo's
    # truth does not depend on the code it is used to test.
    x2, p, d = 3.841, 0.5, 0.05
    return int(math.ceil(x2 * n * p * (1 - p) / (d * d * (n - 1) + x2 * p * (1 - p))))


@dataclass
class _Person:
    nip: str
    name: str
    status: str
    golongan: str
    birth: dt.date
    hired: dt.date
    unit: str
    post: tuple
    records: list = field(default_factory=list)
    head: bool = False


@dataclass(frozen=True)
class DemoResult:
    """What :func:`write_demo_data` wrote.

    Attributes
    ----------
    out : Path
        The folder.
    files : dict
        Table name -> file path.
    rows : dict
        Table name -> data rows written (faults included).
    faults : list of dict
        Planted faults (empty unless ``dirty``).
    truth : dict
        The content of ``truth.json``.
    """

    out: Path
    files: dict
    rows: dict
    faults: list
    truth: dict

    def describe(self) -> str:
        """A short printed summary."""
        lines = [f"Demo data written to {self.out}:"]
        for t, n in self.rows.items():
            lines.append(f"  {self.files[t].name:<24} {n:>9,} rows")
        lines.append(f"  truth.json: {len(self.truth['effects'])} planted effects, "
                     f"{sum(1 for c in self.truth['cohorts'].values() if c)} treated units")
        if "formasi" in self.truth:
            f = self.truth["formasi"]
            gaps = [r["kekurangan"] for r in f["rows"]]
            lines.append(f"  truth.json: formasi {f['year']} ({len(gaps)} unit-group rows, staff as of {f['as_of']}): "
                         f"shortfall {sum(g for g in gaps if g > 0)}, surplus {-sum(g for g in gaps if g < 0)}")
        if self.faults:
            lines.append(f"  faults.json: {len(self.faults)} planted faults")
            for f in self.faults:
                lines.append(f"    {f['file']} row {f['row']} [{f['column']}] {f['reason']}: {f['what']}")
        return "\n".join(lines)


class _Generator:
    def __init__(self, cfg: RegionConfig, seed: int, scale: float, waves: tuple = WAVES,
                 wave_effect: tuple = WAVE_EFFECT):
        self.cfg = cfg
        # The rotation calendar ((month, share) per wave) and the planted effect of each wave.
        self.plan, self.wave_effect = tuple(waves), tuple(wave_effect)
        self.rng = np.random.default_rng(seed)
        self.scale = scale
        self.units = {u.code: u for u in cfg.units}
        self.nips: set[str] = set()
        self.people: list[_Person] = []
        self.sk_seq = 0
        self.cal = calendar(1990, EXPORT_DATE.year, cfg.services.cuti_bersama)

    # -- people ---------------------------------------------------------------------------
    def _date(self, start: dt.date, end: dt.date) -> dt.date:
        return start + dt.timedelta(days=int(self.rng.integers(0, (end - start).days + 1)))

    def _nip_pns(self, birth: dt.date, hired: dt.date, sex: int) -> str:
        while True:
            nip = f"{birth:%Y%m%d}{hired:%Y%m}{sex}{int(self.rng.integers(1, 1000)):03d}"
            if nip not in self.nips:
                self.nips.add(nip)
                return nip

    def _nip_pppk(self, birth: dt.date, year: int, sex: int) -> str:
        while True:
            nip = f"{birth:%Y%m%d}{year}2{int(self.rng.integers(1, 10))}{sex}{int(self.rng.integers(1, 1000)):03d}"
            if nip not in self.nips:
                self.nips.add(nip)
                return nip

    def _name(self, sex: int) -> str:
        given = GIVEN_M if sex == 1 else GIVEN_F
        return f"{given[self.rng.integers(len(given))]} {SURNAMES[self.rng.integers(len(SURNAMES))]}"

    def _sk(self, day: dt.date) -> tuple[str, dt.date]:
        self.sk_seq += 1
        issued = day - dt.timedelta(days=int(self.rng.integers(5, 40)))
        return f"800/{self.sk_seq:04d}/BKPSDM/{issued.year}", issued

    def _record(self, p: _Person, unit: str, post: tuple, tmt: dt.date, mutasi: str,
                penugasan: str = "D", approval: str = "") -> None:
        nomor, tgl = self._sk(tmt)
        p.records.append(dict(nip=p.nip, kode_unit=unit, nama_jabatan=post[0], jenis_jabatan=post[1],
                              eselon=post[2], tmt_jabatan=tmt, nomor_sk=nomor, tanggal_sk=tgl,
                              jenis_mutasi=mutasi, jenis_penugasan=penugasan, nomor_persetujuan=approval))

    def make_people(self) -> None:
        rng = self.rng
        hist_months: set[tuple[str, int]] = set()
        for u in self.cfg.units:
            posts = [(HEAD_POST[u.type], 1, True)]
            for name, jj, es, n in STAFF_POSTS[u.type]:
                posts.append(((name, jj, es), max(1, int(round(n * self.scale))), False))
            for post, n, head in posts:
                for _ in range(n):
                    sex = int(rng.integers(1, 3))
                    pppk = (not head) and post[2] is None and rng.random() < 0.15
                    if pppk:
                        hired = dt.date(int(rng.choice([2022, 2023, 2024])), int(rng.choice([1, 3])), 1)
                        birth = self._date(dt.date(1980, 1, 1), dt.date(2000, 12, 31))
                        nip = self._nip_pppk(birth, hired.year, sex)
                        gol = str(rng.choice(PPPK_GOLONGAN))
                    else:
                        birth = self._date(dt.date(1966, 1, 1), dt.date(1996, 12, 31))
                        earliest = max(dt.date(birth.year + 22, 1, 1), dt.date(1988, 1, 1))
                        latest = min(dt.date(birth.year + 35, 12, 1), dt.date(2019, 12, 1))
                        if latest < earliest:
                            latest = earliest
                        h = self._date(earliest, latest)
                        hired = dt.date(h.year, int(rng.choice([1, 3, 4])), 1)
                        nip = self._nip_pns(birth, hired, sex)
                        senior = 2021 - hired.year
                        base = 31 if post[1] in (1, 2) else 21
                        code = min(45 if post[1] == 1 else 42, base + int(senior // 4))
                        code = code if code % 10 <= (5 if code // 10 == 4 else 4) else (code // 10 + 1) * 10 + 1
                        gol = str(code) if rng.random() < 0.2 else _golongan_text(code)
                    p = _Person(nip, self._name(sex), "PPPK" if pppk else "PNS", gol, birth, hired,
                                u.code, post, head=head)
                    self._history(p, hist_months)
                    self.people.append(p)

    def _history(self, p: _Person, hist_months: set) -> None:
        """First appointment, an optional historical move, promotion and 2021 equalisation."""
        rng = self.rng
        codes = list(self.units)
        if p.status == "PPPK":
            self._record(p, p.unit, p.post, p.hired, "MJ")
            return
        moved = p.hired.year <= 2013 and rng.random() < 0.3
        if moved:
            # At most one historical arrival per unit and month, so no month before the demo
            # reaches the treatment threshold.
            for _ in range(50):
                when = dt.date(int(rng.integers(2015, 2021)), int(rng.integers(1, 13)), 1)
                if (p.unit, _month_index(when)) not in hist_months:
                    break
            hist_months.add((p.unit, _month_index(when)))
            first_unit = str(rng.choice([c for c in codes if c != p.unit]))
            self._record(p, first_unit, GENERIC_POST, p.hired, "MJ")
            start = when
            self._record(p, p.unit, p.post if p.post[1] != 1 else GENERIC_POST, when, "MU")
        else:
            start = p.hired
            self._record(p, p.unit, p.post if p.post[1] != 1 else GENERIC_POST, p.hired, "MJ")
        if p.post[1] == 1:
            # Structural posts are reached by promotion inside the unit.
            lo = max(start + dt.timedelta(days=365 * 2), dt.date(2010, 1, 1))
            if lo < dt.date(2020, 12, 1):
                promo = self._date(lo, dt.date(2020, 12, 1))
            else:  # a late starter: promoted the month after arriving (a short tenure, flagged)
                promo = start + dt.timedelta(days=31)
            promo = dt.date(promo.year, promo.month, 1)
            self._record(p, p.unit, p.post, promo, "MJ")
            if p.post[2] in (41, 42) and not p.head and rng.random() < 0.5:
                # 2021 equalisation (PermenPANRB 17/2021): not a rotation.
                eq = ("Analis Kebijakan Ahli Muda" if p.post[2] == 41 else "Analis Kebijakan Ahli Pertama", 2, None)
                self._record(p, p.unit, eq, dt.date(2021, 12, 31), "MJ")
                p.post = eq

    # -- moves in the demo window ---------------------------------------------------------
    def _current(self, p: _Person, day: dt.date) -> dict | None:
        recs = [r for r in p.records if r["jenis_penugasan"] == "D" and r["tmt_jabatan"] <= day]
        return recs[-1] if recs else None

    def _in_freeze(self, day: dt.date) -> bool:
        return self.cfg.freeze_window_at(day) is not None

    def make_waves(self) -> dict[str, dt.date]:
        rng = self.rng
        codes = list(self.units)
        treated = max(2, round(len(codes) * 11 / 17))
        n_waves = min(len(self.plan), treated // 2)
        sizes = [treated // n_waves + (1 if k < treated % n_waves else 0) for k in range(n_waves)]
        # Draw wave membership until no unit sends more than all others in its wave can take.
        for _ in range(1000):
            order = [codes[i] for i in rng.permutation(len(codes))]
            waves, i = [], 0
            for size in sizes:
                waves.append(order[i:i + size])
                i += size
            ok = True
            for (when, share), members in zip(self.plan, waves):
                m = [math.ceil(share * self._headcount(c, when)) for c in members]
                if max(m) > sum(m) - max(m):
                    ok = False
            if ok:
                break
        else:  # pragma: no cover - only for exotic configs
            raise MutasiError("could not form rotation waves for this region's units")
        self.waves = waves
        cohorts = {}
        for w, ((when, share), members) in enumerate(zip(self.plan, waves)):
            if self._in_freeze(when):
                raise MutasiError(f"wave month {when} falls in a freeze window of the region config")
            movers, slots = [], []
            for c in members:
                staff = [p for p in self.people if self._unit_at(p, when) == c and not p.head]
                staff.sort(key=lambda p: p.nip)
                n = math.ceil(share * self._headcount(c, when))
                pick = rng.choice(len(staff), size=min(n, len(staff)), replace=False)
                movers += [staff[k] for k in sorted(pick)]
                slots += [c] * len(pick)
            # Rotate destinations by the largest block so that nobody lands in their own unit.
            shift = max(slots.count(c) for c in members)
            dest = slots[shift:] + slots[:shift]
            trained_share = WAVE_TRAINED[w]
            for p, d in zip(movers, dest):
                post = p.post if self.units[d].type in ("puskesmas", "pustu") and p.post[1] == 2 \
                    and self.units[self._unit_at(p, when)].type in ("puskesmas", "pustu") else GENERIC_POST
                self._record(p, d, post, when, "MU")
                p.unit, p.post = d, post
                p.trained_before = rng.random() < trained_share
            # Heads of the same unit type inside a wave swap posts.
            by_type: dict[str, list[_Person]] = {}
            for c in members:
                for p in self.people:
                    if p.head and self._unit_at(p, when) == c:
                        by_type.setdefault(self.units[c].type, []).append(p)
            for heads in by_type.values():
                if len(heads) >= 2:
                    units = [h.unit for h in heads]
                    for h, d in zip(heads, units[1:] + units[:1]):
                        self._record(h, d, h.post, when, "MU")
                        h.unit = d
            for c in members:
                cohorts[c] = when
        return cohorts

    def _unit_at(self, p: _Person, day: dt.date) -> str | None:
        r = self._current(p, day)
        return r["kode_unit"] if r else None

    def _headcount(self, code: str, day: dt.date) -> int:
        return sum(1 for p in self.people if self._unit_at(p, day) == code)

    def make_individual_moves(self) -> None:
        rng = self.rng
        never = [c for c in self.units if all(c not in w for w in self.waves)]
        freeze = self.cfg.rotation.freeze_windows
        self.individual_movers = []
        if freeze and len(never) >= 2:
            w = freeze[0]
            # Two moves inside a freeze window without the Minister's approval (to be flagged)
            # and one with it (not flagged).
            for k, approval in enumerate(["", "", "100.2.2.6/1234/OTDA"]):
                day = w.start + dt.timedelta(days=40 + 60 * k)
                day = dt.date(day.year, day.month, 1) if dt.date(day.year, day.month, 1) >= w.start else day
                src, dst = never[k % len(never)], never[(k + 1) % len(never)]
                cand = sorted([p for p in self.people if self._unit_at(p, day) == src and not p.head
                               and p.post[1] == 4], key=lambda p: p.nip)
                if not cand:
                    continue
                p = cand[int(rng.integers(len(cand)))]
                self._record(p, dst, GENERIC_POST, day, "MU", approval=approval)
                p.unit, p.post = dst, GENERIC_POST
                p.trained_before = False
                self.individual_movers.append(p)
        # Post changes inside the unit a year after a first-wave move: breaks the minimum years.
        change = _month_start(_month_index(self.plan[0][0]) + 12)
        first = [p for p in self.people if any(r["tmt_jabatan"] == self.plan[0][0] for r in p.records)]
        first.sort(key=lambda p: p.nip)
        for p in first[:3] if change <= DEMO_END else []:
            self._record(p, self._unit_at(p, change), ("Pengelola Layanan Kependudukan", 4, None), change, "MJ")
        # Acting head (PLT) and an added task (TT): neither is a rotation.
        kel = [p for p in self.people if p.post[0] == "Sekretaris Lurah"]
        if kel:
            p = sorted(kel, key=lambda p: p.nip)[0]
            self._record(p, p.unit, ("Plt. Lurah", 1, 41), dt.date(2024, 6, 3), "MJ", penugasan="PLT")
        pkm = sorted([p for p in self.people if self.units[p.unit].type == "puskesmas" and p.post[1] == 4],
                     key=lambda p: p.nip)
        for p in pkm[:2]:
            self._record(p, p.unit, ("Bendahara Pengeluaran Pembantu", 4, None), dt.date(2023, 1, 2), "MJ",
                         penugasan="TT")
        for p in self.people:
            p.records.sort(key=lambda r: (r["tmt_jabatan"], r["jenis_penugasan"] != "D"))

    # -- tables ---------------------------------------------------------------------------
    def riwayat(self) -> pd.DataFrame:
        rows = [r for p in self.people for r in p.records]
        df = pd.DataFrame(rows)
        return df.sort_values(["tmt_jabatan", "nip", "jenis_penugasan"], kind="stable").reset_index(drop=True)

    def pegawai(self) -> pd.DataFrame:
        return pd.DataFrame({
            "nip": [p.nip for p in self.people], "nama": [p.name for p in self.people],
            "golongan": [p.golongan for p in self.people],
            "jenis_jabatan": [self._current(p, DEMO_END)["jenis_jabatan"] for p in self.people],
            "status": [p.status for p in self.people],
        })

    def complaints(self, cohorts: dict[str, dt.date]) -> tuple[pd.DataFrame, list[dict]]:
        rng = self.rng
        months = list(range(_month_index(DEMO_START), _month_index(DEMO_END) + 1))
        season = {1: 0.6, 2: 0.2, 3: 0.0, 4: -0.2, 5: -0.3, 6: 0.1, 7: 0.5, 8: 0.0, 9: -0.2, 10: -0.4,
                  11: -0.1, 12: 0.4}
        wave_of = {c: w for w, members in enumerate(self.waves) for c in members}
        frames = []
        for u in self.cfg.units:
            a = float(rng.uniform(3.0, 6.0))
            lam_n = UNIT_BASE_COMPLAINTS[u.type] * self.scale
            for m in months:
                mon = m % 12 + 1
                n = int(rng.poisson(lam_n * (1.15 if mon in (1, 7) else 1.0)))
                if n == 0:
                    continue
                tau = 0.0
                if u.code in cohorts:
                    e = m - _month_index(cohorts[u.code])
                    if e >= 0:
                        tau = self.wave_effect[wave_of[u.code]] * (1 - math.exp(-(e + 1) / 6))
                lam = a + season[mon] + tau
                frames.append(pd.DataFrame({"kode_unit": u.code, "month": m,
                                            "d": rng.poisson(lam, n), "r": rng.poisson(4.0, n)}))
        df = pd.concat(frames, ignore_index=True)
        n = len(df)
        start = pd.to_datetime(pd.DataFrame({"year": df["month"] // 12, "month": df["month"] % 12 + 1, "day": 1}))
        days_in = start.dt.days_in_month.to_numpy()
        recv_day = start + pd.to_timedelta((rng.random(n) * days_in).astype(int), unit="D")
        recv = recv_day + pd.to_timedelta(rng.integers(7 * 60, 20 * 60, n), unit="min")
        resp_day = pd.Series(pd.to_datetime(add_working_days(recv_day, df["d"].to_numpy(), self.cal)), index=df.index)
        resp_min = rng.integers(8 * 60, 16 * 60, n)
        resp = resp_day + pd.to_timedelta(resp_min, unit="min")
        same = resp_day.dt.normalize() == recv_day.dt.normalize()
        # A same-day reply comes 20 to 240 minutes after receipt, still on that day.
        later = recv + pd.to_timedelta(rng.integers(20, 240, n), unit="min")
        end_of_day = recv_day + pd.Timedelta(hours=23, minutes=59)
        same_time = later.where(later <= end_of_day, end_of_day)
        resp = resp.where(~same, same_time)
        done_day = pd.Series(pd.to_datetime(add_working_days(resp.dt.normalize(), df["r"].to_numpy(), self.cal)), index=df.index)
        done = done_day + pd.to_timedelta(rng.integers(9 * 60, 17 * 60, n), unit="min")
        done = done.where(done >= resp, resp + pd.Timedelta(minutes=30))
        export = pd.Timestamp(EXPORT_DATE)
        still_open = rng.random(n) < 0.04
        resp = resp.where(resp <= export)
        done = done.where((done <= export) & ~still_open & resp.notna())
        status = np.where(done.notna(), "selesai", np.where(resp.notna(), "diproses", "baru"))
        kanal = rng.choice(["lapor", "whatsapp", "langsung", "surat"], n, p=[0.4, 0.3, 0.2, 0.1])
        kategori = rng.choice(["pengaduan", "permintaan_informasi", "aspirasi", "wbs"], n,
                              p=[0.6, 0.25, 0.13, 0.02])
        out = pd.DataFrame({"kode_unit": df["kode_unit"], "kanal": kanal, "kategori": kategori,
                            "waktu_diterima": recv, "waktu_respon_pertama": resp, "waktu_selesai": done,
                            "status": status})
        out = out.sort_values(["waktu_diterima", "kode_unit"], kind="stable").reset_index(drop=True)
        year = out["waktu_diterima"].dt.year
        seq = out.groupby(year).cumcount() + 1
        out.insert(0, "id_laporan", "LPR-" + year.astype(str) + "-" + seq.map("{:07d}".format))
        effects = []
        last = _month_index(DEMO_END)
        for w, members in enumerate(self.waves):
            g = _month_index(self.plan[w][0])
            for e in range(last - g + 1):
                effects.append({"outcome": "respon_hari_kerja_mean", "cohort": f"{g // 12}-{g % 12 + 1:02d}",
                                "event_time": e, "n_units": len(members),
                                "effect": self.wave_effect[w] * (1 - math.exp(-(e + 1) / 6))})
        return out, effects

    def skm(self) -> tuple[pd.DataFrame, list[dict]]:
        rng = self.rng
        frames, truth = [], []
        sems = periods_between(DEMO_START, DEMO_END, "semester")
        codes = list(self.units)
        drop_unit = codes[int(rng.integers(len(codes)))]
        short_unit = codes[int(rng.integers(len(codes)))]
        ks = np.arange(1, 5)
        for u in self.cfg.units:
            base = rng.uniform(3.05, 3.55, len(SKM_ELEMENTS))
            need = _krejcie_morgan(u.annual_service_volume or 1000)
            for s in sems:
                means = base + rng.normal(0, 0.05, len(SKM_ELEMENTS))
                if u.code == drop_unit and s == sems[-1]:
                    means = means - 0.45  # a category drop in the last semester
                n = need if not (u.code == short_unit and s == sems[-1]) else need // 2
                answers = np.empty((n, len(SKM_ELEMENTS)), dtype=float)
                for j, m in enumerate(means):
                    p = np.exp(-((ks - m) ** 2) / 0.45)
                    answers[:, j] = rng.choice(ks, n, p=p / p.sum())
                answers[rng.random(answers.shape) < 0.03] = np.nan
                days = (s.end - s.start).days
                tanggal = [s.start + dt.timedelta(days=int(x)) for x in rng.integers(0, days + 1, n)]
                f = pd.DataFrame(answers, columns=list(SKM_ELEMENTS)).astype("Int64")
                f.insert(0, "tanggal", tanggal)
                f.insert(0, "kode_unit", u.code)
                f.insert(0, "id_responden", [f"SKM-{s.id}-{u.code}-{i + 1:04d}" for i in range(n)])
                frames.append(f)
                nrr = np.nanmean(answers, axis=0)
                ikm = round(float(np.sum(nrr * (1 / 9)) * 25), 2)
                truth.append({"kode_unit": u.code, "period": s.id, "n_responden": n, "required": need,
                              "ikm": ikm})
        return pd.concat(frames, ignore_index=True), truth

    def training_and_feedback(self) -> tuple[pd.DataFrame, pd.DataFrame, list[dict]]:
        rng = self.rng
        train_rows, sheets = [], []
        for p in self.people:
            moves = [r for r in p.records if r["jenis_mutasi"] == "MU" and r["tmt_jabatan"] >= DEMO_START
                     and r["jenis_penugasan"] == "D"]
            for r in moves:
                tmt = r["tmt_jabatan"]
                trained = getattr(p, "trained_before", False)
                if trained:
                    end = tmt - dt.timedelta(days=int(rng.integers(10, 150)))
                    start = end - dt.timedelta(days=int(rng.integers(2, 10)))
                    train_rows.append((p.nip, "Orientasi Tugas Jabatan Baru", start, end,
                                       float(rng.choice([16, 24, 32, 37.5]))))
                if rng.random() < 0.85:
                    when = tmt + dt.timedelta(days=int(rng.integers(60, 150)))
                    if when > DEMO_END:
                        continue
                    # one draw whatever the probabilities: the planted group leaves the stream as it was
                    puskesmas = self.units[r["kode_unit"]].type == "puskesmas"
                    if trained:
                        probs = READY_TRAINED_PUSKESMAS if puskesmas else READY_TRAINED
                    else:
                        probs = READY_UNTRAINED_PUSKESMAS if puskesmas else READY_UNTRAINED
                    need = [0.15, 0.25, 0.25, 0.20, 0.15] if trained else [0.03, 0.07, 0.20, 0.35, 0.35]
                    items = {
                        "kesiapan_tugas": int(rng.choice(5, p=probs)) + 1,
                        "kebutuhan_pelatihan": int(rng.choice(5, p=need)) + 1,
                    }
                    for it in LIKERT_ITEMS:
                        if it not in items:
                            items[it] = int(rng.choice(5, p=[0.05, 0.15, 0.3, 0.35, 0.15])) + 1
                            if rng.random() < 0.03:
                                items[it] = None
                    sheets.append({"nip": p.nip, "tanggal": when, "kode_unit": r["kode_unit"], **items,
                                   "komentar": COMMENTS[int(rng.integers(len(COMMENTS)))] if rng.random() < 0.5 else ""})
        # Routine training for everyone, about once every three years.
        for p in self.people:
            for _ in range(int(rng.poisson(1.4))):
                start = self._date(DEMO_START, DEMO_END - dt.timedelta(days=10))
                end = start + dt.timedelta(days=int(rng.integers(0, 5)))
                train_rows.append((p.nip, COURSES[int(rng.integers(len(COURSES)))], start, end,
                                   float(rng.choice([8, 12, 16, 24, 32, 7.5]))))
        train = pd.DataFrame(train_rows, columns=COLUMNS["pelatihan"])
        train = train.sort_values(["tanggal_mulai", "nip", "nama_pelatihan"], kind="stable").reset_index(drop=True)
        fb = pd.DataFrame(sheets, columns=COLUMNS["survei_asn"])
        fb[list(LIKERT_ITEMS)] = fb[list(LIKERT_ITEMS)].astype("Int64")
        fb = fb.sort_values(["tanggal", "nip"], kind="stable").reset_index(drop=True)
        truth = []
        sem = fb["tanggal"].map(lambda d: period_of(d, "semester").id)
        for s, g in fb.groupby(sem, sort=True):
            k = g["kesiapan_tugas"]
            truth.append({"period": s, "sheets": int(len(g)), "answered": int(k.notna().sum()),
                          "unready": int((k <= 2).sum()), "share": float((k <= 2).sum() / k.notna().sum())})
        return train, fb, truth

    def formasi(self, seed: int) -> tuple[pd.DataFrame, dict]:
        """Staffing requirements for DEMO_END's year: the staff present plus a planted gap.

        Drawn from a generator of its own, so the other tables keep their bytes.
        """
        rng = np.random.default_rng([seed, 13])
        present: dict[tuple[str, str], list[str]] = {}
        for p in self.people:
            cur = self._current(p, DEMO_END)
            if cur is not None:
                present.setdefault((cur["kode_unit"], GROUP_OF_JENIS[cur["jenis_jabatan"]]), []).append(
                    cur["nama_jabatan"])
        rows, truth = [], []
        for u in self.cfg.units:
            for g in GROUPS:
                posts = present.get((u.code, g))
                if not posts:
                    continue
                ada = len(posts)
                kebutuhan = max(0, ada + int(rng.choice(FORMASI_DELTAS)))
                # the group's most frequent post stands for it (ties: alphabetical); sometimes blank
                name = sorted(set(posts), key=lambda n: (-posts.count(n), n))[0] if rng.random() < 0.7 else ""
                rows.append({"kode_unit": u.code, "kelompok_jabatan": g, "nama_jabatan": name,
                             "kebutuhan": kebutuhan, "tahun": DEMO_END.year})
                truth.append({"kode_unit": u.code, "kelompok_jabatan": g, "kebutuhan": kebutuhan, "ada": ada,
                              "kekurangan": kebutuhan - ada})
        return (pd.DataFrame(rows, columns=COLUMNS["formasi"]),
                {"year": DEMO_END.year, "as_of": DEMO_END.isoformat(), "rows": truth})


# -- truth computed from the records by the rules of docs/definitions.md --------------------
def _classify(records: pd.DataFrame, cfg: RegionConfig) -> pd.DataFrame:
    r = records.copy()
    r["cls"] = ""
    eq0, eq1 = cfg.rotation.equalisation_start, cfg.rotation.equalisation_end
    for nip, g in r.groupby("nip", sort=False):
        prev_d = None
        first_d = next((idx for idx, row in g.iterrows() if row["jenis_penugasan"] == "D"), g.index[0])
        for idx, row in g.iterrows():
            if idx == first_d:
                c = "pengangkatan_pertama"
            elif row["jenis_penugasan"] in ("PLT", "PLH", "PJ"):
                c = "penugasan_sementara"
            elif row["jenis_penugasan"] == "TT":
                c = "tugas_tambahan"
            elif (prev_d is not None and prev_d["jenis_jabatan"] == 1 and row["jenis_jabatan"] == 2
                  and prev_d["kode_unit"] == row["kode_unit"] and eq0 <= row["tmt_jabatan"] <= eq1):
                c = "penyetaraan"
            elif prev_d is not None and row["kode_unit"] != prev_d["kode_unit"]:
                c = "mutasi_unor"
            else:
                c = "mutasi_jabatan"
            r.at[idx, "cls"] = c
            if row["jenis_penugasan"] == "D":
                prev_d = row
    return r


def _truth_rotation(riw: pd.DataFrame, cfg: RegionConfig) -> dict:
    r = _classify(riw, cfg)
    r["row"] = np.arange(1, len(r) + 1)
    sems = periods_between(DEMO_START, DEMO_END, "semester")
    d = r[r["jenis_penugasan"] == "D"].copy()
    d["prev_unit"] = d.groupby("nip")["kode_unit"].shift()
    # Equalisation renames a post: its tenure runs on from the record before it.
    d["post_start"] = d["tmt_jabatan"].where(d["cls"] != "penyetaraan")
    d["post_start"] = d.groupby("nip")["post_start"].ffill()
    d["prev_start"] = d.groupby("nip")["post_start"].shift()
    mu = d[d["cls"] == "mutasi_unor"]
    rotations = []
    for s in sems:
        inside = mu[(mu["tmt_jabatan"] >= s.start) & (mu["tmt_jabatan"] <= s.end)]
        for code in cfg.unit_codes:
            rotations.append({"kode_unit": code, "period": s.id,
                              "masuk": int((inside["kode_unit"] == code).sum()),
                              "keluar": int((inside["prev_unit"] == code).sum())})
    moves = d[d["cls"].isin(["mutasi_unor", "mutasi_jabatan"])]
    tenure = (pd.to_datetime(moves["tmt_jabatan"]) - pd.to_datetime(moves["prev_start"])).dt.days / 365.25
    short = moves[tenure < cfg.rotation.min_years_in_post]
    in_freeze = moves["tmt_jabatan"].map(lambda x: cfg.freeze_window_at(x) is not None)
    frz = moves[in_freeze & (moves["nomor_persetujuan"].fillna("") == "")]
    candidates = []
    for s in sems:
        cur = d[d["tmt_jabatan"] <= s.end].groupby("nip").tail(1)
        years = (pd.Timestamp(s.end) - pd.to_datetime(cur["post_start"])).dt.days / 365.25
        candidates.append({"period": s.id, "count": int((years > cfg.rotation.max_years_in_post).sum())})

    def rows(f):
        return [{"row": int(x.row), "kode_unit": x.kode_unit, "tmt_jabatan": x.tmt_jabatan.isoformat()}
                for x in f.itertuples()]

    return {
        "classes": {k: int(v) for k, v in r["cls"].value_counts().sort_index().items()},
        "rotations": rotations,
        "compliance": {"min_years": rows(short), "freeze": rows(frz), "max_years_candidates": candidates},
    }


def _truth_cohorts(riw: pd.DataFrame, cfg: RegionConfig) -> dict[str, str | None]:
    """First month whose rotated-in share reaches the threshold, inside the demo window."""
    r = _classify(riw, cfg)
    d = r[r["jenis_penugasan"] == "D"]
    out = {}
    months = range(_month_index(DEMO_START), _month_index(DEMO_END) + 1)
    # Only a month with an arrival can reach the threshold: count arrivals per (unit, month) once.
    mu = d[d["cls"] == "mutasi_unor"]
    arrived = pd.Series([t.year * 12 + t.month - 1 for t in mu["tmt_jabatan"]], index=mu.index)
    counts = arrived.groupby([mu["kode_unit"], arrived]).size().to_dict()
    for code in cfg.unit_codes:
        out[code] = None
        for m in months:
            arrivals = counts.get((code, m), 0)
            if not arrivals:
                continue
            end = _month_start(m + 1) - dt.timedelta(days=1)
            cur = d[d["tmt_jabatan"] <= end].groupby("nip").tail(1)
            head = (cur["kode_unit"] == code).sum()
            if head and arrivals / head >= cfg.treatment.share_threshold:
                out[code] = f"{m // 12}-{m % 12 + 1:02d}"
                break
    return out


# -- faults ---------------------------------------------------------------------------------
def _plant_faults(tables: dict[str, pd.DataFrame], rng: np.random.Generator, gen: _Generator,
                  formasi_rng: np.random.Generator | None = None) -> list[dict]:
    """Insert faulty copies of real rows; every fault is one of docs/definitions.md's reasons.

    ``formasi`` faults draw from ``formasi_rng``, so the other tables' faults stay where they were
    before formasi existed.
    """
    faults: list[dict] = []
    planned: dict[str, list] = {t: [] for t in tables}
    formasi_rng = formasi_rng if formasi_rng is not None else rng

    def rng_of(table):
        return formasi_rng if table == "formasi" else rng

    def plant(table, column, reason, what, mutate):
        i = int(rng_of(table).integers(len(tables[table])))
        row = mutate(tables[table].iloc[i].copy())
        planned[table].append((i, row, column, reason, what))

    def new_nip(prefix="19"):
        while True:
            # Born 1970-1985, appointed 2005-2014: a plausible age at appointment.
            nip = f"{prefix}{int(rng.integers(70, 86))}0615{2000 + int(rng.integers(5, 15))}031{int(rng.integers(1, 999)):03d}"
            if nip not in gen.nips:
                return nip

    def set_(col, val):
        def f(r):
            r[col] = val
            return r
        return f

    plant("pegawai", "nip", "invalid_nip", "NIP has 17 digits", lambda r: set_("nip", r["nip"][:-1])(r))
    plant("pegawai", "nip", "invalid_nip", "birth month 13 in the NIP",
          lambda r: set_("nip", r["nip"][:4] + "13" + r["nip"][6:])(r))
    plant("pegawai", "golongan", "invalid_code", "golongan V/a does not exist",
          lambda r: set_("nip", new_nip())(set_("golongan", "V/a")(r)))
    plant("pegawai", "status", "invalid_code", "status HONORER is neither PNS nor PPPK",
          lambda r: set_("nip", new_nip())(set_("status", "HONORER")(r)))
    plant("pegawai", "nip", "duplicate", "the same staff row twice", lambda r: r)
    plant("riwayat_jabatan", "kode_unit", "unknown_unit", "unit code not in the region config",
          set_("kode_unit", "KEL-TIDAKADA"))
    plant("riwayat_jabatan", "tmt_jabatan", "invalid_date", "31 February", set_("tmt_jabatan", "31-02-2023"))
    plant("riwayat_jabatan", "jenis_penugasan", "invalid_code", "assignment type XX",
          lambda r: set_("tmt_jabatan", "03-01-2022")(set_("jenis_penugasan", "XX")(r)))
    plant("riwayat_jabatan", "nip", "unknown_staff", "valid NIP of nobody in pegawai", set_("nip", new_nip()))
    plant("riwayat_jabatan", "nip", "invalid_nip", "letter O typed for zero in the NIP",
          lambda r: set_("nip", r["nip"][:10] + "O" + r["nip"][11:])(r))
    plant("pengaduan", "waktu_respon_pertama", "date_order", "first response before receipt",
          lambda r: set_("id_laporan", r["id_laporan"] + "X")(
              set_("waktu_respon_pertama",
                   (pd.Timestamp(r["waktu_diterima"]) - pd.Timedelta(days=2)).strftime("%Y-%m-%d %H:%M"))(
                  set_("waktu_selesai", pd.NaT)(set_("status", "diproses")(r)))))
    plant("pengaduan", "kode_unit", "unknown_unit", "unit code not in the region config",
          lambda r: set_("id_laporan", r["id_laporan"] + "Y")(set_("kode_unit", "PKM-LAIN")(r)))
    plant("pengaduan", "id_laporan", "duplicate", "complaint id repeated", lambda r: r)
    plant("pengaduan", "waktu_diterima", "wrong_type", "text instead of a date",
          lambda r: set_("id_laporan", r["id_laporan"] + "Z")(set_("waktu_diterima", "kemarin sore")(r)))
    plant("skm", "prosedur", "out_of_range", "answer 5 on a 1..4 scale",
          lambda r: set_("id_responden", r["id_responden"] + "-X")(set_("prosedur", 5)(r)))
    plant("skm", "sarana_prasarana", "wrong_type", "answer written as a word",
          lambda r: set_("id_responden", r["id_responden"] + "-Y")(set_("sarana_prasarana", "tiga")(r)))
    plant("skm", "id_responden", "duplicate", "respondent id repeated", lambda r: r)
    plant("survei_asn", "kesiapan_tugas", "out_of_range", "answer 7 on a 1..5 scale", set_("kesiapan_tugas", 7))
    plant("survei_asn", "dukungan_atasan", "out_of_range", "answer 0 on a 1..5 scale", set_("dukungan_atasan", 0))
    plant("pelatihan", "tanggal_selesai", "date_order", "end and start dates swapped",
          lambda r: set_("tanggal_mulai", _fmt_dmy(pd.to_datetime(r["tanggal_selesai"], format="%d-%m-%Y")
                                                   + pd.Timedelta(days=3)))(r))
    plant("pelatihan", "jam_pelajaran", "out_of_range", "negative hours", set_("jam_pelajaran", -4.0))
    plant("pelatihan", "jam_pelajaran", "wrong_type", "hours written as text", set_("jam_pelajaran", "empat"))
    if "formasi" in tables and len(tables["formasi"]):
        plant("formasi", "kode_unit", "unknown_unit", "unit code not in the region config",
              set_("kode_unit", "KEL-TIDAKADA"))
        plant("formasi", "kebutuhan", "out_of_range", "negative requirement",
              lambda r: set_("tahun", DEMO_END.year - 1)(set_("kebutuhan", -1)(r)))
        plant("formasi", "kebutuhan", "wrong_type", "requirement of 2.5 staff",
              lambda r: set_("tahun", DEMO_END.year - 2)(set_("kebutuhan", 2.5)(r)))
        plant("formasi", "tahun", "out_of_range", "a year outside the data", set_("tahun", DEMO_END.year + 9))

    for table, items in planned.items():
        if not items:
            continue
        df = tables[table].astype(object)
        rows = [("orig", i, r) for i, r in enumerate(df.to_dict("records"))]
        for k, (orig, row, column, reason, what) in enumerate(items):
            at = next(j for j, x in enumerate(rows) if x[0] == "orig" and x[1] == orig)
            # A faulty copy goes somewhere after its original, so a duplicate is the later row.
            pos = int(rng_of(table).integers(at + 1, len(rows) + 1))
            rows.insert(pos, ("fault", k, row.to_dict()))
        tables[table] = pd.DataFrame([x[2] for x in rows], columns=df.columns)
        for j, x in enumerate(rows):
            if x[0] == "fault":
                _, row, column, reason, what = items[x[1]]
                faults.append({"table": table, "row": j + 1, "column": column,
                               "value": str(row[column]), "reason": reason, "what": what})
    faults.sort(key=lambda f: (TABLES.index(f["table"]), f["row"]))
    return faults


def _to_text_frame(table: str, df: pd.DataFrame) -> pd.DataFrame:
    """Format dates the way the exports do: DD-MM-YYYY (SIASN style) or ISO for complaints."""
    out = df.copy()
    for c in out.columns:
        if c in ("waktu_diterima", "waktu_respon_pertama", "waktu_selesai"):
            out[c] = [("" if (v is None or (not isinstance(v, str) and pd.isna(v))) else
                       (v if isinstance(v, str) else pd.Timestamp(v).strftime("%Y-%m-%d %H:%M"))) for v in out[c]]
        elif c in ("tmt_jabatan", "tanggal_sk", "tanggal_mulai", "tanggal_selesai") or (
                c == "tanggal" and table != "skm"):
            out[c] = [v if isinstance(v, str) else _fmt_dmy(v) for v in out[c]]
        elif c == "tanggal":
            out[c] = [v if isinstance(v, str) else pd.Timestamp(v).strftime("%Y-%m-%d") for v in out[c]]
    return out


def _write_csv(df: pd.DataFrame, path: Path, excel_id: bool) -> None:
    df = df.astype(object).where(df.notna(), "")
    # Whole numbers print without ".0" (as the exports do); the Indonesian locale uses a comma.
    point = "," if excel_id else "."
    df = df.map(lambda v: f"{v:g}".replace(".", point) if isinstance(v, float) else v)
    if excel_id:
        buf = io.StringIO()
        df.to_csv(buf, sep=";", index=False, lineterminator="\r\n")
        path.write_bytes(b"\xef\xbb\xbf" + buf.getvalue().encode("utf-8"))
    else:
        path.write_text(df.to_csv(index=False, lineterminator="\n"), encoding="utf-8")


def _write_xlsx(df: pd.DataFrame, path: Path) -> None:
    df = df.astype(object).where(df.notna(), None)
    tmp = io.BytesIO()
    # XlsxWriter: about four times faster than openpyxl on the 50,000-row survey table.
    with pd.ExcelWriter(tmp, engine="xlsxwriter") as xw:
        xw.book.set_properties({"created": dt.datetime(2026, 7, 20)})
        df.to_excel(xw, index=False, sheet_name="data")
    path.write_bytes(_fixed_zip(tmp.getvalue()))


def _write_template(table: str, df: pd.DataFrame, path: Path, cfg: RegionConfig) -> None:
    """The table as a filled input template (``mutasi template``): what a data officer sends.

    Dates are date cells, NIPs and codes text, numbers numbers (``templates.fill_template``);
    the validation covers every row written.
    """
    from .templates import TEMPLATE_ROWS, build_template, fill_template

    wb = build_template(table, cfg, rows=max(TEMPLATE_ROWS, len(df)))
    wb.properties.created = wb.properties.modified = dt.datetime(2026, 7, 20)
    fill_template(wb, table, df.astype(object).where(df.notna(), None).to_dict("records"))
    tmp = io.BytesIO()
    wb.save(tmp)
    path.write_bytes(_fixed_zip(tmp.getvalue()))


def _fixed_zip(data: bytes) -> bytes:
    """Rewrite an XLSX archive with fixed entry times so that the same seed gives the same bytes."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(2026, 7, 20, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o600 << 16
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":  # never the clock, whatever the writer
                data = re.sub(rb"<dcterms:modified([^>]*)>[^<]*<", rb"<dcterms:modified\1>2026-07-20T00:00:00Z<", data)
            dst.writestr(fixed, data)
    return out.getvalue()


_DOC_FILE = re.compile(r"README(\.[a-z]{2})?\.md")


def _check_out(out: Path) -> None:
    """Refuse to write into a folder that holds anything but a previous demo set."""
    if out.exists() and not out.is_dir():
        raise MutasiError(f"{out} exists and is not a folder")
    if out.is_dir():
        # The folder's own documentation (README.md and its translations, README.id.md) is not data.
        others = [p.name for p in out.iterdir() if p.name != ".gitkeep" and not _DOC_FILE.fullmatch(p.name)]
        if others and not (out / MARKER).exists():
            raise MutasiError(
                f"{out} already holds files ({', '.join(sorted(others)[:5])}) that are not demo "
                f"data; refusing to overwrite what may be real exports. Choose another --out folder."
            )


def write_demo_data(out: Path | str = "data/raw", seed: int = 1, region: Path | str | None = None,
                    fmt: str = "csv", dirty: bool = False, scale: float = 1.0) -> DemoResult:
    """Write a realistic demo raw data set with a known truth.

    Parameters
    ----------
    out : Path
        Output folder; created if missing. A folder holding non-demo files is refused.
    seed : int
        Random seed: the same seed gives the same bytes.
    region : Path or RegionConfig
        Region configuration whose units, freeze windows and cuti bersama are used.
    fmt : {"csv", "xlsx", "template"}
        File format. ``skm`` and ``pelatihan`` CSVs are written as Excel does in an Indonesian
        locale (``;``, decimal comma, byte-order mark); the others as plain CSV. ``template``
        writes each table into its input template (:mod:`mutasi_analysis.templates`) as a data
        officer would fill it: dates as date cells, NIPs as text, the validation kept.
    dirty : bool
        Add realistic faults (bad NIPs, swapped dates, unknown unit codes, out-of-range answers,
        duplicates, wrong types) and list each in ``faults.json``.
    scale : float
        Multiply the staff and complaint volumes (for benchmarks; the truth scales with it).

    Returns
    -------
    DemoResult
    """
    if fmt not in ("csv", "xlsx", "template"):
        raise MutasiError(f"--format must be csv or xlsx, or template (the filled input templates), not {fmt!r}")
    if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool):
        raise MutasiError(f"--seed must be an integer, not {seed!r}")
    if not scale > 0:
        raise MutasiError(f"--scale must be positive, not {scale!r}")
    cfg = region if isinstance(region, RegionConfig) else load_config(region)
    return _write_set(Path(out), int(seed), cfg, fmt, dirty, float(scale), WAVES, WAVE_EFFECT)


def _write_set(out: Path, seed: int, cfg: RegionConfig, fmt: str, dirty: bool, scale: float,
               waves: tuple, wave_effect: tuple) -> DemoResult:
    """One region's demo raw set (:func:`write_demo_data`) under a given calendar and effects."""
    if len(cfg.units) < 3:
        raise MutasiError("the region config needs at least 3 units for a staggered design")
    _check_out(out)
    gen = _Generator(cfg, int(seed), float(scale), waves, wave_effect)
    gen.make_people()
    cohorts_planted = gen.make_waves()
    gen.make_individual_moves()
    riw = gen.riwayat()
    peg = gen.pegawai()
    complaints, effects = gen.complaints(cohorts_planted)
    skm, ikm_truth = gen.skm()
    train, feedback, readiness = gen.training_and_feedback()
    formasi, formasi_truth = gen.formasi(int(seed))
    cohorts = _truth_cohorts(riw, cfg)
    planted = {c: f"{d.year}-{d.month:02d}" for c, d in cohorts_planted.items()}
    if any(cohorts[c] != planted.get(c) for c in cfg.unit_codes):  # pragma: no cover - generator bug guard
        raise AssertionError(f"demo: planted cohorts {planted} differ from the rule's {cohorts}")
    rot = _truth_rotation(riw, cfg)

    tables = {"unit": cfg.units_frame(), "pegawai": peg, "riwayat_jabatan": riw, "pengaduan": complaints,
              "skm": skm, "survei_asn": feedback, "pelatihan": train, "formasi": formasi}
    tables = {t: _to_text_frame(t, df[COLUMNS[t]]) for t, df in tables.items()}
    faults = _plant_faults(tables, np.random.default_rng([int(seed), 7]), gen,
                           np.random.default_rng([int(seed), 7, 13])) if dirty else []

    out.mkdir(parents=True, exist_ok=True)
    files, rows = {}, {}
    for t in TABLES:
        suffix = "csv" if fmt == "csv" else "xlsx"
        path = out / f"{t}.{suffix}"
        for other in ("csv", "xlsx"):
            stale = out / f"{t}.{other}"
            if other != suffix and stale.exists():
                stale.unlink()
        if fmt == "csv":
            _write_csv(tables[t], path, t in EXCEL_ID_LOCALE)
        elif fmt == "template":
            _write_template(t, tables[t], path, cfg)
        else:
            _write_xlsx(tables[t], path)
        files[t], rows[t] = path, len(tables[t])
    for f in faults:
        f["file"] = files[f["table"]].name
    treated = [c for c, g in cohorts.items() if g]
    # Simple ATT as att_gt aggregates it: cohort-size-weighted mean over post-treatment cells.
    w = np.array([e["n_units"] for e in effects], dtype=float)
    att_simple = float(np.sum(w * np.array([e["effect"] for e in effects])) / w.sum())
    truth = {
        "seed": int(seed), "scale": float(scale), "region": cfg.region.code,
        "start": DEMO_START.isoformat(), "end": DEMO_END.isoformat(), "export_date": EXPORT_DATE.isoformat(),
        "outcome": "respon_hari_kerja_mean",
        "effects": effects, "att_simple": att_simple,
        "cohorts": cohorts, "treated_units": len(treated), "never_treated_units": len(cohorts) - len(treated),
        **rot,
        "ikm": ikm_truth, "readiness": readiness,
        "formasi": formasi_truth, "unready_groups": UNREADY_GROUPS,
        "counts": {t: int(len(df)) - sum(1 for f in faults if f["table"] == t) for t, df in tables.items()},
    }
    (out / "truth.json").write_text(json.dumps(truth, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    faults_path = out / "faults.json"
    if dirty:
        faults_path.write_text(json.dumps(faults, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    elif faults_path.exists():
        faults_path.unlink()
    (out / MARKER).write_text("Written by `mutasi demo-data`; safe to overwrite.\n", encoding="utf-8")
    return DemoResult(out=out, files=files, rows=rows, faults=faults, truth=truth)


# -- many regions ------------------------------------------------------------------------------
#: First line of every region config written by :func:`write_demo_regions`: a config starting
#: otherwise is never overwritten.
REGION_CONFIG_MARK = "# mutasi demo-data --regions: a demo region config (made-up offices); safe to overwrite."
def _demo_kecamatan() -> tuple[tuple[str, str], ...]:
    import importlib.resources
    import tomllib

    data = tomllib.loads(importlib.resources.files(__package__).joinpath("demo_regions.toml").read_text("utf-8"))
    return tuple((k["code"], k["name"]) for k in data["kecamatan"])


#: The demo set's kecamatan (code, name), in the order the regions are written: package data
#: (``demo_regions.toml``), since region facts are data, not code.
DEMO_KECAMATAN = _demo_kecamatan()
#: The common grid of wave months of regions 2..n (outside the config's freeze windows, so that
#: the pooled analysis has few distinct cohort months). Region 1's three months are among them.
WAVE_GRID = (dt.date(2023, 2, 1), dt.date(2023, 5, 1), dt.date(2023, 9, 1), dt.date(2023, 11, 1),
             dt.date(2024, 1, 1), dt.date(2025, 10, 1))
#: A region's effect multiplier: with this probability near zero, Uniform(0, NEAR_NULL_MAX) ...
NEAR_NULL_SHARE, NEAR_NULL_MAX = 1 / 3, 0.15
#: ... otherwise Uniform(*MULTIPLIER_RANGE). At most 1.25: the lowest mean response of an office
#: is 3.0 - 0.4 (season), so a larger first-wave effect (-2.0 x m) could make it negative.
MULTIPLIER_RANGE = (0.4, 1.25)
_VOLUME = {"kantor_camat": 3000, "puskesmas": 15000, "pustu": 1500}
_LABEL = {"kantor_camat": "Kantor Camat", "kantor_kelurahan": "Kantor Kelurahan", "puskesmas": "Puskesmas",
          "pustu": "Pustu"}
_PREFIX = {"kantor_camat": "KEC", "kantor_kelurahan": "KEL", "puskesmas": "PKM", "pustu": "PUSTU"}


@dataclass(frozen=True)
class RegionsDemoResult:
    """What :func:`write_demo_regions` wrote.

    Attributes
    ----------
    regions : list of dict
        Per region, in order: ``code``, ``name``, ``config`` (Path), ``raw`` (Path),
        ``multiplier``, ``waves`` (the calendar, ISO months) and ``result`` (its :class:`DemoResult`).
    truth_path : Path
        The pooled truth file, ``<data>/_gabungan/truth.json``.
    truth : dict
        Its content.
    """

    regions: list
    truth_path: Path
    truth: dict

    def describe(self) -> str:
        """One line per region and one for the pooled truth."""
        lines = []
        for r in self.regions:
            t = r["result"].truth
            lines.append(f"{r['code']:<12} {r['name']}: {len(t['cohorts'])} units, {t['treated_units']} treated in "
                         f"waves {', '.join(r['waves'])}, multiplier {r['multiplier']:.2f}, "
                         f"att_simple {t['att_simple']:+.3f} -> {r['raw']}")
        lines.append(f"pooled truth: att_pooled {self.truth['att_pooled']:+.3f} over {len(self.regions)} regions "
                     f"-> {self.truth_path}")
        return "\n".join(lines)


def _region_plan(seed: int, k: int, cfg: RegionConfig) -> tuple[tuple, tuple, float]:
    """Region ``k``'s rotation calendar, wave effects and multiplier (region 1: today's, x1)."""
    if k == 1:
        return WAVES, WAVE_EFFECT, 1.0
    rng = np.random.default_rng([seed, k])
    grid = [m for m in WAVE_GRID if cfg.freeze_window_at(m) is None]
    months = sorted(grid[i] for i in rng.choice(len(grid), size=len(WAVES), replace=False))
    if rng.random() < NEAR_NULL_SHARE:
        mult = float(rng.uniform(0.0, NEAR_NULL_MAX))
    else:
        mult = float(rng.uniform(*MULTIPLIER_RANGE))
    waves = tuple((m, share) for m, (_, share) in zip(months, WAVES))
    return waves, tuple(a * mult for a in WAVE_EFFECT), mult


def _made_up_units(k: int) -> list[dict]:
    """10 to 18 made-up offices (one kantor camat), drawn from ``k`` alone: a region keeps its offices."""
    rng = np.random.default_rng([k, 17])
    n = int(rng.integers(10, 19))
    n_pkm, n_pustu = int(rng.integers(1, 4)), int(rng.integers(0, 3))
    types = ["kantor_camat"] + ["kantor_kelurahan"] * (n - 1 - n_pkm - n_pustu) + ["puskesmas"] * n_pkm \
        + ["pustu"] * n_pustu
    units, seen = [], {}
    for t in types:
        seen[t] = seen.get(t, 0) + 1
        i = seen[t]
        kel = f"Kelurahan Fiktif {i if t == 'kantor_kelurahan' else int(rng.integers(1, 4))} (contoh)"
        units.append({"code": f"R{k:02d}-{_PREFIX[t]}-F{i:02d}", "name": f"{_LABEL[t]} Fiktif {i} (contoh)",
                      "type": t, "kelurahan": kel,
                      "annual_service_volume": _VOLUME.get(t, int(rng.integers(8, 23)) * 100)})
    return units


def _region_toml(base_text: str, base_name: str, code: str, name: str, units: list[dict] | None) -> str:
    """The base config's text with ``[region]`` code and name (and, unless None, the units) replaced."""
    body = base_text[base_text.index("[region]"):]
    body = re.sub(r'(?m)^code = ".*"$', f'code = "{code}"', body, count=1)
    body = re.sub(r'(?m)^name = ".*"$', f'name = "{name}"', body, count=1)
    head = [REGION_CONFIG_MARK,
            f"# {name}: a region of the demo set written by `mutasi demo-data --regions`.",
            f"# Everything but [region] code and name{' and the [[units]]' if units is not None else ''} "
            f"is copied from the base config ({base_name})."]
    if units is not None:
        head.append("# The offices below are MADE UP (\"Fiktif ... (contoh)\"): no real office has these codes.")
        start = re.search(r"(?m)^\[\[units\]\]", body).start()
        end = re.search(r"(?m)^\[rotation\]", body).start()
        blocks = ["# Made-up offices (fiktif, contoh) for the demo."]
        for u in units:
            blocks.append("[[units]]\n" + "\n".join(
                f"{key} = {json.dumps(v) if isinstance(v, str) else v}" for key, v in u.items()) + "\n")
        body = body[:start] + "\n".join(blocks) + "\n" + body[end:]
    return "\n".join(head) + "\n\n" + body


def _check_config(path: Path) -> None:
    if path.exists():
        first = path.read_text(encoding="utf-8").split("\n", 1)[0] if path.is_file() else ""
        if first != REGION_CONFIG_MARK:
            raise MutasiError(f"{path} exists and was not written by `mutasi demo-data --regions`; "
                              f"refusing to overwrite a region config. Move it or choose another project.")


def write_demo_regions(root: Path | str, n: int = 6, seed: int = 1, *, fmt: str = "csv", scale: float = 1.0,
                       project=None, base: Path | str | None = None) -> RegionsDemoResult:
    """Write ``n`` demo regions into a project of many regions, with each one's truth and the pooled one.

    Region ``k`` (1-based) is the demo kota's ``k``-th kecamatan (:data:`DEMO_KECAMATAN`,
    Kelapa Lima, Kota Lama, Kota Raja, Maulafa, Oebobo), then ``contoh-07``, ``contoh-08``, ...
    ("Kecamatan Contoh 07 (fiktif)"). Its config goes to the folder of the project's
    ``regions`` glob (``config/regions/<code>.toml``), first line :data:`REGION_CONFIG_MARK`;
    its raw set (as :func:`write_demo_data` writes it: the tables, ``truth.json``, the marker)
    to ``Project.region_paths(code).raw``. Region 1 keeps the base config's real offices; every other
    region gets 10 to 18 made-up ones ("Kantor Kelurahan Fiktif 3 (contoh)"), drawn from ``k``
    only; everything else of the base config is copied.

    **Calendar and effects.** Region 1 has today's calendar and effects (:data:`WAVES`,
    :data:`WAVE_EFFECT`) and seed ``seed``: its raw set is byte for byte
    ``write_demo_data(seed=seed)`` with the base config. Region ``k >= 2`` draws from
    ``np.random.default_rng([seed, k])``, in this order: three distinct wave months from
    :data:`WAVE_GRID` (those outside the config's freeze windows), sorted, with the shares of
    :data:`WAVES`; then a multiplier ``m_k``: with probability :data:`NEAR_NULL_SHARE`
    ``Uniform(0, NEAR_NULL_MAX)`` (a region with about no effect), otherwise
    ``Uniform(*MULTIPLIER_RANGE)``; its wave effects are ``m_k * WAVE_EFFECT``. Its data come
    from seed ``seed + 1000 * (k - 1)``.

    **Pooled truth.** ``att_pooled`` is the simple ATT that did's ``att_gt`` "simple"
    aggregation gives on all regions' offices stacked, cohort = calendar month of the first
    rotation. Each region's ``att_simple`` is the mean of its post-treatment cell effects
    ATT(g, t) (t from g to June 2026) weighted by the cohort's number of offices; did weights
    each post-treatment ATT(g, t) by the cohort's share of units, so that is did's aggregation
    exactly, of the planted effects (no approximation). Stacked, a calendar month shared by
    several regions is one cohort whose ATT(g, t) is the office-weighted mean of theirs, so::

        att_pooled = sum_k sum_(g,e) n_kg * tau_k(g, e) / sum_k sum_(g,e) n_kg
                   = sum_k W_k * att_simple_k / sum_k W_k,   W_k = sum_g n_kg * (T - g + 1)

    with ``n_kg`` region k's offices in cohort g, ``T`` June 2026 and ``tau_k(g, e)`` its planted
    effect ``m_k * A_w * (1 - exp(-(e + 1) / 6))``.

    Parameters
    ----------
    root : Path
        A folder inside the project (used when ``project`` is None).
    n : int
        Number of regions, at least 1.
    seed : int
        Random seed: the same seed gives the same bytes.
    fmt : {"csv", "xlsx", "template"}
        File format, as in :func:`write_demo_data`.
    scale : float
        Multiply staff and complaint volumes (each region).
    project : Project, optional
        The project; default ``find_project(root)``.
    base : Path, optional
        The config copied into each region's; default the project's ``region`` config.

    Returns
    -------
    RegionsDemoResult

    Raises
    ------
    MutasiError
        For a bad ``n``, ``seed``, ``fmt`` or ``scale``; for a region raw folder holding non-demo
        files or a region config not written by this function (nothing is written then).
    """
    from .project import POOLED_CODE, find_project

    if not isinstance(n, (int, np.integer)) or isinstance(n, bool) or n < 1:
        raise MutasiError(f"--regions must be a whole number of at least 1, not {n!r}")
    if fmt not in ("csv", "xlsx", "template"):
        raise MutasiError(f"--format must be csv or xlsx, or template (the filled input templates), not {fmt!r}")
    if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool):
        raise MutasiError(f"--seed must be an integer, not {seed!r}")
    if not scale > 0:
        raise MutasiError(f"--scale must be positive, not {scale!r}")
    project = project if project is not None else find_project(root)
    base = Path(base) if base is not None else project.region
    base_text = base.read_text(encoding="utf-8")
    folder = project.root / Path(project.regions_glob).parent
    regions = []
    for k in range(1, int(n) + 1):
        code, name = DEMO_KECAMATAN[k - 1] if k <= len(DEMO_KECAMATAN) else \
            (f"contoh-{k:02d}", f"Kecamatan Contoh {k:02d} (fiktif)")
        path = folder / f"{code}.toml"
        raw = project.region_paths(code).raw
        _check_config(path)
        _check_out(raw)
        regions.append({"k": k, "code": code, "name": name, "config": path, "raw": raw})
    folder.mkdir(parents=True, exist_ok=True)
    for r in regions:
        k = r.pop("k")
        text = _region_toml(base_text, base.name, r["code"], r["name"], None if k == 1 else _made_up_units(k))
        r["config"].write_text(text, encoding="utf-8")
        cfg = load_config(r["config"])
        waves, effect, mult = _region_plan(int(seed), k, cfg)
        r["multiplier"], r["wave_effects"] = mult, list(effect)
        r["waves"] = [f"{m.year}-{m.month:02d}" for m, _ in waves]
        r["result"] = _write_set(r["raw"], int(seed) + 1000 * (k - 1), cfg, fmt, False, float(scale), waves, effect)
    last = _month_index(DEMO_END)
    rows, num, den = [], 0.0, 0.0
    for r in regions:
        t = r["result"].truth
        weight = sum(e["n_units"] for e in t["effects"])
        num += sum(e["n_units"] * e["effect"] for e in t["effects"])
        den += weight
        rows.append({"code": r["code"], "name": r["name"],
                     "config": r["config"].relative_to(project.root).as_posix(),
                     "raw": r["raw"].relative_to(project.root).as_posix() if r["raw"].is_relative_to(project.root)
                     else str(r["raw"]),
                     "seed": t["seed"], "multiplier": r["multiplier"], "waves": r["waves"],
                     "wave_effects": r["wave_effects"],
                     "att_simple": t["att_simple"], "weight": weight, "units": len(t["cohorts"]),
                     "treated_units": t["treated_units"], "cohorts": t["cohorts"]})
    truth = {"seed": int(seed), "n": int(n), "scale": float(scale), "outcome": "respon_hari_kerja_mean",
             "end": _month_start(last).isoformat()[:7],
             "att_pooled": num / den if den else None,
             "att_pooled_rule": "sum over regions and post-treatment (cohort, month) cells of n_units * effect, "
                                "over the sum of n_units (did's simple aggregation, cohorts by calendar month)",
             "regions": rows}
    out = project.region_paths(POOLED_CODE).processed.parent / "truth.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(truth, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return RegionsDemoResult(regions=regions, truth_path=out, truth=truth)
