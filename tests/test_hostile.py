"""Broken and hostile inputs (tests/hostile/cases.toml): exit 0 with a correct partial result and
warnings, or exit 2 with one `ucnb: error:` line. Never a traceback (exit 1), never a hang, never a
file written outside the kit's temporary place.

Big and archive inputs are made at test time by the `build_*` functions below.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import subprocess
import sys
import tarfile
import tempfile
import tomllib
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from cli_helpers import run_cli as run

ROOT = Path(__file__).resolve().parents[1]
HOSTILE = ROOT / "tests" / "hostile"
CASES = tomllib.loads((HOSTILE / "cases.toml").read_text())["case"]
EX1 = ROOT / "sample_outputs" / "ex1_cucm_amc" / "before"
LISTING = (EX1 / "show_process_list_detail.txt").read_bytes()




def assert_outcome(status: int, out: str, err: str) -> None:
    """The contract for every input: 0 (work done) or 2 (one error line); 1 is an internal bug."""
    assert status in (0, 2), f"internal error (exit {status}): {err}"
    assert "Traceback" not in err + out
    assert len(err) < 2000, f"{len(err)}-character error output"
    if status == 2:
        lines = err.splitlines()
        assert len(lines) == 1 and lines[0].startswith("ucnb: error: "), err
        assert out == ""


# --- the sandbox: nothing written anywhere -------------------------------------------------------


def listing_of(folder: Path) -> dict[str, int]:
    found = {}
    for base, dirs, files in os.walk(folder):
        for name in dirs + files:
            path = os.path.join(base, name)
            found[os.path.relpath(path, folder)] = os.lstat(path).st_size
    return found


@pytest.fixture
def sandbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """An empty cwd and an empty private TMPDIR; yields the folder for inputs. On exit, checks that the
    input folder, the cwd, the temporary folder and tmp_path's siblings are as they were."""
    inputs, cwd, tmp = tmp_path / "in", tmp_path / "cwd", tmp_path / "tmp"
    for folder in (inputs, cwd, tmp):
        folder.mkdir()
    monkeypatch.chdir(cwd)
    monkeypatch.setenv("TMPDIR", str(tmp))
    monkeypatch.setattr(tempfile, "tempdir", str(tmp))
    siblings = sorted(p.name for p in tmp_path.parent.iterdir())
    state: dict[str, dict[str, int]] = {}
    yield inputs, state
    assert listing_of(inputs) == state.get("inputs", listing_of(inputs))
    assert listing_of(cwd) == {}
    assert listing_of(tmp) == {}
    assert sorted(p.name for p in tmp_path.parent.iterdir()) == siblings


# --- generated inputs ---------------------------------------------------------------------------


def _tar(members: list[tuple[tarfile.TarInfo, bytes | None]], mode: str = "w") -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode=mode) as archive:
        for info, data in members:
            archive.addfile(info, io.BytesIO(data) if data is not None else None)
    return buffer.getvalue()


def _member(name: str, data: bytes = b"", kind: bytes = tarfile.REGTYPE, link: str = ""):
    info = tarfile.TarInfo(name)
    info.type, info.linkname, info.mtime = kind, link, 0
    info.size = len(data) if kind == tarfile.REGTYPE else 0
    return info, data if kind == tarfile.REGTYPE else None


def _zip(members: list[tuple[str | zipfile.ZipInfo, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members:
            archive.writestr(name, data)
    return buffer.getvalue()


def _zip_link(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.create_system = 3
    info.external_attr = (0o120777 << 16)
    return info


def _write(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.write_bytes(data)
    return path


def build_long_single_line(folder: Path) -> Path:
    return _write(folder, "one_line.txt", b"x" * (2 * 2**20))


def build_long_command_row(folder: Path) -> Path:
    lines = LISTING.splitlines()
    row = b"ccmserv+ 29815     1  0 Oct09 ?        00:00:01 /usr/local/cm/bin/amc " + b"A" * (2 * 2**20)
    zombie = next(line for line in lines if b"<defunct>" in line)
    return _write(folder, "long_row.txt", b"\n".join([lines[1], lines[2], row, zombie]) + b"\n")


def build_over_size_cap(folder: Path) -> Path:
    return _write(folder, "big.txt", LISTING * (2 * 2**20 // len(LISTING) + 1))


def build_sparse_giant(folder: Path) -> Path:
    path = _write(folder, "giant.txt", LISTING)
    os.truncate(path, 600 * 2**20)  # sparse: costs no disk, and must not be read
    return path


def build_zip_dotdot(folder: Path) -> Path:
    return _write(folder, "dotdot.zip", _zip([("cucm/ps.txt", LISTING), ("../../evil.txt", b"x")]))


def build_tar_dotdot(folder: Path) -> Path:
    members = [_member("cucm/ps.txt", LISTING), _member("cucm/../../evil.txt", b"x")]
    return _write(folder, "dotdot.tar", _tar(members))


def build_zip_absolute(folder: Path) -> Path:
    return _write(folder, "absolute.zip", _zip([("cucm/ps.txt", LISTING), ("/etc/evil.txt", b"x")]))


def build_tar_absolute(folder: Path) -> Path:
    members = [_member("cucm/ps.txt", LISTING), _member("/tmp/evil.txt", b"x")]
    return _write(folder, "absolute.tar", _tar(members))


def build_zip_drive(folder: Path) -> Path:
    return _write(folder, "drive.zip", _zip([("cucm/ps.txt", LISTING), ("C:\\Windows\\evil.txt", b"x")]))


def build_tar_symlink(folder: Path) -> Path:
    link = _member("cucm/passwd", kind=tarfile.SYMTYPE, link="/etc/passwd")
    members = [_member("cucm/ps.txt", LISTING), link]
    return _write(folder, "symlink.tar", _tar(members))


def build_zip_symlink(folder: Path) -> Path:
    members = [("cucm/ps.txt", LISTING), (_zip_link("cucm/passwd"), b"/etc/passwd")]
    return _write(folder, "symlink.zip", _zip(members))


def build_tar_hardlink(folder: Path) -> Path:
    link = _member("cucm/shadow", kind=tarfile.LNKTYPE, link="/etc/shadow")
    members = [_member("cucm/ps.txt", LISTING), link]
    return _write(folder, "hardlink.tar", _tar(members))


def build_tar_device(folder: Path) -> Path:
    members = [_member("cucm/ps.txt", LISTING), _member("cucm/sda", kind=tarfile.BLKTYPE)]
    return _write(folder, "device.tar", _tar(members))


_ZEROS = b"\0" * (64 * 2**20)  # 64 MiB that compress to 64 KiB


def build_zip_bomb(folder: Path) -> Path:
    return _write(folder, "bomb.zip", _zip([("cucm/ps.txt", LISTING), ("cucm/zeros.txt", _ZEROS)]))


def build_tgz_bomb(folder: Path) -> Path:
    members = [_member("cucm/ps.txt", LISTING), _member("cucm/zeros.txt", _ZEROS)]
    return _write(folder, "bomb.tar.gz", _tar(members, "w:gz"))


def build_gz_bomb(folder: Path) -> Path:
    return _write(folder, "zeros.txt.gz", gzip.compress(_ZEROS, mtime=0))


def build_nested_zip(folder: Path) -> Path:
    innermost = _zip([("deep.txt", LISTING)])
    inner = _zip([("cucm/ps.txt", LISTING), ("cucm/deeper.zip", innermost)])
    return _write(folder, "outer.zip", _zip([("bundle.zip", inner)]))


def build_many_members(folder: Path) -> Path:
    return _write(folder, "many.tar", _tar([_member(f"n/{i:05d}.txt", b"x\n") for i in range(10_001)]))


def build_zip_truncated(folder: Path) -> Path:
    data = _zip([("cucm/ps.txt", LISTING), ("cucm/load.txt", (EX1 / "show_process_load.txt").read_bytes())])
    return _write(folder, "truncated.zip", data[: len(data) // 2])


def build_tgz_truncated(folder: Path) -> Path:
    data = _tar([_member("cucm/ps.txt", LISTING * 4)], "w:gz")
    return _write(folder, "truncated.tgz", data[: len(data) // 2])


def build_zip_garbage(folder: Path) -> Path:
    return _write(folder, "garbage.zip", b"PK\x03\x04" + b"not really a zip " * 50)


def build_zip_empty(folder: Path) -> Path:
    return _write(folder, "empty.zip", _zip([]))


def build_folder_symlink(folder: Path) -> Path:
    node = folder / "cucm-pub"
    node.mkdir()
    _write(node, "ps.txt", LISTING)
    outside = folder.parent / "cwd-outside.txt"
    (node / "passwd.txt").symlink_to("/etc/passwd")
    (node / "dangling.txt").symlink_to(outside)
    return node


def build_folder_hardlink(folder: Path) -> Path:
    node = folder / "cucm-pub"
    node.mkdir()
    first = _write(node, "ps.txt", LISTING)
    os.link(first, node / "ps_again.txt")
    return node


# --- harden (issue 16): input that once ended in "internal error" or unbounded work ----------------


def _sample_folder(folder: Path, status: tuple[str, str] | None = None) -> Path:
    node = folder / "cucm-sub1"
    node.mkdir()
    for name in ("show_process_load.txt", "show_process_list_detail.txt", "show_status.txt"):
        text = (EX1 / name).read_text()
        if status and name == "show_status.txt":
            text = text.replace("Thu Nov 19, 2026 10:30:00", status[0]).replace("10:30:49", status[1])
        (node / name).write_text(text)
    return node


def build_status_year_9999(folder: Path) -> Path:
    return _sample_folder(folder, ("Fri Dec 31, 9999 23:59:59", "10:30:49"))


def build_status_year_0001(folder: Path) -> Path:
    return _sample_folder(folder, ("Mon Jan 01, 0001 00:00:00", "10:30:49"))


def build_pids_padded_and_5000_digits(folder: Path) -> Path:
    lines = LISTING.decode().replace("ccmserv+ 22908 29815", "ccmserv+ 0022908 029815").splitlines()
    huge = "ccmserv+ " + "9" * 5000 + " 29815  0 Nov18 ?        00:00:00 [sh] <defunct>"
    return _write(folder, "pids.txt", "\n".join([*lines[:-1], huge, lines[-1]]).encode() + b"\n")


def build_deep_folder(folder: Path) -> Path:
    top = folder / "deep"
    path = top.joinpath(*["d"] * 100)  # deeper than the cap (64), shallow enough for rmtree
    path.mkdir(parents=True)
    _write(path, "ps.txt", LISTING)
    return top


def build_zip_of_folders(folder: Path) -> Path:
    members = [(f"d{i:05d}/", b"") for i in range(10_001)] + [("cucm/ps.txt", LISTING)]
    return _write(folder, "folders.zip", _zip(members))


def build_zip_huge_member_name(folder: Path) -> Path:
    return _write(folder, "name.zip", _zip([("cucm/ps.txt", LISTING), ("../" + "n" * 60_000, b"x")]))


# --- bounds (issue 26): shapes that once grew quadratically ---------------------------------------


def build_zombie_parent_chain(folder: Path) -> Path:
    lines = LISTING.decode().splitlines()[:2]  # the prompt and the header
    rows = [f"root     {i:6d} {i - 1:6d}  0 Oct09 ?        00:00:00 [sh] <defunct>" for i in range(3, 2003)]
    text = [*lines, "root         1     0  0 Oct09 ?        00:11:50 /usr/lib/systemd/systemd",
            "root         2     1  0 Oct09 ?        00:00:00 /bin/sh -c top", *rows]
    return _write(folder, "zombie_chain.txt", ("\n".join(text) + "\n").encode())


def build_500_sessions_in_one_log(folder: Path) -> Path:
    sys.path.insert(0, str(ROOT / "bench"))
    import shapes  # bench/shapes.py: issue 26's shapes

    return _write(folder, "sessions.log", shapes.sessions(500).encode())


def build_utf16_notepad(folder: Path) -> Path:
    text = LISTING.decode().replace("\n", "\r\n")
    return _write(folder, "notepad_unicode.txt", text.encode("utf-16"))  # BOM, then UTF-16-LE


def build_utf16_big_endian(folder: Path) -> Path:
    return _write(folder, "utf16be.txt", b"\xfe\xff" + LISTING.decode().encode("utf-16-be"))


def build_utf8_bom(folder: Path) -> Path:
    return _write(folder, "utf8bom.txt", b"\xef\xbb\xbf" + LISTING)


BUILDERS: dict[str, Callable[[Path], Path]] = {
    name.removeprefix("build_"): value for name, value in globals().items() if name.startswith("build_")
}


# --- the table ----------------------------------------------------------------------------------


def test_every_case_has_an_input():
    for case in CASES:
        assert ("input" in case) != ("build" in case), case["name"]
        if "input" in case:
            assert (HOSTILE / case["input"]).is_file(), case["name"]
        else:
            assert case["build"] in BUILDERS, case["name"]
        assert case["exit"] in (0, 2)


@pytest.mark.timeout(60)
@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_hostile_case(case: dict, sandbox) -> None:
    inputs, state = sandbox
    if "input" in case:
        path = inputs / case["input"]
        path.write_bytes((HOSTILE / case["input"]).read_bytes())
    else:
        path = BUILDERS[case["build"]](inputs)
    state["inputs"] = listing_of(inputs)
    extra = case.get("args", [])

    status, out, err = run("inspect", path, "--json", *extra)
    assert_outcome(status, out, err)
    assert status == case["exit"], err
    a_status, a_out, a_err = run("analyze", path, "--json", *extra)
    assert_outcome(a_status, a_out, a_err)
    assert a_status == status
    if status == 2:
        assert case["error"] in err, err
        assert a_err == err
        return

    inspect = json.loads(out)
    sections = [s for node in inspect["nodes"] for s in node["sections"]]
    for command, rows in case.get("rows", {}).items():
        found = [s["rows"] for s in sections if s["command"] == command]
        assert found and all(n == rows for n in found), (command, found)
    if "unparsed" in case:
        lines = sorted(int(u["source"].rsplit(":", 1)[1]) for n in inspect["nodes"] for u in n["unparsed"])
        assert lines == case["unparsed"]
    if "warning" in case:
        warnings = [w for n in inspect["nodes"] for w in n["warnings"]] + inspect.get("warnings", [])
        assert any(case["warning"] in w for w in warnings), warnings

    analysis = json.loads(a_out)
    nodes = analysis["nodes"]
    zombies = [z for n in nodes for z in n["zombies"]]
    if "zombies" in case:
        assert sorted({z["pid"] for z in zombies}) == case["zombies"]
    if "zombie_sources" in case:
        assert [z["source"] for z in zombies] == case["zombie_sources"]
    if "zombie_count" in case:
        expected = None if case["zombie_count"] == "null" else case["zombie_count"]
        assert [n["zombie_count"] for n in nodes] == [expected]
    if "next_step" in case:
        assert [n["next_step"]["action"] for n in nodes] == [case["next_step"]]
    if "analyze_warning" in case:
        warnings = [w for n in nodes for w in n["warnings"]]
        assert any(case["analyze_warning"] in w for w in warnings), warnings


@pytest.mark.timeout(60)
def test_the_installed_entry_point_never_shows_a_traceback(tmp_path: Path) -> None:
    """The real process (not main() in-process): hostile inputs give exit 2 and one line."""
    for builder in (build_zip_bomb,):
        path = builder(tmp_path)
        command = [sys.executable, "-m", "ucnb.cli", "inspect", str(path), "--max-bytes", "16MiB"]
        done = subprocess.run(command, capture_output=True, text=True, timeout=60, cwd=tmp_path)
        assert done.returncode == 2, done.stderr
        assert done.stdout == ""
        assert len(done.stderr.splitlines()) == 1 and done.stderr.startswith("ucnb: error: ")


# --- truncation at every line of real samples ---------------------------------------------------

TRUNCATED = [
    EX1 / "show_process_load.txt",
    EX1 / "show_process_list_detail.txt",
    EX1 / "show_process_list.txt",
    EX1 / "utils_service_list.txt",
    EX1 / "show_status.txt",
    ROOT / "sample_outputs" / "ex3_cucm_cdrrep" / "before" / "putty_cucm-pub_2026-11-20.log",
]


def _cuts(data: bytes, path: Path) -> list[int]:
    """Byte offsets to cut at, at a line boundary and mid-line: every line of the first 40 and the last
    10 of a single-command file, and around every section start (prompt or blank line); in the long
    PuTTY log, around every prompt."""
    lines = data.splitlines(keepends=True)
    prompts = [i for i, line in enumerate(lines) if line.startswith(b"admin:")]
    if path.suffix == ".log":
        near = {i + d for i in prompts for d in (-1, 0, 1, 2)}
    else:
        blanks = [i for i, line in enumerate(lines) if not line.strip()]
        near = set(range(40)) | set(range(len(lines) - 10, len(lines)))
        near |= {i + d for i in prompts + blanks for d in (-1, 0, 1, 2)}
    offsets, position = [], 0
    for i, line in enumerate(lines):
        if i in near:
            offsets += [position, position + len(line) // 2]
        position += len(line)
    return sorted(set(offsets) - {0})


@pytest.mark.timeout(300)
@pytest.mark.parametrize("path", TRUNCATED, ids=[p.name for p in TRUNCATED])
def test_truncated_at_every_line(path: Path, tmp_path: Path) -> None:
    """A capture cut anywhere: exit 0 with rows that are a prefix of the full result, or exit 2."""
    from ucnb.diagnosis.diagnose import analyze
    from ucnb.errors import InputError
    from ucnb.read.bundle import inspect_json, load

    data = path.read_bytes()
    full = inspect_json(load(path))
    full_rows = sum(s["rows"] for n in full["nodes"] for s in n["sections"])
    target = tmp_path / path.name
    for cut in _cuts(data, path):
        target.write_bytes(data[:cut])
        try:
            bundle = load(target)
        except InputError as error:
            assert str(error), cut
            continue
        document = inspect_json(bundle)
        rows = sum(s["rows"] for n in document["nodes"] for s in n["sections"])
        assert rows <= full_rows, cut
        last = data[:cut].count(b"\n") + 1
        for node in document["nodes"]:
            for item in node["unparsed"]:
                assert int(item["source"].rsplit(":", 1)[1]) <= last
        for node in analyze(bundle)["nodes"]:
            for zombie in node["zombies"]:
                assert int(zombie["source"].rsplit(":", 1)[1]) <= last
