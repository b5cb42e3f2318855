"""Typed parameter validation: every problem is caught before a kernel starts."""

from __future__ import annotations

import datetime as dt

import pytest
from nbformat.v4 import new_code_cell

from mutasi_analysis.errors import MutasiError
from mutasi_analysis.reporting import pipeline
from mutasi_analysis.reporting.params import notebook_parameters, parse_cli_value, validate_parameters

from report_helpers import PARAMS, make_notebook

TODAY = dt.date(2026, 11, 28)


@pytest.fixture
def nb(tmp_path):
    return make_notebook(tmp_path / "01_x.ipynb", PARAMS, [new_code_cell("pass")])


def test_declared_parameters_have_types_defaults_and_help(nb):
    d = notebook_parameters(nb)
    assert list(d) == ["period", "processed", "x", "scale", "fail"]
    assert (d["period"].type, d["period"].default, d["period"].help) == ("str", '"2026-S1"', "evaluation period")
    assert (d["x"].type, d["scale"].type, d["fail"].type) == ("int", "float", "bool")


def test_unknown_name_is_an_error_naming_it_and_the_known_ones(nb):
    with pytest.raises(MutasiError) as e:
        validate_parameters(nb, {"x": 2, "n_bootstrap": 9})
    assert "unknown parameter 'n_bootstrap'" in e.value.message
    assert "x: int" in e.value.message and "period: str" in e.value.message


@pytest.mark.parametrize("name,value", [
    ("x", "2"), ("x", 2.5), ("x", True), ("scale", "0.1"), ("scale", False), ("fail", 1), ("period", 2026),
])
def test_wrong_type_is_an_error(nb, name, value):
    with pytest.raises(MutasiError) as e:
        validate_parameters(nb, {name: value})
    assert f"parameter {name!r} must be" in e.value.message


def test_all_problems_reported_at_once(nb):
    with pytest.raises(MutasiError) as e:
        validate_parameters(nb, {"x": "a", "fail": "no", "zz": 1})
    msg = e.value.message
    assert "'x'" in msg and "'fail'" in msg and "'zz'" in msg


def test_int_for_float_becomes_float(nb):
    out = validate_parameters(nb, {"scale": 2, "x": 3})
    assert out == {"scale": 2.0, "x": 3}
    assert isinstance(out["scale"], float)


def test_untyped_parameter_is_rejected(tmp_path):
    p = make_notebook(tmp_path / "u.ipynb", "alpha = 0.05  # no annotation\n", [])
    with pytest.raises(MutasiError, match="without a supported type annotation: alpha"):
        notebook_parameters(p)


def test_notebook_without_parameters_cell_is_rejected(tmp_path):
    p = make_notebook(tmp_path / "n.ipynb", None, [new_code_cell("x = 1")])
    with pytest.raises(MutasiError, match="no cell tagged 'parameters'"):
        notebook_parameters(p)


@pytest.mark.parametrize("text,tname,expected", [
    ("3", "int", 3), ("0.25", "float", 0.25), ("ya", "bool", True), ("false", "bool", False),
    ("abc", "str", "abc"), ("[1, 2]", "list", [1, 2]), ('{"a": 1}', "dict", {"a": 1}),
])
def test_cli_values_are_converted_to_the_declared_type(text, tname, expected):
    assert parse_cli_value(text, tname) == expected


@pytest.mark.parametrize("text,tname", [("3.5", "int"), ("abc", "float"), ("maybe", "bool"), ("{", "list"), ("[1]", "dict")])
def test_cli_value_of_wrong_type_is_an_error(text, tname):
    with pytest.raises(MutasiError, match=f"must be {tname}"):
        parse_cli_value(text, tname, "p")


def _no_render(*args, **kwargs):
    raise AssertionError("a kernel was started although the parameters are invalid")


@pytest.mark.parametrize("extra,message", [
    ({"nope": "1"}, "unknown parameter(s) 'nope'"),
    ({"x": "two"}, "parameter 'x' must be int"),
    ({"period": "2026-S1"}, "set by the command's own options"),
])
def test_run_report_validates_before_any_kernel_starts(project, monkeypatch, extra, message):
    monkeypatch.setattr(pipeline, "render_notebook", _no_render)
    with pytest.raises(MutasiError) as e:
        pipeline.run_report(
            "2026-S1", region=project["region"], processed=project["processed"],
            reports=project["reports"], notebooks=project["notebooks"], parameters=extra,
            today=TODAY, out=lambda s: None,
        )
    assert message in e.value.message
    assert not (project["reports"] / "2026-S1").exists()


def test_parameter_known_to_one_notebook_goes_only_to_it(project):
    nbs = pipeline.discover_notebooks(project["notebooks"])
    params = pipeline._build_parameters(nbs, {"period": "2026-S1", "processed": "/p", "lang": "id"}, {"x": "4"})
    assert params["01_a"] == {"period": "2026-S1", "processed": "/p", "x": 4}
    # 00_sum declares only `period`: no lang, no processed, no x.
    assert params["00_sum"] == {"period": "2026-S1"}


@pytest.mark.parametrize("only,expected", [
    ("01", ["01_a"]), ("02,00", ["00_sum", "02_b"]), ("01_a, 02", ["01_a", "02_b"]), (None, ["00_sum", "01_a", "02_b"]),
])
def test_only_selects_by_number_or_name(project, only, expected):
    nbs = pipeline.discover_notebooks(project["notebooks"])
    assert [p.stem for p in pipeline.select_notebooks(nbs, only)] == expected


def test_only_with_unknown_notebook_is_an_error(project):
    nbs = pipeline.discover_notebooks(project["notebooks"])
    with pytest.raises(MutasiError, match="no notebook matches 07; available: 00_sum, 01_a, 02_b"):
        pipeline.select_notebooks(nbs, "01,07")


def test_ranges_in_the_help_are_checked_before_any_kernel(tmp_path):
    nb = make_notebook(tmp_path / "03_x.ipynb", (
        'period: str = "2026-S1"  # evaluation period\n'
        "n_boot: int = 999  # bootstrap draws [99..]\n"
        "share: float = 0.25  # a share [0..1]\n"
        "shift: int = 0  # any whole number\n"
    ), [])
    declared = notebook_parameters(nb)
    assert declared["n_boot"].bounds == (99, None) and declared["share"].bounds == (0, 1)
    assert declared["shift"].bounds == (None, None)
    assert validate_parameters(nb, {"n_boot": 99, "share": 1, "shift": -5}, declared) == {
        "n_boot": 99, "share": 1.0, "shift": -5}
    with pytest.raises(MutasiError) as e:
        validate_parameters(nb, {"n_boot": -1, "share": 1.5}, declared)
    assert "'n_boot' = -1 is outside its range [99..]" in e.value.message
    assert "'share' = 1.5 is outside its range [0..1]" in e.value.message


def test_the_report_notebooks_bound_their_statistics_sizes():
    from report_helpers import REPO

    for name, low in (("03_dampak_layanan", {"n_boot": 99, "n_perm": 19, "seed": 0}),
                      ("04_ikm", {"n_boot": 100, "seed": 0})):
        declared = notebook_parameters(REPO / "notebooks" / f"{name}.ipynb")
        assert {k: declared[k].bounds[0] for k in low} == low, name
