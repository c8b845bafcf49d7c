"""When the captures carry no date, the report's timeline falls back on the time each file was saved
into the archive it came in (zip or tar member times: part of the archive's bytes, so the same
archive gives the same report). Folder file times are never used: a copy or an extraction resets
them, and the golden reports of the sample folders must not depend on the checkout."""

from __future__ import annotations

import io
import os
import struct
import tarfile
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest

import ucnb
from ucnb.read.sources import read_sources
from ucnb.report import render_report

ROOT = Path(__file__).resolve().parents[2]
BEFORE = ROOT / "sample_outputs" / "ex1_cucm_amc" / "before"
UNDATED = sorted(p for p in BEFORE.iterdir() if p.name != "show_status.txt")  # no show status: no date
SAVED = datetime(2026, 11, 28, 9, 10, tzinfo=UTC)


def _zip(path: Path, files: list[Path], *, utc_extra: bool = False) -> Path:
    """A zip of `files` under `cucm-sub1/`, saved a minute apart from 2026-11-28 09:10 (DOS time),
    with the Info-ZIP extended timestamp (UTC) when `utc_extra`."""
    with zipfile.ZipFile(path, "w") as archive:
        for minute, file in enumerate(files):
            info = zipfile.ZipInfo(f"cucm-sub1/{file.name}", (2026, 11, 28, 9, 10 + minute, 0))
            if utc_extra:
                info.extra = struct.pack("<HHBi", 0x5455, 5, 1, int(SAVED.timestamp()) + 60 * minute)
            archive.writestr(info, file.read_bytes())
    return path


def _timeline(bundle_path: Path, **options) -> list[str]:
    text = render_report(ucnb.load(bundle_path), fmt="md", pictures=False, **options).text
    section = text.split("## Timeline", 1)[1].split("\n## ", 1)[0]
    return [line for line in section.splitlines() if line.startswith("| ") and "When" not in line]


def test_an_undated_capture_in_a_zip_is_placed_at_the_time_its_files_were_saved(tmp_path):
    rows = _timeline(_zip(tmp_path / "case.zip", UNDATED))
    assert rows[0] == (
        "| 2026-11-28 09:10:00 | First capture (before the remediation) | file saved (zip member time, "
        "zone not recorded; no time in the capture) |"
    )
    assert rows[1].startswith("| 2026-11-28 09:14:00 | Last capture before the remediation | file saved")
    utc = _timeline(_zip(tmp_path / "utc.zip", UNDATED, utc_extra=True))
    assert utc[0].startswith("| 2026-11-28 09:10:00 UTC | First capture")
    assert "zip member time, UTC; no time in the capture" in utc[0]


def test_a_capture_with_its_own_date_never_uses_the_file_times(tmp_path):
    rows = _timeline(_zip(tmp_path / "dated.zip", sorted(BEFORE.iterdir())))
    assert rows[0].startswith("| 2026-11-19 10:30:00 | First capture") and "show status date" in rows[0]
    assert not any("file saved" in row or "2026-11-28" in row for row in rows)


def test_a_tar_gives_its_member_times_in_utc(tmp_path):
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for file in UNDATED:
            info = tarfile.TarInfo(f"cucm-sub1/{file.name}")
            data = file.read_bytes()
            info.size, info.mtime = len(data), int(SAVED.timestamp())
            archive.addfile(info, io.BytesIO(data))
    (tmp_path / "case.tgz").write_bytes(buffer.getvalue())
    rows = _timeline(tmp_path / "case.tgz")
    assert rows[0].startswith("| 2026-11-28 09:10:00 UTC | First capture")
    assert "tar member time, UTC" in rows[0]


def test_folder_file_times_are_recorded_but_never_shown(tmp_path):
    folder = tmp_path / "cucm-sub1"
    folder.mkdir()
    for file in UNDATED:
        (folder / file.name).write_bytes(file.read_bytes())
    first = render_report(ucnb.load(folder), fmt="md", pictures=False).text
    for file in folder.iterdir():  # a new checkout or copy: new file times
        os.utime(file, (SAVED.timestamp(), SAVED.timestamp()))
    bundle = ucnb.load(folder)
    assert {(f.mtime, f.mtime_from) for f in bundle.files} == {(SAVED, "disk")}
    assert render_report(bundle, fmt="md", pictures=False).text == first  # same bytes, whatever the times
    (row,) = _timeline(folder)
    assert row.startswith("| time unknown | First capture")
    assert "the times of files in a folder are not used" in row


def test_same_zip_same_report_and_redaction_keeps_the_times(tmp_path):
    archive = _zip(tmp_path / "case.zip", UNDATED)
    copy = tmp_path / "copy.zip"
    copy.write_bytes(archive.read_bytes())
    os.utime(copy, (0, 0))  # the archive file's own time is not its members'
    one = render_report(ucnb.load(archive), fmt="md", pictures=False).text
    two = render_report(ucnb.load(copy), fmt="md", pictures=False).text
    assert two.replace("copy.zip", "case.zip") == one
    redacted = _timeline(archive, redact=True)
    assert redacted[0].startswith("| 2026-11-28 09:10:00 | First capture") and "cucm-sub1" not in redacted[0]


@pytest.mark.parametrize(
    "extra, expected",
    [
        (struct.pack("<HHBi", 0x5455, 5, 1, int(SAVED.timestamp())), SAVED),  # Info-ZIP: POSIX seconds
        # NTFS (Windows, 7-Zip): reserved, tag 1, size 24, mtime/atime/ctime in 100 ns since 1601
        (struct.pack("<HHIHHQQQ", 0x000A, 32, 0, 1, 24, (int(SAVED.timestamp()) + 11644473600) * 10**7, 0, 0),
         SAVED),
        (struct.pack("<HHB", 0x5455, 1, 0), datetime(2026, 11, 28, 9, 10)),  # flag without mtime: DOS time
        (struct.pack("<HHBH", 0x5455, 3, 1, 7), datetime(2026, 11, 28, 9, 10)),  # mtime cut short: DOS time
    ],
)
def test_zip_member_times_from_the_extra_fields(tmp_path, extra, expected):
    info = zipfile.ZipInfo("x.txt", (2026, 11, 28, 9, 10, 0))
    info.extra = extra
    with zipfile.ZipFile(tmp_path / "x.zip", "w") as archive:
        archive.writestr(info, b"top - 09:14:02 up 41 days\n")
    (found,) = read_sources([tmp_path / "x.zip"]).files
    assert (found.mtime, found.mtime_from) == (expected, "zip")


def test_zero_or_impossible_archive_times_are_no_time(tmp_path):
    with zipfile.ZipFile(tmp_path / "zero.zip", "w") as archive:
        archive.writestr(zipfile.ZipInfo("a.txt", (1980, 1, 1, 0, 0, 0)), b"a\n")
        archive.writestr(zipfile.ZipInfo("b.txt", (2026, 11, 28, 9, 10, 0)), b"b\n")
    data = bytearray((tmp_path / "zero.zip").read_bytes())
    # month 15 in b.txt's central directory entry (DOS date: bits 5-8)
    central = data.rindex(b"PK\x01\x02")
    date = struct.unpack_from("<H", data, central + 14)[0]
    struct.pack_into("<H", data, central + 14, (date & ~0x01E0) | (15 << 5))
    (tmp_path / "zero.zip").write_bytes(bytes(data))
    assert [(f.name, f.mtime) for f in read_sources([tmp_path / "zero.zip"]).files] == [
        ("a.txt", None), ("b.txt", None)
    ]
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        for name, mtime in (("c.txt", 0), ("d.txt", 2**40)):
            info = tarfile.TarInfo(name)
            info.size, info.mtime = 2, mtime
            archive.addfile(info, io.BytesIO(b"c\n"))
    (tmp_path / "t.tar").write_bytes(buffer.getvalue())
    assert [f.mtime for f in read_sources([tmp_path / "t.tar"]).files] == [None, None]


def test_only_the_undated_node_takes_its_file_times(tmp_path):
    """cucm-sub1 has its `show status` date (its zip times are not used); cucm-sub2, undated, is placed
    at the time its files were saved."""
    with zipfile.ZipFile(tmp_path / "cluster.zip", "w") as archive:
        for file in sorted(BEFORE.iterdir()):
            dated = zipfile.ZipInfo(f"cucm-sub1/{file.name}", (2026, 11, 19, 10, 40, 0))
            archive.writestr(dated, file.read_bytes())
            if file.name in ("show_process_load.txt", "show_process_list_detail.txt"):
                info = zipfile.ZipInfo(f"cucm-sub2/{file.name}", (2026, 11, 28, 9, 10, 0))
                archive.writestr(info, file.read_bytes())
    rows = _timeline(tmp_path / "cluster.zip")
    assert rows[0].startswith("| 2026-11-19 10:30:00 | First capture") and "show status date" in rows[0]
    assert rows[1].startswith("| 2026-11-28 09:10:00 | Last capture before the remediation | file saved")
    assert not any("10:40" in row for row in rows)
