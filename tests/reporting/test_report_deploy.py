"""The scheduled path: cron line, systemd units and CI workflow all run a valid
``mutasi report --period latest`` and keep its output."""

from __future__ import annotations

import configparser
import re
import shlex

import pytest

from mutasi_analysis.cli import build_parser

from report_helpers import REPO
from tests.conftest import require_module


def _parse_mutasi(command: str):
    words = shlex.split(command)
    i = next(i for i, w in enumerate(words) if w.endswith("mutasi") and not w.endswith("/mutasi-analysis"))
    end = next((j for j in range(i + 1, len(words)) if words[j] in (">>", ">", "||", "&&", "|")), len(words))
    return build_parser().parse_args(words[i + 1:end])


def test_cron_line_runs_latest_daily():
    lines = [ln for ln in (REPO / "deploy" / "mutasi-report.cron").read_text().splitlines()
             if ln.strip() and not ln.startswith("#")]
    assert len(lines) == 1
    fields = lines[0].split(None, 5)
    assert fields[:5] == ["15", "2", "*", "*", "*"]
    args = _parse_mutasi(fields[5].split("&&", 1)[1])
    assert (args.command, args.period, args.jobs) == ("report", "latest", 2)


def test_systemd_units():
    svc = configparser.ConfigParser(strict=False, interpolation=None)
    svc.read(REPO / "deploy" / "systemd" / "mutasi-report.service")
    assert svc["Service"]["Type"] == "oneshot"
    args = _parse_mutasi(svc["Service"]["ExecStart"])
    assert (args.command, args.period) == ("report", "latest")
    timer = configparser.ConfigParser(strict=False, interpolation=None)
    timer.read(REPO / "deploy" / "systemd" / "mutasi-report.timer")
    assert re.fullmatch(r"\*-\*-\* \d\d:\d\d:\d\d", timer["Timer"]["OnCalendar"])
    assert timer["Timer"]["Persistent"] == "true"
    assert timer["Install"]["WantedBy"] == "timers.target"


def test_ci_workflow_is_scheduled_renders_latest_and_keeps_the_report():
    yaml = require_module("yaml", "reads the CI workflow (PyYAML comes with jupyterlab's jupyter_events)")
    wf = yaml.safe_load((REPO / ".github" / "workflows" / "report.yml").read_text())
    on = wf[True] if True in wf else wf["on"]  # YAML 1.1 reads the key `on` as True
    assert on["schedule"][0]["cron"].split()[:2] == ["15", "2"]
    steps = wf["jobs"]["report"]["steps"]
    runs = [s["run"] for s in steps if "run" in s]
    report = [r for r in runs if "mutasi report" in r]
    assert len(report) == 1
    args = _parse_mutasi(report[0])
    assert (args.command, args.period) == ("report", "latest")
    upload = next(s for s in steps if str(s.get("uses", "")).startswith("actions/upload-artifact"))
    assert "reports/" in upload["with"]["path"] and upload["if"] == "always()"
    env = wf["jobs"]["report"]["env"]
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", env["MUTASI_TODAY"])


@pytest.mark.parametrize("cmd", ["mutasi report --period latest --jobs two", "mutasi report --lang fr --period latest"])
def test_the_helper_would_catch_a_broken_command(cmd):
    with pytest.raises(SystemExit):
        _parse_mutasi(cmd)
