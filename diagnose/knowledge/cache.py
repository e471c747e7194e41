"""Keeps the loaded knowledge base in one file, so a start whose knowledge files are unchanged skips the TOML.

The file is keyed by a hash of every knowledge file's bytes, the package version, the sources of the code that
builds the knowledge base and the Python version. Any failure (no cache directory, not writable, a corrupt,
truncated, stale or foreign file) falls back to loading the TOML, silently: the cache only ever saves time.

Where: `$DIAGNOSE_CACHE_DIR`, else `$XDG_CACHE_HOME/yibao-diagnose`, else `~/.cache/yibao-diagnose`.
`DIAGNOSE_NO_CACHE=1` turns it off. The file is a pickle written by this user into this user's cache directory.
"""

from __future__ import annotations

import copyreg
import hashlib
import os
import pickle
import sys
from collections.abc import Callable, Mapping
from dataclasses import replace
from pathlib import Path
from types import MappingProxyType
from typing import Any

from diagnose.knowledge.model import KnowledgeBase

__all__ = ["DEFAULT_PATH", "cache_dir", "cache_file", "cached_load", "key", "resolve"]

DEFAULT_PATH = Path(__file__).resolve().parents[2] / "knowledge"  # knowledge/ in a source checkout

_MAGIC = b"yibao-diagnose knowledge cache 1\n"
_CODE = ("model.py", "checklist.py", "build.py", "loader.py", "lint.py", "cache.py", "shape.py", "locate.py")
"""The modules whose code shapes the cached value: a change to any of them makes the cache stale (so does a
change to a knowledge schema)."""


def resolve(path: str | os.PathLike[str] | None = None) -> Path:
    """Return the knowledge directory `path` names, or the shipped one when it is None."""
    if path is not None:
        return Path(path)
    # Installed as a wheel, the knowledge base travels inside the package (see pyproject.toml).
    packaged = Path(__file__).resolve().parents[1] / "_data"
    return packaged if packaged.is_dir() else DEFAULT_PATH


def cache_dir() -> Path | None:
    """Return the cache directory, or None when the cache is turned off (DIAGNOSE_NO_CACHE)."""
    if os.environ.get("DIAGNOSE_NO_CACHE", "") not in ("", "0"):
        return None
    explicit = os.environ.get("DIAGNOSE_CACHE_DIR")
    if explicit:
        return Path(explicit)
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    base = Path(xdg) if os.path.isabs(xdg) else Path.home() / ".cache"  # the XDG spec ignores relative paths
    return base / "yibao-diagnose"


def cache_file(root: Path, directory: Path) -> Path:
    """Return the cache file of the knowledge directory `root`: one file per directory, replaced when stale."""
    name = hashlib.sha256(os.fsencode(root.resolve())).hexdigest()[:20]
    return directory / f"kb-{name}.pickle"


def key(root: Path) -> bytes:
    """Hash every knowledge file's bytes, the package version, the building code and the Python version."""
    from diagnose import __version__

    h = hashlib.sha256()
    h.update(f"{__version__}\0{sys.implementation.cache_tag}\0{sys.version}\0".encode())
    here = Path(__file__).parent
    files = [here / name for name in _CODE]
    files += sorted((here.parent / "schemas" / "knowledge").glob("*.json"))
    files += sorted(root.glob("*.toml")) + sorted((root / "causes").glob("*.toml"))
    for path in files:
        data = path.read_bytes()
        h.update(f"{path.name}\0{len(data)}\0".encode())
        h.update(data)
    return h.hexdigest().encode()


def cached_load(root: Path, load: Callable[[Path], KnowledgeBase]) -> KnowledgeBase:
    """Return the knowledge base at `root` from the cache when it is current, else `load(root)` and store it."""
    directory = cache_dir()
    if directory is None:
        return load(root)
    try:
        digest = key(root)
    except OSError:  # a knowledge file cannot be read: let the loader report it
        return load(root)
    path = cache_file(root, directory)
    kb = _read(path, digest)
    if kb is None:
        kb = load(root)
        _write(path, digest, kb)
    elif kb.path != str(root):  # the same directory, named another way
        kb = replace(kb, path=str(root))
    return kb


def _read(path: Path, digest: bytes) -> KnowledgeBase | None:
    try:
        blob = path.read_bytes()
    except OSError:
        return None
    head = _MAGIC + digest + b"\n"
    if not blob.startswith(head):
        return None
    try:
        kb = pickle.loads(blob[len(head) :])
    except Exception:  # a truncated or corrupt pickle can raise almost anything; the TOML is the truth
        return None
    return kb if isinstance(kb, KnowledgeBase) else None


def _proxy(items: dict[str, Any]) -> Mapping[str, Any]:
    return MappingProxyType(items)


def _reduce_proxy(proxy: Mapping[str, Any]) -> tuple[Any, ...]:
    return _proxy, (dict(proxy),)


def _write(path: Path, digest: bytes, kb: KnowledgeBase) -> None:
    import tempfile  # only on a miss: importing it costs ~5 ms

    tmp = None
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".kb-", suffix=".tmp", dir=path.parent)
        with os.fdopen(fd, "wb") as out:
            out.write(_MAGIC + digest + b"\n")
            pickler = pickle.Pickler(out, protocol=pickle.HIGHEST_PROTOCOL)
            # Registered for this pickler only: copyreg's global table is the host application's.
            pickler.dispatch_table = {**copyreg.dispatch_table, MappingProxyType: _reduce_proxy}
            pickler.dump(kb)
        os.replace(tmp, path)
        tmp = None
    except (OSError, pickle.PicklingError, RecursionError, TypeError, AttributeError):
        pass  # not writable, disk full, ...: the next start loads the TOML again
    finally:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass
