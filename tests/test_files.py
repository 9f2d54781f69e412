"""files.py: the one atomic writer (models and pictures) and the checks of output paths."""

from __future__ import annotations

import os
import platform
import stat
from pathlib import Path

import pytest

from purenn import files
from purenn.errors import PurennError


def test_a_symlink_is_written_through_and_stays_a_link(tmp_path: Path) -> None:
    (tmp_path / "real").write_bytes(b"old")
    os.symlink("real", tmp_path / "link")
    files.write_atomically(tmp_path / "link", b"new")
    assert os.readlink(tmp_path / "link") == "real" and (tmp_path / "real").read_bytes() == b"new"
    assert sorted(os.listdir(tmp_path)) == ["link", "real"]


@pytest.mark.parametrize("kind", ["directory", "fifo", "dangling", "link to a directory", "device"])
def test_what_is_not_a_regular_file_is_never_replaced(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "target"
    if kind == "directory":
        path.mkdir()
    elif kind == "fifo":
        os.mkfifo(path)
    elif kind == "dangling":
        os.symlink("nowhere", path)
    elif kind == "link to a directory":
        os.symlink(".", path)
    else:
        path = Path("/dev/null")
    before = os.lstat(path)
    with pytest.raises(PurennError, match="not|symlink"):
        files.write_atomically(path, b"x")
    after = os.lstat(path)
    assert (after.st_mode, after.st_ino) == (before.st_mode, before.st_ino)
    assert [name for name in os.listdir(tmp_path) if name.endswith(".tmp")] == []


def test_the_permissions_of_a_replaced_file_are_kept(tmp_path: Path) -> None:
    path = tmp_path / "model.json"
    path.write_bytes(b"old")
    os.chmod(path, 0o600)
    files.write_atomically(path, b"new")
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


def test_a_failed_cleanup_never_hides_the_error_that_caused_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "model.json"
    path.write_bytes(b"old")

    def full(*args: object) -> None:
        raise OSError(28, "No space left on device")

    def cannot_remove(*args: object) -> None:
        raise OSError(13, "Permission denied")

    monkeypatch.setattr(os, "replace", full)
    monkeypatch.setattr(os, "remove", cannot_remove)
    with pytest.raises(OSError, match="No space left"):
        files.write_atomically(path, b"new")
    monkeypatch.undo()
    assert path.read_bytes() == b"old"


@pytest.mark.skipif(os.name == "nt", reason="Windows cannot open a directory to fsync it")
@pytest.mark.parametrize("through_a_link", [False, True])
def test_the_rename_is_made_durable_by_fsyncing_the_directory_it_is_in(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, through_a_link: bool
) -> None:
    """The file's bytes are fsynced before the rename, and the directory that holds the rename
    (the real file's, when a symlink is written through) after it."""
    (tmp_path / "real").mkdir()
    (tmp_path / "links").mkdir()
    (tmp_path / "real" / "model.json").write_bytes(b"old")
    os.symlink(tmp_path / "real" / "model.json", tmp_path / "links" / "model.json")
    path = tmp_path / ("links" if through_a_link else "real") / "model.json"
    events = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(descriptor: int) -> None:
        status = os.fstat(descriptor)
        kind = "directory" if stat.S_ISDIR(status.st_mode) else "file"
        events.append((f"fsync {kind}", status.st_ino))
        real_fsync(descriptor)

    def replace(source: str, destination: str) -> None:
        events.append(("replace", os.stat(source).st_ino))
        real_replace(source, destination)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    files.write_atomically(path, b"new")
    monkeypatch.undo()
    written = os.stat(tmp_path / "real" / "model.json").st_ino
    directory = os.stat(tmp_path / "real").st_ino
    assert events == [("fsync file", written), ("replace", written), ("fsync directory", directory)]
    assert (tmp_path / "real" / "model.json").read_bytes() == b"new"


def test_a_name_that_fits_works_though_the_temporary_name_would_be_too_long(tmp_path: Path) -> None:
    path = tmp_path / ("m" * 250)
    files.check_output(str(path), "--out")
    files.write_atomically(path, b"x")
    assert os.listdir(tmp_path) == ["m" * 250]


@pytest.mark.parametrize(
    ("spelling", "message"),
    [
        ("data.csv", "same file as --data"),
        ("./data.csv", "same file as --data"),
        ("link.csv", "same file as --data"),
        ("hard.csv", "same file as --data"),
        ("", "is empty"),
        ("sub/", "is a directory"),
        ("missing/x", "does not exist"),
        ("data.csv/x", "does not exist"),
        ("n" * 256, "too long"),
        ("/dev/null", "a character device"),
    ],
)
def test_check_output_refuses_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, spelling: str, message: str
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "data.csv").write_text("1,2\n")
    os.symlink("data.csv", tmp_path / "link.csv")
    os.link(tmp_path / "data.csv", tmp_path / "hard.csv")
    (tmp_path / "sub").mkdir()
    with pytest.raises(PurennError, match=message) as info:
        files.check_output(spelling, "--out", [("--data", "data.csv")])
    assert "\n" not in str(info.value) and str(info.value).startswith("--out")
    assert not [name for name in os.listdir(tmp_path) if name.endswith(".tmp")]


def test_identity_changes_with_the_content(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    path.write_bytes(b"1,2\n")
    first = files.identity(path)
    path.write_bytes(b"1,3\n")
    assert files.identity(path) != first and files.identity(path)["bytes"] == first["bytes"]


@pytest.mark.skipif(platform.python_implementation() != "CPython", reason="tracemalloc is CPython's")
def test_reading_up_to_a_limit_takes_only_what_the_file_holds(tmp_path: Path) -> None:
    """file.read(n) sets aside n bytes first: a 4 GiB limit (or a size a file claims) must not."""
    import tracemalloc

    from purenn.files import read_at_most
    from purenn.model import Model, load_model, save_model

    path = tmp_path / "m.json"
    save_model(Model([[[2.0, 0.5]]], ["identity"], "squared_error", {"kind": "none"}, ["y"]), path)
    tracemalloc.start()
    try:
        with open(path, "rb") as file:
            assert read_at_most(file, 2**32) == path.read_bytes()
        load_model(path, max_bytes=2**32)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 10_000_000, peak
