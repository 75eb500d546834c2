"""QGIS styles stored in the zone file, so it opens in QGIS styled like the map.

QGIS reads a GeoPackage's ``layer_styles`` table (its own schema) and applies
the row marked ``useAsDefault`` when a layer is added. ``parcels`` is
categorised by ``status`` with :data:`zonemap.status.STATUS_COLOURS` (the
map's palette) and labelled with ``parcel_id``; the other layers get one
symbol each. Rows already present are left alone, so a planner's own
styling saved from QGIS survives.

Examples
--------
>>> qml = layer_qml("parcels")
>>> 'attr="status"' in qml and "categorizedSymbol" in qml
True
"""

from __future__ import annotations

import sqlite3
import xml.etree.ElementTree as ET
from contextlib import closing
from pathlib import Path

from zonemap.status import STATUS_COLOURS, STATUSES, status_label

#: Fill, outline and outline width (mm) of the layers drawn with one symbol.
SINGLE_SYMBOLS: dict[str, tuple[str | None, str, float]] = {
    "boundary": (None, "#C00000", 0.8),
    "roads": ("#BDBDBD", "#7F7F7F", 0.2),
    "buildings": ("#636363", "#232323", 0.2),
}
_OUTLINE = "#232323"

_CREATE_TABLE = """
CREATE TABLE layer_styles (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    f_table_catalog TEXT(256), f_table_schema TEXT(256), f_table_name TEXT(256),
    f_geometry_column TEXT(256), styleName TEXT(30), styleQML TEXT, styleSLD TEXT,
    useAsDefault BOOLEAN, description TEXT, owner TEXT(30), ui TEXT(30),
    update_time DATETIME DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
)"""


def qgis_colour(hex_colour: str | None) -> str:
    """``#RRGGBB`` as QGIS writes colours: ``r,g,b,a`` (transparent for None)."""
    if hex_colour is None:
        return "0,0,0,0"
    return ",".join(str(int(hex_colour[i : i + 2], 16)) for i in (1, 3, 5)) + ",255"


def _fill_symbol(parent: ET.Element, name: str, fill: str | None, outline: str, width: float) -> None:
    symbol = ET.SubElement(parent, "symbol", type="fill", name=name, alpha="1", clip_to_extent="1", force_rhr="0")
    layer = ET.SubElement(symbol, "layer", {"class": "SimpleFill", "enabled": "1", "locked": "0", "pass": "0"})
    properties = {
        "color": qgis_colour(fill),
        "style": "solid" if fill else "no",
        "outline_color": qgis_colour(outline),
        "outline_style": "solid",
        "outline_width": f"{width:g}",
        "outline_width_unit": "MM",
        "joinstyle": "bevel",
    }
    options = ET.SubElement(layer, "Option", type="Map")
    for key, value in properties.items():
        ET.SubElement(options, "Option", type="QString", name=key, value=value)
    for key, value in properties.items():  # QGIS before 3.26 reads these
        ET.SubElement(layer, "prop", k=key, v=value)


def _labels(root: ET.Element, field: str) -> None:
    labeling = ET.SubElement(root, "labeling", type="simple")
    settings = ET.SubElement(labeling, "settings", calloutType="simple")
    ET.SubElement(settings, "text-style", fieldName=field, isExpression="0", fontSize="9", fontSizeUnit="Point", textColor="0,0,0,255")
    ET.SubElement(settings, "text-buffer", bufferDraw="1", bufferSize="0.8", bufferColor="255,255,255,255")
    ET.SubElement(settings, "placement", placement="1")
    ET.SubElement(settings, "rendering", obstacle="1", scaleVisibility="0")


def layer_qml(layer: str) -> str:
    """The QML (QGIS layer style XML) for one zone layer."""
    root = ET.Element("qgis", version="3.28.0", styleCategories="Symbology|Labeling")
    if layer == "parcels":
        renderer = ET.SubElement(root, "renderer-v2", type="categorizedSymbol", attr="status", symbollevels="0", enableorderby="0", forceraster="0")
        categories = ET.SubElement(renderer, "categories")
        symbols = ET.SubElement(renderer, "symbols")
        for i, status in enumerate(STATUSES):
            label = f"{status_label(status, 'zh')} {status_label(status, 'en')}"
            ET.SubElement(categories, "category", symbol=str(i), value=status, label=label, render="true")
            _fill_symbol(symbols, str(i), STATUS_COLOURS[status], _OUTLINE, 0.26)
        _labels(root, "parcel_id")
    else:
        fill, outline, width = SINGLE_SYMBOLS[layer]
        renderer = ET.SubElement(root, "renderer-v2", type="singleSymbol", symbollevels="0", enableorderby="0", forceraster="0")
        _fill_symbol(ET.SubElement(renderer, "symbols"), "0", fill, outline, width)
    ET.SubElement(root, "layerGeometryType").text = "2"  # polygon
    return "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n" + ET.tostring(root, encoding="unicode")


#: The fields of a style row that a copy between stores carries, as QGIS names them in a GeoPackage
#: (PostgreSQL folds them to lower case); ids, catalogue and schema belong to the store.
STYLE_FIELDS = ("f_table_name", "f_geometry_column", "styleName", "styleQML", "styleSLD", "useAsDefault", "description", "owner", "ui", "update_time")


def _open_styles(db: sqlite3.Connection) -> None:
    """Create the GeoPackage's ``layer_styles`` (registered in ``gpkg_contents``) if it is absent."""
    exists = db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'layer_styles'").fetchone()
    if not exists:
        db.execute(_CREATE_TABLE)
        db.execute(
            "INSERT INTO gpkg_contents (table_name, data_type, identifier, description, last_change) "
            "VALUES ('layer_styles', 'attributes', 'layer_styles', 'QGIS layer styles', strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))"
        )


def read_styles(path: str | Path) -> list[tuple]:
    """The style rows of the GeoPackage at ``path`` (:data:`STYLE_FIELDS`, in id order); none without the table."""
    with closing(sqlite3.connect(path)) as db:
        if not db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'layer_styles'").fetchone():
            return []
        return db.execute(f"SELECT {', '.join(STYLE_FIELDS)} FROM layer_styles ORDER BY id").fetchall()


def write_styles(path: str | Path, rows: list[tuple]) -> None:
    """Make ``rows`` (:data:`STYLE_FIELDS`) the style rows of the GeoPackage at ``path``, as another store kept them."""
    with closing(sqlite3.connect(path)) as db, db:
        _open_styles(db)
        db.execute("DELETE FROM layer_styles")
        db.executemany(
            f"INSERT INTO layer_styles (f_table_catalog, f_table_schema, {', '.join(STYLE_FIELDS)}) VALUES ('', '', {', '.join('?' * len(STYLE_FIELDS))})",
            rows,
        )


def ensure_styles(path: str | Path) -> None:
    """Give every styled layer of the GeoPackage at ``path`` a default QGIS style.

    Creates ``layer_styles`` (registered in ``gpkg_contents``) if absent;
    layers that already have a style keep it. A database zone's styles go
    in ``public.layer_styles`` (:func:`zonemap.pgstore.ensure_styles`).
    """
    from zonemap import pgstore

    if pgstore.is_database(path):
        return pgstore.ensure_styles(path)
    with sqlite3.connect(path) as db:
        geometry_columns = dict(db.execute("SELECT table_name, column_name FROM gpkg_geometry_columns"))
        _open_styles(db)
        styled = {name for (name,) in db.execute("SELECT f_table_name FROM layer_styles")}
        for layer in ("parcels", *SINGLE_SYMBOLS):
            if layer in geometry_columns and layer not in styled:
                db.execute(
                    "INSERT INTO layer_styles (f_table_catalog, f_table_schema, f_table_name, f_geometry_column, "
                    "styleName, styleQML, styleSLD, useAsDefault, description, owner) VALUES ('', '', ?, ?, ?, ?, '', 1, ?, '')",
                    (layer, geometry_columns[layer], layer, layer_qml(layer), "zonemap default style (map palette)"),
                )
    db.close()
