"""The knowledge cache: served while the files are unchanged, and every failure falls back to the TOML."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

import diagnose
from diagnose.errors import KnowledgeError
from diagnose.knowledge import cache
from diagnose.knowledge.loader import load
from diagnose.knowledge.model import KnowledgeBase


class Counting:
    """The TOML loader, counting how often the cache had to call it."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, root: Path) -> KnowledgeBase:
        self.calls += 1
        return load(root)


@pytest.fixture()
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh, empty cache directory for one test."""
    where = tmp_path / "cache"
    monkeypatch.setenv("DIAGNOSE_CACHE_DIR", str(where))
    monkeypatch.delenv("DIAGNOSE_NO_CACHE", raising=False)
    return where


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _break_cache(cache_dir: Path, damage: Callable[[bytes], bytes]) -> None:
    (file,) = cache_dir.glob("kb-*.pickle")
    file.write_bytes(damage(file.read_bytes()))


class TestHit:
    def test_second_load_is_served_from_the_cache_and_equal(self, kb_copy: Path, cache_dir: Path) -> None:
        """The first load reads the TOML and stores it; the second is read back equal without the TOML."""
        loader = Counting()
        first = cache.cached_load(kb_copy, loader)
        second = cache.cached_load(kb_copy, loader)
        assert loader.calls == 1
        assert second == first and second is not first
        assert second == load(kb_copy)
        assert len(list(cache_dir.glob("kb-*.pickle"))) == 1
        assert not list(cache_dir.glob(".kb-*"))  # no temporary file is left behind

    def test_sources_survive_the_cache(self, kb_copy: Path, cache_dir: Path) -> None:
        """Every rule and example read back from the cache keeps the file, place and line it was loaded with."""
        loader = Counting()
        first = cache.cached_load(kb_copy, loader)
        second = cache.cached_load(kb_copy, loader)
        assert loader.calls == 1
        rules = [(r.source, s.source) for r, s in zip(first.rules(), second.rules(), strict=True)]
        examples = [
            (e.source, f.source)
            for c in first.causes
            for e, f in zip(first.causes[c].examples, second.causes[c].examples, strict=True)
        ]
        assert all(a is not None and a.line and a == b for a, b in rules + examples)

    def test_load_knowledge_uses_it(self, kb_copy: Path, cache_dir: Path) -> None:
        """The public load_knowledge writes the cache file and reads it back."""
        first = diagnose.load_knowledge(kb_copy)
        assert list(cache_dir.glob("kb-*.pickle"))
        assert diagnose.load_knowledge(kb_copy) == first

    def test_hit_imports_neither_toml_nor_jsonschema(self, tmp_path: Path) -> None:
        """A cache hit in a fresh process imports no TOML parser, no validator and no loader."""
        env = {**os.environ, "DIAGNOSE_CACHE_DIR": str(tmp_path / "cache")}
        env.pop("DIAGNOSE_NO_CACHE", None)
        code = (
            "import sys, json, diagnose; diagnose.diagnose({'insurance_type': 'employee'}); "
            "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in "
            "('jsonschema', 'tomllib', 'tomli') or m == 'diagnose.knowledge.loader')))"
        )
        cold = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
        warm = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
        assert "diagnose.knowledge.loader" in json.loads(cold.stdout)  # the cold start did read the TOML
        assert json.loads(warm.stdout) == []
        assert warm.stderr == ""


class TestFallBack:
    def test_a_changed_knowledge_file_is_picked_up(self, kb_copy: Path, cache_dir: Path) -> None:
        """Editing a cause file makes the cache stale: the next load reads the TOML and sees the edit."""
        loader = Counting()
        before = cache.cached_load(kb_copy, loader)
        cause = next(iter(before.causes.values()))
        _edit(kb_copy / "causes" / f"{cause.id}.toml", cause.title.en, "An edited title")
        after = cache.cached_load(kb_copy, loader)
        assert loader.calls == 2
        assert after.causes[cause.id].title.en == "An edited title"
        assert cache.cached_load(kb_copy, loader) == after and loader.calls == 2  # and is cached in turn

    def test_an_added_cause_file_changes_the_key(self, kb_copy: Path) -> None:
        """The key covers which files exist, not only the bytes of those already known."""
        before = cache.key(kb_copy)
        victim = sorted((kb_copy / "causes").glob("*.toml"))[0]
        (kb_copy / "causes" / "zz_new.toml").write_bytes(victim.read_bytes())
        assert cache.key(kb_copy) != before

    @pytest.mark.parametrize(
        "damage",
        [
            lambda blob: blob[: len(blob) // 2],  # truncated
            lambda blob: blob[:100] + b"\x00garbage" * 50,  # corrupt pickle behind a valid header
            lambda blob: b"",  # empty
            lambda blob: b"not a cache file at all",
            lambda blob: blob.replace(b"cache 1\n", b"cache 9\n", 1),  # another format
        ],
        ids=["truncated", "corrupt", "empty", "foreign", "other-format"],
    )
    def test_a_damaged_cache_is_replaced(
        self, kb_copy: Path, cache_dir: Path, damage: Callable[[bytes], bytes]
    ) -> None:
        """A damaged cache file is ignored, the TOML is loaded, and a good file replaces it."""
        loader = Counting()
        good = cache.cached_load(kb_copy, loader)
        _break_cache(cache_dir, damage)
        assert cache.cached_load(kb_copy, loader) == good and loader.calls == 2
        assert cache.cached_load(kb_copy, loader) == good and loader.calls == 2

    def test_another_package_version_is_stale(
        self, kb_copy: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A cache written by another version of the package is not used."""
        loader = Counting()
        cache.cached_load(kb_copy, loader)
        monkeypatch.setattr(diagnose, "__version__", "0.0.0-other")
        cache.cached_load(kb_copy, loader)
        assert loader.calls == 2

    def test_an_unwritable_location_still_loads(self, kb_copy: Path, tmp_path: Path, monkeypatch) -> None:
        """When the cache directory cannot be created, every load reads the TOML, correctly and silently."""
        blocker = tmp_path / "a-file"
        blocker.write_text("not a directory")
        monkeypatch.setenv("DIAGNOSE_CACHE_DIR", str(blocker / "cache"))
        loader = Counting()
        assert cache.cached_load(kb_copy, loader) == load(kb_copy)
        assert cache.cached_load(kb_copy, loader) == load(kb_copy)
        assert loader.calls == 2
        assert blocker.read_text() == "not a directory"

    def test_turned_off_writes_nothing(self, kb_copy: Path, cache_dir: Path, monkeypatch) -> None:
        """DIAGNOSE_NO_CACHE=1 loads the TOML every time and creates no file."""
        monkeypatch.setenv("DIAGNOSE_NO_CACHE", "1")
        loader = Counting()
        cache.cached_load(kb_copy, loader)
        cache.cached_load(kb_copy, loader)
        assert loader.calls == 2
        assert not cache_dir.exists()

    def test_a_broken_knowledge_base_is_never_cached(self, kb_copy: Path, cache_dir: Path) -> None:
        """A knowledge base that fails to load raises every time and leaves no cache file."""
        _edit(kb_copy / "meta.toml", "version =", "versoin =")
        for _ in range(2):
            with pytest.raises(KnowledgeError):
                diagnose.load_knowledge(kb_copy)
        assert not list(cache_dir.glob("kb-*.pickle"))


class TestWhere:
    def test_xdg_cache_home_then_home(self, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
        """Without an override the cache goes under $XDG_CACHE_HOME, else ~/.cache (relative XDG is ignored)."""
        monkeypatch.delenv("DIAGNOSE_CACHE_DIR", raising=False)
        monkeypatch.delenv("DIAGNOSE_NO_CACHE", raising=False)
        monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
        assert cache.cache_dir() == tmp_path / "yibao-diagnose"
        monkeypatch.setenv("XDG_CACHE_HOME", "relative/dir")
        monkeypatch.setenv("HOME", str(tmp_path / "home"))
        assert cache.cache_dir() == tmp_path / "home" / ".cache" / "yibao-diagnose"
