"""The scheduled path: cron line, systemd units and CI workflow all run a valid
``mutasi report --period latest`` and keep its output."""

from __future__ import annotations

import configparser
import re
import shlex
import shutil
import subprocess

import pytest

from mutasi_analysis.cli import build_parser

from report_helpers import REPO
from tests.conftest import require_module


def _parse_mutasi(command: str):
    words = shlex.split(command)
    if words[:2] == ["/bin/sh", "-c"]:  # systemd runs it through a shell, from WorkingDirectory
        words = shlex.split(words[2])
    i = next(i for i, w in enumerate(words) if w.endswith("mutasi") and not w.endswith("/mutasi-analysis"))
    end = next((j for j in range(i + 1, len(words)) if words[j] in (">>", ">", "||", "&&", "|")), len(words))
    return build_parser().parse_args(words[i + 1:end])


def test_cron_line_runs_latest_daily():
    lines = [ln for ln in (REPO / "deploy" / "mutasi-report.cron").read_text().splitlines()
             if ln.strip() and not ln.startswith("#")]
    assert len(lines) == 1
    fields = lines[0].split(None, 5)
    assert fields[:5] == ["15", "2", "*", "*", "*"]
    args = _parse_mutasi(fields[5].split("&&")[-1])
    assert (args.command, args.period, args.jobs) == ("report", "latest", 2)


def test_systemd_units():
    svc = configparser.ConfigParser(strict=False, interpolation=None)
    svc.read(REPO / "deploy" / "systemd" / "mutasi-report.service")
    assert svc["Service"]["Type"] == "oneshot"
    args = _parse_mutasi(svc["Service"]["ExecStart"])
    assert (args.command, args.period) == ("report", "latest")
    # deploy/README.md: setting WorkingDirectory= and User= is all a machine needs, so nothing
    # else in the unit may name the checkout.
    checkout = svc["Service"]["WorkingDirectory"]
    text = (REPO / "deploy" / "systemd" / "mutasi-report.service").read_text()
    assert text.count(checkout) == 1, "only WorkingDirectory= may name the checkout"
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


def test_region_template_unit_keeps_each_region_in_its_own_folders():
    svc = configparser.ConfigParser(strict=False, interpolation=None)
    svc.read(REPO / "deploy" / "systemd" / "mutasi-report@.service")
    args = _parse_mutasi(svc["Service"]["ExecStart"].replace("%i", "kotaraja"))
    assert (args.command, args.period) == ("report", "latest")
    assert (args.region, args.processed, args.reports) == (
        "config/kotaraja.toml", "data/kotaraja/processed", "reports/kotaraja")
    text = (REPO / "deploy" / "systemd" / "mutasi-report@.service").read_text()
    assert text.count(svc["Service"]["WorkingDirectory"]) == 1


def _cron_command() -> str:
    line = next(ln for ln in (REPO / "deploy" / "mutasi-report.cron").read_text().splitlines()
                if ln.strip() and not ln.startswith("#"))
    return line.split(None, 5)[5]


@pytest.mark.parametrize("exit_code", [0, 1])
def test_cron_line_runs_in_a_checkout_without_a_reports_folder(tmp_path, exit_code):
    """The crontab line as cron runs it (``/bin/sh -c``), in a checkout with no ``reports/`` yet.

    ``.venv/bin/mutasi`` is a stand-in that prints a line and exits as told: what is tested is
    the shell around it (the folder, the log, the tail cron mails on failure); the arguments
    are checked by test_cron_line_runs_latest_daily.
    """
    checkout = tmp_path / "srv" / "mutasi-analysis"
    (checkout / ".venv" / "bin").mkdir(parents=True)
    stub = checkout / ".venv" / "bin" / "mutasi"
    stub.write_text(f"#!/bin/sh\necho \"ran: $*\"\necho 'to stderr' >&2\nexit {exit_code}\n")
    stub.chmod(0o755)
    command = _cron_command().replace("/srv/mutasi-analysis", str(checkout))
    assert not (checkout / "reports").exists()
    run = subprocess.run(["/bin/sh", "-c", command], capture_output=True, text=True, timeout=60)
    log = (checkout / "reports" / "schedule.log").read_text()
    assert "ran: report --period latest --jobs 2" in log and "to stderr" in log
    assert run.returncode == 0
    # Success is silent (cron mails nothing); a failure prints the log's tail, which cron mails.
    assert (run.stdout == "") == (exit_code == 0)
    if exit_code:
        assert "ran: report" in run.stdout


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze not installed")
def test_systemd_units_verify(tmp_path):
    units = REPO / "deploy" / "systemd"
    for name in ("mutasi-report.service", "mutasi-report.timer"):
        shutil.copy(units / name, tmp_path / name)
    for suffix in ("service", "timer"):  # a template is verified as one of its instances
        shutil.copy(units / f"mutasi-report@.{suffix}", tmp_path / f"mutasi-report@kotaraja.{suffix}")
    run = subprocess.run(["systemd-analyze", "verify", *sorted(str(p) for p in tmp_path.iterdir())],
                         capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    # Most mistakes (a misspelt key, a bad value) are warnings, not a failing exit code.
    for complaint in ("not executable", "Unknown key", "Unknown section", "Failed to parse", "Invalid", "Unknown lvalue"):
        assert complaint not in run.stderr, run.stderr


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze not installed")
def test_the_verify_check_sees_a_misspelt_key(tmp_path):
    text = (REPO / "deploy" / "systemd" / "mutasi-report.service").read_text().replace("Nice=10", "Nicee=10")
    (tmp_path / "mutasi-report.service").write_text(text)
    run = subprocess.run(["systemd-analyze", "verify", str(tmp_path / "mutasi-report.service")],
                         capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert "Unknown key" in run.stderr or "Unknown lvalue" in run.stderr, run.stderr


def _commands(markdown: str) -> list[str]:
    """Every command of a page: fenced lines and inline code naming mutasi, comments dropped."""
    found = []
    for block in re.findall(r"```[a-z]*\n(.*?)```", markdown, flags=re.S):
        found += [ln.split("#", 1)[0].strip() for ln in block.splitlines()]
    found += re.findall(r"`([^`\n]*(?:mutasi|systemctl|ExecStart)[^`\n]*)`", markdown)
    return sorted({c for c in found if c})


def test_the_indonesian_deploy_guide_gives_the_same_commands():
    en = (REPO / "deploy" / "README.md").read_text(encoding="utf-8")
    id_ = (REPO / "deploy" / "README.id.md").read_text(encoding="utf-8")
    assert "README.id.md" in en and "README.md" in id_
    assert _commands(id_) == _commands(en)


def test_deploy_guide_states_what_the_code_does():
    from mutasi_analysis.reporting.pipeline import waiting_for_data
    from mutasi_analysis.periods import parse_period
    import datetime as dt

    text = (REPO / "deploy" / "README.md").read_text(encoding="utf-8")
    line = waiting_for_data(parse_period("2026-S1"), dt.date(2027, 1, 5), dt.date(2026, 10, 31))
    quoted = re.search(r"`(2026-S2: waiting for data[^`]*?)(?:; \.\.\.)?`", text).group(1)
    assert line.startswith(quoted)
    assert "the day after it ends" not in text.replace("not the day after it ends", "")
    assert "mutasi report: no PDF this run:" in text
