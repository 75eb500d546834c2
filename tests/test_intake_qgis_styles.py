"""The zone file carries QGIS styles: parcels coloured by status with the map's palette."""

from __future__ import annotations

import sqlite3
import xml.etree.ElementTree as ET

import pyogrio

from zonemap.status import STATUS_COLOURS


def _styles(zone) -> dict[str, tuple]:
    with sqlite3.connect(zone) as db:
        contents = db.execute("SELECT data_type FROM gpkg_contents WHERE table_name = 'layer_styles'").fetchone()
        rows = db.execute("SELECT f_table_name, f_geometry_column, styleQML, useAsDefault FROM layer_styles").fetchall()
    db.close()
    assert contents == ("attributes",)
    return {name: (column, qml, default) for name, column, qml, default in rows}


def _rgba(hex_colour: str) -> str:
    return f"{int(hex_colour[1:3], 16)},{int(hex_colour[3:5], 16)},{int(hex_colour[5:7], 16)},255"


def test_every_write_leaves_default_styles_with_the_map_palette(cli, sample_copy):
    assert cli("set", sample_copy, "C01", "--note", "styled").returncode == 0
    styles = _styles(sample_copy)
    assert set(styles) == {"parcels", "boundary", "roads", "buildings"}
    assert all(default == 1 for _, _, default in styles.values())
    geometry_column = pyogrio.read_info(sample_copy, layer="parcels")["geometry_name"]
    assert styles["parcels"][0] == geometry_column

    root = ET.fromstring(styles["parcels"][1].split("\n", 1)[1])
    renderer = root.find("renderer-v2")
    assert renderer.get("type") == "categorizedSymbol" and renderer.get("attr") == "status"
    symbol_of = {c.get("value"): c.get("symbol") for c in renderer.iter("category")}
    colour_of = {
        s.get("name"): s.find("layer/Option/Option[@name='color']").get("value") for s in renderer.find("symbols")
    }
    assert {value: colour_of[symbol] for value, symbol in symbol_of.items()} == {
        status: _rgba(colour) for status, colour in STATUS_COLOURS.items()
    }
    assert root.find("labeling/settings/text-style").get("fieldName") == "parcel_id"


def test_styles_survive_layer_rewrites_and_keep_a_planners_own(cli, sample_copy):
    assert cli("set", sample_copy, "C01", "--note", "first").returncode == 0
    with sqlite3.connect(sample_copy) as db:
        db.execute("UPDATE layer_styles SET styleQML = 'mine' WHERE f_table_name = 'roads'")
    db.close()
    assert cli("split", sample_copy, "C01", "--mu", "5").returncode == 0  # rewrites the parcels layer
    styles = _styles(sample_copy)
    assert styles["roads"][1] == "mine"
    assert "categorizedSymbol" in styles["parcels"][1]
    assert cli("validate", sample_copy).returncode == 0
