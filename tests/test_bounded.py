"""Bounded outputs on small hostile inputs (issue 16 item 2): a PPID chain thousands deep and
thousands of parents with one zombie each give a text of a few kilobytes, not megabytes."""

from __future__ import annotations

import json
from pathlib import Path

from cli_helpers import run_cli as run

HEADER = "UID        PID  PPID  C STIME TTY          TIME CMD"
INIT = "root         1     0  0 Oct09 ?        00:11:50 /usr/lib/systemd/systemd"


def _listing(path: Path, rows: list[str]) -> Path:
    path.write_text("admin:show process list detail\n" + "\n".join([HEADER, INIT, *rows]) + "\n")
    return path


def test_a_chain_10000_deep_shows_its_ends_and_a_count(tmp_path: Path) -> None:
    depth = 10_000
    rows = [f"root     {i:6d} {i - 1:6d}  0 Oct09 ?        00:00:00 /bin/sh -c step{i}"
            for i in range(2, depth + 2)]
    rows.append(f"root     {depth + 2:6d} {depth + 1:6d}  0 Oct09 ?        00:00:00 [sh] <defunct>")
    status, out, err = run("analyze", _listing(tmp_path / "chain.txt", rows))
    assert status == 0, err
    assert len(out) < 5_000  # was 150 MB: each level indented one step more
    lines = out.splitlines()
    assert any(line.strip() == "1 /usr/lib/systemd/systemd" for line in lines)
    assert any(line.strip().startswith("└─ 2 /bin/sh -c step2") for line in lines)  # the top
    assert any("... 9,992 ancestors ..." in line for line in lines)
    assert any("10001 /bin/sh -c step10001  <== parent of 1 zombie" in line for line in lines)  # the bottom
    assert any("10002 [sh] <defunct>  Z" in line for line in lines)
    assert max(len(line) for line in lines) < 300


def test_2000_parents_with_one_zombie_each_are_listed_then_counted(tmp_path: Path) -> None:
    rows = []
    for i in range(2000):
        parent = 100 + 2 * i
        rows.append(f"root     {parent:6d}      1  0 Oct09 ?        00:00:00 /usr/bin/parent{i}")
        rows.append(f"root     {parent + 1:6d} {parent:6d}  0 Oct09 ?        00:00:00 [sh] <defunct>")
    status, out, err = run("analyze", _listing(tmp_path / "groups.txt", rows))
    assert status == 0, err
    assert len(out) < 30_000
    assert "/usr/bin/parent99 " in out and "/usr/bin/parent100 " not in out  # 100 table rows
    assert "... 1,900 more groups (2,000 groups in all; --json lists every one)" in out
    status, out, _ = run("analyze", "--json", tmp_path / "groups.txt")
    assert status == 0 and out.count('"zombie_pids"') == 2000  # the JSON keeps every group


def test_a_chain_25000_deep_under_a_service_names_the_service_with_a_bounded_text(tmp_path: Path) -> None:
    """The owner is found 25,000 levels up (catalogue matching is memoised per name: the walk is
    linear); the text shows the chain's ends and a count, the JSON every ancestor."""
    depth = 25_000
    rows = ["root         2     1  0 Oct09 ?        00:01:00 /usr/local/platform/bin/servM",
            "ccmserv+     3     2  0 Oct09 ?        00:02:00 /usr/local/cm/bin/cdrrep"]
    rows += [f"ccmserv+ {i:6d} {i - 1:6d}  0 Oct09 ?        00:00:00 /bin/sh -c step{i}"
             for i in range(4, depth + 4)]
    rows.append(f"ccmserv+ {depth + 4:6d} {depth + 3:6d}  0 Oct09 ?        00:00:00 [sh] <defunct>")
    path = _listing(tmp_path / "chain.txt", rows)
    status, out, err = run("analyze", "--json", path)
    assert status == 0, err
    (node,) = json.loads(out)["nodes"]
    (group,) = node["groups"]
    assert group["ppid"] == depth + 3 and group["zombie_pids"] == [depth + 4]
    assert group["service"] == "Cisco CDR Repository Manager" and group["action"] == "restart_service"
    assert [a["pid"] for a in group["ancestry"]] == list(range(1, depth + 4))
    assert [a["service"] for a in group["ancestry"][:3]] == [
        None, "Service Manager", "Cisco CDR Repository Manager"]
    status, out, err = run("analyze", path)
    assert status == 0, err
    tree = [line for line in out.splitlines() if "└─" in line]
    assert len(out) < 5_000 and 5 < len(tree) < 20 and max(len(line) for line in tree) < 120
    assert "... 24,994 ancestors ..." in out and "utils service restart Cisco CDR Repository Manager" in out


def test_a_chain_of_4000_zombie_parents_is_linear_and_writes_each_ancestor_once(tmp_path: Path) -> None:
    """Each zombie the parent of the next (issue 26: 181 s, 10.4 GB and 1.5 GB of JSON): every group
    is kept, a deep group's ancestry starts where it meets an earlier group's and counts the rest."""
    n = 4_000
    rows = ["root         2     1  0 Oct09 ?        00:00:00 /bin/sh -c top"]
    rows += [f"root     {i:6d} {i - 1:6d}  0 Oct09 ?        00:00:00 [sh] <defunct>" for i in range(3, n + 3)]
    path = _listing(tmp_path / "zchain.txt", rows)
    status, out, err = run("analyze", "--json", path)
    assert status == 0, err
    assert len(out) < 20 * 2**20  # ~3 kB a group; was 1.5 GB
    (node,) = json.loads(out)["nodes"]
    groups = node["groups"]
    assert [g["ppid"] for g in groups] == list(range(2, n + 2)) and len(node["zombies"]) == n
    shallow, deep = groups[5], groups[-1]
    assert [a["pid"] for a in shallow["ancestry"]] == list(range(1, 8)) and "ancestors_omitted" not in shallow
    assert [a["pid"] for a in deep["ancestry"]] == [n, n + 1]  # from its parent's parent, listed above
    assert deep["ancestors_omitted"] == n - 1  # PIDs 1 .. n-1
    listed = {a["pid"] for g in groups for a in g["ancestry"]}
    assert listed == set(range(1, n + 2))  # every ancestor is written somewhere
    assert sum(len(g["ancestry"]) for g in groups) < 40 * n  # linear, not n * n / 2
    status, text, err = run("analyze", path)
    assert status == 0, err
    assert len(text) < 30_000 and max(len(line) for line in text.splitlines()) < 400

    from ucnb.faces.tree import tree_of_group
    from ucnb.model.findings import Group

    drawn = tree_of_group(Group.from_json(deep), {n + 2: "[sh] <defunct>"}).splitlines()
    assert drawn == ["... 3,999 ancestors (see the groups above) ...", f"└─ {n} [sh] <defunct>",
                     f"   └─ {n + 1} [sh] <defunct>  <== parent of 1 zombie",
                     f"      └─ {n + 2} [sh] <defunct>  Z"]
