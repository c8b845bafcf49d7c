"""One vocabulary: every action, verdict, urgency and timing token the kit uses is in
`ucnb.model.actions`, every entry there has all its words, and the faces read findings, not JSON."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

import pytest

import ucnb
from ucnb.errors import InputError
from ucnb.model.actions import (
    ACTIONS,
    TIMINGS,
    URGENCIES,
    VERDICTS,
    action,
    decision_names,
    jargon,
    special_rule_names,
    timing,
    urgency,
    verdict,
)

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "ucnb"
SAMPLES = sorted((ROOT / "sample_outputs").glob("ex*"))
MAKERS = {"Alternative": 0, "NextStep": 0, "_alternative": 0, "Remedy": 1}  # where the action goes


def _strings(node: ast.AST) -> list[str]:
    """The string constants of `node` (one, or a tuple/list/set of them)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return [s for item in node.elts for s in _strings(item)]
    return []


def action_tokens_in(source: str) -> set[str]:
    """Action tokens written in code: compared with an `action`, given to a finding's maker as its
    action, or looked up with `action("...")`."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Compare) and any(
            isinstance(side, ast.Attribute) and side.attr == "action" or isinstance(side, ast.Name)
            and side.id == "action" for side in (node.left, *node.comparators)
        ):
            for side in (node.left, *node.comparators):
                found.update(_strings(side))
        if isinstance(node, ast.Call):
            callee = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            position = MAKERS.get(callee)
            if position is not None and len(node.args) > position:
                found.update(_strings(node.args[position]))
            if callee == "action" and node.args:
                found.update(_strings(node.args[0]))
            if callee != "add_argument":  # argparse's `action=`
                found.update(s for k in node.keywords if k.arg == "action" for s in _strings(k.value))
    return found - {""}  # "" is a group without an action (the default), never a token


def test_the_scan_finds_tokens_where_the_code_writes_them():
    code = (
        'if step.action in ("restart", "none"): pass\n'
        'Alternative("kill", None)\nRemedy("rule", "wait", None)\nGroup(1, action="bounce")\n'
        'action("nap").label\nparser.add_argument("--x", action="store_true")\n'
    )
    assert action_tokens_in(code) == {"restart", "none", "kill", "wait", "bounce", "nap"}


def test_every_action_token_in_the_code_is_in_the_table():
    used: dict[str, set[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name == "actions.py":
            continue
        for token in action_tokens_in(path.read_text(encoding="utf-8")):
            used.setdefault(token, set()).add(str(path.relative_to(ROOT)))
    assert {"restart_service", "reboot", "kill_parent", "leave", "recollect", "none"} <= set(used)
    unknown = {token: sorted(paths) for token, paths in used.items() if token not in ACTIONS}
    assert unknown == {}


def test_every_action_in_the_data_files_is_in_the_table():
    services = tomllib.loads((PACKAGE / "data" / "services.toml").read_text(encoding="utf-8"))
    specials = [rule["action"] for rule in services.get("special", [])]
    assert specials and set(specials) <= set(special_rule_names())
    lessons = tomllib.loads((PACKAGE / "data" / "lessons.toml").read_text(encoding="utf-8"))
    answers = [entry["answer"] for entry in lessons["lesson"]]
    named = [a["action"] for a in answers]
    assert named and set(named) <= set(decision_names())


def test_the_synthetic_answers_use_the_table():
    from ucnb.training.practice import make_exercise

    for seed in range(1, 13):
        _, key = make_exercise(seed)
        assert {key.action, *(g.action for g in key.other_groups)} <= set(decision_names())


@pytest.mark.parametrize("example", SAMPLES, ids=[p.name for p in SAMPLES])
def test_every_action_the_diagnosis_gives_is_in_the_table(example):
    for node in ucnb.diagnose(ucnb.load(example / "before")).nodes:
        action(node.next_step.action)
        for group in node.groups:
            assert action(group.action).decision
            for alt in group.alternatives:
                assert alt.tac_only == action(alt.action).tac_only
        if node.next_step.when is not None:
            timing(node.next_step.when)
        urgency(node.next_step.urgency)
    if (example / "after").is_dir():
        for checked in ucnb.compare(ucnb.load(example / "before"), ucnb.load(example / "after")).nodes:
            verdict(checked.verdict)


def test_every_entry_has_all_its_words():
    for entry in ACTIONS.values():
        assert entry.label and entry.words and entry.step, entry
        amc = {"service": "Cisco AMC Service", "ppid": 29815, "command": "show network cluster"}
        for details in ({}, amc):
            text = entry.sentence(node="cucm-pub", **details)
            assert text and "{" not in text and text == text.strip() and not text.endswith(".")
        assert entry.step.format(command="x", timing="now").endswith(".")
        assert entry.disrupts in ("", "node", "service")
    for entry in VERDICTS.values():
        assert entry.words and entry.label and entry.banner, entry
    for entry in URGENCIES.values():
        assert entry.words and entry.summary, entry
        assert "{" not in entry.summary.format(them="them")
    for entry in TIMINGS.values():
        assert entry.phrase and entry.tag and entry.words, entry
    assert [u.rank for u in URGENCIES.values()] == list(range(len(URGENCIES)))


def test_an_unknown_token_is_a_clear_error():
    with pytest.raises(InputError, match=r"unknown action 'restart': one of restart_service, reboot"):
        action("restart")
    with pytest.raises(InputError, match="unknown verdict 'gone'"):
        verdict("gone")


def test_the_faces_read_the_table():
    from ucnb.cli import build_parser
    from ucnb.report.words import INTERNAL_TOKENS

    assert set(jargon()) <= set(INTERNAL_TOKENS)
    internal = {"restart_service", "kill_parent", "recollect", "not_cleared", "maintenance_window"}
    assert internal <= set(jargon())
    report = build_parser()._subparsers._group_actions[0].choices["report"]
    assert f"the action decided ({', '.join(decision_names())})" in " ".join(report.format_help().split())


def test_faces_take_findings_never_their_json():
    """`to_json()` happens at the CLI and scan boundary only; no face reads a findings document."""
    faces = [*sorted((PACKAGE / "faces").glob("*.py")), *sorted((PACKAGE / "report").glob("*.py")),
             *sorted((PACKAGE / "app").glob("*.py"))]
    for path in faces:
        if path.name == "jsonout.py":  # the CLI's JSON writer
            continue
        text = path.read_text(encoding="utf-8")
        assert "from_json" not in text and ".to_json(" not in text, path
        assert "as_group" not in text and "as_node" not in text, path
