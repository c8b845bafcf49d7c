"""`verify`: the four verdicts, PID bookkeeping, restarted parents, node pairing."""

from diag_helpers import CUCM_BASE, make_bundle, make_listing, make_load, make_node

from ucnb.tree import format_verify
from ucnb.verify import verify

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
    text = format_verify({"nodes": [result]})
    assert "CLEARED" in text and "PID 7827 -> 9100" in text


def test_not_cleared_same_parent_same_zombies():
    result = _one(_cuc([325, 370], 2), _cuc([325, 370], 2))
    assert result["verdict"] == "not_cleared" and result["remaining_pids"] == [325, 370]
    assert result["parents"][0]["restarted"] is False and result["parents"][0]["after_pid"] == 7827


def test_new_zombies_and_a_reused_pid_under_another_parent():
    other = (8000, 4012, "c", "S", "/usr/local/cm/bin/amc")
    after = make_node(
        "cuc-sub",
        "CUC",
        listing=make_listing(CUCM_BASE + [FILE_SYNCER, other, (325, 8000, "c", "Z", "[sh] <defunct>")]),
        loads=[make_load(1)],
    )
    result = _one(_cuc([325, 370], 2), after)
    assert result["cleared_pids"] == [325, 370] and result["new_pids"] == [325]
    assert result["remaining_pids"] == [] and result["verdict"] == "partial"


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


def test_nodes_matched_by_name_and_single_nodes_paired():
    before = make_bundle(_cuc([1], 1, name="a"), _cuc([2], 1, name="b"))
    after = make_bundle(_cuc([], 0, name="b"), _cuc([7], 1, name="c"))
    result = verify(before, after)
    assert result["schema"] == "ucnb.verify/1"
    assert [(n["node"], n["verdict"]) for n in result["nodes"]] == [
        ("a", "unknown"),
        ("b", "cleared"),
        ("c", "unknown"),
    ]
    paired = verify(make_bundle(_cuc([1], 1, name="before")), make_bundle(_cuc([], 0, name="after")))
    assert paired["nodes"][0]["node"] == "before" and paired["nodes"][0]["after_node"] == "after"
    assert paired["nodes"][0]["verdict"] == "cleared"
