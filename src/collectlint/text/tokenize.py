"""Word segmentation with a private jieba tokenizer.

jieba's module-level functions share one global tokenizer; loading a user
dictionary there would leak into every other user of jieba in the process.
Each `Tokenizer` owns its own `jieba.Tokenizer`, initialised on first use so
that a scan that never needs tokens never pays for the dictionary.
"""

from __future__ import annotations

import hashlib
import importlib.util
import logging
import os
import pickle
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from collectlint.cachefiles import cache_dir, keep_newest, write_atomically

if TYPE_CHECKING:
    import jieba


class _NoPkgResources:
    """A meta-path finder that refuses pkg_resources to one thread (see _import_jieba)."""

    def __init__(self) -> None:
        self.thread = threading.get_ident()

    def find_spec(self, name: str, path: object = None, target: object = None) -> None:
        if name == "pkg_resources" and threading.get_ident() == self.thread:
            raise ModuleNotFoundError("pkg_resources is not offered to jieba", name=name)
        return None


_JIEBA_IMPORT = threading.Lock()


def _import_jieba() -> Any:
    """jieba opens its data files through pkg_resources when that can be imported, and
    importing it (setuptools) took 0.16-0.2 s of the 0.23-0.27 s jieba's import took; without
    it jieba opens the same files with open(). So pkg_resources is refused to the importing
    thread during jieba's own import — unless it is imported already, or jieba is not
    installed as plain files (from a zip only pkg_resources can read them)."""
    with _JIEBA_IMPORT:
        if "jieba" not in sys.modules and "pkg_resources" not in sys.modules and _jieba_is_plain_files():
            refuse = _NoPkgResources()
            sys.meta_path.insert(0, refuse)
            try:
                import jieba
            finally:
                sys.meta_path.remove(refuse)
        import jieba  # the module, or waits for an import under way in another thread

        return jieba


def _jieba_is_plain_files() -> bool:
    try:
        spec = importlib.util.find_spec("jieba")
    except (ImportError, ValueError):
        return False
    return spec is not None and spec.origin is not None and os.path.isfile(spec.origin)


class Token(NamedTuple):
    """A word and its code-point offsets (a tuple: made by the thousand per document)."""

    text: str
    start: int
    end: int


class Tokenizer:
    def __init__(self, user_dicts: tuple[Path, ...] = ()) -> None:
        self._user_dicts = user_dicts
        self._jieba: jieba.Tokenizer | None = None
        self._lock = threading.Lock()

    @property
    def loaded(self) -> bool:
        return self._jieba is not None

    def _load(self) -> jieba.Tokenizer:
        with self._lock:
            if self._jieba is None:
                # Imported here: importing jieba costs time a scan that never needs a
                # token should not pay.
                jieba = _import_jieba()

                # jieba logs dictionary loads, and a failed cache write with a traceback, on
                # its own handler; neither is the user's business (a missing cache only
                # costs start-up time).
                jieba.setLogLevel(logging.CRITICAL)
                tok = jieba.Tokenizer()
                directory = cache_dir()
                stored = directory / f"tokenizer-{_state_key(jieba, self._user_dicts)}.pickle"
                if not _restore(tok, stored):
                    # A cache file of our own instead of the shared one in the temp dir.
                    # If the folder cannot be created jieba simply skips writing the cache.
                    try:
                        directory.mkdir(parents=True, exist_ok=True)
                    except OSError:
                        pass
                    tok.tmp_dir = str(directory)
                    tok.cache_file = "jieba.cache"
                    tok.initialize()
                    for path in self._user_dicts:
                        _load_user_dict(tok, path)
                    _store(tok, stored)
                self._jieba = tok
            return self._jieba

    def tokenize(self, text: str, offset: int = 0) -> list[Token]:
        """Tokens covering `text`, their offsets shifted by `offset` (where `text` starts in
        a longer one). HMM is off: unknown words stay single characters, which keeps
        segmentation predictable for keyword rules."""
        if not text:
            return []
        tok = self._load()
        return [Token(w, s + offset, e + offset) for w, s, e in tok.tokenize(text, HMM=False)]


# The dictionary with the user dictionaries applied is kept as a pickle beside jieba's
# own cache: jieba's marshal cache takes ~0.75 s to load, a pickle of the same table
# ~0.3 s, and the user dictionaries need not be applied again. It is named by jieba's
# version, its dictionary file and the bytes of the user dictionaries.
def _state_key(jieba: Any, user_dicts: tuple[Path, ...]) -> str:
    digest = hashlib.sha256(f"{jieba.__version__}\0{sys.version}".encode())
    try:
        dictionary = Path(jieba.__file__).parent / jieba.DEFAULT_DICT_NAME
        stat = dictionary.stat()
        digest.update(f"{dictionary}\0{stat.st_size}\0{stat.st_mtime_ns}".encode())
        for path in user_dicts:
            digest.update(str(path).encode() + b"\0" + path.read_bytes())
    except (OSError, AttributeError):
        digest.update(os.urandom(8))  # unknown inputs: a name no later run will use
    return digest.hexdigest()[:24]


def _restore(tok: jieba.Tokenizer, path: Path) -> bool:
    try:
        with path.open("rb") as fh:
            tok.FREQ, tok.total, tok.user_word_tag_tab = pickle.load(fh)  # noqa: S301 - our cache
    except Exception:  # noqa: BLE001 - none yet, or unreadable: build it
        return False
    tok.initialized = True
    return True


def _store(tok: jieba.Tokenizer, path: Path) -> None:
    data = pickle.dumps((tok.FREQ, tok.total, tok.user_word_tag_tab), protocol=pickle.HIGHEST_PROTOCOL)
    if write_atomically(path, data):
        keep_newest(path.parent, "tokenizer-*.pickle", 2)  # another pack's user dictionaries, or an older jieba


def _load_user_dict(tok: jieba.Tokenizer, path: Path) -> None:
    """jieba's user-dictionary format (`word [freq] [tag]`), plus `#` comments.

    A frequency of 0 removes a word from this tokenizer only: jieba fuses some
    pronoun phrases into one token (给你, 你家), which hides the words our rules look
    for (打给/你, 你/家人). jieba's own loader would also register such words in a
    module-global table, so they are removed here directly.
    """
    for raw in path.read_text(encoding="utf-8-sig").splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        parts = line.split()
        word = parts[0]
        freq = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None
        tag = parts[2] if len(parts) > 2 else (parts[1] if len(parts) > 1 and freq is None else None)
        if freq == 0:
            if tok.FREQ.get(word):
                tok.total -= tok.FREQ[word]
                tok.FREQ[word] = 0  # present as a prefix, never chosen as a word
            continue
        tok.add_word(word, freq, tag)
