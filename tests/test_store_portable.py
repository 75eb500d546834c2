"""On a planner's Windows PC: no POSIX-only import, a GBK console, explicit encodings, ``python -m zonemap``."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import zonemap
from zonemap import store

PACKAGE = Path(zonemap.__file__).parent
NO_FCNTL = Path(__file__).parent / "windows_like"  # its sitecustomize makes `import fcntl` fail, as on Windows


def _python(*args: str, env: dict[str, str] | None = None, encoding: str = "utf-8") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, encoding=encoding, errors="strict",
                          env={**os.environ, "PYTHONIOENCODING": encoding, **(env or {})}, timeout=300)


def test_zonemap_imports_and_writes_where_fcntl_does_not_exist(sample_copy):
    script = textwrap.dedent(
        f"""
        import importlib.util, sys
        assert sys.modules["fcntl"] is None
        import zonemap.cli.main
        from zonemap.intake.edits import set_parcel, split_parcel
        set_parcel({str(sample_copy)!r}, "A02", note="无 fcntl")
        split_parcel({str(sample_copy)!r}, "C03", mu=20)
        print("ok")
        """
    )
    path = os.pathsep.join([str(NO_FCNTL), os.environ.get("PYTHONPATH", "")])
    result = _python("-c", script, env={"PYTHONPATH": path})
    assert result.returncode == 0 and result.stdout.strip() == "ok", result.stderr
    parcels = store.read_layer(sample_copy, "parcels").set_index("parcel_id")
    assert parcels.loc["A02", "note"] == "无 fcntl" and "C03-1" in parcels.index


def test_the_blocker_does_block(tmp_path):
    """Proof the test above can fail: under the blocker, a module importing fcntl at the top does not import."""
    (tmp_path / "posix_only.py").write_text("import fcntl\n", encoding="utf-8")
    result = _python("-c", "import posix_only", env={"PYTHONPATH": os.pathsep.join([str(NO_FCNTL), str(tmp_path)])})
    assert result.returncode != 0 and "fcntl" in result.stderr


def test_output_survives_a_gbk_console_and_python_m_zonemap_is_the_cli(sample_copy):
    tenant = "Weiß 工厂 😀"  # ß and the emoji have no GBK code
    with pytest.raises(UnicodeEncodeError):
        tenant.encode("cp936")
    result = _python("-m", "zonemap", "set", str(sample_copy), "A02", "--status", "tenant", "--tenant", tenant, encoding="cp936")
    assert result.returncode == 0, result.stderr
    assert "Wei? 工厂 ?" in result.stdout and "Traceback" not in result.stderr
    assert store.read_layer(sample_copy, "parcels").set_index("parcel_id").loc["A02", "tenant"] == tenant  # the data keeps it all
    assert _python("-m", "zonemap", "areas").stdout == _python("-m", "zonemap.cli", "areas").stdout


def _unencoded_text_opens(source: str) -> list[int]:
    """Lines of ``open``/``read_text``/``write_text``/``subprocess`` text calls that leave the encoding to the locale."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
        keywords = {k.arg: k.value for k in node.keywords}
        if "encoding" in keywords:
            continue
        receiver = func.value.id if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) else None
        if name in ("open", "fdopen") and receiver not in ("fiona", "zonemap", "pyogrio", "webbrowser", "tarfile", "zipfile"):
            mode_at = 0 if isinstance(func, ast.Attribute) and receiver not in ("os", "io", "builtins") else 1
            mode = keywords.get("mode", node.args[mode_at] if len(node.args) > mode_at else None)
            if not (isinstance(mode, ast.Constant) and "b" in str(mode.value)):
                lines.append(node.lineno)
        elif name in ("read_text", "write_text"):
            lines.append(node.lineno)
        elif name in ("run", "Popen", "check_output") and any(k in keywords for k in ("text", "universal_newlines")):
            lines.append(node.lineno)
    return lines


def test_every_text_file_is_opened_with_an_explicit_encoding():
    found = {
        str(path.relative_to(PACKAGE.parent)): lines
        for path in sorted(PACKAGE.rglob("*.py"))
        if (lines := _unencoded_text_opens(path.read_text(encoding="utf-8")))
    }
    assert found == {}
    # The scanner itself can fail:
    assert _unencoded_text_opens("open(p)\nPath(p).read_text()\nopen(p, 'rb')\nopen(p, encoding='utf-8')\n") == [1, 2]
