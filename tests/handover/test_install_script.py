"""``tools/install-system-deps.sh`` with stand-in ``dpkg-query``, ``apt-get`` and ``id`` on PATH:
what it installs, that ``apt-get update`` runs once, and that a second run does nothing."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "tools" / "install-system-deps.sh"
ALL = ["chromium", "poppler-utils", "libpango-1.0-0", "libpangoft2-1.0-0", "fonts-dejavu-core",
       "libreoffice-calc-nogui"]


def fake_system(tmp_path: Path, installed: set[str], uid: int = 0) -> tuple[dict, Path]:
    """A PATH whose dpkg-query knows ``installed``; apt-get logs its calls and 'installs'."""
    bin_ = tmp_path / "bin"
    bin_.mkdir()
    db = tmp_path / "installed.txt"
    db.write_text("\n".join(sorted(installed)) + "\n")
    log = tmp_path / "apt.log"
    (bin_ / "dpkg-query").write_text(
        f'#!/bin/bash\npkg="${{@: -1}}"\nif grep -qx "$pkg" {db}; then printf "install ok installed"; '
        f'else echo "dpkg-query: no packages found matching $pkg" >&2; exit 1; fi\n')
    (bin_ / "id").write_text(f"#!/bin/bash\necho {uid}\n")
    (bin_ / "apt-get").write_text(
        f'#!/bin/bash\necho "$*" >> {log}\n'
        f'if [[ "$1" == install ]]; then for a in "$@"; do [[ "$a" != -* && "$a" != install ]] && echo "$a" >> {db}; done; fi\n')
    for f in bin_.iterdir():
        f.chmod(0o755)
    env = {**os.environ, "PATH": f"{bin_}:/usr/bin:/bin"}
    return env, log


def run(env) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", str(SCRIPT)], env=env, capture_output=True, text=True, timeout=60)


def test_installs_only_what_is_missing_updating_once_then_does_nothing(tmp_path):
    env, log = fake_system(tmp_path, {"libpango-1.0-0", "libpangoft2-1.0-0", "fonts-dejavu-core"})
    r = run(env)
    assert r.returncode == 0, r.stderr
    calls = log.read_text().splitlines()
    assert calls[0] == "update -qq" and sum(c.startswith("update") for c in calls) == 1
    assert calls[1].split()[0] == "install"
    assert calls[1].split()[-3:] == ["chromium", "poppler-utils", "libreoffice-calc-nogui"]
    assert "installed chromium poppler-utils libreoffice-calc-nogui" in r.stdout
    again = run(env)
    assert again.returncode == 0 and "all present" in again.stdout
    assert len(log.read_text().splitlines()) == 2  # no further apt-get call


def test_not_root_only_says_what_is_missing(tmp_path):
    env, log = fake_system(tmp_path, set(), uid=1000)
    r = run(env)
    assert r.returncode == 0
    assert "missing: " + " ".join(ALL) in r.stdout and "as root" in r.stdout
    assert not log.exists()


def test_check_mode_installs_nothing(tmp_path):
    env, log = fake_system(tmp_path, {"chromium"})
    r = subprocess.run(["bash", str(SCRIPT), "--check"], env=env, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0 and "missing: " + " ".join(ALL[1:]) in r.stdout
    assert not log.exists()


def test_report_mode_installs_only_what_the_report_needs(tmp_path):
    """--report (make report, make golden): Pango and the font, never the test tools
    (LibreOffice Calc is large and no report needs it)."""
    env, log = fake_system(tmp_path, {"fonts-dejavu-core"})
    r = subprocess.run(["bash", str(SCRIPT), "--report"], env=env, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    calls = log.read_text().splitlines()
    assert calls[0] == "update -qq" and len(calls) == 2
    assert calls[1].split()[-2:] == ["libpango-1.0-0", "libpangoft2-1.0-0"]
    assert not {"chromium", "poppler-utils", "libreoffice-calc-nogui"} & set(calls[1].split())
    again = subprocess.run(["bash", str(SCRIPT), "--report"], env=env, capture_output=True, text=True, timeout=60)
    assert again.returncode == 0 and "all present" in again.stdout
    assert len(log.read_text().splitlines()) == 2
    # the default (the tests) still wants the rest
    check = subprocess.run(["bash", str(SCRIPT), "--check"], env=env, capture_output=True, text=True, timeout=60)
    assert "missing: chromium poppler-utils libreoffice-calc-nogui" in check.stdout
    both = subprocess.run(["bash", str(SCRIPT), "--report", "--check"], env=env, capture_output=True, text=True,
                          timeout=60)
    assert both.returncode == 0 and "all present" in both.stdout


def test_unknown_option_is_an_error(tmp_path):
    env, log = fake_system(tmp_path, set())
    r = subprocess.run(["bash", str(SCRIPT), "--reports"], env=env, capture_output=True, text=True, timeout=60)
    assert r.returncode == 2 and "--reports" in r.stderr
    assert not log.exists()
