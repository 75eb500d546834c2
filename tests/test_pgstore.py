"""A zone in PostGIS: push and pull round trips, the layout QGIS reads, and bad input, on a real server."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path

import pandas as pd
import pyogrio.raw
import pytest

import zonemap
from benchmarks.generate import generate
from conftest import ZONEMAP
from zonemap import pgstore, store

HOSTILE = "河西 'zone'; DROP TABLE x; $$ --"


def run(server, *args, user: str = "zonemap_admin", env: dict | None = None) -> subprocess.CompletedProcess:
    """The real CLI as a subprocess, logged in as ``user`` through PGPASSWORD."""
    return subprocess.run([*ZONEMAP, *map(str, args)], capture_output=True, text=True, env=env or server.env(user), timeout=300)


def raw_layers(path: Path) -> dict:
    """Every layer of a zone file as GDAL hands it over: field names, values, and each geometry's WKB bytes."""
    layers = {}
    for name, _ in pyogrio.list_layers(path):
        if name == "layer_styles":
            continue
        meta, _, wkb, values = pyogrio.raw.read(path, layer=name)
        fields = [list(map(repr, column.tolist())) for column in values]
        layers[name] = (list(meta["fields"]), fields, None if wkb is None else [bytes(g) for g in wkb])
    return layers


def assert_same_zone(a: Path, b: Path) -> None:
    left, right = raw_layers(a), raw_layers(b)
    assert list(left) == list(right)
    for name in left:
        assert left[name][0] == right[name][0], f"{name}: fields differ"
        assert left[name][1] == right[name][1], f"{name}: values differ"
        assert left[name][2] == right[name][2], f"{name}: geometry WKB differs"


def style_rows(path: Path) -> list[tuple]:
    """The QGIS style rows of a zone file, as QGIS wrote them."""
    with closing(sqlite3.connect(path)) as db:
        return db.execute(
            "SELECT f_table_name, f_geometry_column, styleName, styleQML, styleSLD, useAsDefault, description, owner, ui, update_time "
            "FROM layer_styles ORDER BY id"
        ).fetchall()


def test_push_then_pull_gives_the_sample_zone_back_exactly(postgis, tmp_path):
    """Every table: SPEC's layers, holds, an import's survey_schema, and the QGIS styles a planner saved."""
    source = Path(shutil.copy(zonemap.sample_path(), tmp_path / "zone.gpkg"))
    with store.transaction(source) as txn:
        txn.write("survey_schema", pd.DataFrame({"layer": ["parcels"], "schema": ['{"fields": [["地块编号", "C", 20, 0]]}']}))
        txn.write("holds", pd.DataFrame({"parcel_id": ["A02"], "prospect": ["惠实业有限公司"], "until": ["2027-01-01"], "since": ["2026-01-01"], "note": [HOSTILE]}))
    with closing(sqlite3.connect(source)) as db, db:  # a style saved from QGIS, over zonemap's default
        db.execute("UPDATE layer_styles SET styleQML = ?, description = ?, update_time = '2026-03-01T08:30:00.250Z' WHERE f_table_name = 'roads'",
                   ("<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'><qgis version=\"3.34\"><renderer-v2 type=\"singleSymbol\"/></qgis>", HOSTILE))
    url = postgis.url(zone=HOSTILE)
    pushed = run(postgis, "push", source, url)
    assert pushed.returncode == 0, pushed.stderr
    copy = tmp_path / "copy.gpkg"
    pulled = run(postgis, "pull", url, copy)
    assert pulled.returncode == 0, pulled.stderr
    assert_same_zone(source, copy)
    assert {"survey_schema", "holds"} <= set(raw_layers(copy))
    assert style_rows(copy) == style_rows(source) and len(style_rows(source)) == 4
    with postgis.connect() as db:  # the hostile name is a schema name, nothing more
        assert db.execute("SELECT count(*) FROM pg_namespace WHERE nspname = %s", (HOSTILE,)).fetchone()[0] == 1
        srids = dict(db.execute("SELECT f_table_name, srid FROM geometry_columns WHERE f_table_schema = %s", (HOSTILE,)).fetchall())
        assert srids == {"boundary": 4528, "parcels": 4528, "roads": 4528, "buildings": 4528}
        gist = db.execute("SELECT count(*) FROM pg_indexes WHERE schemaname = %s AND indexdef LIKE '%%USING gist%%'", (HOSTILE,)).fetchone()[0]
        assert gist == 4
        styles = dict(db.execute("SELECT f_table_name, styleqml::text FROM public.layer_styles WHERE f_table_schema = %s AND useasdefault", (HOSTILE,)).fetchall())
        assert set(styles) == {"parcels", "boundary", "roads", "buildings"}
        assert 'attr="status"' in styles["parcels"] and 'fieldName="parcel_id"' in styles["parcels"]


def test_a_generated_ten_thousand_parcel_zone_round_trips_exactly(postgis, tmp_path, monkeypatch):
    source = generate(10_000, tmp_path / "big.gpkg", seed=3)
    monkeypatch.setenv("PGPASSWORD", postgis.env()["PGPASSWORD"])
    url = postgis.url(zone="big")
    assert pgstore.push(source, url)["parcels"] == 10_000
    pgstore.pull(url, tmp_path / "back.gpkg")
    assert_same_zone(source, tmp_path / "back.gpkg")


def test_pushing_again_replaces_the_database_zone(postgis, tmp_path, grid_zone):
    url = postgis.url(zone="again")
    assert run(postgis, "push", zonemap.sample_path(), url).returncode == 0
    grid, *_ = grid_zone()
    assert run(postgis, "push", grid, url).returncode == 0
    assert run(postgis, "pull", url, tmp_path / "back.gpkg").returncode == 0
    assert_same_zone(grid, tmp_path / "back.gpkg")


@pytest.fixture(scope="module")
def hexi(postgis):
    """The sample zone (EPSG:4528) pushed once as database zone 河西, for tests that must leave it unchanged."""
    url = postgis.url(zone="河西")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PGPASSWORD", postgis.env()["PGPASSWORD"])
        pgstore.push(zonemap.sample_path(), url)
    return url


@pytest.mark.parametrize(
    "case",
    ["password in url", "unknown zone", "wrong password", "no postgis", "no zone named", "another crs"],
)
def test_bad_database_input_is_one_line_exit_1_and_nothing_written(postgis, hexi, tmp_path, grid_zone, case):
    url = hexi
    with postgis.connect() as db:
        before = db.execute("SELECT count(*), md5(string_agg(ST_AsEWKB(geom)::text || status, ',' ORDER BY fid)) FROM \"河西\".parcels").fetchone()
    env = None
    source = zonemap.sample_path()
    if case == "password in url":
        url = url.replace("zonemap_admin@", "zonemap_admin:s3cret-pw@")
    elif case == "unknown zone":
        url = postgis.url(zone="no such zone")
        source = None
    elif case == "wrong password":
        env = {**postgis.env(), "PGPASSWORD": "wrong"}
    elif case == "no postgis":
        url = postgis.url(database="plain", zone="河西")
    elif case == "no zone named":
        url = postgis.url()
    elif case == "another crs":
        source, *_ = grid_zone(crs="EPSG:4549")
    result = run(postgis, *(["push", source, url] if source else ["pull", url, tmp_path / "copy.gpkg"]), env=env)
    assert result.returncode == 1, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    assert "s3cret-pw" not in result.stderr + result.stdout
    expected = {
        "password in url": "PGPASSWORD",
        "unknown zone": "no zone 'no such zone'",
        "wrong password": "cannot log in",
        "no postgis": "has no PostGIS",
        "no zone named": "?zone=NAME",
        "another crs": "EPSG:4528",
    }[case]
    assert expected in lines[0]
    with postgis.connect() as db:
        after = db.execute("SELECT count(*), md5(string_agg(ST_AsEWKB(geom)::text || status, ',' ORDER BY fid)) FROM \"河西\".parcels").fetchone()
    assert after == before


def test_pull_refuses_to_overwrite_a_file_without_the_flag(postgis, hexi, tmp_path):
    url = hexi
    existing = Path(shutil.copy(zonemap.sample_path(), tmp_path / "mine.gpkg"))
    before = existing.read_bytes()
    result = run(postgis, "pull", url, existing)
    assert result.returncode == 1 and "--overwrite" in result.stderr
    assert existing.read_bytes() == before
