"""A loaded rule pack kept in the user cache folder, for the next start.

Reading, validating and compiling the shipped pack is most of the start-up of a scan of
one message; loading the stored result takes a third of that. The cache entry is named
by a digest of everything the load depends on: the rule directories and the bytes of
every file in them, collectlint's own code and the Python version. Any change makes a
new name, so an entry is never stale, only unused. Only a load without errors is stored;
a cache that cannot be read or written just costs the time of a full load.

The folder is the user's own (`~/.cache/collectlint`, beside jieba's cache); a pickle
there is trusted as the code that wrote it.
"""

from __future__ import annotations

import hashlib
import pickle
import sys
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from collectlint.cachefiles import keep_newest, write_atomically
from collectlint.gcpause import gc_paused

if TYPE_CHECKING:
    from collectlint.rules.loader import RuleSet

KEEP = 4  # entries kept: a few packs (shipped, shipped + a team's) used in turn
_PACKAGE = Path(__file__).resolve().parents[1]
_RULE_FILES = (".yaml", ".yml", ".txt")


@lru_cache(maxsize=1)
def _code_digest() -> bytes:
    """collectlint's source and the interpreter: what turns rule files into a RuleSet."""
    digest = hashlib.sha256(sys.version.encode())
    # Python files, and the literal frequency table the derivation reads.
    for path in sorted([*_PACKAGE.rglob("*.py"), *_PACKAGE.rglob("*.tsv")]):
        digest.update(path.relative_to(_PACKAGE).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.digest()


def pack_key(dirs: Sequence[Path], settings: str = "") -> str | None:
    """The digest naming a load of `dirs` with the loader's `settings`; None when a
    directory or file cannot be read (the load itself then reports it)."""
    digest = hashlib.sha256(_code_digest() + settings.encode())
    try:
        for directory in dirs:
            # As given and resolved: the loaded rules keep their paths as given.
            digest.update(f"{directory}\0{directory.resolve()}\0".encode())
            for path in sorted(directory.rglob("*")):
                if path.suffix in _RULE_FILES and path.is_file():
                    digest.update(path.relative_to(directory).as_posix().encode() + b"\0")
                    digest.update(hashlib.sha256(path.read_bytes()).digest())
    except OSError:
        return None
    return digest.hexdigest()[:32]


def cached_load(dirs: Sequence[Path], folder: Path, load: Callable[[Sequence[Path]], RuleSet],
                settings: str = "") -> RuleSet:
    """`load(dirs)`, or its result stored by an earlier run with the same inputs."""
    key = pack_key(dirs, settings)
    if key is None:
        return load(dirs)
    path = folder / f"pack-{key}.pickle"
    try:
        with path.open("rb") as fh, gc_paused():
            return pickle.load(fh)  # noqa: S301 - our own cache folder, see the module doc
    except Exception:  # noqa: BLE001 - no entry, or an unreadable one: load from the files
        pass
    ruleset = load(dirs)
    _store(path, ruleset)
    return ruleset


def _store(path: Path, ruleset: RuleSet) -> None:
    ruleset.prefilter  # noqa: B018 - worked out now, so that it is stored with the pack
    try:
        data = pickle.dumps(ruleset, protocol=pickle.HIGHEST_PROTOCOL)
    except (pickle.PicklingError, TypeError, AttributeError):
        return  # not stored: the next run loads from the files again
    if write_atomically(path, data):
        keep_newest(path.parent, "pack-*.pickle", KEEP)
