"""Atomic writes: write to a temp file in the same folder, fsync, then rename over the target.

A crash or SIGKILL at any point leaves either the old file or the new one, never half of one,
and no temp file survives an exception raised in-process.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

try:
    import fcntl
except ImportError:  # Windows: no flock; see lock()
    fcntl = None  # type: ignore[assignment]

# Windows locks byte ranges, and a locked range cannot be read by another handle: lock one byte far past
# the end of any file ChartBrief writes, so readers of the data are never blocked by it.
_WINDOWS_LOCK_OFFSET = 2**40


@contextlib.contextmanager
def atomic_path(target: Path | str, *, suffix: str = ".tmp") -> Iterator[Path]:
    """Yield a temp path beside ``target``; on success it replaces ``target`` atomically."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=suffix, dir=target.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        with open(tmp_path, "rb+") as f:
            os.fsync(f.fileno())
        os.replace(tmp_path, target)
        _fsync_dir(target.parent)
    finally:
        tmp_path.unlink(missing_ok=True)


def write_bytes(target: Path | str, data: bytes) -> None:
    with atomic_path(target) as tmp:
        tmp.write_bytes(data)


def write_text(target: Path | str, text: str, encoding: str = "utf-8") -> None:
    write_bytes(target, text.encode(encoding))


def write_json(target: Path | str, obj: Any) -> None:
    write_text(target, json.dumps(obj, indent=2, sort_keys=True, default=str) + "\n")


@contextlib.contextmanager
def atomic_dir(target: Path | str) -> Iterator[Path]:
    """Yield a temp folder beside ``target``; on success it replaces ``target``.

    A folder cannot be swapped in one syscall when the target exists, so the old folder is first
    renamed aside and removed only after the new one is in place; a crash between the two renames
    leaves the old folder under ``.<name>.old`` which :func:`recover_dir` restores.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    recover_dir(target)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent))
    try:
        yield tmp
        for p in tmp.rglob("*"):
            if p.is_file():
                with open(p, "rb") as f:
                    os.fsync(f.fileno())
        old = target.with_name(f".{target.name}.old")
        if target.exists():
            os.replace(target, old)
        os.replace(tmp, target)
        _fsync_dir(target.parent)
        shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def recover_dir(target: Path | str) -> None:
    """Undo a folder swap that a crash interrupted (see :func:`atomic_dir`)."""
    target = Path(target)
    old = target.with_name(f".{target.name}.old")
    if old.exists():
        if target.exists():
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(old, target)


def fsync_tree(folder: Path) -> None:
    """Flush every file under ``folder`` to disk (before renaming the folder into place)."""
    for p in Path(folder).rglob("*"):
        if p.is_file():
            with open(p, "rb") as f:
                os.fsync(f.fileno())


def fsync_dir(path: Path) -> None:
    """Flush a folder's entries (a rename into it) to disk; best effort where the OS refuses."""
    _fsync_dir(Path(path))


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def lock(fd: int, *, shared: bool = False) -> None:
    """Block until this process holds a lock on the open file ``fd``; closing ``fd`` releases it.

    ``flock`` where there is one (Linux, macOS). On Windows (no ``fcntl``) an exclusive ``msvcrt`` lock on
    one byte past the end of the file (``shared`` is exclusive there); the file position is kept.
    """
    if fcntl is not None:
        fcntl.flock(fd, fcntl.LOCK_SH if shared else fcntl.LOCK_EX)
        return
    import msvcrt

    here = os.lseek(fd, 0, os.SEEK_CUR)
    os.lseek(fd, _WINDOWS_LOCK_OFFSET, os.SEEK_SET)
    try:
        while True:
            try:
                msvcrt.locking(fd, msvcrt.LK_LOCK, 1)  # retries for about 10 s, then raises
                return
            except OSError:
                continue
    finally:
        os.lseek(fd, here, os.SEEK_SET)
