"""Hostile numbers, hostile text, full disks (issue 15): one clear line, nothing lost, nothing run.

Each reproduction of the issue is a named test: the message, the exit code,
no traceback, and the zone byte for byte as it was.
"""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import shapely
from click.testing import CliRunner

import zonemap
from zonemap import store
from zonemap.cli.main import main


def invoke(*args) -> "object":
    """The CLI in this process (fast); tracebacks surface as ``result.exception``."""
    return CliRunner().invoke(main, [str(a) for a in args])


def assert_one_line(result, code: int, *phrases: str) -> None:
    output = result.output if hasattr(result, "output") else result.stderr
    assert result.exit_code == code if hasattr(result, "exit_code") else result.returncode == code, output
    assert "Traceback" not in output
    if hasattr(result, "exception") and code != 0:
        assert isinstance(result.exception, SystemExit), result.exception
    error = [line for line in output.splitlines() if line.startswith("Error:")]
    assert len(error) == 1, output
    for phrase in phrases:
        assert phrase in error[0], output


def _no_leftovers(folder: Path, zone: Path) -> None:
    """No working copy, temporary page or lock beside the zone."""
    assert sorted(p.name for p in folder.iterdir() if p.name.startswith(".")) == []


# --- numbers -----------------------------------------------------------------------------------

#: Each with its reason as a Chinese planner reads it (the default language); English with --lang en below.
BAD_NUMBERS = [
    (["split", "{zone}", "C03", "--mu", "nan"], "--mu", "不是数字"),
    (["split", "{zone}", "C03", "--mu", "inf"], "--mu", "不是有限的数"),
    (["set", "{zone}", "C03", "--investment", "inf"], "--investment", "不是有限的数"),
    (["set", "{zone}", "C03", "--investment", "nan"], "--investment", "不是数字"),
    (["set", "{zone}", "C03", "--investment", "1e308"], "--investment", "超过 1e+09（可接受的最大投资额（万元））"),
    (["set", "{zone}", "C03", "--investment", "-5"], "--investment", "不能小于 0"),
    (["remaining", "{zone}", "--need", "nan"], "--need", "不是数字"),
    (["remaining", "{zone}", "--need", "-inf"], "--need", "不是有限的数"),
    (["remaining", "{zone}", "--prospects", "--intensity", "inf"], "--intensity", "不是有限的数"),
    (["report", "{zone}", "--json", "--intensity", "nan"], "--intensity", "不是数字"),
    (["init", "{new}", "--boundary", "{zone}", "--planned-mu", "inf"], "--planned-mu", "不是有限的数"),
    (["zone", "set", "{zone}", "--infrastructure-wan", "nan"], "--infrastructure-wan", "不是数字"),
    (["prospect", "add", "{zone}", "X", "--need", "inf"], "--need", "不是有限的数"),
    (["evaluate", "{zone}", "--unlet-years", "inf"], "--unlet-years", "不是有限的数"),
]


@pytest.mark.parametrize("args, option, reason", BAD_NUMBERS, ids=[" ".join(a[0:1] + a[-2:]) for a, _, _ in BAD_NUMBERS])
def test_a_non_finite_or_absurd_number_is_a_usage_error_naming_the_option(sample_copy, tmp_path, args, option, reason):
    before = sample_copy.read_bytes()
    result = invoke(*(a.format(zone=sample_copy, new=tmp_path / "new.gpkg") for a in args))
    assert_one_line(result, 2, option, reason)
    assert sample_copy.read_bytes() == before
    assert not (tmp_path / "new.gpkg").exists()


def test_split_nan_mu_through_the_real_cli_leaves_no_sliver(cli, sample_copy):
    before = sample_copy.read_bytes()
    result = cli("split", sample_copy, "C03", "--mu", "nan")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "Invalid value for '--mu': nan 不是数字" in result.stderr
    english = cli("split", sample_copy, "C03", "--mu", "nan", "--lang", "en")
    assert english.returncode == 2 and "Invalid value for '--mu': nan is not a number" in english.stderr
    assert sample_copy.read_bytes() == before


def test_the_library_refuses_what_the_cli_refuses(sample_copy):
    from zonemap.intake.edits import EditError, set_parcel, split_parcel

    before = sample_copy.read_bytes()
    with pytest.raises(EditError, match="--investment nan: is not a number"):
        set_parcel(sample_copy, "C03", investment=float("nan"))
    with pytest.raises(EditError, match="--mu inf: is not a finite number"):
        split_parcel(sample_copy, "C03", mu=float("inf"))
    assert sample_copy.read_bytes() == before


def test_a_cutting_line_with_infinite_coordinates_is_one_line(sample_copy):
    before = sample_copy.read_bytes()
    result = invoke("split", sample_copy, "C03", "--line", "LINESTRING (-inf -inf, inf inf)", "--lang", "en")
    assert_one_line(result, 1, "--line", "not a finite number")
    result = invoke("split", sample_copy, "C03", "--line", "LINESTRING (-inf -inf, inf inf)")
    assert_one_line(result, 1, "--line LINESTRING (-inf -inf, inf inf)：有坐标不是有限数；请按园区坐标系给出，如 'LINESTRING (x1 y1, x2 y2)'")
    assert sample_copy.read_bytes() == before


def test_setting_the_same_investment_twice_adds_one_history_row(sample_copy):
    rows = lambda: len(store.read_layer(sample_copy, "history"))  # noqa: E731
    start = rows()
    assert invoke("set", sample_copy, "C03", "--investment", "1200").exit_code == 0
    assert invoke("set", sample_copy, "C03", "--investment", "1200.0").exit_code == 0
    assert rows() == start + 1


def test_an_infinite_investment_in_a_source_is_refused_naming_field_and_feature(sample_copy, tmp_path):
    parcels = store.read_layer(sample_copy, "parcels").rename(columns={"investment_wan": "TZE"})
    parcels["TZE"] = parcels["TZE"].astype(object)
    parcels.loc[parcels["parcel_id"] == "C03", "TZE"] = "Infinity"
    source = tmp_path / "survey.geojson"
    parcels.to_file(source, driver="GeoJSON")
    before = sample_copy.read_bytes()
    row = int(np.flatnonzero(parcels["parcel_id"] == "C03")[0]) + 1
    result = invoke("import", sample_copy, source, "--mode", "update")
    assert_one_line(result, 1, "survey.geojson", "field TZE", f"feature {row}", "not a finite number")
    assert sample_copy.read_bytes() == before


@pytest.fixture
def zone_with_infinities(sample_copy):
    """A zone another tool wrote with inf figures (SQLite REAL holds them)."""
    with store.transaction(sample_copy) as txn:
        parcels = txn.read("parcels")
        parcels.loc[parcels["parcel_id"] == "C01", "investment_wan"] = np.inf
        txn.write("parcels", parcels)
        boundary = txn.read("boundary")
        boundary["planned_mu"] = -np.inf
        txn.write("boundary", boundary)
    return sample_copy


def _strict_json(text: str):
    def refuse(constant):
        raise AssertionError(f"{constant} is not JSON")

    return json.loads(text, parse_constant=refuse)


def test_infinite_figures_in_a_zone_are_named_by_validate_and_outputs_still_work(zone_with_infinities, tmp_path):
    before = zone_with_infinities.read_bytes()
    checked = invoke("validate", zone_with_infinities, "--json")
    problems = _strict_json(checked.output)["problems"]
    named = {(p["layer"], p["id"]) for p in problems if p["code"] == "not_finite"}
    assert named == {("parcels", "C01"), ("boundary", "T1" if False else zonemap.open(zone_with_infinities).boundary["zone_id"].iloc[0])}
    for args in (["report", "--json"], ["indicators", "--json"], ["areas", "--json"], ["remaining", "--json"]):
        result = invoke(args[0], zone_with_infinities, *args[1:])
        assert result.exit_code == 0, result.output
        _strict_json(result.stdout)  # no NaN, no Infinity
    assert invoke("map", zone_with_infinities, "-o", tmp_path / "m.html").exit_code == 0
    assert invoke("report", zone_with_infinities, "-o", tmp_path / "r.html").exit_code == 0
    assert zone_with_infinities.read_bytes() == before


def test_echo_json_writes_null_for_nan_and_infinity(capsys):
    from zonemap.cli.options import echo_json

    echo_json({"a": float("nan"), "b": [float("inf"), 1.5], "c": np.float64("-inf")})
    assert _strict_json(capsys.readouterr().out) == {"a": None, "b": [None, 1.5], "c": None}


# --- terminals and spreadsheets ----------------------------------------------------------------

ESCAPE_TENANT = "Acme\x1b]0;pwned\x07\x1b[2J Ltd"


def test_a_tenant_holding_terminal_escapes_is_printed_as_escapes(sample_copy):
    assert invoke("set", sample_copy, "C03", "--status", "tenant", "--tenant", ESCAPE_TENANT).exit_code == 0
    result = invoke("areas", sample_copy, "--by", "tenant")
    assert result.exit_code == 0
    assert "\x1b" not in result.output and "\x07" not in result.output
    assert "Acme\\x1b]0;pwned\\x07\\x1b[2J Ltd" in result.output


def test_terminal_text_escapes_controls_and_invisible_characters_only():
    from zonemap.cli._table import clip, render, terminal_text

    assert terminal_text("绿源\u3000科技 (C1)\u202e\u200b\x9b") == "绿源\u3000科技 (C1)\\u202e\\u200b\\x9b"
    long = "长" * 100
    table = render([(long, "1.00")])
    assert "…" in table and "长" * 29 + "…" in table and "长" * 30 not in table


def test_csv_export_cannot_run_formulas(sample_copy, tmp_path):
    hostile = {"C03": '=HYPERLINK("http://127.0.0.1:9/x","click")', "C04": "+1+cmd|' /C calc'!A0", "C05": "@SUM(1)", "B05": "-2+3"}
    for pid, tenant in hostile.items():
        assert invoke("set", sample_copy, pid, "--status", "tenant", f"--tenant={tenant}").exit_code == 0
    out = tmp_path / "parcels.csv"
    assert invoke("export", sample_copy, out).exit_code == 0
    with out.open(encoding="utf-8-sig", newline="") as f:
        rows = {row["parcel_id"]: row for row in csv.DictReader(f)}
    for pid, tenant in hostile.items():
        assert rows[pid]["tenant"] == "'" + tenant
    assert not any(row["tenant"].startswith(("=", "+", "-", "@")) for row in rows.values())
    assert float(rows["C03"]["area_mu"]) > 0  # numbers stay numbers


# --- the environment ---------------------------------------------------------------------------


@pytest.fixture
def small_disk(tmp_path):
    """A 2 MB tmpfs (needs root, as on the build machine); its folder is the fixture's value."""
    folder = tmp_path / "disk"
    folder.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(folder)], capture_output=True).returncode != 0:
        pytest.skip("cannot mount a tmpfs here (needs root)")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def _fill(folder: Path, leave_kb: int) -> None:
    free = shutil.disk_usage(folder).free
    with (folder / "filler").open("wb") as f:
        f.write(b"\0" * max(free - leave_kb * 1024, 0))


def test_a_full_disk_is_one_line_and_leaves_the_zone_and_no_temporary_file(small_disk):
    zone = small_disk / "z.gpkg"
    shutil.copy(zonemap.sample_path(), zone)
    (small_disk / "m.html").write_text("old map", encoding="utf-8")
    _fill(small_disk, leave_kb=40)
    before = zone.read_bytes()
    for args, names in (
        (["set", zone, "C03", "--investment", "7"], str(zone)),
        (["split", zone, "C03", "--mu", "5"], str(zone)),
        (["map", zone, "-o", small_disk / "m.html", "--overwrite"], "m.html"),
        (["report", zone, "-o", small_disk / "r.html"], "r.html"),
    ):
        result = invoke(*args)
        assert_one_line(result, 1, names, "磁盘已满", "请腾出空间")
        assert ".tmp" not in result.output
    assert zone.read_bytes() == before
    assert (small_disk / "m.html").read_text(encoding="utf-8") == "old map"
    assert not (small_disk / "r.html").exists()
    _no_leftovers(small_disk, zone)


def test_a_markdown_report_on_a_full_disk_leaves_none_of_its_files(cli, small_disk):
    """The charts fit, the map beside them does not: the report's files are written all or none."""
    _fill(small_disk, leave_kb=100)  # the Markdown and its charts take about 30 kB, the map 240 kB
    result = cli("report", zonemap.sample_path(), "-o", small_disk / "r.md")
    assert_one_line(result, 1, str(small_disk / "r-map.html"), "磁盘已满", "请腾出空间")
    assert sorted(p.name for p in small_disk.iterdir()) == ["filler"]


def test_a_read_only_file_system_is_one_line(small_disk):
    zone = small_disk / "z.gpkg"
    shutil.copy(zonemap.sample_path(), zone)
    before = zone.read_bytes()
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    for args, names in (
        (["set", zone, "C03", "--investment", "7"], str(zone)),
        (["map", zone, "-o", small_disk / "m.html"], "m.html"),
        (["export", zone, small_disk / "p.csv"], "p.csv"),
    ):
        assert_one_line(invoke(*args), 1, names, "只读文件系统")
    assert invoke("areas", zone).exit_code == 0  # reading still works
    assert zone.read_bytes() == before
    _no_leftovers(small_disk, zone)


def test_a_full_disk_through_the_real_cli_has_no_traceback(cli, small_disk):
    zone = small_disk / "z.gpkg"
    shutil.copy(zonemap.sample_path(), zone)
    _fill(small_disk, leave_kb=40)
    before = zone.read_bytes()
    result = cli("set", zone, "C03", "--investment", "7")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.strip() == f"Error: {zone}：磁盘已满；请腾出空间（或写到别处）后重试；未做任何更改"
    english = cli("set", zone, "C03", "--investment", "7", "--lang", "en")
    assert english.stderr.strip() == f"Error: {zone}: the disk is full; free some space (or write elsewhere) and run it again; nothing was changed"
    assert zone.read_bytes() == before


def run_unprivileged(*args) -> subprocess.CompletedProcess:
    """The real CLI subject to file permissions: as root (the build machine) without the capability to override them."""
    import os
    import sys

    from conftest import CONSOLE_ENCODING

    prefix = []
    if os.name != "nt" and os.geteuid() == 0:
        if not shutil.which("setpriv"):
            pytest.skip("running as root without setpriv: file permissions cannot apply")
        prefix = ["setpriv", "--bounding-set=-dac_override,-dac_read_search,-fowner", "--"]
    return subprocess.run([*prefix, sys.executable, "-m", "zonemap.cli", *map(str, args)], capture_output=True, text=True,
                          encoding=CONSOLE_ENCODING, env={**os.environ, "PYTHONIOENCODING": CONSOLE_ENCODING}, timeout=300)


def test_a_read_only_zone_file_refuses_edits_naming_it_and_still_reads(sample_copy, tmp_path):
    sample_copy.chmod(0o444)
    before = sample_copy.read_bytes()
    for args in (["set", sample_copy, "C03", "--investment", "7"], ["split", sample_copy, "C03", "--mu", "5"],
                 ["zone", "set", sample_copy, "--name", "X"], ["import", sample_copy, zonemap.sample_path(), "--mode", "update"]):
        result = run_unprivileged(*args, "--lang", "en")
        assert_one_line(result, 1, f"{sample_copy}: the file is read-only", "clear its read-only flag", "copy it to a folder of yours")
        assert ".tmp" not in result.stderr
    assert_one_line(run_unprivileged("set", sample_copy, "C03", "--note", "x"), 1, f"{sample_copy}：此文件只读")
    assert run_unprivileged("areas", sample_copy).returncode == 0
    assert run_unprivileged("map", sample_copy, "-o", tmp_path / "m.html").returncode == 0
    assert sample_copy.read_bytes() == before
    assert sorted(p.name for p in sample_copy.parent.iterdir()) == ["m.html", "sample_zone.gpkg"]


def test_export_to_a_folder_is_one_line(sample_copy, tmp_path):
    folder = tmp_path / "dir.geojson"
    folder.mkdir()
    assert_one_line(invoke("export", sample_copy, folder, "--overwrite"), 1, "dir.geojson", "is a folder", "give a file name")


def test_temporary_names_are_shown_as_the_file_they_stand_for():
    from zonemap.errors import shown_path

    assert shown_path("/d/.z.gpkg.tmp-8u_pq577.gpkg") == "/d/z.gpkg"
    assert shown_path("/d/.z.gpkg.lock") == "/d/z.gpkg"
    assert shown_path("/d/.out.shp.k2j3h4g5/out.shp") == "/d/out.shp"
    assert shown_path("/d/.hidden/zone.gpkg") == "/d/.hidden/zone.gpkg"


# --- ids -------------------------------------------------------------------------------------


def test_look_alike_ids_from_split_are_refused_naming_both_spellings(sample_copy):
    before = sample_copy.read_bytes()
    assert_one_line(invoke("split", sample_copy, "C03", "--mu", "5", "--ids", " C04 , c04", "--lang", "en"), 1, "'C04' is already used")
    assert_one_line(invoke("split", sample_copy, "C03", "--mu", "5", "--ids", "X1,x1", "--lang", "en"), 1, "'x1' reads as 'X1'")
    assert_one_line(invoke("split", sample_copy, "C03", "--mu", "5", "--ids", "X1,x1"), 1, "地块编号 'x1' 读作已使用的 'X1'；请换一个")
    assert_one_line(invoke("split", sample_copy, "C03", "--mu", "5", "--ids", "X1,X\u200b2"), 1, "含有不可见字符或控制字符（\\u200b）")
    assert_one_line(invoke("merge", sample_copy, "C04", "C05", "--id", "ｃ０３", "--lang", "en"), 1, "'c03' reads as 'C03'")
    assert sample_copy.read_bytes() == before


def test_ids_are_trimmed_and_nfkc_normalised_on_the_way_in(sample_copy):
    result = invoke("split", sample_copy, " Ｃ０３ ", "--mu", "5", "--ids", " Ｘ１ ,x2")
    assert result.exit_code == 0, result.output
    assert {"X1", "x2"} <= set(store.read_layer(sample_copy, "parcels")["parcel_id"])


def test_validate_names_ids_another_tool_wrote_that_read_as_one(sample_copy):
    with store.transaction(sample_copy) as txn:
        parcels = txn.read("parcels")
        parcels.loc[parcels["parcel_id"] == "C04", "parcel_id"] = "c03 "
        parcels.loc[parcels["parcel_id"] == "C05", "parcel_id"] = "C\u200b05"
        txn.write("parcels", parcels)
    problems = _strict_json(invoke("validate", sample_copy, "--json").output)["problems"]
    assert {(p["code"], p["id"]) for p in problems} >= {("duplicate_id", "C03,c03 "), ("invalid_id", "C\u200b05")}
    message = next(p["message"] for p in problems if p["id"] == "C03,c03 ")
    assert "'C03' and 'c03 '" in message


def test_an_imported_id_is_normalised(sample_copy, tmp_path):
    parcels = store.read_layer(sample_copy, "parcels")
    parcels.loc[parcels["parcel_id"] == "C03", "parcel_id"] = "\u3000Ｃ０３ "
    source = tmp_path / "survey.geojson"
    parcels.to_file(source, driver="GeoJSON")
    assert invoke("import", sample_copy, source, "--mode", "update").exit_code == 0
    assert sorted(store.read_layer(sample_copy, "parcels")["parcel_id"]) == sorted(store.read_layer(zonemap.sample_path(), "parcels")["parcel_id"])


# --- text in reports -------------------------------------------------------------------------

LINK_TENANT = "[click me](javascript:window.__x=40) ![b](http://127.0.0.1:9/beacon.png) <b>*bold*</b> &amp; | pipe"
MATH_TENANT = "$\\foo$ Ltd"
DOLLAR_TENANT = "Cost $5 and $6 Ltd"


@pytest.fixture
def hostile_tenants(sample_copy):
    for pid, tenant in (("C03", LINK_TENANT), ("C04", MATH_TENANT), ("C05", DOLLAR_TENANT), ("B05", "长" * 50_000)):
        assert invoke("set", sample_copy, pid, "--status", "tenant", f"--tenant={tenant}", "--investment", "100").exit_code == 0
    return sample_copy


def test_markdown_report_shows_hostile_tenants_as_text_in_a_renderer_and_chromium(hostile_tenants, tmp_path, offline_page):
    from markdown_it import MarkdownIt

    out = tmp_path / "r.md"
    result = invoke("report", hostile_tenants, "-o", out)
    assert result.exit_code == 0, result.output
    html = MarkdownIt("commonmark").enable("table").render(out.read_text(encoding="utf-8"))
    page_file = tmp_path / "r.html"
    page_file.write_text(f"<!doctype html><meta charset='utf-8'><body>{html}</body>", encoding="utf-8")
    page = offline_page
    page.goto(page_file.as_uri())
    links = page.eval_on_selector_all("a", "els => els.map(a => a.getAttribute('href'))")
    images = page.eval_on_selector_all("img", "els => els.map(i => i.getAttribute('src'))")
    assert links == ["r-map.html"]  # only the report's own map
    assert "r-land.svg" in images and all(src.startswith("r-") and (tmp_path / src).exists() for src in images)  # the charts beside it, nothing from afar
    assert page.eval_on_selector_all("b, em, strong", "els => els.length") == 0
    text = page.inner_text("body")
    for tenant in (LINK_TENANT, MATH_TENANT, DOLLAR_TENANT):
        assert tenant in text
    assert "长" * 50 + "…" in text and "长" * 300 not in text  # cut in the table
    page.click("text=click me")
    assert page.evaluate("window.__x") is None
    assert page.blocked == [] and page.errors == []


def test_chart_text_is_drawn_as_typed_and_long_names_are_cut(hostile_tenants):
    import matplotlib.figure
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from zonemap.render.report import LABEL_COLUMNS, charts, report_data

    drawn = []
    real_savefig = matplotlib.figure.Figure.savefig

    def record(figure, *args, **kwargs):  # what each chart says, read from the drawn figure
        FigureCanvasAgg(figure).draw()
        drawn.extend(label.get_text() for axes in figure.axes for label in axes.get_yticklabels())
        return real_savefig(figure, *args, **kwargs)

    from unittest import mock

    with mock.patch.object(matplotlib.figure.Figure, "savefig", record):
        pngs = charts(report_data(zonemap.open(hostile_tenants)), "en", fmt="png")
    assert MATH_TENANT in drawn and DOLLAR_TENANT in drawn
    assert "长" * (LABEL_COLUMNS // 2 - 1) + "…" in drawn
    width = int.from_bytes(pngs["intensity"][16:20], "big")  # PNG IHDR width
    assert width < 2000



# --- shapes another tool wrote, and messages ------------------------------------------------


@pytest.fixture
def zone_with_an_infinite_vertex(sample_copy):
    """C03 with one vertex at x = inf, written straight through GDAL as another program would."""
    import pyogrio

    parcels = pyogrio.read_dataframe(sample_copy, layer="parcels")
    row = int(np.flatnonzero(parcels["parcel_id"] == "C03")[0])
    coords = shapely.get_coordinates(parcels.geometry.iloc[row])
    coords[1, 0] = np.inf
    parcels.loc[row, "geometry"] = shapely.set_coordinates(parcels.geometry.iloc[row], coords)
    pyogrio.write_dataframe(parcels, sample_copy, layer="parcels", driver="GPKG")
    return sample_copy


def test_a_zone_with_an_infinite_vertex_is_named_by_validate(zone_with_an_infinite_vertex):
    zone = zone_with_an_infinite_vertex
    checked = invoke("validate", zone, "--json")
    assert checked.exit_code == 1
    problems = _strict_json(checked.stdout)["problems"]
    assert [(p["code"], p["id"]) for p in problems] == [("not_finite", "C03")]
    assert "geometry holds inf" in problems[0]["message"]


@pytest.mark.parametrize("args", [
    ["areas", "{zone}"], ["remaining", "{zone}", "--need", "5"], ["indicators", "{zone}"], ["map", "{zone}", "-o", "{out}/m.html"],
    ["report", "{zone}", "-o", "{out}/r.md"], ["diff", "{sample}", "{zone}"], ["print", "{zone}", "-o", "{out}/p.png"],
    ["export", "{zone}", "{out}/p.geojson"], ["export", "{zone}", "{out}/ledger.xlsx"], ["corners", "{zone}", "C03"],
], ids=lambda args: args[0] + args[-1][-5:])
def test_every_output_of_a_zone_with_an_infinite_vertex_refuses_naming_the_feature(zone_with_an_infinite_vertex, tmp_path, cli, args):
    """A shape read as missing would silently drop the parcel from the ledger, the map and the report: they refuse instead."""
    zone = zone_with_an_infinite_vertex
    before = zone.read_bytes()
    out = tmp_path / "out"
    out.mkdir()
    result = cli(*(a.format(zone=zone, out=out, sample=zonemap.sample_path()) for a in args), "--lang", "en")
    assert_one_line(result, 1, f"{zone}: parcels C03: a vertex of the shape is not a finite number", "redraw it in QGIS")
    assert list(out.iterdir()) == []
    assert zone.read_bytes() == before
    if args[0] == "areas":  # in the user's language
        assert_one_line(cli("areas", zone), 1, f"{zone}：parcels C03 的图形有非有限坐标")


def test_a_field_mapped_twice_is_a_usage_error(sample_copy, tmp_path):
    result = invoke("import", sample_copy, tmp_path / "x.shp", "--map", "parcel_id=DKBH", "--map", "parcel_id=ZT")
    assert_one_line(result, 2, "parcel_id 映射了两次（parcel_id=DKBH 和 parcel_id=ZT）")


def test_a_bad_filter_names_a_chinese_layer_as_text_not_bytes(sample_copy, tmp_path):
    source = tmp_path / "地块.shp"
    store.read_layer(sample_copy, "parcels").to_file(source, encoding="utf-8")
    result = invoke("import", sample_copy, source, "--where", "nosuch = 1")
    assert_one_line(result, 1, "--where nosuch = 1", "layer '地块'")
    assert "\\x" not in result.output and "b'" not in result.output


def test_long_lists_in_messages_are_summarised():
    from zonemap.validate import listed

    assert listed([f"P{i}" for i in range(2524)]) == ", ".join(f"P{i}" for i in range(20)) + " and 2504 more"
    assert listed(["A", "B"]) == "A, B"


@pytest.mark.parametrize("case", ["inset", "wiggly"])
def test_a_densified_parcel_leaving_a_gap_all_round_is_refused_naming_it(sample_copy, tmp_path, case):
    """The gap check works on a many-vertex sliver, straight or wiggly (benchmarks/hostile_import.py times 10⁶)."""
    from benchmarks.hostile_import import source

    before = sample_copy.read_bytes()
    result = invoke("import", sample_copy, source(tmp_path, case, 20_000), "--mode", "update")
    assert_one_line(result, 1, "refused: [gap] a gap of 295.0", "m² narrower than 1 m", "next to C03, 纬一路, 纬二路, 经二路")
    assert sample_copy.read_bytes() == before


def _with_c03(zone: Path, shape) -> Path:
    """``zone`` with C03 drawn as ``shape``, written straight through GDAL (no import checks)."""
    import pyogrio

    parcels = pyogrio.read_dataframe(zone, layer="parcels")
    parcels.loc[parcels["parcel_id"] == "C03", "geometry"] = shape
    pyogrio.write_dataframe(parcels, zone, layer="parcels", driver="GPKG")
    return zone


def test_a_wiggly_sliver_is_found_whole_as_opening_it_would(sample_copy):
    """Found by its inscribed circle, not by opening it: the same gap as the opening finds, measured independently."""
    from benchmarks.hostile_import import wavy_ring

    c03 = store.read_layer(sample_copy, "parcels").set_index("parcel_id").geometry["C03"]
    inset = wavy_ring(shapely.buffer(c03, -0.5, join_style="mitre"), 5_000, 0.05)
    free = shapely.difference(c03, inset)
    opened = shapely.buffer(shapely.buffer(free, -0.5, join_style="mitre"), 0.5, join_style="mitre")
    expected = shapely.area(shapely.difference(free, opened))
    assert expected == pytest.approx(shapely.area(free))  # the whole strip is narrower than 1 m
    gaps = [p for p in zonemap.open(_with_c03(sample_copy, inset)).validate() if p.code == "gap"]
    assert [p.id for p in gaps] == ["C03,纬一路,纬二路,经二路"]
    assert f"a gap of {expected:.2f} m²" in gaps[0].message


def test_the_gap_check_passes_over_the_lines_overlays_leave(tmp_path):
    """Free land out of an overlay holds lines beside its pieces (a generated zone's does): only polygons are measured."""
    from benchmarks.generate import generate

    assert [p for p in zonemap.open(generate(300, tmp_path / "z.gpkg")).validate() if p.severity == "error"] == []


def test_unparcelled_land_beyond_the_vertex_budget_is_refused_naming_its_neighbours(sample_copy, monkeypatch):
    """Land wider than a gap must be opened to find slivers in it; past the budget the check says so instead of running for minutes."""
    from benchmarks.hostile_import import wavy_ring
    from zonemap import validate

    import pyogrio

    parcels = pyogrio.read_dataframe(sample_copy, layer="parcels")
    c03 = parcels.set_index("parcel_id").geometry["C03"]
    wavy = wavy_ring(shapely.buffer(c03, -5, join_style="mitre"), 3_000, 0.05)  # 5 m of land all round
    (x0, y0, x1, y1), row = wavy.bounds, int(np.flatnonzero(parcels["parcel_id"] == "C03")[0])
    parcels.loc[row, "geometry"] = shapely.clip_by_rect(wavy, x0, y0, (x0 + x1) / 2, y1)  # two halves: each within the budget
    east = parcels.iloc[[row]].assign(parcel_id="C03b", geometry=[shapely.clip_by_rect(wavy, (x0 + x1) / 2, y0, x1, y1)])
    pyogrio.write_dataframe(pd.concat([parcels, east], ignore_index=True), sample_copy, layer="parcels", driver="GPKG")
    assert [p for p in zonemap.open(sample_copy).validate() if p.severity == "error"] == []
    monkeypatch.setattr(validate, "VERTEX_BUDGET", 2_000)
    problems = [p for p in zonemap.open(sample_copy).validate() if p.severity == "error"]
    assert [(p.code, p.id) for p in problems] == [("too_complex", "C03,C03b,纬一路,纬二路,经二路")]
    assert "has an outline of 3,0" in problems[0].message and "more than the 2,000 the gap check opens" in problems[0].message
    assert "simplify the outline of those parcels" in problems[0].message


def test_a_parcel_beyond_the_vertex_budget_is_named_and_left_out_of_topology(sample_copy, tmp_path, monkeypatch):
    """Overlays of a 10⁶-vertex parcel take minutes: validate names it at once, edits elsewhere still work, import refuses it."""
    from benchmarks.hostile_import import source, wavy_ring
    from zonemap import validate

    monkeypatch.setattr(validate, "VERTEX_BUDGET", 1_000)
    pristine = shutil.copy(sample_copy, tmp_path / "pristine.gpkg")
    c03 = store.read_layer(sample_copy, "parcels").set_index("parcel_id").geometry["C03"]
    zone = _with_c03(sample_copy, wavy_ring(c03, 2_000, 0.0))  # its own outline, the vertices on its edges
    problems = zonemap.open(zone).validate()
    assert [(p.code, p.id) for p in problems] == [("too_complex", "C03")]
    assert "parcels C03: has 2,00" in problems[0].message and "more than the 1,000 zonemap checks a feature with" in problems[0].message
    assert invoke("set", zone, "C01", "--note", "checked").exit_code == 0  # the problem was there before: not the edit's
    before = Path(pristine).read_bytes()
    result = invoke("import", pristine, source(tmp_path, "fits", 2_000), "--mode", "update")
    assert_one_line(result, 1, "[too_complex]", "C03", "more than the 1,000", "simplify it")
    assert Path(pristine).read_bytes() == before


def test_sigterm_mid_import_leaves_the_zone_and_nothing_beside_it(sample_copy, tmp_path):
    import os
    import signal
    import sys
    import time

    from benchmarks.hostile_import import source as inset
    from zonemap.validate import VERTEX_BUDGET

    source = inset(tmp_path, "inset", VERTEX_BUDGET - 10)  # the most vertices a parcel may have: the longest write
    folder = sample_copy.parent
    before = sample_copy.read_bytes()
    beside = {p.name for p in folder.iterdir()}
    process = subprocess.Popen([sys.executable, "-m", "zonemap.cli", "import", str(sample_copy), str(source), "--mode", "update"],
                               stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while not any(".tmp-" in p.name for p in folder.iterdir()):  # the write has begun: its working copy exists
        assert process.poll() is None and time.monotonic() < deadline, "the import ended before its write began"
        time.sleep(0.05)
    os.kill(process.pid, signal.SIGTERM)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 1 and "Traceback" not in stderr and "Aborted!" in stderr
    assert {p.name for p in folder.iterdir()} == beside  # no working copy, journal or lock
    assert sample_copy.read_bytes() == before


def test_a_source_feature_with_an_infinite_vertex_is_named_in_the_singular(sample_copy, tmp_path):
    import pyogrio

    parcels = pyogrio.read_dataframe(sample_copy, layer="parcels")
    coords = shapely.get_coordinates(parcels.geometry.iloc[0])
    coords[1, 1] = -np.inf
    parcels.loc[0, "geometry"] = shapely.set_coordinates(parcels.geometry.iloc[0], coords)
    source = tmp_path / "survey.gpkg"
    pyogrio.write_dataframe(parcels, source, layer="parcels", driver="GPKG")
    before = sample_copy.read_bytes()
    assert_one_line(invoke("import", sample_copy, source, "--mode", "update"), 1, "survey.gpkg: feature 1 has NaN or infinite coordinates; redraw it")
    assert sample_copy.read_bytes() == before
