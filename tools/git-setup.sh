#!/usr/bin/env bash
# Configure the git checkout this file lives in for the report notebooks (`make venv` runs it
# after installing the venv; `make hooks` runs it alone). .gitattributes names the drivers, this
# sets them in the checkout's own .git/config (never --global), with absolute paths into the
# checkout's venv so that they work without an activated venv:
#
#   filter.nbstripout  `git add` stores a notebook without outputs, execution counts and volatile
#                      metadata; the working copy keeps its outputs. Kept: the kernelspec, cell
#                      tags (papermill's `parameters`) and cell ids (--keep-id: nbformat 4.5 ids
#                      are stable, so an inserted cell does not renumber every cell after it).
#                      Not `required`: a missing venv must not make `git status` fatal; the
#                      pre-commit hook then refuses the outputs instead.
#   diff.ipynb         `git diff` shows notebooks cell by cell (nbdime's git-nbdiffdriver, after
#                      the clean filter: what a commit would store); textconv for `git log -p`.
#   merge.ipynb        nbdime's merge driver; `git difftool/mergetool --tool=nbdime` for the web UI.
#   pre-commit hook    tools/git-hooks/pre-commit: refuses staged notebooks that still carry
#                      outputs (the filter was not active). An existing hook of yours is kept.
#
# Equivalent to `nbstripout --install --attributes .gitattributes` plus `nbdime config-git
# --enable`, which would write commands found on PATH and a second attributes file. Idempotent;
# prints one line when it changes something, or why it configured nothing (no git, not a
# checkout: exit 0). Usage: tools/git-setup.sh [VENV]   (default: the checkout's .venv)
set -uo pipefail

say() { echo "git-setup: $*"; }
here=${BASH_SOURCE[0]%/*}
[[ "$here" != "${BASH_SOURCE[0]}" ]] || here=.
ROOT=$(cd "$here/.." && pwd -P)
VENV=${1:-.venv}
[[ "$VENV" == /* ]] || VENV="$ROOT/$VENV"

command -v git >/dev/null 2>&1 || { say "git not found: notebook filters not configured"; exit 0; }
top=$(git -C "$ROOT" rev-parse --show-toplevel 2>/dev/null) \
    || { say "$ROOT is not a git checkout: notebook filters not configured"; exit 0; }
if [[ "$(cd "$top" && pwd -P)" != "$ROOT" ]]; then
    say "$ROOT lies inside the git checkout $top without being one: notebook filters not configured"
    exit 0
fi

BIN=$(cd "$VENV/bin" 2>/dev/null && pwd -P) || { say "no $VENV: run \`make venv\`" >&2; exit 1; }
for tool in python nbstripout git-nbdiffdriver git-nbmergedriver git-nbdifftool git-nbmergetool; do
    [[ -x "$BIN/$tool" ]] || { say "$BIN/$tool missing: run \`make venv\` (test extras of the lock)" >&2; exit 1; }
done

# A command for git's `sh -c`: the path single-quoted (a quote inside it escaped).
q() { local s=${1//\'/\'\\\'\'}; printf "'%s'" "$s"; }
# Volatile metadata stripped besides nbstripout's defaults (widgets, ExecuteTime, collapsed, ...):
# language_info (the kernel's Python version), papermill's run records, VS Code's interpreter.
EXTRA_KEYS="metadata.language_info metadata.papermill cell.metadata.papermill metadata.vscode"

changed=0
setcfg() {
    local cur
    cur=$(git -C "$ROOT" config --local --get "$1" 2>/dev/null) || cur=
    [[ "$cur" == "$2" ]] && return 0
    git -C "$ROOT" config --local "$1" "$2" && changed=1
}
setcfg filter.nbstripout.clean "$(q "$BIN/python") -m nbstripout --keep-id --extra-keys '$EXTRA_KEYS'"
setcfg filter.nbstripout.smudge cat
setcfg filter.nbstripout.required false
setcfg diff.ipynb.command "$(q "$BIN/git-nbdiffdriver") diff --use-filter"
setcfg diff.ipynb.textconv "$(q "$BIN/python") -m nbstripout -t --keep-id --extra-keys '$EXTRA_KEYS'"
setcfg merge.ipynb.name "jupyter notebook merge driver (nbdime)"
setcfg merge.ipynb.driver "$(q "$BIN/git-nbmergedriver") merge %O %A %B %L %P"
setcfg difftool.nbdime.cmd "$(q "$BIN/git-nbdifftool") diff \"\$LOCAL\" \"\$REMOTE\" \"\$BASE\""
setcfg mergetool.nbdime.cmd "$(q "$BIN/git-nbmergetool") merge \"\$BASE\" \"\$LOCAL\" \"\$REMOTE\" \"\$MERGED\""

# The pre-commit hook: a shim calling the committed script, so that it follows the checkout.
MARK="# mutasi-analysis: installed by tools/git-setup.sh"
hook=$(cd "$ROOT" && git rev-parse --git-path hooks/pre-commit 2>/dev/null) || hook=
[[ -z "$hook" || "$hook" == /* ]] || hook="$ROOT/$hook"
if [[ -n "$hook" ]]; then
    shim="#!/bin/sh
$MARK (notebooks without outputs)
hook=\"\$(git rev-parse --show-toplevel)/tools/git-hooks/pre-commit\"
[ -f \"\$hook\" ] || exit 0
exec bash \"\$hook\" \"\$@\""
    if [[ ! -e "$hook" ]] || { grep -qF "$MARK" "$hook" && [[ "$(cat "$hook")" != "$shim" ]]; }; then
        mkdir -p "$(dirname "$hook")" && printf '%s\n' "$shim" >"$hook" && chmod +x "$hook" && changed=1
    elif ! grep -qF "$MARK" "$hook"; then
        say "kept your own $hook; add tools/git-hooks/pre-commit to it to refuse notebooks with outputs"
    fi
fi

(( changed )) && say "notebooks: nbstripout filter, nbdime diff/merge and pre-commit hook set in .git/config"
exit 0
