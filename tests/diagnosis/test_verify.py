"""`verify`: the four verdicts, PID bookkeeping, restarted parents, node pairing."""

import json
from pathlib import Path

import pandas as pd
from cli_helpers import run_cli
from diag_helpers import CUCM_BASE, make_bundle, make_listing, make_load, make_node

from ucnb.diagnosis.verify import verify
from ucnb.faces.tree import format_verify
from ucnb.model.columns import SERVICE_COLUMNS
from ucnb.model.findings import Verification
from ucnb.model.results import Identity

FILE_SYNCER = (7827, 4012, "cucsmgr", "Ssl", "/usr/local/cm/bin/CuFileSync")


def _cuc(zombie_pids, count, parent=FILE_SYNCER, name="cuc-sub"):
    rows = CUCM_BASE + [parent] + [(pid, parent[0], "cucsmgr", "Z", "[sh] <defunct>") for pid in zombie_pids]
    return make_node(name, "CUC", listing=make_listing(rows), loads=[make_load(count)])


def _one(before, after):
    return verify(make_bundle(before), make_bundle(after))["nodes"][0]


def test_partial():
    result = _one(_cuc([6325, 6370, 6387], 3), _cuc([6387], 1))
    assert result["verdict"] == "partial"
    assert (result["before_count"], result["after_count"]) == (3, 1)
    assert result["cleared_pids"] == [6325, 6370] and result["remaining_pids"] == [6387]
    assert result["new_pids"] == []


def test_cleared_and_parent_restarted_with_a_new_pid():
    restarted = (9100, 4012, "cucsmgr", "Ssl", "/usr/local/cm/bin/CuFileSync")
    result = _one(_cuc([325, 370, 387], 3), _cuc([], 0, parent=restarted))
    assert result["verdict"] == "cleared" and result["cleared_pids"] == [325, 370, 387]
    (parent,) = result["parents"]
    assert parent["ppid"] == 7827 and parent["service"] == "Connection File Syncer"
    assert parent["restarted"] is True and parent["after_pid"] == 9100 and parent["after_start"] == "09:10"
    text = format_verify(Verification.from_json({"nodes": [result]}))
    assert "CLEARED" in text and "PID 7827 -> 9100" in text


def test_not_cleared_same_parent_same_zombies():
    result = _one(_cuc([325, 370], 2), _cuc([325, 370], 2))
    assert result["verdict"] == "not_cleared" and result["remaining_pids"] == [325, 370]
    assert result["parents"][0]["restarted"] is False and result["parents"][0]["after_pid"] == 7827


def test_a_pid_still_defunct_under_another_parent_is_never_cleared():
    other = (8000, 4012, "c", "S", "/usr/local/cm/bin/amc")
    after = make_node(
        "cuc-sub",
        "CUC",
        listing=make_listing(CUCM_BASE + [FILE_SYNCER, other, (325, 8000, "c", "Z", "[sh] <defunct>")]),
        loads=[make_load(1)],
    )
    result = _one(_cuc([325, 370], 2), after)
    assert result["cleared_pids"] == [370] and result["remaining_pids"] == [325] and result["new_pids"] == []
    assert result["verdict"] == "partial" and "or a reused PID" in result["reason"]


def test_a_zombie_re_parented_to_init_is_still_defunct():
    restarted = (9100, 4012, "cucsmgr", "Ssl", "/usr/local/cm/bin/CuFileSync")
    after = make_node(
        "cuc-sub", "CUC",
        listing=make_listing(CUCM_BASE + [restarted, (325, 1, "cucsmgr", "Z", "[sh] <defunct>")]),
        loads=[make_load(1)],
    )
    result = _one(_cuc([325, 370], 2), after)
    assert result["remaining_pids"] == [325] and result["cleared_pids"] == [370]
    assert 325 not in result["new_pids"] and result["verdict"] == "partial"
    assert result["reparented"] == [{"pid": 325, "ppid_before": 7827, "ppid_after": 1}]
    text = format_verify(Verification.from_json({"nodes": [result]}))
    assert "remaining: 325 (still defunct, now under PID 1)" in text


def test_unknown_without_after_data_and_counts_only():
    empty_after = make_node("cuc-sub", "CUC")
    assert _one(_cuc([325], 1), empty_after)["verdict"] == "unknown"
    counts_before = make_node("cuc-sub", "CUC", loads=[make_load(5)])
    counts_after = make_node("cuc-sub", "CUC", loads=[make_load(2)])
    assert _one(counts_before, counts_after)["verdict"] == "partial"
    assert _one(counts_after, counts_before)["verdict"] == "not_cleared"
    assert _one(make_node("cuc-sub", "CUC"), counts_after)["verdict"] == "unknown"
    # count only after, 0: every listed zombie of before is cleared
    cleared = _one(_cuc([325, 370], 2), make_node("cuc-sub", "CUC", loads=[make_load(0)]))
    assert cleared["verdict"] == "cleared" and cleared["cleared_pids"] == [325, 370]


def test_nodes_matched_by_name_never_by_position():
    before = make_bundle(_cuc([1], 1, name="a"), _cuc([2], 1, name="b"))
    after = make_bundle(_cuc([], 0, name="b"), _cuc([7], 1, name="c"))
    result = verify(before, after)
    assert result["schema"] == "ucnb.verify/1"
    assert [(n["node"], n["verdict"]) for n in result["nodes"]] == [("a", "unknown"), ("b", "cleared")]
    assert result["nodes"][0]["pairing"]["by"] == "mismatch" and result["nodes"][0]["after_node"] == "c"
    assert result["nodes"][1]["pairing"] == {
        "before": "b", "after": "b", "by": "name", "before_product": "CUC", "after_product": "CUC",
    }
    # two single files named after their moment are different names: not compared unless paired
    single = verify(make_bundle(_cuc([1], 1, name="before")), make_bundle(_cuc([], 0, name="after")))
    (alone,) = single["nodes"]
    assert alone["verdict"] == "unknown" and "--pair before=after" in alone["reason"]
    paired = verify(
        make_bundle(_cuc([1], 1, name="before")), make_bundle(_cuc([], 0, name="after")),
        pairs=[("before", "after")],
    )
    assert paired["nodes"][0]["node"] == "before" and paired["nodes"][0]["after_node"] == "after"
    assert paired["nodes"][0]["verdict"] == "cleared" and paired["nodes"][0]["pairing"]["by"] == "explicit"
    # the same host name on two products is not the same node either
    cucm = make_node("box", "CUCM", listing=make_listing(CUCM_BASE), loads=[make_load(0)])
    assert _one(_cuc([1], 1, name="box"), cucm)["verdict"] == "unknown"
    # FQDN and short name are one host
    assert _one(_cuc([1], 1, name="cuc-sub"), _cuc([], 0, name="CUC-SUB.example.com"))["verdict"] == "cleared"




# ------------------------------------------------------------------ reboot, service state, the CLI
def _with_status(node, date, uptime):
    node.identity = Identity(hostname=node.name, date=date, uptime=uptime, source="status.txt:1-20")
    return node


def test_a_reboot_between_the_captures_is_detected_and_said():
    before = _with_status(_cuc([325, 370], 2), "Fri Nov 20, 2026 09:00:00", "19 days,  4:10")
    after = _with_status(_cuc([], 0), "Fri Nov 20, 2026 10:42:26", "15 min")
    result = _one(before, after)
    assert result["rebooted"] is True and result["verdict"] == "cleared"
    assert result["reason"].startswith(
        "node rebooted between the captures: every zombie cleared by the reboot"
    )
    assert "booted at 2026-11-20 10:27" in result["reboot_evidence"]
    # PIDs start again after a boot: a defunct PID after it is new, never "remaining"
    again = _with_status(_cuc([325], 1), "Fri Nov 20, 2026 10:42:26", "15 min")
    result = _one(before, again)
    assert result["remaining_pids"] == [] and result["new_pids"] == [325]
    assert result["cleared_pids"] == [325, 370]
    same_boot = _with_status(_cuc([], 0), "Fri Nov 20, 2026 10:00:00", "19 days,  5:10")
    assert _one(before, same_boot)["rebooted"] is False
    assert _one(_cuc([1], 1), _cuc([], 0))["rebooted"] is None  # no uptime: unknown, not "no"


def test_the_sample_rebooted_im_and_p_node():
    import ucnb

    ex5 = "sample_outputs/ex5_imnp_sftp"
    result = verify(ucnb.load(f"{ex5}/before"), ucnb.load(f"{ex5}/after"))
    (node,) = result["nodes"]
    assert node["rebooted"] is True and node["verdict"] == "cleared"
    assert "every zombie cleared by the reboot" in node["reason"]


def test_a_service_stopped_after_its_restart_is_a_warning_never_restarted():
    before = _cuc([325, 370], 2)
    after = _cuc([], 0, parent=(9100, 4012, "cucsmgr", "Ssl", "/usr/local/cm/bin/CuFileSync"))
    after.restarts = [{
        "service": "Connection File Syncer", "states": ["STOPPING", "STOPPED"], "success": False,
        "sources": ["restart.txt:4", "restart.txt:5"], "source": "restart.txt:2-5",
    }]
    after.services = pd.DataFrame({
        "service": ["Connection File Syncer"], "state": ["STOPPED"], "reason": [pd.NA], "platform": [False],
        "source": ["services.txt:40"],
    }).astype(SERVICE_COLUMNS)
    result = _one(before, after)
    assert result["service_state_after"] == [
        {"service": "Connection File Syncer", "state": "STOPPED", "source": "services.txt:40",
         "running": False}
    ]
    assert result["restarted_services"] == []
    assert all(p["restarted"] is not True for p in result["parents"])
    assert any("Connection File Syncer is STOPPED after the remediation" in w for w in result["warnings"])
    text = format_verify(Verification.from_json({"nodes": [result]}))
    assert "restarted" not in text and "! Connection File Syncer is STOPPED" in text
    # from the restart transcript alone
    after.services = None
    (state,) = _one(before, after)["service_state_after"]
    assert (state["state"], state["source"], state["running"]) == ("STOPPED", "restart.txt:5", False)


def test_cli_mismatched_hosts_are_unknown_in_text_and_json_and_exit_code(tmp_path):
    ex1, ex4 = "sample_outputs/ex1_cucm_amc/before", "sample_outputs/ex4_cuc_filesync/after"
    status, out, _ = run_cli("verify", ex1, ex4)
    assert status == 0
    assert out.startswith("== cucm-sub1 -> cuc-sub (different nodes: not compared): UNKNOWN ==")
    assert "CLEARED" not in out and "--pair cucm-sub1=cuc-sub" in out
    status, out, _ = run_cli("verify", ex1, ex4, "--json")
    (node,) = json.loads(out)["nodes"]
    assert node["verdict"] == "unknown" and node["pairing"]["by"] == "mismatch"
    assert node["pairing"]["before_product"] == "CUCM" and node["pairing"]["after_product"] == "CUC"
    assert run_cli("verify", ex1, ex4, "--exit-code")[0] == 1
    # an explicit pairing compares them, and the text shows it
    status, out, _ = run_cli("verify", ex1, ex4, "--pair", "cucm-sub1=cuc-sub")
    assert status == 0 and out.startswith("== cucm-sub1 -> cuc-sub (paired with --pair): ")
    status, _, err = run_cli("verify", ex1, ex4, "--pair", "nope=cuc-sub")
    assert status == 2 and err.startswith("ucnb: error: --pair nope=cuc-sub: no node 'nope' in BEFORE")
    assert run_cli("verify", ex1, ex4, "--pair", "cucm-sub1")[0] == 2


def test_cli_exit_code_like_git_diff(tmp_path):
    ex1 = "sample_outputs/ex1_cucm_amc"
    status, out, _ = run_cli("verify", f"{ex1}/before", f"{ex1}/after", "--exit-code")
    assert status == 0 and "cucm-sub1 -> cucm-sub1 (same host name): CLEARED" in out
    status, out, _ = run_cli("verify", f"{ex1}/before", f"{ex1}/before", "--exit-code")
    assert status == 1 and "UNKNOWN" in out and "the same time as the before capture" in out  # a stale copy
    status, out, _ = run_cli("verify", f"{ex1}/before", f"{ex1}/before", "--exit-code", "--force-order")
    assert status == 1 and "NOT_CLEARED" in out
    assert run_cli("verify", f"{ex1}/before", f"{ex1}/before")[0] == 0  # without the flag: 0
    assert run_cli("verify", f"{ex1}/before", tmp_path / "missing", "--exit-code")[0] == 2


# ------------------------------------------------------------------ issue 21: reboot words, time travel
def test_after_a_reboot_a_parent_at_the_same_pid_is_new_never_still():
    """Boot order gives the service the same PID again: a new process, never "still PID"."""
    before = _with_status(_cuc([325, 370], 2), "Fri Nov 20, 2026 09:00:00", "19 days,  4:10")
    after = _with_status(_cuc([], 0), "Fri Nov 20, 2026 10:42:26", "15 min")  # FILE_SYNCER at 7827 again
    result = _one(before, after)
    assert result["rebooted"] is True
    (parent,) = result["parents"]
    assert parent["after_pid"] == 7827 and parent["restarted"] is True
    text = format_verify(Verification.from_json({"nodes": [result]}))
    assert "node rebooted between the captures" in text
    assert "still PID" not in text
    assert "Connection File Syncer: a new process since the reboot (PID 7827 again: boot order" in text
    # without a reboot the same PID is still the same process
    same_boot = _with_status(_cuc([], 0), "Fri Nov 20, 2026 10:00:00", "19 days,  5:10")
    text = format_verify(Verification.from_json({"nodes": [_one(before, same_boot)]}))
    assert "Connection File Syncer: still PID 7827" in text


def test_an_after_capture_not_later_than_the_before_is_flagged_and_unknown():
    before = _with_status(_cuc([325, 370], 2), "Fri Nov 20, 2026 09:00:00", "19 days,  4:10")
    stale = _with_status(_cuc([], 0), "Fri Nov 20, 2026 09:00:00", "19 days,  4:10")  # the same copy
    earlier = _with_status(_cuc([], 0), "Fri Nov 20, 2026 08:10:00", "19 days,  3:20")
    for after, words in ((stale, "the same time as"), (earlier, "earlier than")):
        result = _one(before, after)
        assert result["verdict"] == "unknown" and result["order_forced"] is False
        problem = result["order_problem"]
        assert f"is {words} the before capture" in problem
        assert "show status status.txt:1-20" in problem and "2026-11-20 09:00:00" in problem
        assert result["reason"] == problem and result["cleared_pids"] == []
        assert any("--force-order" in w for w in result["warnings"])
        text = format_verify(Verification.from_json({"nodes": [result]}))
        assert "UNKNOWN" in text and "CLEARED" not in text
    forced = verify(make_bundle(before), make_bundle(earlier), force_order=True)["nodes"][0]
    assert forced["verdict"] == "cleared" and forced["order_forced"] is True
    assert forced["order_problem"] and "compared anyway" in forced["warnings"][0]
    # a later after capture, or one without any time, is no problem
    later = _with_status(_cuc([], 0), "Fri Nov 20, 2026 09:40:00", "19 days,  4:50")
    assert _one(before, later)["order_problem"] is None and _one(before, later)["verdict"] == "cleared"
    assert _one(_cuc([1], 1), _cuc([], 0))["order_problem"] is None


def test_cli_a_stale_copy_is_unknown_unless_force_order(tmp_path):
    ex1 = "sample_outputs/ex1_cucm_amc"
    status, out, _ = run_cli("verify", f"{ex1}/after", f"{ex1}/before", "--exit-code")
    assert status == 1 and "UNKNOWN" in out and "is earlier than the before capture" in out
    status, out, _ = run_cli("verify", f"{ex1}/after", f"{ex1}/before", "--json", "--force-order")
    (node,) = json.loads(out)["nodes"]
    assert node["verdict"] != "unknown" and node["order_forced"] is True and node["order_problem"]
    status, out, _ = run_cli("verify", f"{ex1}/before", f"{ex1}/after", "--json")
    (node,) = json.loads(out)["nodes"]
    assert node["order_problem"] is None and node["order_forced"] is False and node["verdict"] == "cleared"


def test_the_reboot_evidence_cites_the_file_of_the_show_status_line(tmp_path):
    """Issue 26: with `show network cluster` read first, the evidence named its file for the uptime."""
    import shutil

    from ucnb.diagnosis.verify import compare
    from ucnb.read.bundle import load

    root = Path(__file__).resolve().parents[2]
    cluster = root / "tests" / "fixtures" / "identity" / "show_network_cluster_cucm_imp.txt"
    folders = {}
    for moment in ("before", "after"):
        folder = tmp_path / moment
        shutil.copytree(root / "sample_outputs" / "ex1_cucm_amc" / moment, folder)
        shutil.copy(cluster, folder / "show_network_cluster.txt")
        folders[moment] = folder
    status = folders["after"] / "show_status.txt"
    status.write_text(status.read_text().replace("up 41 days,  3:43", "up 15 min"))
    (node,) = compare(load(folders["before"]), load(folders["after"])).nodes
    assert node.rebooted is True
    assert "show status show_status.txt:" in node.reboot_evidence
    assert "show_network_cluster" not in node.reboot_evidence
