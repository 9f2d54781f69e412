"""The files purenn writes: one atomic writer, and the checks that run before any long work.

- write_atomically: put bytes at a path so that it holds its old content or the new, whole.
- check_output: refuse, before training, an output path that cannot be written or is an input.
- probe_directory: prove a file can be made where a path's would go.
- same_file: whether two paths name the same file (a symlink, a hard link, another spelling).
- check_regular: refuse a FIFO or device to read, before opening it (that could wait forever).
- identity: a file's size and SHA-256, to tell later whether it is still the same data.
- kind_of: what a path is ("a regular file", "a directory", "a FIFO", ...), for messages.
- read_at_most: up to n bytes of a stream, without setting aside n bytes first.
- path_text: a path as text for messages, refusing what is not a path (like an int fd).

What an output path may be, and what happens to it:

    missing, in an existing directory     created
    a regular file                        replaced atomically (its permission bits are kept)
    a symlink to a regular file           written through: the file it points to is replaced,
                                          the link stays a link
    anything else (a directory, a device such as /dev/null, a FIFO, a socket, a dangling
    symlink)                              refused: purenn never replaces or writes into it

The atomic write: the bytes go to a new temporary file in the target's directory (so the rename
stays on one file system), which is flushed and fsynced, then os.replace renames it over the
target, and the directory is fsynced so that the rename survives a power cut. If anything fails,
the temporary file is removed; a failure of that cleanup never hides the error that caused it.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
import stat
from typing import Any, Dict, Iterable, Optional, Tuple, Union

from .errors import PurennError

__all__ = [
    "check_output",
    "check_regular",
    "identity",
    "kind_of",
    "path_text",
    "probe_directory",
    "read_at_most",
    "same_file",
    "write_atomically",
]

PathLike = Union[str, "os.PathLike[str]"]

_READ_CHUNK = 1 << 20  # read_at_most's block size


def path_text(path: PathLike) -> str:
    """Return the path as text for messages, refusing what is not a path (like an int fd).

    >>> path_text("data/digits.csv")
    'data/digits.csv'
    >>> path_text(3)
    Traceback (most recent call last):
      ...
    purenn.errors.PurennError: expected a file path, found int
    """
    name = os.fspath(path) if isinstance(path, (str, os.PathLike)) else None
    if not isinstance(name, str):
        raise PurennError(f"expected a file path, found {type(path).__name__}")
    return name


def read_at_most(stream: Any, size: int) -> bytes:
    """Up to size bytes of a binary stream, read in blocks of 1 MiB.

    stream.read(size) sets aside size bytes before it reads one, so a limit or a size that a
    file merely claims (4 GiB, say) would be taken from memory whatever the file holds; in blocks,
    what is taken is what is there.

    >>> import io
    >>> read_at_most(io.BytesIO(b"abc"), 2**40), read_at_most(io.BytesIO(b"abc"), 2)
    (b'abc', b'ab')
    """
    blocks = []
    left = size
    while left > 0:
        block = stream.read(min(left, _READ_CHUNK))
        if not block:
            break
        blocks.append(block)
        left -= len(block)
    return b"".join(blocks)


_NAME_IN_TEMPORARY = 200  # characters of the target's name kept in the temporary file's name
_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISLNK, "a symlink"),
    (stat.S_ISREG, "a regular file"),
)


def kind_of(mode: int) -> str:
    """Name the kind of file an st_mode describes.

    >>> kind_of(os.stat(".").st_mode)
    'a directory'
    """
    for test, name in _KINDS:
        if test(mode):
            return name
    return "not a regular file"  # pragma: no cover - doors, whiteouts...


def identity(path: PathLike) -> Dict[str, Union[int, str]]:
    """{"bytes": size, "sha256": hex digest} of the file at path; OSError if it cannot be read.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as directory:
    ...     path = os.path.join(directory, "abc")
    ...     write_atomically(path, b"abc")
    ...     identity(path)["bytes"], identity(path)["sha256"][:16]
    (3, 'ba7816bf8f01cfea')
    """
    check_regular(path)
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
            size += len(block)
    return {"bytes": size, "sha256": digest.hexdigest()}


def check_regular(path: PathLike) -> None:
    """Refuse, before opening it, a path to read that is a FIFO, a device or a socket.

    Opening a FIFO waits for a writer, maybe forever; a device may never end. A missing path
    is left for open() to report.

    >>> check_regular("/dev/null")
    Traceback (most recent call last):
      ...
    purenn.errors.PurennError: /dev/null is a character device, not a regular file
    """
    try:
        mode = os.stat(path).st_mode
    except (OSError, ValueError):
        return
    if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
        raise PurennError(f"{os.fspath(path)} is {kind_of(mode)}, not a regular file")


def same_file(first: PathLike, second: PathLike) -> bool:
    """True if both paths exist and name one file (device and inode agree), however spelled.

    >>> same_file(".", "./"), same_file(".", "no/such/file")
    (True, False)
    """
    try:
        return os.path.samestat(os.stat(first), os.stat(second))
    except (OSError, ValueError):
        return False


def _target(path: str) -> str:
    """The path the bytes end at: path itself, or the regular file a symlink leads to.

    Raises PurennError for what purenn never replaces (see the module docstring).
    """
    try:
        link = os.lstat(path)
    except FileNotFoundError:
        return path
    if stat.S_ISLNK(link.st_mode):
        try:
            final = os.stat(path)
        except OSError:
            raise PurennError(f"{path} is a symlink to nothing; give a file name") from None
        if not stat.S_ISREG(final.st_mode):
            raise PurennError(f"{path} is a symlink to {kind_of(final.st_mode)}, not to a regular file")
        return os.path.realpath(path)
    if not stat.S_ISREG(link.st_mode):
        raise PurennError(f"{path} is {kind_of(link.st_mode)}, not a regular file; give a file name")
    return path


def _temporary_name(target: str) -> str:
    """A new hidden name beside target: ".NAME.<16 hex digits>.tmp" (NAME cut to 200 characters)."""
    directory, name = os.path.split(os.path.abspath(target))
    return os.path.join(directory, f".{name[:_NAME_IN_TEMPORARY]}.{secrets.token_hex(8)}.tmp")


def _open_temporary(target: str) -> Tuple[int, str]:
    """Create a new, empty file beside target; return its descriptor and name.

    Made with os.open and mode 0o666, so the umask applies as for any new file (tempfile.mkstemp
    would make it readable by its owner only, and the rename would keep that).
    """
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    while True:
        temporary = _temporary_name(target)
        try:
            return os.open(temporary, flags, 0o666), temporary
        except FileExistsError:  # pragma: no cover - 64 random bits collided
            continue


def _fsync_directory(directory: str) -> None:
    """Make a rename in directory durable; a no-op where directories cannot be opened (Windows)."""
    try:
        descriptor = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _kept_mode(target: str) -> Optional[int]:
    """The permission bits of the file being replaced, or None for a new file."""
    try:
        return stat.S_IMODE(os.stat(target).st_mode)
    except OSError:
        return None


def write_atomically(path: PathLike, content: bytes) -> None:
    """Write content to path so that path holds either its old content or content, whole.

    See the module docstring for what path may be: a symlink is written through, and a
    directory, device, FIFO or socket raises PurennError without being touched. Any OSError of
    the writing is raised as it is, after the temporary file is removed, and path is untouched.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as directory:
    ...     path = os.path.join(directory, "note.txt")
    ...     write_atomically(path, b"old")
    ...     write_atomically(path, b"new")
    ...     os.listdir(directory), open(path, "rb").read()
    (['note.txt'], b'new')
    >>> write_atomically(".", b"")
    Traceback (most recent call last):
      ...
    purenn.errors.PurennError: . is a directory, not a regular file; give a file name
    """
    target = _target(os.fspath(path))
    mode = _kept_mode(target)
    descriptor, temporary = _open_temporary(target)
    try:
        with open(descriptor, "wb") as file:
            file.write(content)
            file.flush()
            os.fsync(file.fileno())
        if mode is not None:
            os.chmod(temporary, mode)
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):  # the first error is the one to report
            os.remove(temporary)
        raise
    _fsync_directory(os.path.dirname(os.path.abspath(target)))


def probe_directory(path: str, option: str) -> None:
    """Create and remove a temporary file where path's would go, to prove the write can work.

    That catches a read-only directory or file system, and a name too long to be made; the
    PurennError names option.
    """
    try:
        descriptor, temporary = _open_temporary(path)
    except OSError as error:
        raise PurennError(f"{option} {path}: cannot write there: {error.strerror or error}") from None
    os.close(descriptor)
    with contextlib.suppress(OSError):
        os.remove(temporary)


def check_output(
    path: str, option: str, inputs: Iterable[Tuple[str, str]] = (), *, probe: bool = True
) -> None:
    """Refuse, in one line naming option, an output path that cannot or must not be written.

    inputs are (what, path) pairs, such as ("--data", "train.csv"): an output that is the same
    file as one of them, whatever the spelling (./x, a symlink, a hard link), is refused, as is
    an empty path, a path ending in a separator, a missing directory, a target purenn never
    replaces (see the module docstring), and, with probe, a directory where no file can be made.

    >>> check_output("", "--out")
    Traceback (most recent call last):
      ...
    purenn.errors.PurennError: --out is empty; give a file name
    """
    if not path:
        raise PurennError(f"{option} is empty; give a file name")
    if path.endswith(("/", os.sep)) or os.path.isdir(path):
        raise PurennError(f"{option} {path} is a directory; give a file name")
    directory = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(directory):
        raise PurennError(f"{option} {path}: the directory {directory} does not exist")
    for what, source in inputs:
        if same_file(path, source) or os.path.realpath(path) == os.path.realpath(source):
            raise PurennError(f"{option} {path} is the same file as {what} {source}; it would be overwritten")
    try:
        target = _target(path)
    except PurennError as error:
        raise PurennError(f"{option} {error}") from None
    except OSError as error:  # a name too long, a loop of symlinks
        raise PurennError(f"{option} {path}: {error.strerror or error}") from None
    if probe:
        probe_directory(target, option)
