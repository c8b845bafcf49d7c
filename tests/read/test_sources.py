"""Reading folders, files and archives safely (archives are built here, at test time)."""

from __future__ import annotations

import gzip
import io
import os
import tarfile
import time
import tracemalloc
import zipfile
from pathlib import Path

import pytest

from ucnb.errors import InputError
from ucnb.read.sources import SourceFile, read_sources

LOAD = b"top - 09:14:02 up 41 days,  3:07,  1 user,  load average: 0.52, 0.48, 0.40\n"
PS = b"UID PID PPID C STIME TTY TIME CMD\n"
SERVICES = b"Cisco AMC Service[STARTED]\n"


def names(sources) -> list[str]:
    return [f.name for f in sources.files]


def by_name(sources) -> dict[str, bytes]:
    return {f.name: f.data for f in sources.files}


def make_zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def add_tar_member(archive: tarfile.TarFile, name: str, data: bytes = b"", **attributes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    for key, value in attributes.items():
        setattr(info, key, value)
    archive.addfile(info, io.BytesIO(data) if data else None)


def make_tar(path: Path, members: dict[str, bytes], mode: str = "w:gz") -> Path:
    with tarfile.open(path, mode) as archive:
        for name, data in members.items():
            add_tar_member(archive, name, data)
    return path


def bundle_folder(root: Path) -> Path:
    (root / "cucm-pub").mkdir(parents=True)
    (root / "imp-sub1").mkdir()
    (root / "cucm-pub" / "load.txt").write_bytes(LOAD)
    (root / "cucm-pub" / "ps.txt").write_bytes(PS)
    (root / "imp-sub1" / "services.txt").write_bytes(SERVICES)
    return root


# --- folders and single files ---------------------------------------------------------------------


def test_folder_names_are_relative_and_sorted(tmp_path):
    folder = bundle_folder(tmp_path / "bundle")
    sources = read_sources([folder])
    assert names(sources) == ["cucm-pub/load.txt", "cucm-pub/ps.txt", "imp-sub1/services.txt"]
    assert sources.files[0] == SourceFile("cucm-pub/load.txt", "bundle", LOAD)
    assert sources.warnings == []


def test_single_file_is_named_by_its_basename(tmp_path):
    path = tmp_path / "session.log"
    path.write_bytes(LOAD)
    sources = read_sources([str(path)])
    assert sources.files == [SourceFile("session.log", "session.log", LOAD)]


def test_a_bare_string_is_one_path_not_a_list_of_characters(tmp_path):
    path = tmp_path / "session.log"
    path.write_bytes(LOAD)
    assert names(read_sources(str(path))) == ["session.log"]


def test_several_paths_are_prefixed_with_their_basename(tmp_path):
    folder = bundle_folder(tmp_path / "day1")
    single = tmp_path / "pub.log"
    single.write_bytes(PS)
    archive = make_zip(tmp_path / "after.zip", {"cucm-pub/load.txt": LOAD})
    sources = read_sources([folder, single, archive])
    assert names(sources) == [
        "after.zip/cucm-pub/load.txt",
        "day1/cucm-pub/load.txt",
        "day1/cucm-pub/ps.txt",
        "day1/imp-sub1/services.txt",
        "pub.log",
    ]
    assert {f.name: f.root for f in sources.files}["after.zip/cucm-pub/load.txt"] == "after.zip"


def test_two_paths_with_the_same_basename_are_told_apart(tmp_path):
    first = tmp_path / "a" / "cucm-pub"
    second = tmp_path / "b" / "cucm-pub"
    first.mkdir(parents=True)
    second.mkdir(parents=True)
    (first / "load.txt").write_bytes(b"before\n")
    (second / "load.txt").write_bytes(b"after\n")
    sources = read_sources([first, second])
    assert by_name(sources) == {"cucm-pub/load.txt": b"before\n", "cucm-pub~2/load.txt": b"after\n"}
    assert [f.root for f in sources.files] == ["cucm-pub", "cucm-pub"]
    assert any("cucm-pub~2" in w for w in sources.warnings)


def test_the_same_path_twice_is_read_once(tmp_path):
    folder = bundle_folder(tmp_path / "bundle")
    sources = read_sources([folder, str(folder) + "/"])
    assert len(sources.files) == 3
    assert any("read once" in w for w in sources.warnings)


def test_hidden_files_are_read_but_vcs_and_os_litter_is_skipped_with_a_warning(tmp_path):
    folder = bundle_folder(tmp_path / "bundle")
    (folder / ".notes.txt").write_bytes(b"hidden but kept\n")
    (folder / ".git" / "objects").mkdir(parents=True)
    (folder / ".git" / "config").write_bytes(b"[core]\n")
    (folder / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
    sources = read_sources([folder])
    assert ".notes.txt" in names(sources)
    assert not any(".git" in n or "DS_Store" in n for n in names(sources))
    assert any("skipped 2" in w and ".git/" in w for w in sources.warnings)


def test_symlink_to_etc_passwd_is_never_read(tmp_path):
    folder = bundle_folder(tmp_path / "bundle")
    (folder / "cucm-pub" / "passwd.txt").symlink_to("/etc/passwd")
    (folder / "linked-dir").symlink_to("/etc")
    sources = read_sources([folder])
    assert names(sources) == ["cucm-pub/load.txt", "cucm-pub/ps.txt", "imp-sub1/services.txt"]
    assert all(b"root:" not in f.data for f in sources.files)
    warnings = " ".join(sources.warnings)
    assert "passwd.txt: symbolic link skipped" in warnings
    assert "linked-dir: symbolic link skipped" in warnings


def test_fifo_in_a_folder_is_skipped_without_blocking(tmp_path):
    folder = bundle_folder(tmp_path / "bundle")
    os.mkfifo(folder / "pipe")
    sources = read_sources([folder])
    assert "pipe" not in names(sources)
    assert any("pipe: special file" in w for w in sources.warnings)


def test_nonexistent_path_names_the_path(tmp_path):
    missing = tmp_path / "nope"
    with pytest.raises(InputError, match=r"nope: no such file or directory"):
        read_sources([missing])


def test_empty_folder_is_an_error(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match=r"empty: no files found"):
        read_sources([tmp_path / "empty"])


def test_unreadable_file_names_the_path(tmp_path, monkeypatch):
    folder = bundle_folder(tmp_path / "bundle")
    target = str(folder / "cucm-pub" / "ps.txt")
    real_open = os.open

    def denying_open(path, flags, *args):  # root ignores chmod 000, so refuse the way the OS would
        if os.fspath(path) == target:
            raise PermissionError(13, "Permission denied", path)
        return real_open(path, flags, *args)

    monkeypatch.setattr(os, "open", denying_open)
    with pytest.raises(InputError, match=r"cucm-pub/ps.txt: cannot read \(Permission denied\)"):
        read_sources([folder])


def test_nothing_is_written_into_the_path(tmp_path):
    folder = bundle_folder(tmp_path / "bundle")
    (folder / "inner.tgz").write_bytes(make_tar(tmp_path / "x.tgz", {"a.txt": b"a\n"}).read_bytes())
    before = sorted((p.relative_to(folder), p.stat().st_mtime_ns) for p in folder.rglob("*"))
    read_sources([folder])
    assert sorted((p.relative_to(folder), p.stat().st_mtime_ns) for p in folder.rglob("*")) == before


# --- archives ------------------------------------------------------------------------------------


def test_zip_with_node_folders(tmp_path):
    archive = make_zip(tmp_path / "bundle.zip", {
        "cucm-pub/load.txt": LOAD, "cucm-pub/": b"", "imp-sub1/services.txt": SERVICES,
        "__MACOSX/cucm-pub/._load.txt": b"\x00\x05\x16\x07",
    })
    sources = read_sources([archive])
    assert by_name(sources) == {"cucm-pub/load.txt": LOAD, "imp-sub1/services.txt": SERVICES}
    assert {f.root for f in sources.files} == {"bundle.zip"}
    assert any("skipped 1" in w and "__MACOSX" in w for w in sources.warnings)


@pytest.mark.parametrize("suffix, mode", [(".tar.gz", "w:gz"), (".tgz", "w:gz"), (".tar", "w"),
                                          (".tar.xz", "w:xz"), (".tar.bz2", "w:bz2")])
def test_tar_flavours(tmp_path, suffix, mode):
    archive = make_tar(tmp_path / f"bundle{suffix}", {"cucm-pub/load.txt": LOAD, "./cuc/ps.txt": PS}, mode)
    assert by_name(read_sources([archive])) == {"cucm-pub/load.txt": LOAD, "cuc/ps.txt": PS}


def test_archives_are_detected_by_magic_bytes_not_suffix(tmp_path):
    disguised_zip = make_zip(tmp_path / "capture.dat", {"pub/load.txt": LOAD})
    disguised_tgz = make_tar(tmp_path / "logs.bin", {"sub/ps.txt": PS})
    sources = read_sources([disguised_zip, disguised_tgz])
    assert names(sources) == ["capture.dat/pub/load.txt", "logs.bin/sub/ps.txt"]


def test_plain_gzip_file_is_decompressed_and_named_without_gz(tmp_path):
    folder = tmp_path / "bundle"
    (folder / "cucm-pub").mkdir(parents=True)
    (folder / "cucm-pub" / "load.txt.gz").write_bytes(gzip.compress(LOAD))
    assert by_name(read_sources([folder])) == {"cucm-pub/load.txt": LOAD}


def test_nested_zip_in_tar_is_opened_one_level(tmp_path):
    inner = make_zip(tmp_path / "inner.zip", {"imp/x.txt": SERVICES}).read_bytes()
    deepest = make_zip(tmp_path / "deep.zip", {"too/deep.txt": b"x"}).read_bytes()
    inner_with_deep = make_zip(tmp_path / "inner2.zip", {"deep.zip": deepest, "ok.txt": PS}).read_bytes()
    archive = make_tar(tmp_path / "bundle.tar.gz", {
        "inner.zip": inner, "inner2.zip": inner_with_deep, "cucm-pub/load.txt": LOAD})
    sources = read_sources([archive])
    assert by_name(sources) == {
        "cucm-pub/load.txt": LOAD, "inner.zip/imp/x.txt": SERVICES, "inner2.zip/ok.txt": PS}
    assert any("bundle.tar.gz/inner2.zip/deep.zip" in w and "not opened" in w for w in sources.warnings)


def test_archive_inside_a_folder_is_opened(tmp_path):
    folder = bundle_folder(tmp_path / "bundle")
    inner = make_tar(tmp_path / "a.tgz", {"cucm-pub/load.txt": b"after\n"})
    (folder / "after.tgz").write_bytes(inner.read_bytes())
    assert by_name(read_sources([folder]))["after.tgz/cucm-pub/load.txt"] == b"after\n"


@pytest.mark.parametrize("member, message", [
    ("../../etc/cron.d/evil", r"bundle.tar.gz: member '../../etc/cron.d/evil' escapes the bundle"),
    ("cucm/../../x", r"bundle.tar.gz: member 'cucm/../../x' escapes the bundle"),
    ("/etc/passwd", r"bundle.tar.gz: member '/etc/passwd' has an absolute path"),
    ("C:\\Windows\\x.txt", r"bundle.tar.gz: member 'C:\\\\Windows\\\\x.txt' has an absolute path"),
])
def test_tar_member_escaping_the_bundle_is_refused(tmp_path, member, message):
    archive = make_tar(tmp_path / "bundle.tar.gz", {"ok.txt": b"fine\n", member: b"evil\n"})
    with pytest.raises(InputError, match=message):
        read_sources([archive])


def test_zip_member_with_dotdot_or_absolute_path_is_refused(tmp_path):
    dotdot = make_zip(tmp_path / "dotdot.zip", {"ok.txt": b"1", "../outside.txt": b"2"})
    with pytest.raises(InputError, match=r"dotdot.zip: member '../outside.txt' escapes the bundle"):
        read_sources([dotdot])
    absolute = make_zip(tmp_path / "abs.zip", {"/tmp/owned.txt": b"2"})
    with pytest.raises(InputError, match=r"abs.zip: member '/tmp/owned.txt' has an absolute path"):
        read_sources([absolute])


@pytest.mark.parametrize("kind, attributes, message", [
    ("symlink", {"type": tarfile.SYMTYPE, "linkname": "/etc/passwd"}, "is a symbolic link to '/etc/passwd'"),
    ("hardlink", {"type": tarfile.LNKTYPE, "linkname": "/etc/shadow"}, "is a hard link to '/etc/shadow'"),
    ("chardev", {"type": tarfile.CHRTYPE, "devmajor": 1, "devminor": 3}, "is a device"),
    ("blockdev", {"type": tarfile.BLKTYPE, "devmajor": 8, "devminor": 0}, "is a device"),
    ("fifo", {"type": tarfile.FIFOTYPE}, "is a fifo"),
])
def test_tar_links_and_devices_are_refused(tmp_path, kind, attributes, message):
    path = tmp_path / "bundle.tar"
    with tarfile.open(path, "w") as archive:
        add_tar_member(archive, "cucm-pub/load.txt", LOAD)
        add_tar_member(archive, f"cucm-pub/{kind}", **attributes)
    with pytest.raises(InputError, match=rf"bundle.tar: member 'cucm-pub/{kind}' {message}"):
        read_sources([path])


def test_zip_symlink_member_is_refused(tmp_path):
    path = tmp_path / "bundle.zip"
    with zipfile.ZipFile(path, "w") as archive:
        info = zipfile.ZipInfo("cucm-pub/passwd")
        info.create_system = 3
        info.external_attr = (0o120777 << 16)  # S_IFLNK
        archive.writestr(info, "/etc/passwd")
    with pytest.raises(InputError, match=r"bundle.zip: member 'cucm-pub/passwd' is a symbolic link"):
        read_sources([path])


def test_zip_bomb_stops_early_with_little_memory(tmp_path):
    path = tmp_path / "bomb.zip"
    zeros = bytes(2**20)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("cucm-pub/load.txt", "w") as member:
            for _ in range(200):  # 200 MiB of zeros, about 200 KiB compressed
                member.write(zeros)
    del zeros
    assert path.stat().st_size < 2**20
    tracemalloc.start()
    started = time.perf_counter()
    with pytest.raises(InputError, match=r"bomb.zip: member 'cucm-pub/load.txt': the bundle is larger than"):
        read_sources([path], max_total_bytes=2**20)
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert elapsed < 2.0
    assert peak < 8 * 2**20  # the compressed archive (~0.2 MiB) plus a few chunks, never 200 MiB


def test_gzip_tar_bomb_stops_early(tmp_path):
    path = tmp_path / "bomb.tar.gz"
    with tarfile.open(path, "w:gz") as archive:
        info = tarfile.TarInfo("load.txt")
        info.size = 50 * 2**20
        archive.addfile(info, io.BytesIO(bytes(info.size)))
    started = time.perf_counter()
    with pytest.raises(InputError, match=r"bomb.tar.gz: member 'load.txt': the bundle is larger than"):
        read_sources([path], max_total_bytes=2**20)
    assert time.perf_counter() - started < 1.0


def test_plain_gzip_bomb_stops_early(tmp_path):
    path = tmp_path / "load.txt.gz"
    path.write_bytes(gzip.compress(bytes(50 * 2**20)))
    with pytest.raises(InputError, match=r"load.txt.gz: the bundle is larger than"):
        read_sources([path], max_total_bytes=2**20)


def test_per_file_limit(tmp_path):
    archive = make_zip(tmp_path / "bundle.zip", {"small.txt": b"x" * 10, "big.txt": b"y" * 5000})
    message = r"bundle.zip: member 'big.txt': larger than the 1,000 bytes limit per file"
    with pytest.raises(InputError, match=message):
        read_sources([archive], max_file_bytes=1000)


def test_total_limit_over_several_files_of_a_folder(tmp_path):
    folder = tmp_path / "bundle"
    folder.mkdir()
    for index in range(5):
        (folder / f"f{index}.txt").write_bytes(b"z" * 400)
    assert len(read_sources([folder], max_total_bytes=2000).files) == 5
    with pytest.raises(InputError, match=r"f4.txt: the bundle is larger than the 1,999 bytes limit"):
        read_sources([folder], max_total_bytes=1999)


def test_too_many_members(tmp_path):
    archive = make_zip(tmp_path / "many.zip", {f"n/{i:03}.txt": b"x" for i in range(50)})
    assert len(read_sources([archive], max_members=50).files) == 50
    with pytest.raises(InputError, match=r"many.zip: 50 entries, more than 49 entries"):
        read_sources([archive], max_members=49)


def test_every_entry_counts_toward_max_members_folders_included(tmp_path):
    """Directory entries cost a listing too: 5M of them must not pass the cap unnoticed."""
    zipped = tmp_path / "dirs.zip"
    with zipfile.ZipFile(zipped, "w") as archive:
        archive.writestr("n/ps.txt", b"x")
        for index in range(30):
            archive.writestr(f"n/d{index:02}/", b"")
    with pytest.raises(InputError, match=r"dirs.zip: 31 entries, more than 30 entries \(files and folders\)"):
        read_sources([zipped], max_members=30)
    assert names(read_sources([zipped], max_members=31)) == ["n/ps.txt"]
    tarred = tmp_path / "dirs.tar"
    with tarfile.open(tarred, "w") as archive:
        for index in range(30):
            add_tar_member(archive, f"n/d{index:02}", type=tarfile.DIRTYPE)
        add_tar_member(archive, "n/ps.txt", b"x")
    with pytest.raises(InputError, match=r"dirs.tar: member 'n/ps.txt': more than 30 entries"):
        read_sources([tarred], max_members=30)
    folder = tmp_path / "folder"
    for index in range(30):
        (folder / f"d{index:02}").mkdir(parents=True)
    (folder / "ps.txt").write_bytes(b"x")
    with pytest.raises(InputError, match=r"more than 30 entries"):
        read_sources([folder], max_members=30)


def _remove_chain(top: Path, name: str, depth: int) -> None:
    """Remove `top/name/name/...` (`depth` levels, files at the bottom) without recursion."""
    descriptors = [os.open(top, os.O_RDONLY)]
    for _ in range(depth):
        descriptors.append(os.open(name, os.O_RDONLY, dir_fd=descriptors[-1]))
    for entry in os.listdir(descriptors[-1]):
        os.unlink(entry, dir_fd=descriptors[-1])
    while len(descriptors) > 1:
        os.close(descriptors.pop())
        os.rmdir(name, dir_fd=descriptors[-1])
    os.close(descriptors[0])


def test_deep_folders_are_refused_with_a_clear_error(tmp_path):
    deep = tmp_path / "deep"
    deep.mkdir()
    descriptor = os.open(deep, os.O_RDONLY)
    for _ in range(1200):  # a RecursionError before (the whole path is longer than PATH_MAX)
        os.mkdir("a", dir_fd=descriptor)
        inner = os.open("a", os.O_RDONLY, dir_fd=descriptor)
        os.close(descriptor)
        descriptor = inner
    os.close(os.open("ps.txt", os.O_WRONLY | os.O_CREAT, dir_fd=descriptor))
    os.close(descriptor)
    try:
        with pytest.raises(InputError, match=r"folders nested more than 64 deep"):
            read_sources([deep])
    finally:  # shutil.rmtree (pytest's clean-up) recurses once per level
        _remove_chain(deep, "a", 1200)
    member = "/".join(["a"] * 1200) + "/ps.txt"
    archive = make_zip(tmp_path / "deep.zip", {member: b"x"})
    with pytest.raises(InputError, match=r"deep.zip: member 'a/a/a.*\(2406 characters\)' is nested more"):
        read_sources([archive])


def test_a_huge_member_name_is_cut_in_the_message(tmp_path):
    archive = make_zip(tmp_path / "long.zip", {"../" + "n" * 60_000: b"x"})
    with pytest.raises(InputError) as caught:
        read_sources([archive])
    assert len(str(caught.value)) < 500 and "(60003 characters)" in str(caught.value)


def test_truncated_tar_gz_is_corrupt(tmp_path):
    whole = make_tar(tmp_path / "whole.tar.gz", {f"pub/{i}.txt": os.urandom(3000) for i in range(5)})
    cut = tmp_path / "cut.tar.gz"
    cut.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    with pytest.raises(InputError, match=r"cut.tar.gz: corrupt or truncated archive \(.+\)"):
        read_sources([cut])


def test_truncated_zip_is_corrupt(tmp_path):
    whole = make_zip(tmp_path / "whole.zip", {"pub/load.txt": os.urandom(5000)})
    cut = tmp_path / "cut.zip"
    cut.write_bytes(whole.read_bytes()[:3000])
    with pytest.raises(InputError, match=r"cut.zip: corrupt or truncated archive"):
        read_sources([cut])


@pytest.mark.parametrize("name", ["garbage.zip", "garbage.tgz", "garbage.tar"])
def test_garbage_bytes_named_like_an_archive(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(b"this is not an archive at all\n" * 40)
    with pytest.raises(InputError, match=rf"{name}: corrupt or truncated archive"):
        read_sources([path])


def test_corrupt_nested_archive_names_outer_and_inner(tmp_path):
    archive = make_tar(tmp_path / "bundle.tgz", {"inner.zip": b"PK\x03\x04 broken", "a.txt": b"a"})
    with pytest.raises(InputError, match=r"bundle.tgz/inner.zip: corrupt or truncated archive"):
        read_sources([archive])


def test_same_result_whatever_the_creation_order(tmp_path):
    members = {"imp-sub1/services.txt": SERVICES, "cucm-pub/ps.txt": PS, "cucm-pub/load.txt": LOAD,
               "cuc/z.txt": b"z", "cuc/a.txt": b"a"}
    forward = make_zip(tmp_path / "bundle.zip", members)
    backward = make_tar(tmp_path / "bundle.tar", dict(reversed(members.items())), "w")
    folder_a, folder_b = tmp_path / "fa" / "b", tmp_path / "fb" / "b"
    for folder, order in ((folder_a, list(members)), (folder_b, list(reversed(members)))):
        for name in order:
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            (folder / name).write_bytes(members[name])
    expected = sorted(members.items())
    for path in (forward, backward, folder_a, folder_b):
        assert [(f.name, f.data) for f in read_sources([path]).files] == expected, path


def test_duplicate_members_are_renamed_or_read_once(tmp_path):
    path = tmp_path / "dups.tar"
    with tarfile.open(path, "w") as archive:
        add_tar_member(archive, "pub/load.txt", b"second\n")
        add_tar_member(archive, "pub/load.txt", b"first\n")
        add_tar_member(archive, "pub/ps.txt", PS)
        add_tar_member(archive, "pub/ps.txt", PS)
    sources = read_sources([path])
    assert by_name(sources) == {"pub/load.txt": b"first\n", "pub/load.txt~2": b"second\n", "pub/ps.txt": PS}
    assert any("pub/ps.txt: listed twice with the same content" in w for w in sources.warnings)


def test_encrypted_zip_member_is_refused(tmp_path):
    path = make_zip(tmp_path / "secret.zip", {"pub/load.txt": LOAD})
    data = bytearray(path.read_bytes())
    data[6] |= 0x1  # local header flag bits: encrypted
    central = data.rfind(b"PK\x01\x02")
    data[central + 8] |= 0x1  # central directory flag bits
    path.write_bytes(bytes(data))
    with pytest.raises(InputError, match=r"secret.zip: member 'pub/load.txt' is encrypted"):
        read_sources([path])
