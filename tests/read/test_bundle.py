"""Files and sessions filed under the right node."""

from datetime import datetime, timedelta
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


# ------------------------------------------------------------------ issue 21, class 5: a listing's time
def _session_with_a_later_load(tmp_path, minutes: int = 70):
    """ex5's session with a second `show process load`, `minutes` after the first, typed just before
    the listings (the session's `show status` is from the start)."""
    lines = Path("sample_outputs/ex5_imnp_sftp/before/imp-pub_session.txt").read_text().splitlines(True)
    start = next(i for i, x in enumerate(lines) if x.startswith("admin:show process load"))
    end = next(i for i, x in enumerate(lines) if x.startswith("admin:show process list"))
    later = datetime(2026, 11, 20, 9, 13, 36) + timedelta(minutes=minutes)
    again = [x.replace("top - 09:13:36", f"top - {later:%H:%M:%S}") for x in lines[start:end]]
    folder = tmp_path / "imp-pub"
    folder.mkdir()
    (folder / "session.txt").write_text("".join(lines[:end] + again + lines[end:]))
    return folder, later


def test_a_listing_is_dated_by_the_latest_time_before_it_in_its_session(tmp_path):
    from ucnb.diagnosis.diagnose import diagnose

    folder, later = _session_with_a_later_load(tmp_path)
    (node,) = ucnb.load(folder).nodes
    assert [s.captured_at for s in node.loads][-1] == later
    assert {listing.captured_at for listing in node.listings} == {later}  # not show status's 09:12:52
    (entry,) = diagnose(ucnb.load(folder)).nodes
    assert not any("apart" in w for w in entry.warnings)

