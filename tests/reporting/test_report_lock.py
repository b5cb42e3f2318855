"""One run per period: a second one refuses clearly, or waits when asked."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import threading
import time

import pytest

from mutasi_analysis.reporting import pipeline
from mutasi_analysis.reporting.lock import ReportLocked, period_lock


def test_second_holder_is_refused_with_the_holder_named(tmp_path):
    lock = tmp_path / "p.lock"
    with period_lock(lock, "report 2026-S1"):
        with pytest.raises(ReportLocked) as e:
            with period_lock(lock, "report 2026-S1"):
                pass
    assert f"report 2026-S1 is in use by another run (pid {os.getpid()}" in e.value.message
    assert "--wait" in e.value.message and e.value.exit_code == 2
    with period_lock(lock, "report 2026-S1"):  # released afterwards
        pass


def test_waiting_run_gets_the_lock_once_released(tmp_path):
    lock = tmp_path / "p.lock"
    entered = threading.Event()
    got = []

    def first():
        with period_lock(lock, "x"):
            entered.set()
            time.sleep(0.5)
            got.append("first")

    t = threading.Thread(target=first)
    t.start()
    entered.wait(5)
    with period_lock(lock, "x", wait=30, poll=0.05):
        got.append("second")
    t.join()
    assert got == ["first", "second"]


def test_lock_of_a_killed_process_does_not_block(tmp_path):
    lock = tmp_path / "p.lock"
    code = (
        "import sys, time; sys.path.insert(0, %r)\n"
        "from mutasi_analysis.reporting.lock import period_lock\n"
        "with period_lock(%r, 'x'):\n    print('held', flush=True); time.sleep(60)\n"
    ) % (str(pipeline.Path(pipeline.__file__).parents[2]), str(lock))
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "held"
        with pytest.raises(ReportLocked):
            with period_lock(lock, "x"):
                pass
    finally:
        proc.kill()
        proc.wait()
    with period_lock(lock, "x", wait=10):
        pass


def test_run_report_refuses_while_the_period_is_locked(project):
    reports = project["reports"]
    with period_lock(reports / ".locks" / "2026-S1.lock", "report 2026-S1"):
        with pytest.raises(ReportLocked, match="report 2026-S1 is in use by another run"):
            pipeline.run_report(
                "2026-S1", region=project["region"], processed=project["processed"],
                reports=reports, notebooks=project["notebooks"], today=dt.date(2026, 11, 28),
                out=lambda s: None,
            )
    assert not (reports / "2026-S1").exists()
