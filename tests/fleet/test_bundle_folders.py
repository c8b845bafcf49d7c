"""Where a scan finds its bundles in the folders a team lead has: node folders beside a README or case
notes, one node folder in a folder, a workbench case's before and after. Each is the bundle `ucnb
analyze` reads, with the rows `ucnb analyze --json` gives."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.fleet.test_scan import _analysis_rows, _scan_rows
from ucnb.fleet.bundles import discover
from ucnb.fleet.scan import scan_fleet
from ucnb.synth import fleet as make_fleet

# files that are not captures, as `ucnb.load` reads them ("no command output recognised ... not read")
NOTES = {
    "README.txt": b"Captures for case 7, taken by the customer on Monday after the alarm.\n"
                  b"Two nodes: the publisher and the first subscriber.\n",
    "case-notes.txt": b"10:40 spoke with the customer; the count came back after the upgrade.\n",
    "README.md": b"# Case 7\n\nThe customer's captures, one folder per node.\n",
    "case.json": json.dumps({"schema": "ucnb.case/1", "case": "7", "customer": "ACME Corp"}).encode(),
    # a PDF's text reads as a listing's rows (`1 0 obj`): `load` takes no PDF for a capture
    "summary.pdf": b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"
                   b"trailer\n<< >>\n%%EOF\n",
}
PS_EF = b"""UID        PID  PPID  C STIME TTY          TIME CMD
root         1     0  0 Dec01 ?        00:00:05 /sbin/init
root       200     1  0 Dec01 ?        00:00:00 /usr/bin/foo
root       201   200  0 Dec01 ?        00:00:00 [sh] <defunct>
"""


def _write(folder: Path, members: dict[str, bytes]) -> None:
    for name, data in members.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)


def _rows(paths: list[Path]) -> object:
    return scan_fleet([str(p) for p in paths], workers=0, cache=None).frame


def _same_as_analyze(frame: object, bundle: Path, nodes: int) -> None:
    """The scan's rows of `bundle`, node for node, are `ucnb analyze --json BUNDLE`'s; `node_id` ends
    with the node and product analyze names."""
    rows = _scan_rows(frame, str(bundle))  # type: ignore[arg-type]
    assert rows == _analysis_rows(str(bundle)) and len(rows) == nodes and rows[0]["error"] is None
    mine = frame[frame["bundle"] == str(bundle)]  # type: ignore[index]
    assert [i.split("/")[-2:] for i in mine["node_id"]] == [[r["node"], r["product"]] for r in rows]


@pytest.mark.parametrize("note", sorted(NOTES))
def test_a_note_beside_node_folders_does_not_split_the_bundle(tmp_path: Path, note: str) -> None:
    fleet = tmp_path / "FLEET"
    case = fleet / "case-7"
    _write(case, make_fleet.bundle_members(7, nodes=2, seed=4))
    plain = _rows([fleet])
    (case / note).write_bytes(NOTES[note])
    for given in (fleet, case):  # met in a walk, or given as the PATH
        frame = _rows([given])
        assert frame["bundle"].unique().tolist() == [str(case)]
        _same_as_analyze(frame, case, 2)
        assert _scan_rows(frame, str(case)) == _scan_rows(plain, str(case))  # as without the note
    # the workbench's case file names the customer; `case-7` is no case number (4 digits at least)
    owner = ["ACME Corp"] if note == "case.json" else []
    assert [i.split("/")[:-3] for i in frame["node_id"]] == [owner, owner]


def test_a_note_beside_bundles_makes_no_bundle_of_them(tmp_path: Path) -> None:
    """A README in a folder of bundles leaves them bundles each (it made the whole folder one bundle);
    a folder of one node's loose captures with its README stays one bundle."""
    fleet = tmp_path / "FLEET"
    _write(fleet / "case-7", make_fleet.bundle_members(7, nodes=2, seed=4))
    (fleet / "case-8.zip").write_bytes(make_fleet.zip_bytes(make_fleet.bundle_members(8, nodes=1, seed=4)))
    loose = make_fleet.bundle_members(9, nodes=1, seed=4)
    _write(fleet / "night-3", {name.split("/", 1)[1]: data for name, data in loose.items()})
    for folder in (fleet, fleet / "night-3"):
        (folder / "README.txt").write_bytes(NOTES["README.txt"])
    bundles = [str(fleet / name) for name in ("case-7", "case-8.zip", "night-3")]
    assert discover([fleet]) == bundles
    frame = _rows([fleet])
    assert frame["bundle"].unique().tolist() == bundles
    _same_as_analyze(frame, fleet / "night-3", 1)
    _same_as_analyze(frame, fleet / "case-7", 2)


def test_a_text_file_is_judged_by_what_it_holds(tmp_path: Path) -> None:
    """Beside an archive, a file of command output under any name makes its folder one bundle (as
    `ucnb analyze` reads the folder: both together); a note does not, and the archive is a bundle."""
    folder = tmp_path / "FLEET/site"
    members = make_fleet.bundle_members(3, nodes=1, seed=4)
    _write(folder, {"a.zip": make_fleet.zip_bytes(make_fleet.bundle_members(4, nodes=1, seed=4))})
    (tmp_path / "FLEET/other.zip").write_bytes((folder / "a.zip").read_bytes())
    capture = next(data for name, data in members.items() if "list" in name)
    (folder / "session.log").write_bytes(capture)
    assert discover([tmp_path / "FLEET"]) == [str(tmp_path / "FLEET/other.zip"), str(folder)]
    (folder / "session.log").write_bytes(NOTES["case-notes.txt"])
    assert discover([tmp_path / "FLEET"]) == [str(tmp_path / "FLEET/other.zip"), str(folder / "a.zip")]


def test_before_and_after_are_two_bundles(tmp_path: Path) -> None:
    """A workbench case (`case.json`, `before/`, `after/`) and `ucnb verify`'s layout: two captures of
    one node, two bundles, with or without a note beside them."""
    case = tmp_path / "cases/698123456"
    members = make_fleet.bundle_members(5, nodes=1, seed=4)
    for moment in ("before", "after"):
        _write(case / moment, {name.split("/", 1)[1]: data for name, data in members.items()})
    moments = [str(case / "after"), str(case / "before")]
    assert discover([case]) == moments
    (case / "case.json").write_bytes(NOTES["case.json"])
    assert discover([tmp_path / "cases"]) == discover([case]) == moments
    assert discover(["sample_outputs/ex1_cucm_amc"]) == ["sample_outputs/ex1_cucm_amc/after",
                                                         "sample_outputs/ex1_cucm_amc/before"]


@pytest.mark.parametrize("named", [True, False])
def test_a_folder_of_one_node_folder_is_that_bundle(tmp_path: Path, named: bool) -> None:
    """`night-1/cucm-pub/*.txt`: `ucnb analyze night-1` reads one bundle of one node (named by its
    host name, else by its folder); the scan's row is that bundle's, with that node and id."""
    members = make_fleet.bundle_members(6, nodes=1, seed=4)
    host = next(iter(members)).split("/")[0]
    if not named:
        members = {"x/ps.txt": PS_EF}  # a listing alone: no host name in it
    night = tmp_path / "FLEET/night-1"
    _write(night / "node-a", {name.split("/", 1)[1]: data for name, data in members.items()})
    for given in (tmp_path / "FLEET", night):
        frame = _rows([given])
        assert frame["bundle"].tolist() == [str(night)]
        _same_as_analyze(frame, night, 1)
        assert frame["node"].item() == (host if named else "node-a")


def test_finding_bundles_reads_only_the_notes_beside_folders(tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """Discovery reads no file of a folder of captures, nor of node folders: only a file beside
    folders or archives, and only its head (a scan of 100,000 bundles does not read them twice)."""
    import ucnb.read.bundle as reading
    from ucnb.fleet import bundles

    fleet = tmp_path / "FLEET"
    for index in range(3):
        _write(fleet / f"case-{index}", make_fleet.bundle_members(index, nodes=2, seed=4))
        (fleet / f"case-{index}/README.txt").write_bytes(NOTES["README.txt"] * 5000)  # 600 KB
    _write(fleet / "loose", {name.split("/", 1)[1]: data
                             for name, data in make_fleet.bundle_members(3, nodes=1, seed=4).items()})
    (fleet / "loose/README.txt").write_bytes(NOTES["README.txt"])
    read: list[tuple[str, int]] = []
    real = reading.is_capture

    def counted(name: str, data: bytes) -> bool:
        read.append((name, len(data)))
        return real(name, data)

    monkeypatch.setattr(reading, "is_capture", counted)
    assert discover([fleet]) == [str(fleet / name) for name in ("case-0", "case-1", "case-2", "loose")]
    assert [name for name, _ in read] == ["README.txt"] * 3
    assert all(0 < size <= bundles.SNIFF_BYTES for _, size in read)
