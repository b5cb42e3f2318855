"""Planning the next rotation wave: needs, eligible staff, a proposed assignment, training
before the move, and a randomised rollout that can be evaluated.

The program's own description starts a rotation with an analysis of the organisation's needs,
then informs eligible staff, and trains staff *before* the move where the rotated staff of a
group felt unready. This module turns the evaluation's data into that plan:

1. :func:`staffing_needs` compares the ``formasi`` requirement (workload analysis) with the
   staff present per unit and position group; :func:`skill_mix` shows the knowledge-spread
   view (groups present, and how many units each person has served in).
2. :func:`eligibility` applies the rotation rules (``[rotation]``, ``[planning]``) to every
   person in post; every exclusion carries its rule and legal basis, like compliance flags.
3. :func:`draw_rollout` assigns every unit to a wave at random from a recorded seed (a stepped
   wedge): moves into a unit happen in its wave.
4. :func:`assign` proposes moves by a small integer program solved with HiGHS
   (:func:`scipy.optimize.milp`): fill gaps, spread knowledge, move the overdue first, under
   caps per unit and per wave and the pair rules (no return to a unit left recently, no move in
   a freeze window, only to units that have posts of the person's group).
5. :func:`unready_groups` and :func:`training_schedule`: candidates of a group whose rotated
   staff were often unready get that group's course before their wave.
6. :func:`rollout_power`: power and minimum detectable effect of the randomised rollout for the
   headline service metric, beside a need-ordered (non-random) rollout.

:func:`make_plan` runs them all; the result (:class:`Plan`) names people by pseudonym only.

The objective of :func:`assign` (minimised; weights from ``[planning.weights]``)::

    sum_{u,g} gap * short[u,g] + surplus * over[u,g]
  + sum_{i,u} x[i,u] * (move - new_unit * [u not served by i] - overdue * [i past max years])

where ``x[i,u] = 1`` moves person ``i`` to unit ``u``, and ``short``/``over`` are the staff
below/above the requirement of unit ``u`` and group ``g`` after the moves:
``present - out + in - required = over - short``. A person keeps their position group.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .config import RegionConfig
from .errors import DataError, MutasiError
from .periods import Period
from .processed import as_datetime as _as_datetime
from .rotation import _YEAR, _current_posts, classify_moves, month_index
# The formasi contract's groups (the schema validates kelompok_jabatan against them).
from .schemas import POSITION_GROUP_OF_JENIS, POSITION_GROUPS

__all__ = [
    "POSITION_GROUPS",
    "RULES",
    "PlanInfeasible",
    "Assignment",
    "Plan",
    "position_group",
    "staffing_needs",
    "skill_mix",
    "eligibility",
    "draw_rollout",
    "assign",
    "objective_value",
    "unready_groups",
    "training_schedule",
    "rollout_power",
    "make_plan",
    "need_order",
    "readiness_signal",
    "unit_overview",
    "NEEDS_COLUMNS",
    "SKILL_COLUMNS",
    "wave_table",
    "training_summary",
    "power_curves",
    "plan_record",
    "plan_period",
    "first_wave_of",
    "run_plan",
    "group_value_labels",
]

#: Exclusion rules, in the order they are checked (the first that applies is ``aturan``).
RULES = ("keluar", "pensiun", "plt", "pppk", "masa_minimal")
_ACTING = ("PLT", "PLH", "PJ")


class PlanInfeasible(MutasiError):
    """No assignment satisfies the rules and caps; the message names the binding constraint.

    Exit code 1 (``mutasi plan``): the inputs are valid, the rules leave no plan; 2 stays for bad input.
    """

    def __init__(self, message: str):
        super().__init__(message, exit_code=1)


def position_group(jenis_jabatan) -> pd.Series:
    """Position group (:data:`POSITION_GROUPS`) of ``jenis_jabatan`` codes (NA when unknown)."""
    s = pd.Series(jenis_jabatan)
    return pd.to_numeric(s, errors="coerce").map(POSITION_GROUP_OF_JENIS).astype("string")


def _add_months(day: dt.date, months: int) -> dt.date:
    y, m = divmod(day.year * 12 + day.month - 1 + int(months), 12)
    return dt.date(y, m + 1, 1)


def _posts(riwayat: pd.DataFrame, config: RegionConfig, as_of, pegawai: pd.DataFrame | None):
    """Every person in a definitive post at ``as_of`` (latest definitive record), with history."""
    cls = classify_moves(riwayat, config)
    day = pd.Timestamp(as_of)
    cls = cls[cls["tmt_jabatan"] <= day]
    d = cls[cls["jenis_penugasan"].eq("D")]
    cur = _current_posts(cls, day).copy()
    if pegawai is not None and "tanggal_keluar" in pegawai.columns:
        out = _as_datetime(pegawai["tanggal_keluar"], "pegawai", "tanggal_keluar")
        gone = set(pegawai["pid"].astype(str)[out.notna() & (out <= day)])
        cur = cur[~cur["pid"].isin(gone)]
    cur["kelompok_jabatan"] = position_group(cur["jenis_jabatan"]).to_numpy()
    served = d.groupby("pid")["kode_unit"].agg(lambda s: tuple(dict.fromkeys(s)))
    cur["unit_dijalani"] = cur["pid"].map(served)
    return cls, cur.reset_index(drop=True)


# --------------------------------------------------------------------------------------
# needs analysis
# --------------------------------------------------------------------------------------
def _formasi_year(formasi: pd.DataFrame, year: int) -> int:
    years = sorted(int(y) for y in pd.Series(formasi["tahun"]).dropna().unique())
    usable = [y for y in years if y <= year]
    if not years:
        raise DataError("the formasi table is empty: the needs analysis has no requirement to compare with")
    if not usable:
        raise DataError(f"the formasi table holds years {', '.join(map(str, years))}, none on or before {year}: "
                        f"add the requirement for {year} (mutasi template --tables formasi)")
    return usable[-1]


def staffing_needs(formasi: pd.DataFrame, riwayat: pd.DataFrame, config: RegionConfig, as_of,
                   year: int | None = None, pegawai: pd.DataFrame | None = None) -> pd.DataFrame:
    """Required against present staff per unit and position group.

    Parameters
    ----------
    formasi : DataFrame
        Processed ``formasi`` (kode_unit, kelompok_jabatan, kebutuhan, tahun).
    riwayat : DataFrame
        Processed ``riwayat_jabatan``.
    config : RegionConfig
    as_of : date-like
        Staff present are those whose latest definitive record on or before it is in the unit
        (and who have not left by then, when ``pegawai`` has ``tanggal_keluar``).
    year : int, optional
        The requirement's year: the latest ``tahun`` on or before it (default ``as_of``'s year).
    pegawai : DataFrame, optional
        Processed ``pegawai``, for ``tanggal_keluar``.

    Returns
    -------
    DataFrame
        One row per unit and group that has a requirement or staff: ``kode_unit,
        kelompok_jabatan, kebutuhan, ada, kekurangan`` (``kebutuhan - ada``: positive is a gap,
        negative a surplus). Units and groups without a formasi row have ``kebutuhan`` NA (no
        requirement known) and ``kekurangan`` NA. ``attrs["tahun"]`` is the year used.

    Raises
    ------
    DataError
        When ``formasi`` is empty or has no year on or before ``year``.
    """
    as_of = pd.Timestamp(as_of)
    year = as_of.year if year is None else int(year)
    used = _formasi_year(formasi, year)
    f = formasi[formasi["tahun"].astype("Int64") == used]
    req = f.groupby(["kode_unit", "kelompok_jabatan"])["kebutuhan"].sum().astype("int64")
    _, cur = _posts(riwayat, config, as_of, pegawai)
    present = cur.groupby(["kode_unit", "kelompok_jabatan"]).size()
    keys = sorted(set(req.index) | set(present.index),
                  key=lambda k: (config.unit_codes.index(k[0]) if k[0] in config.unit_codes else 999,
                                 POSITION_GROUPS.index(k[1]) if k[1] in POSITION_GROUPS else 9))
    out = pd.DataFrame(keys, columns=["kode_unit", "kelompok_jabatan"])
    out["kebutuhan"] = pd.array([req.get(k, pd.NA) for k in keys], dtype="Int64")
    out["ada"] = np.array([int(present.get(k, 0)) for k in keys], dtype="int64")
    out["kekurangan"] = (out["kebutuhan"] - out["ada"]).astype("Int64")
    out.attrs["tahun"] = used
    return out


def skill_mix(riwayat: pd.DataFrame, config: RegionConfig, as_of, pegawai: pd.DataFrame | None = None) -> pd.DataFrame:
    """Knowledge-spread view per unit: staff by position group and the units they served in.

    Returns
    -------
    DataFrame
        One row per config unit: ``kode_unit, ada``, one count column per position group,
        ``pernah_unit_lain`` (staff who served in at least one other unit, definitive posts)
        and ``rata_unit_dijalani`` (mean number of units served, this one included).
    """
    _, cur = _posts(riwayat, config, as_of, pegawai)
    rows = []
    for u in config.unit_codes:
        c = cur[cur["kode_unit"] == u]
        n_units = c["unit_dijalani"].map(len)
        row = {"kode_unit": u, "ada": int(len(c))}
        for g in POSITION_GROUPS:
            row[g] = int((c["kelompok_jabatan"] == g).sum())
        row["pernah_unit_lain"] = int((n_units > 1).sum())
        row["rata_unit_dijalani"] = float(n_units.mean()) if len(c) else float("nan")
        rows.append(row)
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------------------
# eligibility
# --------------------------------------------------------------------------------------
def eligibility(riwayat: pd.DataFrame, pegawai: pd.DataFrame, config: RegionConfig, move_date,
                as_of=None) -> pd.DataFrame:
    """Who may move in the next wave: every person in a definitive post, with the rules applied.

    Rules (:data:`RULES`, checked in this order; each carries its legal basis):

    - ``keluar``: ``tanggal_keluar`` on or before the horizon's end (``move_date`` +
      ``planning.horizon_months``);
    - ``pensiun``: reaches the retirement age of their position group
      (``planning.retirement_age``) in or before the horizon's last year. Only the birth year
      leaves ingestion, so a person turning that age in that year counts as retiring
      (conservative: they stay put);
    - ``plt``: holds an acting assignment (PLT, PLH, PJ) at ``as_of``: their latest record is one,
      begun less than ``planning.acting_months`` before ``as_of``;
    - ``pppk``: a PPPK contract, unless ``planning.pppk_may_move``;
    - ``masa_minimal``: fewer than ``rotation.min_years_in_post`` years in the post at
      ``move_date`` (the first wave: conservative for later waves).

    Parameters
    ----------
    riwayat, pegawai : DataFrame
        Processed ``riwayat_jabatan`` and ``pegawai`` (``pegawai`` needs ``tahun_lahir``).
    config : RegionConfig
    move_date : date-like
        The first wave's date.
    as_of : date-like, optional
        The data's end (default the day before ``move_date``).

    Returns
    -------
    DataFrame
        One row per person in post: ``pid, kode_unit, kelompok_jabatan, golongan, status,
        tahun_menjabat`` (years in the post at ``move_date``), ``lewat_batas`` (past
        ``max_years_in_post``), ``unit_dijalani`` (tuple of unit codes served in),
        ``layak`` (eligible), ``aturan`` (first rule that excludes; NA when eligible),
        ``semua_aturan`` (every rule that applies, ``;``-joined), ``dasar_hukum`` and
        ``keterangan`` (of ``aturan``).
    """
    move = pd.Timestamp(move_date)
    as_of = move - pd.Timedelta(days=1) if as_of is None else pd.Timestamp(as_of)
    if "tahun_lahir" not in pegawai.columns:
        raise DataError("processed pegawai has no tahun_lahir (birth year) column, which the retirement rule "
                        "needs: run `mutasi ingest` again with this version")
    pl, rules = config.planning, config.rotation
    cls, cur = _posts(riwayat, config, as_of, pegawai)
    peg = pegawai.assign(pid=pegawai["pid"].astype(str)).set_index("pid")
    cur = cur[cur["pid"].isin(peg.index)].reset_index(drop=True)
    horizon = pd.Timestamp(_add_months(move.date(), pl.horizon_months)) - pd.Timedelta(days=1)
    years = (move - cur["post_start"]).dt.days / _YEAR
    birth = pd.to_numeric(peg["tahun_lahir"], errors="coerce").reindex(cur["pid"]).to_numpy(dtype=float)
    age_limit = cur["kelompok_jabatan"].map(lambda g: getattr(pl.retirement_age, str(g), None)
                                             if isinstance(g, str) else None).astype(float).to_numpy()
    left = (_as_datetime(peg["tanggal_keluar"], "pegawai", "tanggal_keluar").reindex(cur["pid"]).to_numpy()
            if "tanggal_keluar" in peg.columns else np.full(len(cur), np.datetime64("NaT")))
    status = peg["status"].astype(str).reindex(cur["pid"]).to_numpy()
    # An acting assignment is open at as_of when it is the person's latest record of any kind.
    # An acting assignment is open at as_of when it is the person's latest record of any kind and
    # began less than planning.acting_months before as_of (the data hold no end date).
    last = cls.groupby("pid", sort=False).tail(1).set_index("pid")
    since = pd.Timestamp(_add_months(as_of.date().replace(day=1), -pl.acting_months)) + pd.Timedelta(
        days=as_of.day - 1)
    open_acting = last["jenis_penugasan"].isin(_ACTING) & (last["tmt_jabatan"] > since)
    acting = cur["pid"].map(open_acting).fillna(False).astype(bool).to_numpy()
    checks = {
        "keluar": (pd.notna(left) & (pd.to_datetime(left) <= horizon),
                   "data kepegawaian (tanggal_keluar)",
                   lambda i: f"leaves on {pd.Timestamp(left[i]).date()} (before {horizon.date()})"),
        "pensiun": (~np.isnan(birth) & ~np.isnan(age_limit) & (birth + age_limit <= horizon.year),
                    pl.retirement_legal_basis,
                    lambda i: f"reaches retirement age {int(age_limit[i])} in {int(birth[i] + age_limit[i])} "
                              f"(horizon ends {horizon.date()})"),
        "plt": (acting, pl.acting_legal_basis,
                lambda i: f"holds an acting assignment (PLT/PLH/PJ) begun within {pl.acting_months} months"),
        "pppk": ((status == "PPPK") & (not pl.pppk_may_move), pl.pppk_legal_basis,
                 lambda i: "PPPK contract ([planning] pppk_may_move = false)"),
        "masa_minimal": ((years < rules.min_years_in_post).to_numpy(), rules.legal_basis,
                         lambda i: f"{years.iloc[i]:.2f} years in post on {move.date()} "
                                   f"(< {rules.min_years_in_post:g})"),
    }
    first, every, basis, detail = [], [], [], []
    for i in range(len(cur)):
        hit = [r for r in RULES if bool(checks[r][0][i])]
        every.append(";".join(hit))
        first.append(hit[0] if hit else pd.NA)
        basis.append(checks[hit[0]][1] if hit else pd.NA)
        detail.append(checks[hit[0]][2](i) if hit else pd.NA)
    out = pd.DataFrame({
        "pid": cur["pid"].astype(str),
        "kode_unit": cur["kode_unit"].astype(str),
        "kelompok_jabatan": cur["kelompok_jabatan"],
        "golongan": peg["golongan"].astype(str).reindex(cur["pid"]).to_numpy(),
        "status": status,
        "tahun_menjabat": years.round(2).to_numpy(),
        "lewat_batas": (years > rules.max_years_in_post).to_numpy(),
        "unit_dijalani": cur["unit_dijalani"],
        "layak": [a is pd.NA for a in first],
        "aturan": pd.array(first, dtype="string"),
        "semua_aturan": every,
        "dasar_hukum": pd.array(basis, dtype="string"),
        "keterangan": pd.array(detail, dtype="string"),
    })
    out = out.sort_values(["kode_unit", "pid"], kind="stable").reset_index(drop=True)
    out.attrs.update({"move_date": str(move.date()), "as_of": str(as_of.date()), "horizon_end": str(horizon.date())})
    return out


# --------------------------------------------------------------------------------------
# rollout (stepped wedge)
# --------------------------------------------------------------------------------------
def _wave_sizes(n_units: int, n_waves: int) -> list[int]:
    base, extra = divmod(n_units, n_waves)
    return [base + (1 if k < extra else 0) for k in range(n_waves)]


def draw_rollout(units, config: RegionConfig, first_wave, seed: int | None = None) -> pd.DataFrame:
    """Assign units to waves at random (a stepped wedge), reproducibly from ``seed``.

    Parameters
    ----------
    units : sequence of str
        Unit codes (every unit of the region, usually).
    config : RegionConfig
        ``planning.n_waves`` and ``planning.wave_spacing_months``.
    first_wave : date-like
        First day of the first wave's month.
    seed : int, optional
        Default ``planning.seed``. The draw is ``numpy.random.default_rng(seed).permutation``
        of ``units`` in the order given, cut into waves of near-equal size (earlier waves take
        the remainder).

    Returns
    -------
    DataFrame
        ``kode_unit, gelombang`` (1..n_waves), ``tanggal`` (the wave's first day), ``t`` (its
        integer month, :func:`mutasi_analysis.rotation.month_index`), in wave order.
        ``attrs`` holds ``seed`` and ``sizes``.
    """
    pl = config.planning
    seed = pl.seed if seed is None else int(seed)
    units = list(units)
    n_waves = min(pl.n_waves, len(units)) or 1
    order = np.random.default_rng(seed).permutation(len(units))
    sizes = _wave_sizes(len(units), n_waves)
    start = pd.Timestamp(first_wave).date().replace(day=1)
    rows, k0 = [], 0
    for w, n in enumerate(sizes):
        day = _add_months(start, w * pl.wave_spacing_months)
        for j in order[k0:k0 + n]:
            rows.append((units[j], w + 1, day, month_index(day)))
        k0 += n
    out = pd.DataFrame(rows, columns=["kode_unit", "gelombang", "tanggal", "t"])
    out.attrs.update({"seed": seed, "sizes": sizes})
    return out


# --------------------------------------------------------------------------------------
# assignment
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Assignment:
    """The solved assignment.

    Attributes
    ----------
    moves : DataFrame
        ``pid, asal, tujuan, kelompok_jabatan, gelombang, tanggal_pindah, lewat_batas,
        unit_baru, n_unit_dijalani`` (units the person has served in: the experience they bring),
        ``mengisi_kekurangan, mengurangi_kelebihan``.
    after : DataFrame
        The needs table with ``masuk``, ``keluar``, ``ada_sesudah`` and ``kekurangan_sesudah``.
    objective : float
        The minimised objective (see the module docstring), constant terms included.
    pairs_blocked : dict
        Rule -> number of (person, unit) pairs it ruled out (``tidak_kembali``, ``pembekuan``),
        and ``tanpa_formasi``: eligible persons kept in place because formasi has no requirement
        for their own unit and group (a departure's gap could not be weighed).
    """

    moves: pd.DataFrame
    after: pd.DataFrame
    objective: float
    pairs_blocked: dict


def _pairs(cands: pd.DataFrame, needs: pd.DataFrame, rollout: pd.DataFrame, config: RegionConfig,
           riwayat_cls: pd.DataFrame | None):
    """Allowed (person, unit) pairs and what blocked the others."""
    pl = config.planning
    req = needs.dropna(subset=["kebutuhan"])
    has_post = set(zip(req.loc[req["kebutuhan"] > 0, "kode_unit"], req.loc[req["kebutuhan"] > 0, "kelompok_jabatan"]))
    known = set(zip(req["kode_unit"], req["kelompok_jabatan"]))
    wave_day = dict(zip(rollout["kode_unit"], pd.to_datetime(rollout["tanggal"])))
    frozen = {u for u, d in wave_day.items() if config.freeze_window_at(d.date()) is not None}
    left_at: dict[tuple[str, str], pd.Timestamp] = {}
    if riwayat_cls is not None and len(riwayat_cls):
        r = riwayat_cls[riwayat_cls["is_rotation"]]
        for pid, unit, day in zip(r["pid"], r["prev_unit"].astype(str), r["tmt_jabatan"]):
            key = (pid, unit)
            if key not in left_at or day > left_at[key]:
                left_at[key] = day
    blocked = {"tidak_kembali": 0, "pembekuan": 0, "tanpa_formasi": 0}
    pairs = []
    for i, c in enumerate(cands.itertuples(index=False)):
        # Without a requirement for the person's own unit and group, the program could not see
        # the gap a departure leaves: such a person stays (counted once, as a person).
        if (c.kode_unit, c.kelompok_jabatan) not in known:
            blocked["tanpa_formasi"] += 1
            continue
        for u in wave_day:
            if u == c.kode_unit or (u, c.kelompok_jabatan) not in has_post:
                continue
            if u in frozen:
                blocked["pembekuan"] += 1
                continue
            last = left_at.get((c.pid, u))
            if last is not None and (wave_day[u] - last).days / _YEAR < pl.no_return_years:
                blocked["tidak_kembali"] += 1
                continue
            pairs.append((i, u))
    return pairs, blocked, frozen


def objective_value(moves: pd.DataFrame, needs: pd.DataFrame, candidates: pd.DataFrame, weights) -> float:
    """The objective of :func:`assign` for given moves (``pid, tujuan``), constant terms included.

    Written once here for the report and :func:`assign`'s check; the tests evaluate it
    independently by brute force.
    """
    c = candidates.set_index("pid")
    req = needs.dropna(subset=["kebutuhan"]).set_index(["kode_unit", "kelompok_jabatan"])
    level = req["ada"].astype(float).copy()
    total = 0.0
    for pid, to in zip(moves["pid"], moves["tujuan"]):
        g, frm = c.at[pid, "kelompok_jabatan"], c.at[pid, "kode_unit"]
        if (frm, g) in level.index:
            level[(frm, g)] -= 1
        if (to, g) in level.index:
            level[(to, g)] += 1
        total += weights.move - weights.new_unit * (to not in c.at[pid, "unit_dijalani"]) \
            - weights.overdue * bool(c.at[pid, "lewat_batas"])
    diff = level - req["kebutuhan"].astype(float)
    return float(total + weights.gap * (-diff).clip(lower=0).sum() + weights.surplus * diff.clip(lower=0).sum())


def assign(needs: pd.DataFrame, candidates: pd.DataFrame, rollout: pd.DataFrame, config: RegionConfig,
           riwayat: pd.DataFrame | None = None, time_limit: float = 60.0) -> Assignment:
    """Propose moves: the integer program of the module docstring, solved with HiGHS.

    Parameters
    ----------
    needs : DataFrame
        From :func:`staffing_needs`. Only (unit, group) rows with a requirement enter the
        gap terms, and a person can only move to a unit with a requirement > 0 for their group.
    candidates : DataFrame
        Eligible rows of :func:`eligibility` (``layak``); ineligible rows are dropped here too.
    rollout : DataFrame
        From :func:`draw_rollout`: the wave (and date) of every destination unit.
    config : RegionConfig
        ``planning`` caps and weights, ``rotation.freeze_windows``.
    riwayat : DataFrame, optional
        Processed ``riwayat_jabatan``, for the no-return rule (without it the rule is not applied).
    time_limit : float, default 60
        Seconds HiGHS may take (these problems solve in well under a second).

    Returns
    -------
    Assignment

    Raises
    ------
    PlanInfeasible
        When no assignment satisfies the caps and the mandatory moves
        (``planning.overdue_must_move``); the message names the binding constraint.
    """
    from scipy.optimize import Bounds, LinearConstraint, milp
    from scipy.sparse import coo_matrix

    pl, w = config.planning, config.planning.weights
    cands = candidates[candidates["layak"].astype(bool)].reset_index(drop=True)
    cls = classify_moves(riwayat, config) if riwayat is not None else None
    pairs, blocked, frozen = _pairs(cands, needs, rollout, config, cls)
    req = needs.dropna(subset=["kebutuhan"]).reset_index(drop=True)
    ug = {(u, g): k for k, (u, g) in enumerate(zip(req["kode_unit"], req["kelompok_jabatan"]))}
    n_x, n_ug = len(pairs), len(ug)
    n = n_x + 2 * n_ug
    wave_of = dict(zip(rollout["kode_unit"], rollout["gelombang"]))
    # Plain lists: this loops over every pair, where pandas element access would dominate.
    c_unit, c_group = cands["kode_unit"].tolist(), cands["kelompok_jabatan"].tolist()
    c_served, c_over = cands["unit_dijalani"].tolist(), cands["lewat_batas"].astype(bool).tolist()
    cost = np.zeros(n)
    for j, (i, u) in enumerate(pairs):
        cost[j] = w.move - w.new_unit * (u not in c_served[i]) - w.overdue * c_over[i]
    cost[n_x:n_x + n_ug] = w.gap
    cost[n_x + n_ug:] = w.surplus

    rows, lo, hi, family = [], [], [], []

    def add(coefs: dict[int, float], low: float, high: float, fam: str) -> None:
        rows.append(coefs)
        lo.append(low)
        hi.append(high)
        family.append(fam)

    by_person: dict[int, list[int]] = {}
    into: dict[str, list[int]] = {}
    out_of: dict[str, list[int]] = {}
    by_wave: dict[int, list[int]] = {}
    for j, (i, u) in enumerate(pairs):
        by_person.setdefault(i, []).append(j)
        into.setdefault(u, []).append(j)
        out_of.setdefault(c_unit[i], []).append(j)
        by_wave.setdefault(int(wave_of[u]), []).append(j)
    mandatory = [i for i in range(len(cands)) if pl.overdue_must_move and c_over[i]]
    must_move = set(mandatory)
    for i in range(len(cands)):
        must = i in must_move
        add({j: 1.0 for j in by_person.get(i, [])}, 1.0 if must else 0.0, 1.0, "mandatory" if must else "one")
    for u, js in into.items():
        add({j: 1.0 for j in js}, 0.0, pl.max_moves_in_per_unit, "in_cap")
    for u, js in out_of.items():
        add({j: 1.0 for j in js}, 0.0, pl.max_moves_out_per_unit, "out_cap")
    for wv, js in by_wave.items():
        add({j: 1.0 for j in js}, 0.0, pl.max_moves_per_wave, "wave_cap")
    # Balance per (unit, group): -out + in - over + short = required - present.
    bal: dict[int, dict[int, float]] = {k: {} for k in range(n_ug)}
    for j, (i, u) in enumerate(pairs):
        g, frm = c_group[i], c_unit[i]
        if (frm, g) in ug:
            bal[ug[(frm, g)]][j] = bal[ug[(frm, g)]].get(j, 0.0) - 1.0
        if (u, g) in ug:
            bal[ug[(u, g)]][j] = bal[ug[(u, g)]].get(j, 0.0) + 1.0
    for (u, g), k in ug.items():
        coefs = dict(bal[k])
        coefs[n_x + n_ug + k] = -1.0
        coefs[n_x + k] = 1.0
        rhs = float(req.at[k, "kebutuhan"] - req.at[k, "ada"])
        add(coefs, rhs, rhs, "balance")

    # A mandatory person with nowhere to go is infeasible whatever the caps: say so first.
    stuck = [i for i in mandatory if not by_person.get(i)]
    if stuck:
        per_unit = pd.Series([c_unit[i] for i in stuck]).value_counts()
        causes = [k for k, n in (("an election freeze window covers the waves", blocked["pembekuan"]),
                                 ("a return ban", blocked["tidak_kembali"]),
                                 ("no formasi requirement for their own post", blocked["tanpa_formasi"])) if n]
        raise PlanInfeasible(
            f"{len(stuck)} staff past {config.rotation.max_years_in_post:g} years must move "
            f"([planning] overdue_must_move = true) but have no unit to go to "
            f"({', '.join(f'{u}: {n}' for u, n in per_unit.items())}); "
            f"{'; '.join(causes) or 'no other unit has a post of their group in formasi'}; "
            "set overdue_must_move = false, or add the posts to formasi")
    # Every pair ruled out by the election freeze: no plan can be made in these waves.
    if not pairs and blocked["pembekuan"]:
        raise PlanInfeasible(
            f"every wave ({', '.join(str(d) for d in sorted(set(rollout['tanggal'])))}) falls in an election freeze "
            "window ([rotation.freeze_windows]): no move is allowed without the Home Affairs Minister's written "
            "approval; plan for a later period or change [planning] n_waves / wave_spacing_months")

    def solve(skip: set[str]):
        keep = [k for k, f in enumerate(family) if f not in skip]
        ri, ci, vals = [], [], []
        for r, k in enumerate(keep):
            ri += [r] * len(rows[k])
            ci += list(rows[k])
            vals += list(rows[k].values())
        A = coo_matrix((vals, (ri, ci)), shape=(len(keep), n))
        lows = np.array([lo[k] if not (family[k] == "mandatory" and "mandatory" in skip) else 0 for k in keep])
        cons = [LinearConstraint(A.tocsr(), lows, np.array([hi[k] for k in keep]))] if keep else []
        integrality = np.r_[np.ones(n_x), np.zeros(2 * n_ug)]
        ub = np.r_[np.ones(n_x), np.full(2 * n_ug, np.inf)]
        return milp(cost, constraints=cons, integrality=integrality, bounds=Bounds(np.zeros(n), ub),
                    options={"time_limit": float(time_limit)})

    res = solve(set())
    if res.status == 2 or res.x is None:
        raise PlanInfeasible(_binding(solve, cands, mandatory, config, frozen))
    if res.status not in (0,):
        raise PlanInfeasible(f"the solver stopped without a proven optimum ({res.message}); "
                             "raise the time limit or loosen the caps")
    chosen = [pairs[j] for j in np.flatnonzero(res.x[:n_x] > 0.5)]
    moves = _moves_frame(chosen, cands, req, rollout)
    # short/over are variables at their optimum given x, so res.fun is the full objective.
    return Assignment(moves=moves, after=_after(needs, moves), objective=float(res.fun), pairs_blocked=blocked)


def _binding(solve, cands, mandatory, config, frozen) -> str:
    """Name the family of constraints whose removal makes the problem feasible, with numbers."""
    pl = config.planning
    n_must = len(mandatory)
    per_unit = pd.Series([cands.at[i, "kode_unit"] for i in mandatory]).value_counts()
    over_out = per_unit[per_unit > pl.max_moves_out_per_unit]
    head = (f"no plan satisfies the rules: {n_must} staff past {config.rotation.max_years_in_post:g} years "
            f"must move ([planning] overdue_must_move = true)")
    if len(over_out):
        u, k = over_out.index[0], int(over_out.iloc[0])
        return (f"{head}, but unit {u} alone has {k} of them and max_moves_out_per_unit = "
                f"{pl.max_moves_out_per_unit} binds; raise it or set overdue_must_move = false")
    for fam, key, value in (("wave_cap", "max_moves_per_wave", pl.max_moves_per_wave),
                            ("in_cap", "max_moves_in_per_unit", pl.max_moves_in_per_unit),
                            ("out_cap", "max_moves_out_per_unit", pl.max_moves_out_per_unit)):
        r = solve({fam})
        if r.status == 0:
            extra = f" (waves {pl.n_waves} x {value} = {pl.n_waves * value} moves)" if fam == "wave_cap" else ""
            return f"{head}, but {key} = {value} binds{extra}; raise it or set overdue_must_move = false"
    if frozen:
        return f"{head}, but the waves of {len(frozen)} unit(s) fall in an election freeze window; move the waves"
    return f"{head}, and the caps together leave no room; raise the caps or set overdue_must_move = false"


def _moves_frame(chosen, cands, req, rollout) -> pd.DataFrame:
    wave = rollout.set_index("kode_unit")
    rows = []
    for i, u in chosen:
        c = cands.iloc[i]
        rows.append({
            "pid": c["pid"], "asal": c["kode_unit"], "tujuan": u, "kelompok_jabatan": c["kelompok_jabatan"],
            "gelombang": int(wave.at[u, "gelombang"]), "tanggal_pindah": wave.at[u, "tanggal"],
            "lewat_batas": bool(c["lewat_batas"]), "unit_baru": u not in c["unit_dijalani"],
            "n_unit_dijalani": len(c["unit_dijalani"]),
        })
    cols = ["pid", "asal", "tujuan", "kelompok_jabatan", "gelombang", "tanggal_pindah", "lewat_batas", "unit_baru",
            "n_unit_dijalani"]
    out = pd.DataFrame(rows, columns=cols).sort_values(["gelombang", "tujuan", "pid"], kind="stable")
    out = out.reset_index(drop=True)
    # A move fills a gap (relieves a surplus) only as far as the plan as a whole closes that gap
    # (surplus): of k moves into a unit whose gap shrinks by g, the first min(k, g) fill it.
    ada = {(u, g): int(a) for u, g, a in zip(req["kode_unit"], req["kelompok_jabatan"], req["ada"])}
    need = {(u, g): int(k) for u, g, k in zip(req["kode_unit"], req["kelompok_jabatan"], req["kebutuhan"])}
    ins = out.groupby(["tujuan", "kelompok_jabatan"]).size().to_dict()
    outs = out.groupby(["asal", "kelompok_jabatan"]).size().to_dict()
    after = {k: ada[k] - outs.get(k, 0) + ins.get(k, 0) for k in ada}
    closed = {k: max(need[k] - ada[k], 0) - max(need[k] - after[k], 0) for k in ada}
    relieved = {k: max(ada[k] - need[k], 0) - max(after[k] - need[k], 0) for k in ada}
    fill, ease = [], []
    for m in out.itertuples(index=False):
        to, frm = (m.tujuan, m.kelompok_jabatan), (m.asal, m.kelompok_jabatan)
        fill.append(closed.get(to, 0) > 0)
        if fill[-1]:
            closed[to] -= 1
        ease.append(relieved.get(frm, 0) > 0)
        if ease[-1]:
            relieved[frm] -= 1
    out["mengisi_kekurangan"] = fill
    out["mengurangi_kelebihan"] = ease
    return out


def _after(needs: pd.DataFrame, moves: pd.DataFrame) -> pd.DataFrame:
    out = needs.copy()
    key = list(zip(out["kode_unit"], out["kelompok_jabatan"]))
    masuk = moves.groupby(["tujuan", "kelompok_jabatan"]).size()
    keluar = moves.groupby(["asal", "kelompok_jabatan"]).size()
    out["masuk"] = [int(masuk.get(k, 0)) for k in key]
    out["keluar"] = [int(keluar.get(k, 0)) for k in key]
    out["ada_sesudah"] = out["ada"] + out["masuk"] - out["keluar"]
    out["kekurangan_sesudah"] = (out["kebutuhan"] - out["ada_sesudah"]).astype("Int64")
    return out


# --------------------------------------------------------------------------------------
# training before the move
# --------------------------------------------------------------------------------------
#: Groups of the feedback survey checked for readiness: destination unit type, golongan group
#: (roman numeral, as the feedback section shows it) and position group.
READINESS_COLUMNS = ("jenis_unit", "golongan", "kelompok_jabatan")


def unready_groups(survei: pd.DataFrame, pegawai: pd.DataFrame, config: RegionConfig, as_of=None,
                   lang: str = "id") -> pd.DataFrame:
    """Share of rotated staff not ready, per group, and whether it calls for training first.

    Parameters
    ----------
    survei : DataFrame
        Processed ``survei_asn`` (the sheets of rotated staff).
    pegawai : DataFrame
        Processed ``pegawai`` (golongan and jenis_jabatan of each pid).
    config : RegionConfig
        ``thresholds.unready_share_training`` and ``thresholds.min_cell_size``.
    as_of : date-like, optional
        Only sheets dated on or before it.

    Returns
    -------
    DataFrame
        ``kolom`` (one of :data:`READINESS_COLUMNS`), ``nilai``, ``n_kesiapan``,
        ``share_belum_siap`` (NaN where suppressed for small cells) and ``perlu_pelatihan``
        (the share is at or above the threshold). A suppressed group never calls for training
        on its own: too few answers to say.
    """
    from .survey import add_golongan, add_unit_type, readiness_by_group

    th = config.thresholds
    x = survei
    if as_of is not None and len(x):
        x = x[_as_datetime(x["tanggal"], "survei_asn", "tanggal") <= pd.Timestamp(as_of)]
    cols = ["kolom", "nilai", "n_kesiapan", "share_belum_siap", "perlu_pelatihan"]
    if not len(x):
        return pd.DataFrame({c: pd.Series(dtype=t) for c, t in zip(cols, ["str", "str", "int64", "float64", "bool"])})
    x = add_golongan(add_unit_type(x, config), pegawai)
    jj = dict(zip(pegawai["pid"].astype(str), pegawai["jenis_jabatan"]))
    x = x.assign(kelompok_jabatan=position_group(x["pid"].astype(str).map(jj)).fillna("?").astype(str).to_numpy())
    parts = []
    for col in READINESS_COLUMNS:
        r = readiness_by_group(x, col, th.min_cell_size, lang=lang)
        parts.append(pd.DataFrame({"kolom": col, "nilai": r["kelompok"].astype(str), "n_kesiapan": r["n_kesiapan"],
                                   "share_belum_siap": r["share_belum_siap"].astype(float)}))
    out = pd.concat(parts, ignore_index=True)
    out["perlu_pelatihan"] = out["share_belum_siap"].ge(th.unready_share_training).fillna(False).astype(bool)
    return out[cols]


def _person_groups(move, eligible_row, config: RegionConfig) -> dict[str, str]:
    return {"jenis_unit": config.unit(move["tujuan"]).type,
            "golongan": str(eligible_row["golongan"]).split("/")[0],
            "kelompok_jabatan": str(eligible_row["kelompok_jabatan"])}


def training_schedule(moves: pd.DataFrame, candidates: pd.DataFrame, groups: pd.DataFrame, config: RegionConfig,
                      pelatihan: pd.DataFrame | None = None) -> pd.DataFrame:
    """Training before the move for every proposed mover in a group that calls for it.

    A mover is in a group by the destination's unit type, their golongan group and their
    position group (:data:`READINESS_COLUMNS`). The course is the first ``[[planning.training]]``
    entry that names one of the mover's flagged groups; else a course of the ``pelatihan``
    catalogue whose name names the group (``puskesmas``, ``kelurahan``, ``fungsional``...);
    else ``planning.default_course``. It ends ``planning.training_lead_months`` months before the move.

    Parameters
    ----------
    moves : DataFrame
        :attr:`Assignment.moves`.
    candidates : DataFrame
        :func:`eligibility` (golongan and position group of each pid).
    groups : DataFrame
        :func:`unready_groups`.
    config : RegionConfig
    pelatihan : DataFrame, optional
        Processed ``pelatihan``: the catalogue of courses held before (``nama_pelatihan``).

    Returns
    -------
    DataFrame
        ``pid, tujuan, gelombang, tanggal_pindah, kelompok`` (the flagged groups, e.g.
        ``jenis_unit=puskesmas``), ``pelatihan``, ``dalam_katalog`` (the course has been held:
        its name is in ``pelatihan``), ``peserta_sebelumnya`` and ``selesai_sebelum`` (the
        date the course must end by).
    """
    pl = config.planning
    flagged = {(r.kolom, r.nilai) for r in groups.itertuples() if r.perlu_pelatihan}
    catalogue = (pelatihan["nama_pelatihan"].astype(str).str.strip().str.casefold().value_counts()
                 if pelatihan is not None and len(pelatihan) else pd.Series(dtype="int64"))
    catalogue_names = {}
    if pelatihan is not None and len(pelatihan):
        names = pelatihan["nama_pelatihan"].astype(str).str.strip()
        catalogue_names = {k: names[names.str.casefold() == k].iloc[0] for k in catalogue.index}
    cand = candidates.set_index("pid")
    rows = []
    for m in moves.to_dict("records"):
        g = _person_groups(m, cand.loc[m["pid"]], config)
        hit = [(c, v) for c, v in g.items() if (c, v) in flagged]
        if not hit:
            continue
        course = next((t.course for t in pl.training if (t.column, t.value) in hit), None) \
            or _catalogue_match(catalogue_names, catalogue, hit) or pl.default_course
        held = int(catalogue.get(course.strip().casefold(), 0))
        move_day = pd.Timestamp(m["tanggal_pindah"]).date()
        rows.append({"pid": m["pid"], "tujuan": m["tujuan"], "gelombang": m["gelombang"],
                     "tanggal_pindah": move_day, "kelompok": "; ".join(f"{c}={v}" for c, v in hit),
                     "pelatihan": course, "dalam_katalog": held > 0, "peserta_sebelumnya": held,
                     "selesai_sebelum": _add_months(move_day, -pl.training_lead_months)
                     if pl.training_lead_months else move_day})
    cols = ["pid", "tujuan", "gelombang", "tanggal_pindah", "kelompok", "pelatihan", "dalam_katalog",
            "peserta_sebelumnya", "selesai_sebelum"]
    return pd.DataFrame(rows, columns=cols)


_GENERIC_WORDS = {"kantor", "unit", "dan", "the"}


def _catalogue_match(catalogue_names: dict, attended: pd.Series, hit) -> str | None:
    """A course held before whose name names one of the groups (``puskesmas`` in "Pelatihan
    Manajemen Puskesmas"); the most attended one when several do (ties by name). Roman golongan
    never match."""
    found = set()
    for column, value in hit:
        if column == "golongan":
            continue
        words = [w for w in str(value).casefold().replace("_", " ").split() if w not in _GENERIC_WORDS and len(w) > 3]
        found |= {key for key in catalogue_names if any(w in key for w in words)}
    if not found:
        return None
    best = sorted(found, key=lambda k: (-int(attended.get(k, 0)), k))[0]
    return catalogue_names[best]


def readiness_signal(moves: pd.DataFrame, candidates: pd.DataFrame, groups: pd.DataFrame,
                     config: RegionConfig) -> pd.Series:
    """Each mover's readiness signal: the highest unready share among their groups (NaN: none shown)."""
    share = {(r.kolom, r.nilai): r.share_belum_siap for r in groups.itertuples()}
    cand = candidates.set_index("pid")
    out = []
    for m in moves.to_dict("records"):
        g = _person_groups(m, cand.loc[m["pid"]], config)
        vals = [share.get((c, v)) for c, v in g.items()]
        vals = [v for v in vals if v is not None and not pd.isna(v)]
        out.append(max(vals) if vals else float("nan"))
    return pd.Series(out, index=moves.index, dtype="float64", name="sinyal_kesiapan")


# --------------------------------------------------------------------------------------
# power of the rollout
# --------------------------------------------------------------------------------------
def _balanced(panel: pd.DataFrame, outcome: str) -> pd.DataFrame:
    data = panel[["kode_unit", "t", "cohort", outcome]]
    data = data[data[outcome].notna()].assign(cohort=lambda d: d["cohort"].astype("int64"))
    months = data.groupby("kode_unit")["t"].nunique()
    return data[data["kode_unit"].isin(months[months == data["t"].nunique()].index)]


def need_order(needs: pd.DataFrame, units) -> list[str]:
    """Units by total gap, largest first (ties by code): the non-random rollout's order."""
    gap = needs.assign(k=needs["kekurangan"].fillna(0).clip(lower=0)).groupby("kode_unit")["k"].sum()
    return sorted(units, key=lambda u: (-int(gap.get(u, 0)), u))


def rollout_power(panel: pd.DataFrame, rollout: pd.DataFrame, needs: pd.DataFrame, config: RegionConfig,
                  outcome: str | None = None, n_sim: int = 500, n_perm: int = 999, seed: int | None = None,
                  power: float = 0.8) -> dict[str, Any]:
    """Power and MDE of the randomised rollout, beside the same waves filled in order of need.

    Both are :func:`mutasi_analysis.did.power` on the observed panel's noise, with the
    headline test (randomization inference at ``thresholds.alpha``), over a planned panel of
    ``planning.baseline_months`` before the first wave to ``planning.followup_months`` after the
    last. The randomised rollout draws the waves' units at random in every replication (the
    design the plan uses, so the test is valid by design); the need-ordered one fixes the
    largest gaps in the first wave (:func:`need_order`), whose test is valid only if that order
    is unrelated to the outcome's trends.

    Returns
    -------
    dict
        ``acak`` and ``kebutuhan``: a :class:`mutasi_analysis.did.PowerResult` or None;
        ``units`` (offices in the test), ``sizes``, ``first_wave``, ``spacing``, ``periods``,
        ``outcome``, ``n_sim``, ``n_perm``, ``seed``; ``reason`` when no figure could be made.
    """
    from . import did

    pl = config.planning
    outcome = outcome or panel.attrs.get("outcome", "respon_hari_kerja_mean")
    seed = pl.seed if seed is None else int(seed)
    data = _balanced(panel, outcome)
    units = set(data["kode_unit"])
    ro = rollout[rollout["kode_unit"].isin(units)]
    sizes = [int((ro["gelombang"] == w).sum()) for w in sorted(rollout["gelombang"].unique())]
    t_first = int(rollout["t"].min())
    t_last = int(rollout["t"].max())
    periods = list(range(t_first - pl.baseline_months, t_last + pl.followup_months))
    info: dict[str, Any] = {"acak": None, "kebutuhan": None, "units": sorted(units), "sizes": sizes,
                            "first_wave": t_first, "spacing": pl.wave_spacing_months, "periods": periods,
                            "outcome": outcome, "n_sim": int(n_sim), "n_perm": int(n_perm), "seed": seed,
                            "alpha": config.thresholds.alpha, "reason": None}
    common = dict(cohort="cohort", periods=periods, alpha=config.thresholds.alpha, power=power, n_sim=n_sim,
                  n_perm=n_perm, seed=seed)
    if not all(sizes):
        # Evenly spaced waves are what did.power simulates: a wave without a testable office breaks them.
        info["reason"] = (f"wave(s) {', '.join(str(w + 1) for w, n in enumerate(sizes) if not n)} hold no office "
                          f"whose {outcome} is observed in every month")
        return info
    try:
        info["acak"] = did.power(data, outcome, "kode_unit", "t", units_per_wave=sizes, n_waves=len(sizes),
                                 first_wave=t_first, spacing=pl.wave_spacing_months, **common)
        order = need_order(needs, sorted(units))
        wave_t = {int(w): int(t) for w, t in rollout.groupby("gelombang")["t"].first().items()}
        design, k = {}, 0
        for w, size in zip(sorted(wave_t), sizes):
            for u in order[k:k + size]:
                design[u] = wave_t[w]
            k += size
        info["kebutuhan"] = did.power(data, outcome, "kode_unit", "t", design=design, **common)
    except did.PanelDataError as exc:
        info["reason"] = str(exc)
    return info


# --------------------------------------------------------------------------------------
# the whole plan
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Plan:
    """A proposed next wave (pseudonyms and units only).

    Attributes
    ----------
    period : Period
        The period the wave falls in.
    as_of : datetime.date
        The data's end (staff present, tenure and survey answers up to it).
    first_wave : datetime.date
    needs, skill, eligibility, rollout, groups : DataFrame
        :func:`staffing_needs`, :func:`skill_mix`, :func:`eligibility`, :func:`draw_rollout`,
        :func:`unready_groups`.
    moves, after, training : DataFrame or None
        :class:`Assignment` moves (with ``sinyal_kesiapan``) and after-table, and
        :func:`training_schedule`; None when the plan is infeasible.
    objective : float or None
    pairs_blocked : dict
    infeasible : str or None
        Why no plan satisfies the rules (the binding constraint); None when solved.
    power : dict or None
        :func:`rollout_power` (None when not asked for).
    params : dict
        How the plan was made: period, seed, caps, weights, rules, n_sim, n_perm.
    """

    period: Period
    as_of: dt.date
    first_wave: dt.date
    needs: pd.DataFrame
    skill: pd.DataFrame
    eligibility: pd.DataFrame
    rollout: pd.DataFrame
    groups: pd.DataFrame
    moves: pd.DataFrame | None
    after: pd.DataFrame | None
    training: pd.DataFrame | None
    objective: float | None
    pairs_blocked: dict
    infeasible: str | None
    power: dict | None
    params: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """Whether a plan was found (the moves may still be none when no move improves)."""
        return self.infeasible is None

    def excluded(self) -> pd.DataFrame:
        """Exclusions by rule: ``aturan, dasar_hukum, n``."""
        e = self.eligibility[~self.eligibility["layak"]]
        out = e.groupby(["aturan", "dasar_hukum"], sort=False).size().rename("n").reset_index()
        order = {r: i for i, r in enumerate(RULES)}
        return out.sort_values("aturan", key=lambda s: s.map(order)).reset_index(drop=True)

    def facts(self) -> dict[str, Any]:
        """The plan's numbers as plain values (the section's record)."""
        gap_before = int(self.needs["kekurangan"].fillna(0).clip(lower=0).sum())
        el = self.eligibility

        def pw(key):
            r = (self.power or {}).get(key)
            if r is None:
                return None
            return {"mde": None if r.mde is None or not math.isfinite(r.mde) else float(r.mde),
                    "mde_se": None if r.mde_se is None or not math.isfinite(r.mde_se) else float(r.mde_se)}

        out = {
            "plan_period": self.period.id,
            "as_of": str(self.as_of),
            "first_wave": str(self.first_wave),
            "formasi_year": self.needs.attrs.get("tahun"),
            "staff": int(len(el)),
            "eligible": int(el["layak"].sum()),
            "overdue": int(el["lewat_batas"].sum()),
            "overdue_eligible": int((el["lewat_batas"] & el["layak"]).sum()),
            "excluded": {r: int((el["aturan"] == r).sum()) for r in RULES},
            "gap_before": gap_before,
            "feasible": self.ok,
            "infeasible": self.infeasible,
            "pairs_blocked": dict(self.pairs_blocked),
            "waves": self.rollout.groupby("gelombang")["kode_unit"].apply(list).to_dict()
            if len(self.rollout) else {},
            "seed": self.params.get("seed"),
            "power_random": pw("acak"),
            "power_need_order": pw("kebutuhan"),
            "power_reason": (self.power or {}).get("reason"),
        }
        out["waves"] = {str(k): v for k, v in out["waves"].items()}
        if self.ok:
            out.update({
                "moves": int(len(self.moves)),
                "moves_per_wave": {str(k): int(v) for k, v in self.moves.groupby("gelombang").size().items()},
                "moves_overdue": int(self.moves["lewat_batas"].sum()),
                "units_without_moves": sorted(set(self.rollout["kode_unit"]) - set(self.moves["tujuan"])),
                "moves_new_unit": int(self.moves["unit_baru"].sum()),
                "gap_after": int(self.after["kekurangan_sesudah"].fillna(0).clip(lower=0).sum()),
                "training": int(len(self.training)),
                "objective": self.objective,
            })
        return out


def make_plan(data, config: RegionConfig, period: Period, seed: int | None = None, panel: pd.DataFrame | None = None,
              n_sim: int = 500, n_perm: int = 999, with_power: bool = True, lang: str = "id", as_of=None) -> Plan:
    """Plan the wave of ``period`` from processed data.

    Parameters
    ----------
    data : mutasi_analysis.processed.Processed
        Needs ``formasi`` (an optional table: without it there is nothing to plan against).
    config : RegionConfig
    period : Period
        The period the wave falls in (``mutasi plan --period next``: the one after the data).
    seed : int, optional
        Seed of the rollout draw and the power simulation (default ``planning.seed``).
    panel : DataFrame, optional
        The headline service panel (:func:`mutasi_analysis.impact.build_panel`); built when
        not given.
    n_sim, n_perm : int
        Power simulation (see :func:`rollout_power`).
    with_power : bool, default True
    as_of : date-like, optional
        The data's end the plan uses (staff, tenure, answers); default the end of the period
        before ``period``.

    Returns
    -------
    Plan
        With ``infeasible`` set (and no moves) when the caps and mandatory moves conflict.

    Raises
    ------
    DataError
        When the data hold no ``formasi`` table.
    """
    if getattr(data, "formasi", None) is None:
        raise DataError("no formasi table was ingested, so there is no requirement to plan against: fill "
                        "formasi.xlsx (`mutasi template --tables formasi`), put it in the raw folder and run "
                        "`mutasi ingest`")
    pl = config.planning
    seed = pl.seed if seed is None else int(seed)
    as_of = period.previous().end if as_of is None else pd.Timestamp(as_of).date()
    first_wave = first_wave_of(period, config)
    needs = staffing_needs(data.formasi, data.riwayat_jabatan, config, as_of, year=first_wave.year,
                           pegawai=data.pegawai)
    skill = skill_mix(data.riwayat_jabatan, config, as_of, pegawai=data.pegawai)
    elig = eligibility(data.riwayat_jabatan, data.pegawai, config, first_wave, as_of=as_of)
    rollout = draw_rollout(config.unit_codes, config, first_wave, seed=seed)
    groups = unready_groups(data.survei_asn, data.pegawai, config, as_of=as_of, lang=lang)
    moves = after = training = None
    objective, infeasible, blocked = None, None, {}
    try:
        a = assign(needs, elig, rollout, config, riwayat=data.riwayat_jabatan)
    except PlanInfeasible as exc:
        infeasible = str(exc)
    else:
        moves = a.moves.assign(sinyal_kesiapan=readiness_signal(a.moves, elig, groups, config))
        after, objective, blocked = a.after, a.objective, a.pairs_blocked
        training = training_schedule(moves, elig, groups, config, pelatihan=data.pelatihan)
    power_info = None
    if with_power:
        if panel is None:
            from .impact import build_panel

            panel = build_panel(data.pengaduan, data.riwayat_jabatan, config, end=as_of)
        power_info = rollout_power(panel, rollout, needs, config, n_sim=n_sim, n_perm=n_perm, seed=seed)
    params = {"period": period.id, "seed": seed, "n_sim": int(n_sim), "n_perm": int(n_perm),
              "planning": pl.model_dump(mode="json"),
              "rotation": {"min_years_in_post": config.rotation.min_years_in_post,
                           "max_years_in_post": config.rotation.max_years_in_post},
              "unready_share_training": config.thresholds.unready_share_training,
              # the legal basis of each pair rule, for whoever reads the plan
              "pair_basis": {"tidak_kembali": pl.no_return_basis,
                             "pembekuan": "; ".join(sorted({w.legal_basis for d in rollout["tanggal"]
                                                            if (w := config.freeze_window_at(d)) is not None}))
                             or None}}
    return Plan(period=period, as_of=as_of, first_wave=first_wave, needs=needs, skill=skill, eligibility=elig,
                rollout=rollout, groups=groups, moves=moves, after=after, training=training, objective=objective,
                pairs_blocked=blocked, infeasible=infeasible, power=power_info, params=params)


# --------------------------------------------------------------------------------------
# what a report shows (aggregates: no person appears)
# --------------------------------------------------------------------------------------
#: Columns of :func:`unit_overview` shown as the needs table and as the skill-mix table.
NEEDS_COLUMNS = ("kode_unit", "kebutuhan", "ada", "kekurangan", "masuk", "keluar", "kekurangan_sesudah")
SKILL_COLUMNS = ("kode_unit", *POSITION_GROUPS, "pernah_unit_lain", "rata_unit_dijalani")


def unit_overview(plan: Plan) -> pd.DataFrame:
    """Per unit: requirement, staff present and gap (summed over position groups), the skill mix,
    and the planned moves in and out.

    Returns
    -------
    DataFrame
        ``kode_unit, kebutuhan, ada, kekurangan`` (NA where the unit has no requirement),
        ``masuk, keluar, kekurangan_sesudah`` (0 and the gap unchanged when the plan is
        infeasible), one count per position group, ``pernah_unit_lain`` and
        ``rata_unit_dijalani``; one row per config unit, in config order.
    """
    n = plan.after if plan.after is not None else plan.needs.assign(masuk=0, keluar=0, ada_sesudah=plan.needs["ada"],
                                                                       kekurangan_sesudah=plan.needs["kekurangan"])
    known = n.dropna(subset=["kebutuhan"])
    units = list(plan.skill["kode_unit"])
    req = known.groupby("kode_unit")["kebutuhan"].sum()
    out = pd.DataFrame({"kode_unit": units})
    out["kebutuhan"] = pd.array([req.get(u, pd.NA) for u in units], dtype="Int64")
    out["ada"] = plan.skill["ada"].to_numpy()
    gap = known.assign(k=known["kekurangan"].clip(lower=0)).groupby("kode_unit")["k"].sum()
    gap_after = known.assign(k=known["kekurangan_sesudah"].clip(lower=0)).groupby("kode_unit")["k"].sum()
    out["kekurangan"] = pd.array([gap.get(u, pd.NA) for u in units], dtype="Int64")
    out["masuk"] = [int(n.loc[n["kode_unit"] == u, "masuk"].sum()) for u in units]
    out["keluar"] = [int(n.loc[n["kode_unit"] == u, "keluar"].sum()) for u in units]
    out["kekurangan_sesudah"] = pd.array([gap_after.get(u, pd.NA) for u in units], dtype="Int64")
    for col in (*POSITION_GROUPS, "pernah_unit_lain", "rata_unit_dijalani"):
        out[col] = plan.skill[col].to_numpy()
    return out


def wave_table(plan: Plan) -> pd.DataFrame:
    """Per wave: its date, its units and the moves into them: ``gelombang, tanggal, unit, mutasi``."""
    per = plan.moves.groupby("gelombang").size() if plan.moves is not None else pd.Series(dtype="int64")
    rows = [(int(w), g["tanggal"].iloc[0], ", ".join(g["kode_unit"]), int(per.get(w, 0)))
            for w, g in plan.rollout.groupby("gelombang", sort=True)]
    out = pd.DataFrame(rows, columns=["gelombang", "tanggal", "unit", "mutasi"])
    out["tanggal"] = pd.to_datetime(out["tanggal"])
    return out


def training_summary(plan: Plan) -> pd.DataFrame:
    """Per course: how many movers take it before their move, and whether it has been held before."""
    t = plan.training if plan.training is not None else pd.DataFrame(columns=["pelatihan", "dalam_katalog"])
    if not len(t):
        return pd.DataFrame({"pelatihan": pd.Series(dtype="str"), "peserta": pd.Series(dtype="int64"),
                             "dalam_katalog": pd.Series(dtype="bool")})
    g = t.groupby("pelatihan", sort=True)
    return pd.DataFrame({"pelatihan": list(g.groups), "peserta": g.size().to_numpy(),
                         "dalam_katalog": g["dalam_katalog"].first().to_numpy()})


def power_curves(plan: Plan) -> pd.DataFrame:
    """The two rollouts' power curves, long: ``rancangan`` (``acak`` or ``kebutuhan``), ``effect,
    power, mc_se``. Empty when the power was not computed."""
    parts = [r.tidy().assign(rancangan=k) for k, r in ((k, (plan.power or {}).get(k)) for k in ("acak", "kebutuhan"))
             if r is not None]
    if not parts:
        return pd.DataFrame(columns=["rancangan", "effect", "power", "mc_se"])
    out = pd.concat(parts, ignore_index=True)
    return out[["rancangan", "effect", "power", "mc_se"]]


def plan_record(plan: Plan | None, period: Period) -> dict[str, Any]:
    """The fields of section 06's record (:class:`mutasi_analysis.sections.PlanRecord`).

    ``plan`` None means there was nothing to plan against (no formasi table).
    """
    if plan is None:
        return {"available": False, "reason": "no_formasi", "plan_period": period.id}
    f = plan.facts()
    groups = plan.groups.assign(share_belum_siap=plan.groups["share_belum_siap"].astype(object).where(
        plan.groups["share_belum_siap"].notna(), None))
    return {"available": True, "reason": None if plan.ok else "infeasible", **f,
            "unready_groups": groups.to_dict("records")}


# --------------------------------------------------------------------------------------
# `mutasi plan`
# --------------------------------------------------------------------------------------
PLAN_DIR = "rencana"  # <restricted>/<region code>/rencana/: plans written by `mutasi plan`


def first_wave_of(period: Period, config: RegionConfig) -> dt.date:
    """The first wave's date: ``planning.training_lead_months`` after the period starts (time to train)."""
    return _add_months(period.start, config.planning.training_lead_months)


def plan_period(text: str, config: RegionConfig, data_end: dt.date | None, today: dt.date | None = None) -> Period:
    """The period a wave is planned for.

    ``next``: the period after the latest complete period the data cover, or a later one, the
    first whose first wave (:func:`first_wave_of`) is after ``today``. An id: that period, if its
    first wave is after ``today``. A plan never proposes a wave in the past.

    Raises
    ------
    MutasiError
        For a malformed id, or a period whose first wave is not after ``today``.
    """
    from .periods import latest_complete, parse_period

    today = today or dt.date.today()
    kind = config.period.kind
    if isinstance(text, str) and text.strip().lower() == "next":
        p = latest_complete(today=today, kind=kind, data_end=data_end).next()
        while first_wave_of(p, config) <= today:
            p = p.next()
        return p
    p = parse_period(text, kind)
    if first_wave_of(p, config) <= today:
        nxt = plan_period("next", config, data_end, today)
        raise MutasiError(f"the first wave of {p.id} would be on {first_wave_of(p, config)}, which is not after today "
                          f"({today}); a plan proposes future moves: plan for --period {nxt.id} (or --period next)")
    return p


def run_plan(period: str = "next", region=None, processed=None, out: Path | None = None, lang: str | None = None,
             seed: int | None = None, n_sim: int = 500, n_perm: int = 999, power: bool = True,
             today: dt.date | None = None) -> str:
    """What ``mutasi plan`` does: plan the wave, write the workbook, return the lines to print.

    Raises
    ------
    PlanInfeasible
        When no plan satisfies the rules and caps (nothing is written).
    MutasiError
        For missing data (no formasi table), a period that cannot be planned yet, an output in a
        published or shared place, or processed data without a recorded pseudonym key.
    """
    from .config import load_config
    from .processed import data_end as ingested_data_end
    from .processed import load_processed
    from .project import resolve_path
    from .pseudonym import processed_key_id
    from .reidentify import _check_output, _private_parents
    from .reporting.plan_workbook import plan_file_name, write_plan_workbook

    cfg = load_config(region)
    # Checked before any work, so that a typo costs a second, not a plan's worth of simulation.
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int) or seed < 0):
        raise MutasiError(f"--seed must be a whole number of 0 or more, got {seed!r}")
    if power:
        if not isinstance(n_sim, int) or n_sim < 100:
            raise MutasiError(f"--n-sim must be at least 100 (the minimum detectable effect needs a power curve), "
                              f"got {n_sim!r}")
        least = math.ceil(1 / cfg.thresholds.alpha) - 1
        if not isinstance(n_perm, int) or n_perm < least:
            raise MutasiError(f"--n-perm must be at least {least}: with fewer permutations no p-value can reach "
                              f"alpha = {cfg.thresholds.alpha:g}; got {n_perm!r}")
    folder = resolve_path(processed, "processed")
    data = load_processed(folder)
    lang = lang or cfg.report.lang
    data_end = ingested_data_end(folder)
    p = plan_period(period, cfg, data_end, today=today)
    as_of = min(p.previous().end, data_end) if data_end is not None else p.previous().end
    kid = processed_key_id(folder)
    if kid is None:
        raise MutasiError(f"{folder} records no pseudonym key fingerprint, which the plan must carry for "
                          "`mutasi reidentify`; run `mutasi ingest` again")
    plan = make_plan(data, cfg, p, seed=seed, n_sim=n_sim, n_perm=n_perm, with_power=power, lang=lang, as_of=as_of)
    if not plan.ok:
        raise PlanInfeasible(plan.infeasible)
    if plan.moves.empty:  # a valid answer, not a plan: say so and write nothing
        return (f"Plan for {p.id} ({cfg.region.name}), data up to {plan.as_of}: no move improves the staffing under "
                f"the rules and weights of {cfg.source}; nothing to propose, no workbook written.")
    if out is None:
        root = resolve_path(None, "restricted")
        target = root / cfg.region.code / PLAN_DIR / plan_file_name(p.id)
        _private_parents(target.parent, root)
    else:
        target = Path(out).resolve()  # a link into reports/ is judged by where it leads
        _check_output(target, holds="pseudonyms")
        _private_parents(target.parent, None)
    write_plan_workbook(plan, target, region_code=cfg.region.code, region_name=cfg.region.name, key_id=kid, lang=lang)
    f = plan.facts()
    lines = [f"Plan for {p.id} ({cfg.region.name}), data up to {plan.as_of}, first wave {plan.first_wave}:",
             f"  staff in post {f['staff']}, eligible {f['eligible']} "
             f"(excluded: {', '.join(f'{r} {n}' for r, n in f['excluded'].items() if n) or 'none'})",
             f"  moves proposed {f['moves']} in {len(f['waves'])} waves "
             f"({', '.join(f'wave {w}: {n}' for w, n in f['moves_per_wave'].items()) or 'none'}); "
             f"staff gap {f['gap_before']} -> {f['gap_after']}; training before the move {f['training']}"]
    if f["power_random"] is not None and f["power_need_order"] is not None:
        from .text import label

        lines.append(f"  smallest change detectable (80% power) in {label(plan.power['outcome'], 'en').lower()}: random order "
                     f"{f['power_random']['mde']:.3f}, order by need {f['power_need_order']['mde']:.3f}")
    elif power:
        lines.append(f"  no power figure: {f['power_reason']}")
    lines.append(f"Written (staff by pseudonym, mode 0600): {target}")
    return "\n".join(lines)


def group_value_labels(config: RegionConfig) -> dict[str, str]:
    """Label key of each group value :func:`unready_groups` can show (unit types, position
    groups), for the presentation layer: ``{label key: value}``."""
    from .config import UNIT_TYPES

    return {**{t: t for t in UNIT_TYPES}, **{f"plan.group.{g}": g for g in POSITION_GROUPS}}
