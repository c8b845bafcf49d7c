"""Files and sessions filed under the right node."""

from pathlib import Path

import ucnb

STATUS = "Host Name    : {host}\nDate         : Thu Nov 20, 2026 10:29:45\nProduct Ver  : 14.0.1.12900-161\n"
LOAD = (
    "top - 10:30:01 up 41 days,  3:07,  1 user,  load average: 0.52, 0.48, 0.40\n"
    "Tasks: 318 total,   1 running, 314 sleeping,   0 stopped,   {zombies} zombie\n"
)


def test_files_of_one_node_folder_form_one_node_named_by_show_status(tmp_path: Path):
    node = tmp_path / "pub"
    node.mkdir()
    (node / "status.txt").write_text(STATUS.format(host="cucm-pub"))
    (node / "load.txt").write_text(LOAD.format(zombies=2))
    bundle = ucnb.load(tmp_path)
    assert [n.name for n in bundle.nodes] == ["cucm-pub"]
    load = bundle.nodes[0].latest_load
    assert load.summary.zombie == 2
    assert str(load.captured_at) == "2026-11-20 10:30:01"  # the date of show status, top's clock


def test_a_file_not_tied_to_a_node_in_a_mixed_folder_is_filed_with_a_warning(tmp_path: Path):
    (tmp_path / "pub_status.txt").write_text(STATUS.format(host="cucm-pub"))
    (tmp_path / "sub_status.txt").write_text(STATUS.format(host="cucm-sub"))
    (tmp_path / "load.txt").write_text(LOAD.format(zombies=1))
    bundle = ucnb.load(tmp_path)
    names = [n.name for n in bundle.nodes]
    assert names == ["cucm-pub", "cucm-sub", tmp_path.name]
    orphan = bundle.node(tmp_path.name)
    assert orphan.latest_load.summary.zombie == 1
    assert any("no `show status` ties it to a node" in w for w in orphan.warnings)
    assert any("(cucm-pub, cucm-sub)" in w for w in orphan.warnings)


def test_a_session_without_show_status_follows_the_previous_session_of_its_log(tmp_path: Path):
    log = (
        "=~=~=~=~=~=~=~=~=~=~=~= PuTTY log 2026.11.20 10:29:41 =~=~=~=~=~=~=~=~=~=~=~=\n"
        "admin:show status\n" + STATUS.format(host="imp-pub")
        + "admin:show process load\n" + LOAD.format(zombies=1)
        + "=~=~=~=~=~=~=~=~=~=~=~= PuTTY log 2026.11.20 11:02:00 =~=~=~=~=~=~=~=~=~=~=~=\n"
        "admin:show process load\n" + LOAD.format(zombies=3)
    )
    (tmp_path / "session.log").write_text(log)
    bundle = ucnb.load(tmp_path / "session.log")
    [node] = bundle.nodes
    assert node.name == "imp-pub"
    assert [s.summary.zombie for s in node.loads] == [1, 3]
