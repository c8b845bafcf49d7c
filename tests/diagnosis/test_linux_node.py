"""A Linux host or container (issue 23's leftovers): its actions can be chosen wherever a decision is
taken (the picker, `--decision`), through the one outcome, and verified by what they promise; every face
names Linux commands, never UCOS ones; a UC node is never offered a Linux action, nor the reverse.

Fixtures of our own (tests/fixtures/linux/): a container whose PID 1 is a shell script; its worker
(PID 7) leaves two zombies, PID 1 one; after: run with `docker-init`, restarted without an init, the
worker restarted (PID 377) with the zombie under PID 1 left, and nothing done."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_helpers import run_cli

import ucnb
from ucnb.diagnosis.outcome import Case, assess
from ucnb.faces import plan
from ucnb.model.actions import ACTIONS, action, decision_names
from ucnb.model.findings import Decision
from ucnb.report import decisions_for, render_report

ROOT = Path(__file__).resolve().parents[2]
LINUX = ROOT / "tests" / "fixtures" / "linux"
PASTE = ROOT / "tests" / "fixtures" / "paste"
SAMPLES = ROOT / "sample_outputs"
LINUX_ACTIONS = {"run_with_init", "restart_parent", "restart_container"}
# what a UCOS command or tool looks like in any face's words
UCOS_WORDS = ("show process", "show status", "show network", "utils ", "file get", "RTMT")


def case_of(after: str | None = None, decided: str | None = None, ppid: int | None = None) -> Case:
    before = ucnb.load(LINUX / "before")
    decisions = [Decision("worker", ppid, decided, by="Ann")] if decided else []
    return assess(before, ucnb.load(LINUX / after) if after else None, decisions=decisions)


def test_the_vocabulary_offers_each_kind_of_node_its_own_actions() -> None:
    assert LINUX_ACTIONS <= set(decision_names("linux"))
    assert not LINUX_ACTIONS & set(decision_names("CUCM"))
    assert not {"restart_service", "kill_parent"} & set(decision_names("linux"))
    assert {"reboot", "leave", "recollect"} <= set(decision_names("linux")) & set(decision_names("IMnP"))


@pytest.mark.parametrize("audience", ["customer", "tac"])
def test_the_picker_offers_the_linux_actions_of_each_group(audience: str) -> None:
    case = case_of()
    [node] = case.analysis.nodes
    [outcome] = case.outcome.nodes
    offered = {g.ppid: [c.action for c in plan.choices(g, outcome, audience)] for g in node.groups}
    assert offered[1][0] == "run_with_init" and "restart_container" in offered[1]
    assert offered[7][0] == "restart_parent" and "run_with_init" in offered[7]
    labels = [c.label for g in node.groups for c in plan.choices(g, outcome, audience)]
    assert "Restart the parent process when convenient (optional)" in labels
    assert "Run the container with an init in a maintenance window (optional)" in labels
    assert all(action(name).fits("linux") for names in offered.values() for name in names)


def every_case() -> list[Case]:
    cases = [assess(ucnb.load(path)) for path in sorted(SAMPLES.glob("*/before"))]
    pastes = ("container_envoy_pid1.txt", "container_shell_pid1.txt", "several_commands_chrome.txt")
    cases += [assess(ucnb.load(PASTE / name)) for name in pastes]
    return cases + [case_of()]


def test_no_node_is_offered_an_action_of_the_other_kind() -> None:
    seen = set()
    for case in every_case():
        for node, outcome in zip(case.analysis.nodes, case.outcome.nodes, strict=True):
            for group in node.groups:
                for audience in ("customer", "tac"):
                    for choice in plan.choices(group, outcome, audience):
                        assert action(choice.action).fits(node.product), (node.node, choice.action)
                        seen.add((node.product == "linux", choice.action))
            for step in outcome.next_actions:
                assert action(step.action).fits(node.product), (node.node, step.action)
    assert {(True, name) for name in LINUX_ACTIONS} <= seen and (False, "restart_service") in seen


def test_a_decision_that_does_not_fit_the_node_is_not_taken() -> None:
    uc = assess(ucnb.load(SAMPLES / "ex1_cucm_amc" / "before"))
    group = uc.analysis.nodes[0].groups[0]
    wrong = assess(ucnb.load(SAMPLES / "ex1_cucm_amc" / "before"),
                   decisions=[Decision(uc.analysis.nodes[0].node, group.ppid, "run_with_init")])
    assert wrong.outcome == uc.outcome
    assert case_of(decided="restart_service", ppid=7).outcome == case_of().outcome


@pytest.mark.parametrize("name", sorted(LINUX_ACTIONS))
def test_decision_records_a_linux_action_and_refuses_it_on_a_uc_node(name: str, tmp_path: Path) -> None:
    records = decisions_for(ucnb.load(LINUX / "before"), name)
    assert records and all(r["action"] == name for r in records)
    status, out, err = run_cli("report", LINUX / "before", "--decision", name, "--by", "Ann",
                               "-o", tmp_path / "note.txt")
    assert status == 0, err
    note = (tmp_path / "note.txt").read_text()
    words = action(name).sentence(node="worker", ppid=records[0]["ppid"], audience="customer")
    assert f"Decided: {words.replace('`', '')}, decided by Ann" in note
    status, out, err = run_cli("report", SAMPLES / "ex1_cucm_amc" / "before", "--decision", name,
                               "-o", tmp_path / "uc.txt")
    assert status == 2 and err.startswith(f"ucnb: error: --decision {name}: no zombie group")
    assert err.count("\n") == 1
    for uc_only in ("restart_service", "kill_parent"):
        status, _, err = run_cli("report", LINUX / "before", "--decision", uc_only, "-o", tmp_path / "x.txt")
        assert status == 2 and "run_with_init" in err


def test_a_decided_restart_of_the_parent_is_checked_by_its_pid_and_start() -> None:
    steps = case_of(decided="restart_parent", ppid=7).outcome.nodes[0].next_actions
    mine = [(s.action, s.command) for s in steps if s.ppid in (7, None)]
    assert mine[:3] == [("restart_parent", None), ("check_parent_gone", "ps -o pid,lstart,args -p 7"),
                        ("recheck", "top -b -n 1")]
    [node] = case_of("after_not_restarted", "restart_parent", 7).outcome.nodes
    assert node.status == "not_cleared" and not node.passes
    assert node.why == "the parent process 7 still runs: it was not restarted, so its zombies are still there"
    [node] = case_of("after_restarted", "restart_parent", 7).outcome.nodes
    assert node.status == "partial" and node.residual_pids == (140,)
    assert node.next_actions[0].action == "run_with_init"  # the zombie under PID 1: PID 1 is no init


def test_a_container_run_with_an_init_is_checked_by_its_pid_1() -> None:
    steps = case_of(decided="run_with_init", ppid=1).outcome.nodes[0].next_actions
    assert [(s.action, s.command) for s in steps if s.ppid in (1, None)][:3] == [
        ("run_with_init", None), ("check_init", "ps -o pid,args -p 1"), ("recheck", "top -b -n 1")]
    [node] = case_of("after_init", "run_with_init", 1).outcome.nodes
    assert node.status == "cleared" and node.passes
    assert node.why.endswith("PID 1 is now `/sbin/docker-init -- /bin/sh /app/start.sh`, an init: it "
                             "reaps the children it adopts")
    [node] = case_of("after_no_init", "run_with_init", 1).outcome.nodes
    assert node.verdict == "cleared" and node.status == "recommended" and not node.passes
    assert node.why.startswith("PID 1 is still `/bin/sh /app/start.sh`, not an init")
    assert [s.action for s in node.next_actions] == ["run_with_init", "check_init", "recheck"]


def test_a_restarted_container_reuses_pids_and_is_still_seen_restarted() -> None:
    [node] = case_of("after_no_init", "restart_container", 7).outcome.nodes
    [check] = case_of("after_no_init").verification.nodes  # type: ignore[union-attr]
    [parent] = check.parents
    assert (parent.ppid, parent.after_pid, parent.restarted) == (7, 7, True)  # same PID, a new start time
    assert node.status == "cleared" and node.why.startswith("the parent process 7 was restarted")


def faces_of(before: Path, after: Path | None = None, decision: str | None = None) -> str:
    """Every face's words for the capture: analyze text and JSON, verify text and JSON, the report in
    each format and audience (the case note is the .txt), the app's triage."""
    from ucnb.app import triage

    words = []
    args: list[object] = [before]
    status, out, _ = run_cli("analyze", before)
    words.append(out)
    words.append(run_cli("analyze", "--json", before)[1])
    words.append(run_cli("inspect", before)[1])  # (its JSON's `command` keeps the table's key)
    inspected = json.loads(run_cli("inspect", "--json", before)[1])
    words += [text for node in inspected["nodes"] for text in node["warnings"]]
    if after is not None:
        words += [run_cli("verify", before, after)[1], run_cli("verify", "--json", before, after)[1]]
        args += ["--after", after]
    bundle = ucnb.load(before)
    decisions = decisions_for(bundle, decision) if decision else None
    for audience in ("customer", "tac"):
        for fmt in ("html", "md", "txt"):
            output = render_report(bundle, after=ucnb.load(after) if after else None, decisions=decisions,
                                   fmt=fmt, audience=audience)
            words.append(output.text)
    case = assess(bundle, ucnb.load(after) if after else None)
    words.append(triage.plan_html(case.outcome, tac=True))
    words += [triage.group_html(g, tac=True) for n in case.analysis.nodes for g in n.groups]
    if case.verification is not None:
        words.append(triage.verification_html(case.verification.nodes, case.outcome, tac=True))
    return "\n".join(words)


@pytest.mark.parametrize(("before", "after", "decision"), [
    (LINUX / "before", None, None),
    (PASTE / "container_envoy_pid1.txt", None, None),
    (PASTE / "several_commands_chrome.txt", None, None),
    (PASTE / "proc_status_zombie_leader.txt", None, None),
    (LINUX / "before", LINUX / "after_init", "run_with_init"),
    (LINUX / "before", LINUX / "after_no_init", "restart_container"),
    (LINUX / "before", LINUX / "after_restarted", "restart_parent"),
    (LINUX / "before", LINUX / "after_not_restarted", "leave"),
])
def test_every_face_of_a_linux_node_names_linux_commands(before: Path, after: Path | None,
                                                        decision: str | None) -> None:
    words = faces_of(before, after, decision)
    assert "top -b -n 1" in words
    assert not [w for w in UCOS_WORDS if w in words], [
        line for line in words.splitlines() if any(w in line for w in UCOS_WORDS)][:5]


def test_the_pid_space_line_of_a_linux_node_names_top() -> None:
    _, out, _ = run_cli("analyze", PASTE / "container_envoy_pid1.txt")
    assert "PID space: no `top -b -n 1` snapshot: the PID headroom is unknown" in out
    _, out, _ = run_cli("analyze", LINUX / "before")
    line = next(x for x in out.splitlines() if x.strip().startswith("PID space:"))
    assert "capture `top -b -n 1` again later, or `top -b -d 60 -n 15`" in line


def test_every_action_says_which_nodes_it_fits() -> None:
    assert {a.host for a in ACTIONS.values()} == {"", "uc", "linux"}
    assert all(a.host == "linux" for a in ACTIONS.values() if a.name in LINUX_ACTIONS | {"check_init"})


def test_a_linux_host_claims_no_pid_max_it_was_not_shown() -> None:
    """32,768 is UCOS's pid_max, not every Linux host's (most current ones have 4,194,304): the share
    is a bound and the forecast asks for the real value, until it is given."""
    _, out, _ = run_cli("analyze", "--json", LINUX / "before")
    [node] = json.loads(out)["nodes"]
    assert (node["pid_headroom"]["pid_max"], node["pid_headroom"]["pid_max_source"]) == (None, "unknown")
    _, out, _ = run_cli("analyze", LINUX / "before")
    assert "at most 0.009 % of the PID space" in out
    assert "this host's pid_max is not in the capture" in out and "of 32,768" not in out
    _, out, _ = run_cli("analyze", "--pid-max", "4194304", LINUX / "before")
    assert "of 4,194,304 PIDs" in out and "not in the capture" not in out
