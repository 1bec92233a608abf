"""The user cache folder (`~/.cache/collectlint`, or under `$XDG_CACHE_HOME`) and how files
are written there: whole or not at all, so that a reader never sees half a file. Every
cache of collectlint only saves time; one that cannot be written is not an error."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "collectlint"


def write_atomically(path: Path, data: bytes) -> bool:
    """Write `data` to `path` through a temporary file in the same folder; False if the
    folder or the file cannot be written."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}-")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.replace(tmp, path)
        except BaseException:
            os.unlink(tmp)
            raise
    except OSError:
        return False
    return True


def keep_newest(folder: Path, pattern: str, count: int) -> None:
    """Delete all but the `count` most recently written files of `folder` matching `pattern`."""
    try:
        entries = sorted(folder.glob(pattern), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in entries[count:]:
            old.unlink()
    except OSError:
        pass  # another process got there first, or the folder is read-only
