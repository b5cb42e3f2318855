"""The researcher's workflow, end to end, in a throwaway copy of this project (issue 9, "Must show").

One module-scoped fixture copies the project (what ``git ls-files -co --exclude-standard`` lists,
so uncommitted work is included; no data, no reports), links its ``.venv`` to this venv, makes
it a git checkout configured by ``tools/git-setup.sh`` (nbstripout filter, nbdime, pre-commit
hook) with one commit, and builds the demo data with ``mutasi demo-data`` and ``mutasi ingest``
run inside it. The tests then do what a researcher does, as subprocesses of the venv's own
programs:

1. ``papermill`` a notebook unchanged from the project folder and from ``notebooks/``;
2. ``mutasi report --period latest`` from ``notebooks/``, from a sub-folder of ``data/`` and,
   with ``MUTASI_PROJECT``, from outside the project (without it: one line, exit 2);
3. edit notebook 04 through a real Jupyter server's contents API (a new cell with outputs, as
   JupyterLab saves it), commit it (stored stripped, working copy keeps its outputs), pass the
   notebook tests in the copy, and render the report and its PDF with the new figure.

Statistics run at small sizes (n_boot=199); only the notebooks a test needs are rendered.
"""

from __future__ import annotations

import base64
import io
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from .conftest import DEMO_SEED, ROOT, require, require_module

pytestmark = [pytest.mark.render, pytest.mark.slow]

BIN = Path(sys.executable).parent
MUTASI, PAPERMILL, JUPYTER = BIN / "mutasi", BIN / "papermill", BIN / "jupyter"
KERNEL = "mutasi-analysis"
NOTEBOOK = "notebooks/04_ikm.ipynb"
LATEST = "2026-S1"  # the last complete semester on MUTASI_TODAY
HAND_PERIOD = "2025-S2"
HEADING = "Gambar tambahan peneliti"
# The cell a researcher adds after the IKM bar chart: a plain call, names the notebook defines
# (ctx, plt, sns, current), no import (imports belong beside the context call, cell 1).
EXTRA_CELL_ID = "04-03-peneliti"
EXTRA_SOURCE = (
    f'ctx.say("## {HEADING}", "## Researcher\'s extra figure")\n'
    "fig, ax = plt.subplots(figsize=(8, 4))\n"
    'sns.histplot(x=current["persyaratan"].astype(float), discrete=True, ax=ax)\n'
    'ax.set(xlabel=ctx.t("Skor unsur persyaratan", "Score of the requirements element"), ylabel="");'
)
BAR_CHART_MARK = "sns.barplot("  # the IKM-per-unit bar chart cell of notebook 04
SMALL = ["-p", "n_boot=199"]
# Generous per-command limits: a 04 render takes ~15 s on 2 cores; a hung kernel must not hang CI.
TIMEOUT = 300
INSTALL_GIT = "install git (Debian: apt-get install git)"
INSTALL_POPPLER = "install poppler (Debian: apt-get install poppler-utils); or run tools/install-system-deps.sh"


# ---------------------------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------------------------
def _run(cmd: list, cwd: Path, env: dict, timeout: float = TIMEOUT, **kw) -> subprocess.CompletedProcess:
    try:
        return subprocess.run([str(c) for c in cmd], cwd=cwd, env=env, capture_output=True, text=True,
                              timeout=timeout, **kw)
    except subprocess.TimeoutExpired as exc:
        pytest.fail(f"`{' '.join(map(str, cmd))}` (in {cwd}) did not finish in {timeout} s\n"
                    f"stdout:\n{exc.stdout}\nstderr:\n{exc.stderr}", pytrace=False)


def _shown(run: subprocess.CompletedProcess, cwd: Path | None = None) -> str:
    where = f" (in {cwd})" if cwd is not None else ""
    return (f"`{' '.join(map(str, run.args))}`{where} exited {run.returncode}\n"
            f"--- stdout ---\n{run.stdout}\n--- stderr ---\n{run.stderr}")


def _ok(cmd: list, cwd: Path, env: dict, timeout: float = TIMEOUT) -> subprocess.CompletedProcess:
    run = _run(cmd, cwd, env, timeout)
    assert run.returncode == 0, _shown(run, cwd)
    return run


def _git(repo: Path, env: dict, *args: str) -> subprocess.CompletedProcess:
    return _run(["git", *args], repo, env, timeout=120)


def _text(source) -> str:
    return source if isinstance(source, str) else "".join(source)


def _img_tags(html_path: Path) -> int:
    return html_path.read_text(encoding="utf-8").count("<img")


def _pdf_images(pdf: Path) -> list[str]:
    """Rows of ``pdfimages -list`` of type ``image`` (an RGBA figure also lists its ``smask``)."""
    run = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, _shown(run)
    rows = run.stdout.splitlines()[2:]  # two header lines
    return [r for r in rows if len(r.split()) > 2 and r.split()[2] == "image"]


def _png_of_a_figure() -> str:
    """A histogram drawn with matplotlib, as base64 PNG: the output JupyterLab would have saved."""
    import matplotlib

    matplotlib.use("agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 4), dpi=96)
    ax.hist([1, 2, 2, 3, 3, 3, 4, 4, 4, 4], bins=4)
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    return base64.b64encode(buf.getvalue()).decode("ascii")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ---------------------------------------------------------------------------------------------
# the throwaway project
# ---------------------------------------------------------------------------------------------
def _project_files() -> list[str]:
    listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=ROOT,
                            capture_output=True, text=True, check=True).stdout.split("\0")
    keep = []
    for rel in filter(None, listed):
        parts = Path(rel).parts
        if parts[0] == "data" and len(parts) > 2 and parts[1] in ("raw", "processed") and parts[-1] != "README.md":
            continue
        if parts[0] == "reports" and len(parts) > 1 and rel != "reports/README.md":
            continue
        if parts[0] == "notebooks" and len(parts) > 1 and parts[1] == "_runs":
            continue
        if (ROOT / rel).is_file():  # listed but deleted in the working tree: not part of the work
            keep.append(rel)
    return keep


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    """The copy, its environment and the HTML/PDF of notebook 04 rendered before any edit."""
    require(shutil.which("git") is not None, "git", INSTALL_GIT)
    require((ROOT / ".git").exists(), f"a git checkout at {ROOT}", "run the tests from a clone of the project")
    for tool in (MUTASI, PAPERMILL, JUPYTER, BIN / "nbstripout", BIN / "git-nbdiffdriver"):
        require(tool.is_file(), f"{tool}", "run the tests with the project's venv (.venv/bin/python -m pytest; `make venv`)")

    base = tmp_path_factory.mktemp("researcher")
    copy = base / "mutasi-analysis"
    for rel in _project_files():
        dest = copy / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / rel, dest)
    (copy / ".venv").symlink_to(ROOT / ".venv", target_is_directory=True)

    # Without the caller's MUTASI_* (a project, a key), JPY_SESSION_NAME (a surrounding Jupyter)
    # and GIT_* (a surrounding git hook's GIT_DIR or GIT_INDEX_FILE).
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MUTASI_", "JPY_", "GIT_"))}
    env.update({
        "MUTASI_PSEUDONYM_KEY": "test-key-for-report-rendering-0123456789abcdef",
        # never the user's key file, even if a step ignored the key above
        "MUTASI_PSEUDONYM_KEY_FILE": str(base / "pseudonym.key"),
        "MUTASI_TODAY": "2026-11-28",
        # Jupyter's runtime files (kernel connection files, server info) outside the user's home
        "JUPYTER_RUNTIME_DIR": str(base / "jupyter-runtime"),
        "PYTHONDONTWRITEBYTECODE": "1",
    })

    for args in (["init", "-q"], ["config", "user.name", "Peneliti"], ["config", "user.email", "peneliti@example.invalid"],
                 ["config", "commit.gpgsign", "false"]):
        _ok(["git", *args], copy, env)
    setup = _ok(["bash", "tools/git-setup.sh"], copy, env)
    assert "nbstripout filter" in setup.stdout, _shown(setup)
    _ok(["git", "add", "-A"], copy, env)
    _ok(["git", "commit", "-q", "-m", "the project as the researcher received it"], copy, env)

    _ok([MUTASI, "demo-data", "--seed", DEMO_SEED], copy, env)
    _ok([MUTASI, "ingest"], copy, env)
    assert any((copy / "data" / "processed").glob("*.parquet")), "mutasi ingest wrote no processed table"
    return {"root": copy, "env": env, "base": base}


def _report(project, cwd: Path, *extra: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return _run([MUTASI, "report", "--period", "latest", *extra], cwd, env or project["env"])


def _latest(project) -> Path:
    return project["root"] / "reports" / LATEST


# ---------------------------------------------------------------------------------------------
# 1. papermill, unchanged, from the project folder and from notebooks/
# ---------------------------------------------------------------------------------------------
def test_papermill_runs_the_notebook_unchanged_from_the_project_and_from_notebooks(project):
    from mutasi_analysis.record import read_section

    root, env = project["root"], project["env"]
    record = root / "notebooks" / "_runs" / HAND_PERIOD / "id" / "04_ikm.json"
    out = project["base"] / "papermill"
    out.mkdir(exist_ok=True)
    ikm = {}
    for where, nb in [(root, NOTEBOOK), (root / "notebooks", Path(NOTEBOOK).name)]:
        record.unlink(missing_ok=True)
        target = out / f"04_ikm-from-{where.name}.ipynb"
        _ok([PAPERMILL, nb, target, "-p", "period", HAND_PERIOD, "-p", "n_boot", "199", "-k", KERNEL], where, env)
        assert record.is_file(), (f"papermill from {where} wrote no hand-run record at {record}; "
                                  f"found: {sorted(str(p.relative_to(root)) for p in root.rglob('04_ikm.json'))}")
        section = read_section(record)
        assert section.period == HAND_PERIOD, f"{record}: period {section.period}"
        ikm[where.name] = section.ikm
    assert len(set(ikm.values())) == 1, f"the same notebook gave different IKMs by folder: {ikm}"
    assert not (root / "reports" / HAND_PERIOD).exists(), "a hand run must not write into reports/"


# ---------------------------------------------------------------------------------------------
# 2. mutasi report from notebooks/, from a sub-folder of data/, and from outside the project
# ---------------------------------------------------------------------------------------------
def test_mutasi_report_latest_from_notebooks_and_from_a_data_subfolder(project):
    root = project["root"]
    html = _latest(project) / "04_ikm.html"
    for where in (root / "notebooks", root / "data" / "processed"):
        html.unlink(missing_ok=True)  # so that this run must render it again
        run = _report(project, where, "--only", "04", *SMALL)
        assert run.returncode == 0, _shown(run, where)
        assert html.is_file(), f"exit 0 from {where}, yet no {html}\n{_shown(run, where)}"


def test_mutasi_report_outside_a_project_says_how_to_point_at_one(project, tmp_path):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    env = {k: v for k, v in project["env"].items() if k != "MUTASI_PROJECT"}
    run = _report(project, outside, "--only", "01", env=env)
    assert run.returncode == 2, _shown(run, outside)
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and "MUTASI_PROJECT" in lines[0], f"expected one line naming MUTASI_PROJECT\n{_shown(run, outside)}"
    assert "Traceback" not in run.stderr + run.stdout, _shown(run, outside)

    pointed = _report(project, outside, "--only", "01", env={**env, "MUTASI_PROJECT": str(project["root"])})
    assert pointed.returncode == 0, _shown(pointed, outside)
    assert (_latest(project) / "01_kualitas_data.html").is_file(), _shown(pointed, outside)
    assert not any(outside.iterdir()), f"mutasi report wrote into the working folder: {list(outside.iterdir())}"


# ---------------------------------------------------------------------------------------------
# 3. the researcher in JupyterLab: edit through a real Jupyter server, commit, test, render
# ---------------------------------------------------------------------------------------------
class JupyterServer:
    """``jupyter server`` on a free local port with a random token, rooted at ``root``."""

    def __init__(self, root: Path, env: dict, base: Path):
        self.port, self.token = _free_port(), secrets.token_hex(16)
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = base / f"jupyter-server-{self.port}.log"
        cmd = [str(JUPYTER), "server", "--no-browser", "--ServerApp.open_browser=False",
               "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={self.port}", "--ServerApp.port_retries=0",
               f"--ServerApp.token={self.token}", f"--ServerApp.root_dir={root}"]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            cmd.append("--allow-root")
        # The user's Jupyter config and data (notebook signatures) stay untouched: the server reads
        # the venv's config only and keeps its notary database here.
        env = {**env, "JUPYTER_CONFIG_DIR": str(base / "jupyter-config"), "JUPYTER_DATA_DIR": str(base / "jupyter-data")}
        self._log = open(self.log, "w", encoding="utf-8")
        self.proc = subprocess.Popen(cmd, cwd=root, env=env, stdout=self._log, stderr=subprocess.STDOUT)

    def logs(self) -> str:
        self._log.flush()
        return self.log.read_text(encoding="utf-8", errors="replace")

    def request(self, method: str, path: str, body: dict | None = None, timeout: float = 30):
        data = json.dumps(body).encode("utf-8") if body is not None else None
        req = urllib.request.Request(self.url + path, data=data, method=method,
                                     headers={"Authorization": f"token {self.token}", "Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.status, json.loads(resp.read().decode("utf-8") or "null")

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                pytest.fail(f"jupyter server exited {self.proc.returncode}:\n{self.logs()}", pytrace=False)
            try:
                status, _ = self.request("GET", "/api/status", timeout=5)
                if status == 200:
                    return
            except (urllib.error.URLError, ConnectionError, OSError):
                pass
            time.sleep(0.3)
        pytest.fail(f"jupyter server did not answer /api/status in {timeout} s:\n{self.logs()}", pytrace=False)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=20)
        self._log.close()


def _with_extra_cell(nb: dict) -> dict:
    """The notebook after the researcher's edit and run, as JupyterLab saves it."""
    cells = nb["cells"]
    bar = [i for i, c in enumerate(cells) if c["cell_type"] == "code" and BAR_CHART_MARK in _text(c["source"])]
    assert len(bar) == 1, f"{NOTEBOOK}: expected one cell drawing the IKM bar chart ({BAR_CHART_MARK}), found {bar}"
    count = 7
    cells.insert(bar[0] + 1, {
        "cell_type": "code", "id": EXTRA_CELL_ID, "execution_count": count,
        "metadata": {"execution": {"iopub.execute_input": "2026-11-28T09:00:00.000Z",
                                   "iopub.status.idle": "2026-11-28T09:00:01.000Z"}},
        "source": EXTRA_SOURCE,
        "outputs": [
            {"output_type": "display_data", "metadata": {},
             "data": {"text/markdown": f"## {HEADING}", "text/plain": "<IPython.core.display.Markdown object>"}},
            {"output_type": "display_data", "metadata": {},
             "data": {"image/png": _png_of_a_figure(), "text/plain": "<Figure size 768x384 with 1 Axes>"}},
        ],
    })
    # JupyterLab also records the kernel's language and numbers every cell it ran
    nb["metadata"]["language_info"] = {"name": "python", "version": "3.11.9", "mimetype": "text/x-python",
                                       "file_extension": ".py"}
    for i, c in enumerate(cells):
        if c["cell_type"] == "code" and c["id"] != EXTRA_CELL_ID:
            c["execution_count"] = i + 1
    return nb


def test_researcher_edits_in_jupyter_commits_and_the_report_shows_the_new_figure(project):
    require(shutil.which("pdftotext") is not None and shutil.which("pdfimages") is not None,
            "poppler's pdftotext and pdfimages", INSTALL_POPPLER)
    require_module("weasyprint", "the report's PDF")
    from mutasi_analysis.reporting.handover import handover_text

    root, env = project["root"], project["env"]
    folder = _latest(project)
    html, pdf = folder / "04_ikm.html", folder / f"laporan-{LATEST}.pdf"

    # before the edit: the report as it was. Without --force: when the test above has rendered 04
    # with the same parameters, data and code, the pipeline finds it up to date (its fingerprint)
    # and only adds the missing PDF, the same report without rendering it a second time; run
    # alone, this renders it.
    before = _report(project, root, "--only", "04", "--pdf", *SMALL)
    assert before.returncode == 0, _shown(before, root)
    imgs_before, pdf_images_before = _img_tags(html), len(_pdf_images(pdf))
    assert HEADING not in html.read_text(encoding="utf-8")

    # the edit, through the contents API of a real Jupyter server (what JupyterLab calls)
    server = JupyterServer(root, env, project["base"])
    try:
        server.wait_ready()
        status, model = server.request("GET", f"/api/contents/{NOTEBOOK}?type=notebook&content=1")
        assert status == 200 and model["type"] == "notebook" and model["content"], model
        nb = _with_extra_cell(model["content"])
        status, saved = server.request("PUT", f"/api/contents/{NOTEBOOK}",
                                       {"type": "notebook", "format": "json", "content": nb})
        assert status == 200 and saved["type"] == "notebook", saved
    except urllib.error.HTTPError as exc:
        pytest.fail(f"Jupyter server answered {exc.code} {exc.reason}: {exc.read()!r}\n{server.logs()}", pytrace=False)
    finally:
        server.stop()

    on_disk = json.loads((root / NOTEBOOK).read_text(encoding="utf-8"))
    extra = [c for c in on_disk["cells"] if c.get("id") == EXTRA_CELL_ID]
    assert len(extra) == 1 and _text(extra[0]["source"]) == EXTRA_SOURCE, "the saved notebook lacks the new cell"
    assert [o["output_type"] for o in extra[0]["outputs"]] == ["display_data", "display_data"]
    assert "image/png" in extra[0]["outputs"][1]["data"] and extra[0]["execution_count"] == 7

    # commit it: the hooks are active; git stores it stripped, the working copy keeps its outputs
    hook = root / ".git" / "hooks" / "pre-commit"
    assert hook.is_file() and os.access(hook, os.X_OK), f"tools/git-setup.sh installed no pre-commit hook at {hook}"
    add = _git(root, env, "add", NOTEBOOK)
    assert add.returncode == 0, _shown(add, root)
    commit = _git(root, env, "commit", "-q", "-m", "04: the researcher's extra figure")
    assert commit.returncode == 0, _shown(commit, root)
    shown = _git(root, env, "show", f"HEAD:{NOTEBOOK}")
    assert shown.returncode == 0, _shown(shown, root)
    stored = json.loads(shown.stdout)
    left = [(c.get("id"), bool(c.get("outputs")), c.get("execution_count")) for c in stored["cells"]
            if c.get("outputs") or c.get("execution_count") is not None]
    assert left == [], f"HEAD:{NOTEBOOK} keeps outputs or execution counts (id, outputs, count): {left}"
    assert "language_info" not in stored["metadata"], "the filter kept metadata.language_info"
    assert [_text(c["source"]) for c in stored["cells"] if c.get("id") == EXTRA_CELL_ID] == [EXTRA_SOURCE]
    assert "parameters" in stored["cells"][0]["metadata"].get("tags", []), "the parameters tag was lost"
    assert stored["metadata"]["kernelspec"]["name"] == KERNEL
    kept = json.loads((root / NOTEBOOK).read_text(encoding="utf-8"))
    assert [c for c in kept["cells"] if c.get("id") == EXTRA_CELL_ID][0]["outputs"] == extra[0]["outputs"], \
        "the working copy lost its outputs on commit"
    status = _git(root, env, "status", "--porcelain", "--", NOTEBOOK)
    assert status.stdout == "", f"git sees the notebook as modified after the commit:\n{status.stdout}"

    # the notebook tests pass in the copy (they find the notebooks relative to their own path)
    tests = _run([sys.executable, "-m", "pytest", "tests/test_notebook_tooling.py",
                  "tests/reporting/test_report_notebooks.py", "-m", "not render", "-q", "-p", "no:cacheprovider"],
                 root, env)
    assert tests.returncode == 0, _shown(tests, root)

    # the report shows the new figure, in the HTML and in the PDF
    after = _report(project, root, "--force", "--only", "04", "--pdf", *SMALL)
    assert after.returncode == 0, _shown(after, root)
    page = html.read_text(encoding="utf-8")
    at = page.find(HEADING)
    assert at >= 0, f"{html} lacks the heading {HEADING!r}"
    following = page[at:]
    img = following.find("<img")
    assert img >= 0, f"no <img after the heading {HEADING!r} in {html}"
    between = following[:img]
    assert not re.search(r"<h[1-6][\s>]", between), f"the heading is not followed by the figure:\n{between[:2000]}"
    assert _img_tags(html) == imgs_before + 1, f"<img tags: {imgs_before} before the edit, {_img_tags(html)} after"
    assert HEADING in handover_text(pdf), f"{pdf} lacks the heading {HEADING!r}"
    # One more image in the PDF: each figure of the HTML is one image XObject (an RGBA PNG also
    # lists its soft mask, not counted). Compared with the same render before the edit, so that
    # any image WeasyPrint adds or merges elsewhere (logos, a figure repeated) cancels out.
    pdf_images_after = len(_pdf_images(pdf))
    assert pdf_images_after == pdf_images_before + 1, \
        f"images in {pdf.name}: {pdf_images_before} before the edit, {pdf_images_after} after"
