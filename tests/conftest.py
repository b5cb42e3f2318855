"""Shared fixtures: the default region config and a demo raw data set generated once per session;
``require`` / ``require_module`` for peers, reference fixtures and system tools (skipped on a
workstation, a failure when CI=true)."""

from __future__ import annotations

import importlib
import os
import shutil
from pathlib import Path

try:
    import fcntl
except ImportError:  # not on Windows: each xdist worker then writes its own demo sets
    fcntl = None

import pytest

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_REGION = ROOT / "config" / "alak.toml"
OTHER_REGION = ROOT / "tests" / "data" / "kecamatan_contoh.toml"
# The demo seed of the Makefile, chosen by a rule fixed before looking at any estimate (the first
# seed whose demo data ingest with no rejected row): one draw, never claimed typical. Recovery
# over many seeds is checked in tests/test_recovery.py.
DEMO_SEED = 1


# ---------------------------------------------------------------------------------------------
# Order: the long files first
# ---------------------------------------------------------------------------------------------
#: Files that take a minute or more, longest first (per-file sums of ``--durations``, `make test`
#: on the 2-core reference machine). `make test` hands out whole files (``--dist loadfile``) in
#: collection order (``--no-loadscope-reorder``; xdist's own reorder, by number of tests, would
#: start these few-test files last and leave one worker running alone at the end). Only the order
#: changes, never what runs; files not listed follow in their usual order.
LONG_FILES = (
    "tests/test_researcher_workflow.py",
    "tests/test_batch.py",  # regions on Dask: 2.5-3 min
    "tests/test_impact.py",  # 2.5 min since the demo recovery runs the headline only
    "tests/reporting/test_report_notebooks.py",  # every notebook (now 7), both languages
    "tests/reporting/test_report_pipeline.py",
    "tests/test_faults.py",
    "tests/reporting/test_report_sections.py",
    "tests/reporting/test_report_restricted.py",  # three renders of the restricted list (about 85 s)
    "tests/reporting/test_pooled_report.py",  # the pooled report in both languages (about 75 s)
    "tests/test_demo.py",
    "tests/test_templates.py",  # fills and ingests two demo sets (about 45 s)
    "tests/test_fuzz.py",
    "tests/test_planning_demo.py",  # the plan on the demo, three more demo seeds
    "tests/test_pooled.py",  # coverage across 30 regions, the shared demo regions (about 60 s)
    "tests/test_notebook_tooling.py",
    "tests/handover/test_pdf.py",
    "tests/test_ingest.py",
    "tests/reporting/test_report_snapshot.py",
    "tests/handover/test_excel.py",
    "tests/handover/test_excel_print.py",  # LibreOffice converts two workbooks (about 60 s)
    "tests/test_environment.py",
    "tests/test_services.py",
    "tests/test_recovery.py",  # 40 s since its replications run the headline only (2 processes)
    "tests/test_demo_regions.py",  # three small demo regions, twice (about 30 s)
)


def pytest_collection_modifyitems(config, items):
    rank = {name: i for i, name in enumerate(LONG_FILES)}

    def key(item):
        try:
            rel = Path(str(item.path)).resolve().relative_to(ROOT).as_posix()
        except ValueError:
            return len(rank)
        return rank.get(rel, len(rank))

    items.sort(key=key)  # stable: tests keep their order within a file, other files theirs


@pytest.fixture(scope="session")
def region_path() -> Path:
    return DEFAULT_REGION


@pytest.fixture(scope="session")
def region(region_path):
    from mutasi_analysis.config import load_config

    return load_config(region_path)


def shared_folder(tmp_path_factory) -> Path:
    """The folder of this test run whose contents :func:`fill_once` fills once for everyone.

    Under pytest-xdist each worker is a session of its own, so a session fixture alone does its
    work once per worker: this folder sits in the run's common temporary folder (the parent of
    the workers' own), shared by the workers and by the processes they start. Without xdist (or
    without fcntl, to lock with) it is this session's own.
    """
    base = tmp_path_factory.getbasetemp()
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    # an xdist worker's own folder is <the run's>/popen-<worker> (a pytest started by a test
    # inherits the variable, not the folder)
    if worker and base.name == f"popen-{worker}" and fcntl is not None:
        base = base.parent
    common = base / "once-per-run"
    common.mkdir(exist_ok=True)
    return common


def fill_once(common: Path, name: str, make) -> Path:
    """``common / name``, filled by ``make(folder)`` by the first process that asks (under an
    exclusive lock; the others wait for it). Whoever gets it may only read it, or copy it."""
    out, done = common / name, common / f"{name}.done"
    with open(common / f"{name}.lock", "w") as lock:
        if fcntl is not None:
            fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if not done.exists():
                if out.exists():  # a process that failed half-way through filling it
                    shutil.rmtree(out)
                out.mkdir()
                make(out)
                done.touch()
        finally:
            if fcntl is not None:
                fcntl.flock(lock, fcntl.LOCK_UN)
    return out


def demo_set(common: Path, seed: int, dirty: bool = False) -> Path:
    """The demo raw set (CSV) of ``seed`` for the default region, written once per test run into
    ``common`` (:func:`shared_folder`); read only, like every demo raw set of the tests.

    A demo set takes 10-25 s to write; its bytes are the seed's whoever writes it (tests/test_demo.py
    checks that the same seed gives the same bytes). tests/test_impact.py's replications over demo
    seeds read these too.
    """
    from mutasi_analysis.demo import write_demo_data

    name = f"demo_seed{int(seed)}" + ("_dirty" if dirty else "")
    return fill_once(common, name, lambda out: write_demo_data(out=out, seed=int(seed), region=DEFAULT_REGION,
                                                                dirty=dirty))


@pytest.fixture(scope="session")
def demo_raw(tmp_path_factory) -> Path:
    """A clean demo raw data set (CSV) for the default region, generated once."""
    return demo_set(shared_folder(tmp_path_factory), DEMO_SEED)


@pytest.fixture(scope="session")
def demo_raw_next_seed(tmp_path_factory) -> Path:
    """The clean demo raw data set of seed DEMO_SEED + 1 (default region, CSV), generated once."""
    return demo_set(shared_folder(tmp_path_factory), DEMO_SEED + 1)


@pytest.fixture(scope="session")
def demo_truth(demo_raw) -> dict:
    import json

    return json.loads((demo_raw / "truth.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def dirty_raw(tmp_path_factory) -> Path:
    """A demo raw data set with planted faults (faults.json lists them), generated once."""
    return demo_set(shared_folder(tmp_path_factory), DEMO_SEED, dirty=True)


#: The pseudonym key of the shared many-region demo (its pids never leave the test folder).
POOLED_DEMO_KEY = "pooled-demo-test-key-0123456789abcdef0123456"
POOLED_DEMO_PYPROJECT = ('[tool.mutasi]\nregion = "config/alak.toml"\nraw = "data/raw"\nprocessed = "data/processed"\n'
                         'reports = "reports"\nrestricted = "restricted"\nnotebooks = "notebooks"\n')


def pooled_demo(common: Path, n: int = 3, seed: int = DEMO_SEED, period: str = "2026-S1") -> dict:
    """``n`` demo regions of ``seed`` written, ingested, reduced to their parts and pooled, as
    ``mutasi batch`` does, once per test run (:func:`fill_once`; read only: copy what you change).

    Returns ``root`` (the project), ``parts`` (the regions' :class:`~mutasi_analysis.pooled.RegionPart`),
    ``configs`` (by code), ``out`` (the pooled inputs folder), ``truth`` (the pooled truth), ``raws``
    and ``processed`` (the regions' folders). tests/test_pooled.py and
    tests/reporting/test_pooled_report.py read the same one.
    """
    import json
    import pickle

    from mutasi_analysis.config import load_config
    from mutasi_analysis.project import POOLED_CODE, find_project

    def make(root: Path) -> None:
        from mutasi_analysis import pooled
        from mutasi_analysis.demo import write_demo_regions
        from mutasi_analysis.ingest import ingest

        (root / "config").mkdir()
        shutil.copy(DEFAULT_REGION, root / "config" / "alak.toml")
        (root / "pyproject.toml").write_text(POOLED_DEMO_PYPROJECT, encoding="utf-8")
        proj = find_project(root)
        demo = write_demo_regions(root, n=n, seed=seed, project=proj)
        old = os.environ.get("MUTASI_PSEUDONYM_KEY")
        os.environ["MUTASI_PSEUDONYM_KEY"] = POOLED_DEMO_KEY
        try:
            parts = []
            for r in demo.truth["regions"]:
                cfg = load_config(root / r["config"])
                paths = proj.region_paths(cfg.region.code)
                ingest(paths.raw, paths.processed, cfg.source)
                parts.append(pooled.region_part(cfg, paths.processed, period, ikm_boot=200, seed=seed))
        finally:
            if old is None:
                os.environ.pop("MUTASI_PSEUDONYM_KEY", None)
            else:
                os.environ["MUTASI_PSEUDONYM_KEY"] = old
        pooled.write_pooled_inputs(parts, proj.region_paths(POOLED_CODE).processed)
        (root / "parts.pkl").write_bytes(pickle.dumps(parts))
        (root / "truth.json").write_text(json.dumps(demo.truth), encoding="utf-8")

    root = fill_once(common, f"pooled_demo_n{n}_seed{seed}_{period}", make)
    proj = find_project(root)
    parts = pickle.loads((root / "parts.pkl").read_bytes())
    configs = {p.code: load_config(root / "config" / "regions" / f"{p.code}.toml") for p in parts}
    return {"root": root, "parts": parts, "configs": configs, "out": proj.region_paths(POOLED_CODE).processed,
            "truth": json.loads((root / "truth.json").read_text(encoding="utf-8")),
            "raws": [proj.region_paths(p.code).raw for p in parts],
            "processed": [proj.region_paths(p.code).processed for p in parts]}


# ---------------------------------------------------------------------------------------------
# Peers, reference fixtures and system tools: a skip on a workstation, a failure in CI
# ---------------------------------------------------------------------------------------------
#: Import name -> the distribution to install, for the peer packages and test tools.
DISTRIBUTIONS = {
    "diff_diff": "diff-diff", "csdid": "csdid", "differences": "differences", "pyfixest": "pyfixest",
    "wildboottest": "wildboottest", "moderndid": "moderndid", "pingouin": "pingouin",
    "playwright": "playwright", "weasyprint": "weasyprint", "yaml": "pyyaml",
}
INSTALL_TEST_EXTRAS = "`make venv` installs it with the test extras (requirements-lock.txt)"
INSTALL_SYSTEM_DEPS = "run tools/install-system-deps.sh (`make system-deps`)"


def in_ci() -> bool:
    """True when the environment variable CI is "true" (CI runs ``CI=true bash .ci/run``)."""
    return os.environ.get("CI", "").strip().lower() == "true"


def require(condition, what: str, how_to_fix: str, *, allow_module_level: bool = False) -> None:
    """Nothing if ``condition`` holds; otherwise skip the test, or fail it when CI=true.

    A peer package, a published reference data set or a system tool that is missing must not
    make the checks that need it vanish silently in CI. The message names ``what`` is missing
    and ``how_to_fix`` it.
    """
    if condition:
        return
    message = f"{what} is missing: {how_to_fix}"
    if in_ci():
        pytest.fail(f"CI=true, so this is a failure, not a skip: {message}", pytrace=False)
    pytest.skip(message, allow_module_level=allow_module_level)


def require_module(name: str, why: str, *, how_to_fix: str | None = None,
                   allow_module_level: bool = False):
    """Import and return module ``name`` (a peer package or test tool), or :func:`require` it.

    ``why`` says what the tests use it for (e.g. "peer of att_gt"). Besides ImportError, an
    OSError counts as missing (WeasyPrint raises it when the Pango libraries are absent).
    """
    try:
        return importlib.import_module(name)
    except (ImportError, OSError) as exc:
        err = exc  # reported outside the handler: the failure shows one line, no chained traceback
    dist = DISTRIBUTIONS.get(name.split(".")[0], name.split(".")[0])
    require(False, f"Python package '{dist}' ({why}; `import {name}`: {err})",
            how_to_fix or f"pip install {dist}; {INSTALL_TEST_EXTRAS}",
            allow_module_level=allow_module_level)
