"""The knowledge files' JSON Schemas: valid draft 2020-12, met by every shipped file, and every breach reported
with its file, line and place."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import diagnose
from diagnose import KnowledgeError
from diagnose.adapters.cli import main
from diagnose.knowledge import shape
from diagnose.knowledge.loader import _FILES, parse
from diagnose.knowledge.locate import Locator, parse_place

jsonschema = pytest.importorskip("jsonschema")

SHIPPED = Path(diagnose.load_knowledge().path)


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _line_of(path: Path, needle: str) -> int:
    return next(n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if needle in line)


def _every_file() -> list[tuple[str, str]]:
    files = [*_FILES.items(), *shape.EXTRA_FILES.items()]
    files += [(f"causes/{p.name}", "cause") for p in sorted((SHIPPED / "causes").glob("*.toml"))]
    return [(rel, name) for rel, name in files if (SHIPPED / rel).is_file()]


class TestSchemas:
    @pytest.mark.parametrize("name", shape.SCHEMAS)
    def test_is_valid_draft_2020_12(self, name: str) -> None:
        """Each shipped knowledge schema is itself a valid draft 2020-12 schema and names that draft."""
        data = shape.schema(name)
        assert data["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        jsonschema.Draft202012Validator.check_schema(data)

    def test_shared_definitions_agree(self) -> None:
        """A definition used by several schemas (text, id, conditions …) is the same in each."""
        seen: dict[str, tuple[str, object]] = {}
        for name in shape.SCHEMAS:
            for key, definition in shape.schema(name).get("$defs", {}).items():
                first = seen.setdefault(key, (name, definition))
                assert definition == first[1], f"$defs.{key} differs between {first[0]} and {name}"

    @pytest.mark.parametrize(("rel", "name"), _every_file(), ids=lambda x: str(x))
    def test_every_shipped_file_validates(self, rel: str, name: str) -> None:
        """Every shipped knowledge file meets its schema."""
        data, source, failed = parse(SHIPPED, rel)
        assert not failed
        assert shape.problems(rel, data, name, source) == []

    def test_second_look_takes_unless_and_beside(self) -> None:
        """A [[second_look]] may hold `unless` (conditions) and `beside` (cause ids); both are optional."""
        data, source, _ = parse(SHIPPED, "evidence.toml")
        data["second_look"][0] |= {"unless": {"retired": "yes"}, "beside": ["funds_used_up"]}
        assert shape.problems("evidence.toml", data, "evidence", source) == []
        data["second_look"][0]["beside"] = ["Funds"]
        assert [p.place for p in shape.problems("evidence.toml", data, "evidence", source)] == [
            "second_look[1].beside[1]"
        ]


class TestProblems:
    def test_broken_copy_reports_every_problem_with_file_line_and_place(self, kb_copy: Path) -> None:
        """Several breaches in several files are all reported at once, each with its file, line and place."""
        cause = kb_copy / "causes/duplicate_enrollment.toml"
        _replace(cause, 'weight = "weak"', "weight = 3")
        _replace(cause, 'group = "', 'groop = "')
        _replace(kb_copy / "evidence.toml", "max_questions = ", "max_questions = 500 #")
        _replace(kb_copy / "channels.toml", 'id = "bank"', 'id = "Bank!"')
        _replace(kb_copy / "facts.toml", "dont_know = ", 'dont_know = "often" #')
        want = {
            ("causes/duplicate_enrollment.toml", _line_of(cause, "weight = 3"), "signal[2].weight"),
            ("causes/duplicate_enrollment.toml", _line_of(cause, "groop = "), "groop"),
            ("causes/duplicate_enrollment.toml", None, "group"),
            ("evidence.toml", _line_of(kb_copy / "evidence.toml", "max_questions"), "consultation.max_questions"),
            ("channels.toml", _line_of(kb_copy / "channels.toml", 'id = "Bank!"'), "channel[8].id"),
        }
        with pytest.raises(KnowledgeError) as info:
            diagnose.load_knowledge(kb_copy)
        problems = info.value.problems
        assert want <= {(p.file, p.line, p.place) for p in problems}, [str(p) for p in problems]
        by_place = {p.place: p for p in problems}
        assert by_place["signal[2].weight"].message == "expected text, found an integer"
        assert by_place["consultation.max_questions"].message == "500 is outside 1..50"
        assert by_place["channel[8].id"].message == "'Bank!' is not a lower_snake_case id"
        assert any(p.file == "facts.toml" and p.place.endswith(".dont_know") and p.line for p in problems)
        line = by_place["signal[2].weight"].line
        assert f"causes/duplicate_enrollment.toml:{line}: signal[2].weight: expected text" in str(
            by_place["signal[2].weight"]
        )

    def test_unknown_key_lists_the_allowed_keys(self, kb_copy: Path) -> None:
        """An unknown key is refused at its place, with the nearest key and every allowed one."""
        _replace(kb_copy / "channels.toml", "detail = ", "detial = ")
        with pytest.raises(KnowledgeError) as info:
            diagnose.load_knowledge(kb_copy)
        problem = next(p for p in info.value.problems if p.place.endswith("detial"))
        assert problem.message == "unknown key; did you mean 'detail'? Allowed: detail, id, name"
        assert problem.line == _line_of(kb_copy / "channels.toml", "detial = ")

    def test_value_not_in_a_fixed_set(self) -> None:
        """A value out of a fixed set is refused with the allowed ones, in the package's words."""
        data, source, _ = parse(SHIPPED, "causes/duplicate_enrollment.toml")
        data["confidence"] = "sold"
        (problem,) = shape.problems("causes/duplicate_enrollment.toml", data, "cause", source)
        assert problem.message == "value 'sold' is not allowed; did you mean 'solid'? Allowed: solid, regional"

    def test_check_validates_the_files_the_loader_does_not_read(
        self, kb_copy: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """`check` validates stories.toml too, though loading never reads it."""
        _replace(kb_copy / "stories.toml", "why = ", "wy = ")
        assert main(["check", str(kb_copy)]) == 3
        assert "stories.toml:" in capsys.readouterr().out


class TestLocator:
    SOURCE = '[[a]]\nx = 1\n\n[[a]]\nx = 2\n[a.b]\ny = """\nz = 3\n"""\n[[a.c]]\nw = { k = 1 }\n'

    @pytest.mark.parametrize(
        ("path", "line"),
        [
            (("a", 0, "x"), 2),
            (("a", 1, "x"), 5),
            (("a", 1, "b", "y"), 7),
            (("a", 1, "c", 0, "w", "k"), 11),
            (("q",), None),
        ],
    )
    def test_lines(self, path: tuple[str | int, ...], line: int | None) -> None:
        """A key path is found at its own line, or at the nearest enclosing one; a multi-line string hides keys."""
        assert Locator(self.SOURCE).line(path) == line
        assert ("a", 1, "b", "z") not in Locator(self.SOURCE).lines

    def test_parse_place(self) -> None:
        """A problem's place reads back as the key path, annotations dropped, indexes from 0."""
        assert parse_place("fact[3] (retired).ask_if.x") == ("fact", 2, "ask_if", "x")


class TestLazyImport:
    def test_warm_cached_load_never_imports_jsonschema(self, tmp_path: Path) -> None:
        """`import diagnose` and a load from a warm cache do not import jsonschema; the cold load does."""
        env = {**os.environ, "DIAGNOSE_CACHE_DIR": str(tmp_path)}
        env.pop("DIAGNOSE_NO_CACHE", None)
        code = "import sys, diagnose; diagnose.load_knowledge(); print(json.dumps('jsonschema' in sys.modules))"
        run = [sys.executable, "-c", "import json;" + code]
        cold = subprocess.run(run, env=env, capture_output=True, text=True, check=True)
        warm = subprocess.run(run, env=env, capture_output=True, text=True, check=True)
        assert json.loads(cold.stdout) is True
        assert json.loads(warm.stdout) is False


class TestEditorConfig:
    def test_taplo_maps_every_knowledge_file_to_its_schema(self) -> None:
        """.taplo.toml gives each knowledge file the schema the loader or `check` uses, and each path exists."""
        import fnmatch

        from diagnose.knowledge.loader import tomllib

        root = Path(__file__).resolve().parents[1]
        config = tomllib.loads((root / ".taplo.toml").read_text(encoding="utf-8"))
        for rel, name in _every_file():
            rules = [r for r in config["rule"] if any(fnmatch.fnmatch(f"knowledge/{rel}", g) for g in r["include"])]
            assert [r["schema"]["path"] for r in rules] == [f"./diagnose/schemas/knowledge/{name}.json"], rel
        for rule in config["rule"]:
            assert (root / rule["schema"]["path"]).is_file()


class TestSource:
    def test_source_is_left_out_of_equality(self) -> None:
        """Two rules that differ only in where they are written are equal and hash alike."""
        from dataclasses import replace

        from diagnose.knowledge.model import Source

        rule = diagnose.load_knowledge().causes["duplicate_enrollment"].signals[0]
        moved = replace(rule, source=Source("elsewhere.toml", "signal[9]", 99))
        assert moved == rule and hash(moved) == hash(rule)
        assert rule.source is not None and rule.source.file == "causes/duplicate_enrollment.toml"
        assert rule.source.place == "signal[1]" and rule.source.line == _line_of(
            SHIPPED / "causes/duplicate_enrollment.toml", "[[signal]]"
        )
