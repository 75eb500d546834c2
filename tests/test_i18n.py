"""One table of words: codes in both languages, land-use names, pinyin order."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from zonemap.i18n import LANGS, WORDS, land_use_name, sort_key, table, word

PACKAGE = Path(__file__).resolve().parent.parent / "zonemap"


def test_every_word_has_both_languages_and_the_same_placeholders():
    import string

    for code, texts in WORDS.items():
        assert len(texts) == len(LANGS) and texts[0], code  # English may be empty (层 after a number)
        fields = [{name for _, name, _, _ in string.Formatter().parse(text) if name} for text in texts]
        assert fields[0] == fields[1], code


def test_no_label_table_outside_i18n():
    """A dict literal keyed by "zh" and "en" anywhere else is a word table that escaped."""
    escaped = []
    for path in PACKAGE.rglob("*.py"):
        if path.name == "i18n.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Dict) and {getattr(k, "value", None) for k in node.keys} >= {"zh", "en"}:
                escaped.append(f"{path.relative_to(PACKAGE)}:{node.lineno}")
    assert escaped == []


#: What the command line prints or refuses with: its words must come from the table.
_SAYING = {"echo", "warn", "UsageError", "BadParameter", "FileError", "ClickException"}


def _words_written_out(tree: ast.AST) -> list[ast.Constant]:
    """String constants holding words (a letter pair, or a Chinese character) inside what the command line says.

    Constants that are codes or keys (arguments of ``word``, subscripts, dict keys) are not words.
    """
    import re

    words = re.compile(r"[A-Za-z]{2,}[ :;,(]|[\u4e00-\u9fff]")
    found = []
    for call in (n for n in ast.walk(tree) if isinstance(n, ast.Call)):
        name = getattr(call.func, "attr", getattr(call.func, "id", ""))
        if name not in _SAYING:
            continue
        codes = {id(c) for n in ast.walk(call) if isinstance(n, (ast.Subscript, ast.Dict)) or getattr(getattr(n, "func", None), "id", "") in ("word", "word_or")
                 for c in ast.walk(n) if isinstance(c, ast.Constant)}
        said = [*call.args[:1], *(k.value for k in call.keywords if k.arg in ("hint", "message"))]
        found += [c for arg in said for c in ast.walk(arg)
                  if isinstance(c, ast.Constant) and isinstance(c.value, str) and id(c) not in codes and words.search(c.value)]
    return found


def test_the_command_line_says_nothing_not_in_the_word_table():
    """Every message, table title and refusal of zonemap/cli is a word of i18n, so it reads in the command's --lang."""
    written = [f"{path.relative_to(PACKAGE)}:{c.lineno}: {c.value!r}" for path in sorted((PACKAGE / "cli").glob("*.py"))
               for c in _words_written_out(ast.parse(path.read_text(encoding="utf-8")))]
    assert written == []
    # The check finds what it is for: an English message in an echo, a Chinese hint in a refusal.
    planted = ast.parse('click.echo(f"wrote {out}")\nraise click.FileError(p, hint="文件已存在")\nclick.echo(word("out.wrote", lang))')
    assert [c.value for c in _words_written_out(planted)] == ["wrote ", "文件已存在"]


@pytest.mark.parametrize(
    ("code", "lang", "expected"),
    [
        ("100101", "zh", "100101 一类工业用地"),
        ("100102", "en", "100102 Class-2 industrial land"),
        ("0601", "zh", "0601 工业用地"),
        ("1001", "zh", "1001 工业用地 (用地用海分类) / 铁路用地 (GB/T 21010)"),
        ("0101", "zh", "0101 水田"),
        ("9999", "zh", "9999"),
        ("", "zh", ""),
        (None, "en", ""),
    ],
)
def test_land_use_codes_print_as_names(code, lang, expected):
    assert land_use_name(code, lang) == expected


def test_chinese_names_sort_by_pinyin():
    names = ["江苏钢管有限公司", "淮安电机厂", "安徽铝业", "Zeta Ltd", "abc 公司"]
    assert sorted(names, key=sort_key) == ["abc 公司", "安徽铝业", "淮安电机厂", "江苏钢管有限公司", "Zeta Ltd"]
    assert sorted(["江苏", "淮安"]) == ["江苏", "淮安"]  # code point order, what this replaces


def test_words_and_sections():
    assert word("status.developed", "zh") == "已开发待入驻"
    assert word("cli.nothing_changed", "en", parcel="B03") == "B03: nothing changed"
    assert table("zh", "unit.") == {"mu": "亩", "m2": "平方米", "ha": "公顷"}
