"""The case outcome (`ucnb.diagnosis.outcome`): one conclusion per situation, as a senior TAC engineer
would sign it, and the CLI (`analyze`, `verify`, `--exit-code`, `--json`) saying nothing else.

Each case is a variation of a worked example: the after capture edited as the situation would leave
it (a service stopped, a zombie left under init) or a generated node (a growing leak)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

import ucnb
from tests.cli_helpers import run_cli
from ucnb.diagnosis.outcome import assess
from ucnb.faces.plan import plan_lines
from ucnb.synth import node_capture

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "sample_outputs"


def _copy(tmp_path: Path, example: str, side: str) -> Path:
    target = tmp_path / f"{example}-{side}"
    shutil.copytree(SAMPLES / example / side, target)
    return target


def _edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, count) if count else text.replace(old, new))


class _Run:
    def __init__(self, *args: object) -> None:
        self.returncode, self.stdout, self.stderr = run_cli(*args)


_ucnb = _Run


@pytest.fixture
def service_down(tmp_path: Path) -> tuple[Path, Path]:
    """ex1: the zombie is gone after the restart, but the Cisco AMC Service ends STOPPED."""
    after = _copy(tmp_path, "ex1_cucm_amc", "after")
    _edit(after / "restart_amc.txt", "Cisco AMC Service[STARTED]", "Cisco AMC Service[STOPPED]")
    return SAMPLES / "ex1_cucm_amc" / "before", after


@pytest.fixture
def left_under_init(tmp_path: Path) -> tuple[Path, Path]:
    """ex4: after the Connection File Syncer restart, zombie 387 is still defunct, now under PID 1."""
    after = _copy(tmp_path, "ex4_cuc_filesync", "after")
    listing = after / "ps_detail_after.txt"
    lines = listing.read_text().splitlines(keepends=True)
    row = "0 Z cucsmgr    387     1  0  80   0 -     0 -      Nov16 ?        00:00:00 [rsync] <defunct>\n"
    listing.write_text("".join([*lines[:5], row, *lines[5:]]))
    _edit(after / "load_after.txt", "0 stopped,   0 zombie", "0 stopped,   1 zombie")
    return SAMPLES / "ex4_cuc_filesync" / "before", after


def test_a_worked_example_cleared_needs_nothing_more_and_passes() -> None:
    for example in sorted(SAMPLES.glob("ex*")):
        case = assess(ucnb.load(example / "before"), ucnb.load(example / "after"))
        assert (case.outcome.phase, case.outcome.status, case.outcome.passes) == ("verified", "cleared", True)
        assert case.outcome.next_actions == ()
        result = _ucnb("verify", str(example / "before"), str(example / "after"), "--exit-code")
        assert result.returncode == 0, result.stdout
        assert "Cleared: no further action is needed" in result.stdout


def test_service_down_after_the_fix_is_not_cleared_and_says_start_it(service_down) -> None:
    before, after = service_down
    outcome = assess(ucnb.load(before), ucnb.load(after)).outcome
    node = outcome.nodes[0]
    assert (outcome.status, outcome.passes) == ("service_down", False)
    assert node.services_down == ("Cisco AMC Service",)
    first = node.next_actions[0]
    assert (first.action, first.who, first.when, first.command) == (
        "start_service", "customer", "now", "utils service start Cisco AMC Service")
    result = _ucnb("verify", str(before), str(after), "--exit-code")
    assert result.returncode == 1
    assert "no further action" not in result.stdout.lower()
    assert "utils service start Cisco AMC Service" in result.stdout
    document = json.loads(_ucnb("verify", str(before), str(after), "--json").stdout)
    assert document["outcome"]["status"] == "service_down"
    assert document["outcome"]["nodes"][0]["next_actions"][0]["action"] == "start_service"


def test_a_zombie_left_under_init_waits_then_reboots_never_restarts_again(left_under_init) -> None:
    before, after = left_under_init
    outcome = assess(ucnb.load(before), ucnb.load(after)).outcome
    node = outcome.nodes[0]
    assert (node.status, node.residual_under_init, outcome.passes) == ("partial", (387,), False)
    steps = [(a.action, a.when) for a in node.next_actions]
    assert steps[0] == ("wait_recapture", "after_1h")
    assert ("reboot", "if_still_defunct") in steps
    assert "restart_service" not in [a for a, _ in steps]
    text = _ucnb("verify", str(before), str(after)).stdout
    assert "a second restart cannot reap a child of init" in text
    assert "utils service restart" not in text


def test_the_cosmetic_imp_case_needs_no_action_and_says_so() -> None:
    case = assess(ucnb.load(SAMPLES / "ex5_imnp_sftp" / "before"))
    node = case.outcome.nodes[0]
    assert (node.status, node.cosmetic) == ("cosmetic", True)
    leave, reboot = node.next_actions
    assert (leave.action, leave.when) == ("leave", "next_planned_reboot")
    assert (reboot.action, reboot.when, reboot.optional) == ("reboot", "maintenance_window", True)
    text = _ucnb("analyze", str(SAMPLES / "ex5_imnp_sftp" / "before")).stdout
    assert "Action needed: none. A known cosmetic condition: no service needs a restart" in text
    assert "To clear it" not in text


def test_a_growing_leak_gets_a_recurrence_plan(tmp_path: Path) -> None:
    capture = node_capture("CUCM", "Cisco Trace Collection Service", 3, snapshots=4, interval_min=15,
                           growing=True, zombies=8)
    for name, data in capture.files.items():
        (tmp_path / name).write_bytes(data)
    node = assess(ucnb.load(tmp_path)).outcome.nodes[0]
    assert node.recurrence_watch and node.leak_rate_per_hour
    steps = [(a.action, a.when) for a in node.next_actions]
    assert steps[0][0] == "restart_service"
    assert {("recheck", "after_1h"), ("recheck", "after_24h"), ("collect_traces", "if_it_returns"),
            ("bug_search", "if_it_returns")} <= set(steps)


def test_a_customer_never_reads_a_tac_only_step() -> None:
    from ucnb.model.findings import Decision

    before = ucnb.load(SAMPLES / "ex1_cucm_amc" / "before")
    decision = Decision("cucm-sub1", 29815, "kill_parent", "kill -9 29815", by="tac-eng")
    outcome = assess(before, decisions=[decision]).outcome
    first = outcome.next_actions[0]
    assert (first.action, first.tac_only, first.who) == ("kill_parent", True, "tac")
    assert not any("kill" in line for line in plan_lines(outcome, "customer"))
    assert any("kill -9 29815" in line for line in plan_lines(outcome, "tac"))


def test_optional_action_never_says_do_it_now_and_counts_agree() -> None:
    text = _ucnb("analyze", str(SAMPLES / "ex4_cuc_filesync" / "before")).stdout
    first = text.splitlines()[1]
    assert first.startswith("Action needed: optional.")
    assert "If you choose to clear them" in first and "(now)" not in first


def test_a_parent_of_no_known_service_is_left_until_a_reboot_never_at_a_convenient_time(tmp_path) -> None:
    """Leaving zombies is no step to do "at a convenient time" nor an optional one: they stay until
    the next planned reboot while TAC identifies the parent's owner from the capture."""
    before = _copy(tmp_path, "ex1_cucm_amc", "before")
    for name in ("show_process_list_detail.txt", "show_process_list.txt"):
        _edit(before / name, "/usr/local/cm/bin/amc", "/usr/local/cm/bin/fooagentd", count=0)
    case = assess(ucnb.load(before))
    [node] = case.outcome.nodes
    first = node.next_actions[0]
    assert (first.action, first.when, first.optional) == ("leave", "next_planned_reboot", False)
    text = _ucnb("analyze", str(before)).stdout
    assert "First: leave the zombie processes in place (until the next planned reboot or upgrade)." in text
    assert "convenient" not in text and "(optional): leave" not in text


# ------------------------------------------------------------------ every report face renders the outcome
def _leak(tmp_path: Path) -> tuple[Path, None]:
    capture = node_capture("CUCM", "Cisco Trace Collection Service", 3, snapshots=4, interval_min=15,
                           growing=True, zombies=8)
    for name, data in capture.files.items():
        (tmp_path / name).write_bytes(data)
    return tmp_path, None


KILL = ("cucm-sub1", 29815, "kill_parent", "kill -9 29815", "tac-eng", "root shell approved by the customer")

# situation -> (how to build it, decision records, {face: (must, must never)}); a face is `customer`,
# `tac` (HTML, Markdown and the case note of that audience), `report` (HTML and Markdown, both
# audiences) or `note` (the case note, both audiences); `all` applies to every face. Words are
# compared case-insensitively, HTML unescaped.
SITUATIONS = {
    "service down after the fix": (
        "service_down", (),
        {"all": (("utils service start Cisco AMC Service",), ("no further action",))},
    ),
    "zombie left under init": (
        "left_under_init", (),
        {"all": (("wait, then capture", "utils system restart"),
                 ("utils service restart", "no further action"))},
    ),
    "cosmetic IM&P case": (
        "cosmetic", (),
        {"all": (("cosmetic", "no action", "maintenance window", "only if the customer insists"),
                 ("to clear it", "impact cosmetic", "reboot at a convenient time")),
         "report": (("no action is needed",), ())},
    ),
    "growing leak": (
        "leak", (),
        {"all": (("utils service restart Cisco Trace Collection Service", "24 hours after the fix",
                  "if the zombies come back"), ("no further action",))},
    ),
    "kill-parent decision": (
        "ex1", (KILL,),
        {"customer": (("show process load", "show process pid 29815", "end the stuck parent process 29815"),
                      ("kill", "end the parent process", "root access")),
         "tac": (("kill -9 29815", "tac-eng"), ()),
         "note": ((), ("restart the cisco amc service", "utils service restart"))},
    ),
}


def _situation(name: str, tmp_path: Path, request: pytest.FixtureRequest) -> tuple[Path, Path | None]:
    if name in ("service_down", "left_under_init"):
        return request.getfixturevalue(name)
    if name == "leak":
        return _leak(tmp_path)
    folder = {"cosmetic": "ex5_imnp_sftp", "ex1": "ex1_cucm_amc"}[name]
    return SAMPLES / folder / "before", None


@pytest.mark.parametrize("situation", sorted(SITUATIONS))
def test_every_report_face_carries_the_outcome_and_never_the_forbidden_words(situation, tmp_path, request):
    """Issue 21: for each situation, the HTML, Markdown and case note of both audiences carry the
    outcome's first next action (for that audience) and the words a TAC engineer would sign, and
    never the words that contradict it; the customer's never carry the kit's jargon."""
    import html

    from ucnb.faces.plan import sentence, steps_for
    from ucnb.model.findings import Decision
    from ucnb.report import INTERNAL_TOKENS, render_report

    kind, records, words = SITUATIONS[situation]
    before_path, after_path = _situation(kind, tmp_path, request)
    before = ucnb.load(before_path)
    after = ucnb.load(after_path) if after_path else None
    fields = ("node", "ppid", "action", "command", "by", "note")
    decisions = [dict(zip(fields, r, strict=True)) for r in records]
    outcome = assess(before, after, decisions=[Decision(*r) for r in records]).outcome
    for audience in ("customer", "tac"):
        first = steps_for(outcome, audience)[0]
        for fmt in ("html", "md", "txt"):
            text = render_report(before, after=after, decisions=decisions, fmt=fmt, audience=audience,
                                 pictures=False).text
            text = html.unescape(text) if fmt == "html" else text
            low = " ".join(text.lower().split())
            face = f"{situation}: {audience} {fmt}"
            assert sentence(first, audience).lower() in low, (face, sentence(first, audience))
            assert first.command is None or first.command.lower() in low, (face, first.command)
            faces = ["all", audience, "note" if fmt == "txt" else "report"]
            for key in faces:
                must, never = words.get(key, ((), ()))
                for word in must:
                    assert word.lower() in low, (face, word)
                for word in never:
                    assert word.lower() not in low, (face, word)
            if audience == "customer":
                assert not [t for t in INTERNAL_TOKENS if t in text], face
            if fmt == "txt":
                assert len(text.splitlines()) <= 25, face
    title = render_report(before, after=after, fmt="md", pictures=False).text.splitlines()[0]
    assert ("Zombie-process analysis" if after is None else "Post-incident report") in title
