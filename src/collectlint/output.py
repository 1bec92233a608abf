"""Where a report goes: stdout, or a file that appears only when it is complete."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from types import TracebackType
from typing import TextIO

from collectlint.errors import ConfigError


class ReportOutput:
    """stdout, or a file written beside the target and renamed into place at the end, so an
    interrupted run never leaves half a report. The file gets the usual permissions
    (0666 less the umask), not the private ones of a temporary file. A target that exists
    and is not a regular file (/dev/null, a named pipe) is written to directly: renaming
    a file over it would replace the device."""

    def __init__(self, path: str | None) -> None:
        self.path = Path(path) if path and path != "-" else None
        self._tmp: Path | None = None
        self._fh: TextIO | None = None
        self._direct = False

    def __enter__(self) -> TextIO:
        if self.path is None:
            return sys.stdout
        if self.path.exists() and not self.path.is_file():
            try:
                self._fh = self.path.open("w", encoding="utf-8", newline="")
            except OSError as exc:
                raise ConfigError(f"cannot write {self.path}: {exc.strerror or exc}") from None
            self._direct = True
            return self._fh
        folder = self.path.parent
        if not folder.is_dir():
            raise ConfigError(f"output folder does not exist: {folder}")
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{self.path.name}.", suffix=".tmp")
        umask = os.umask(0)
        os.umask(umask)
        os.fchmod(fd, 0o666 & ~umask)
        self._tmp = Path(tmp)
        self._fh = os.fdopen(fd, "w", encoding="utf-8", newline="")
        return self._fh

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self.path is None:
            sys.stdout.flush()
            return
        if self._direct:
            assert self._fh is not None
            self._fh.close()
            return
        assert self._tmp is not None and self._fh is not None
        self._fh.close()
        if exc_type is None:
            os.replace(self._tmp, self.path)
        else:
            self._tmp.unlink(missing_ok=True)
