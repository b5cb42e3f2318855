"""The public API of :mod:`mutasi_analysis.did` as a table, read from the code itself.

``docs/en/api.md`` and ``docs/id/api.md`` hold this table between ``<!-- api:start -->`` and
``<!-- api:end -->``; ``make api-docs`` (``python -m mutasi_analysis.did._api --write``)
rewrites it, and ``tests/test_docs.py`` fails when the pages and the code disagree. Written by
hand because the docs are plain Markdown pages (no Sphinx build to run autodoc in).
"""

from __future__ import annotations

import dataclasses
import inspect
import re
import sys
import typing
from pathlib import Path

__all__ = ["api_rows", "api_markdown", "write_pages"]

_START, _END = "<!-- api:start -->", "<!-- api:end -->"
_HEADERS = {
    "en": ("function", "arguments", "returns", "result fields and methods"),
    "id": ("fungsi", "argumen", "hasil", "isi dan metode hasil"),
}
# Accessors every result has (DiDResult): listed once in the page's text, not per row.
_COMMON = {"method", "call", "n_obs", "n_units", "tidy", "summary", "to_dict"}


def _result_members(cls) -> list[str]:
    """Public fields, properties and methods of a result class, deprecated aliases left out."""
    names: list[str] = []
    if dataclasses.is_dataclass(cls):
        # a trailing underscore marks storage behind an accessor (table_ behind table)
        names += [f.name for f in dataclasses.fields(cls) if not f.name.startswith("_") and not f.name.endswith("_")]
    for name, value in inspect.getmembers(cls):
        if name.startswith("_") or name in names:
            continue
        if isinstance(value, property):
            if (value.__doc__ or "").startswith("Deprecated alias"):
                continue
            names.append(name)
        elif inspect.isfunction(value):
            names.append(name + "()")
    return [n for n in names if n.rstrip("()") not in _COMMON]


def _arguments(fn) -> list[str]:
    out = []
    for p in inspect.signature(fn).parameters.values():
        if p.kind is p.KEYWORD_ONLY and p.default is None and p.name in _DEPRECATED_KEYWORDS:
            continue  # a deprecated alias (e.g. B for n_boot): documented on the page, not here
        out.append(p.name if p.default is p.empty else f"{p.name}={p.default!r}")
    return out


_DEPRECATED_KEYWORDS = {"B"}


def api_rows() -> list[tuple[str, str, str, str]]:
    """One row per public function of :mod:`mutasi_analysis.did`: name, arguments, result
    class and the result's own fields and methods (sorted as ``__all__``)."""
    from mutasi_analysis import did

    rows = []
    for name in did.__all__:
        fn = getattr(did, name)
        if not inspect.isfunction(fn):
            continue
        hints = typing.get_type_hints(fn)
        ret = hints.get("return")
        ret_name = getattr(ret, "__name__", str(ret))
        members = _result_members(ret) if inspect.isclass(ret) else []
        rows.append((f"`{name}`", ", ".join(f"`{a}`" for a in _arguments(fn)), f"`{ret_name}`",
                     ", ".join(f"`{m}`" for m in members)))
    return rows


def api_markdown(lang: str = "en") -> str:
    """The API table as a Markdown table with headers in ``lang``."""
    head = _HEADERS[lang]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(r) + " |" for r in api_rows()]
    return "\n".join(lines)


def _replace_block(text: str, block: str) -> str:
    pattern = re.compile(re.escape(_START) + ".*?" + re.escape(_END), re.S)
    if not pattern.search(text):
        raise ValueError(f"no {_START} ... {_END} block")
    return pattern.sub(lambda _: f"{_START}\n{block}\n{_END}", text)


def write_pages(root: Path, check: bool = False) -> list[Path]:
    """Write the table into ``docs/<lang>/api.md``; with ``check``, only list the stale pages."""
    stale = []
    for lang in _HEADERS:
        page = root / "docs" / lang / "api.md"
        text = page.read_text(encoding="utf-8")
        new = _replace_block(text, api_markdown(lang))
        if new != text:
            stale.append(page)
            if not check:
                page.write_text(new, encoding="utf-8")
    return stale


if __name__ == "__main__":  # python -m mutasi_analysis.did._api --write | --check
    root = Path(__file__).resolve().parents[2]
    changed = write_pages(root, check="--check" in sys.argv)
    for p in changed:
        print(("stale: " if "--check" in sys.argv else "wrote ") + str(p.relative_to(root)))
    sys.exit(1 if changed and "--check" in sys.argv else 0)
