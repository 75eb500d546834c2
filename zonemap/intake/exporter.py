"""``zonemap export``: a zone layer written for others, the format from the extension.

``.shp`` (UTF-8 or GB18030, with ``.cpg`` and ``.prj``; field names cut to
10 bytes by :data:`~zonemap.intake.fieldmap.SHP_FIELD_NAMES`, text over the
.dbf's 254 bytes refused rather than cut mid-character), ``.geojson``
(EPSG:4326, full precision), ``.kml``, ``.gpkg``, ``.csv`` (attributes
plus areas, UTF-8 with BOM so Excel shows Chinese) and ``.xlsx`` (the 台账
workbook of :mod:`zonemap.render.workbook`). Text that a spreadsheet would
run as a formula (``=``, ``+``, ``-``, ``@`` first) stays text in both
(:func:`formula_like`). The file is written
beside the destination and moved in place, so a failed export never leaves
half a file or removes the old one.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio

from zonemap import pgstore, store
from zonemap.areas import areas_m2
from zonemap.errors import ZonemapError
from zonemap.intake.encoding import normalise_encoding
from zonemap.intake.fieldmap import SHP_FIELD_NAMES
from zonemap.units import from_m2

#: Extension → GDAL driver.
#: What makes Excel and WPS read a cell as a formula (OWASP's CSV-injection list).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
DRIVERS: dict[str, str] = {".shp": "ESRI Shapefile", ".geojson": "GeoJSON", ".json": "GeoJSON", ".kml": "KML", ".gpkg": "GPKG", ".csv": "CSV"}
SHP_ENCODINGS: tuple[str, ...] = ("UTF-8", "GB18030")
#: Bytes a .dbf text field holds.
DBF_TEXT_BYTES = 254
_SHP_SIDECARS = (".shp", ".shx", ".dbf", ".prj", ".cpg")


class ExportError(ZonemapError):
    """The layer cannot be written as asked; nothing was written."""


def formula_like(value: object) -> bool:
    """Whether a spreadsheet would take this text as a formula.

    >>> formula_like("=1+1"), formula_like("惠实业")
    (True, False)
    """
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def spreadsheet_text(value: object) -> object:
    """Text made safe for a CSV opened in Excel: formula-like text gets a leading ``'``, shown as text."""
    return f"'{value}" if formula_like(value) else value


def _check_dbf_text(frame: pd.DataFrame, encoding: str, layer: str) -> None:
    id_field = frame.columns[0]
    for column in frame.columns:
        if column == frame.geometry.name or not (pd.api.types.is_string_dtype(frame[column]) or frame[column].dtype == object):
            continue
        sizes = frame[column].map(lambda v: len(v.encode(encoding)) if isinstance(v, str) else 0)
        too_long = sizes > DBF_TEXT_BYTES
        if too_long.any():
            i = int(too_long.to_numpy().argmax())
            raise ExportError(
                f"{layer} {frame[id_field].iloc[i]}: {column} is {sizes.iloc[i]} bytes in {encoding.upper()}, over the "
                f"shapefile limit of {DBF_TEXT_BYTES}; shorten it, or export to .gpkg or .geojson, which keep long text"
            )


def _csv_safe(table: pd.DataFrame) -> pd.DataFrame:
    text = [c for c in table.columns if table[c].dtype == object or pd.api.types.is_string_dtype(table[c])]
    return table.assign(**{c: table[c].map(spreadsheet_text) for c in text})


def _prepare(frame: gpd.GeoDataFrame, suffix: str, layer: str, encoding: str) -> tuple[pd.DataFrame, dict]:
    """The frame as the format wants it, and the options to write it with."""
    if suffix == ".shp":
        frame = frame.rename(columns=SHP_FIELD_NAMES)
        for column in frame.columns:
            if str(frame[column].dtype).startswith("datetime"):
                frame[column] = frame[column].dt.strftime("%Y-%m-%dT%H:%M:%S").astype(object)  # .dbf dates drop the time
        _check_dbf_text(frame, encoding, layer)
        return frame, {"encoding": encoding}
    if suffix in (".geojson", ".json"):
        # Not RFC 7946's 7 decimals: 1 cm steps would move parcel areas by square metres.
        return frame.to_crs("EPSG:4326"), {"layer_options": {"COORDINATE_PRECISION": 12, "WRITE_BBOX": "NO"}}
    if suffix == ".kml":
        id_field = frame.columns[0]
        return frame.to_crs("EPSG:4326"), {"dataset_options": {"NameField": id_field}}
    if suffix == ".csv":
        m2 = areas_m2(frame.geometry.to_numpy(), frame.crs, where=layer)
        table = pd.DataFrame(frame.drop(columns=frame.geometry.name))
        table = _csv_safe(table)
        table["area_m2"] = m2.round(1)
        table["area_mu"] = from_m2(m2, "mu").round(2)
        return table, {"layer_options": {"WRITE_BOM": "YES"}}
    return frame, {}


def export_layer(
    zone: str | os.PathLike,
    dest: str | os.PathLike,
    *,
    layer: str = "parcels",
    encoding: str = "UTF-8",
    overwrite: bool = False,
    lang: str = "zh",
    like: str | os.PathLike | None = None,
    schema: str = "source",
) -> Path:
    """Write ``layer`` of ``zone`` to ``dest``; see the module docstring for formats.

    ``.xlsx`` is the whole 台账 (every layer it needs), with headers in ``lang``.
    ``like``: a survey institute's parcels .shp whose schema the parcels are
    written in (:mod:`zonemap.intake.survey`); without it, parcels to .shp go
    in the schema recorded by their last import from a shapefile, unless
    ``schema="zonemap"`` (zonemap's own field names).
    """
    dest = Path(dest)
    suffix = dest.suffix.lower()
    if suffix not in (*DRIVERS, ".xlsx"):
        raise ExportError(f"{dest}: unknown format {dest.suffix or '(none)'}; end the name with one of {', '.join((*DRIVERS, '.xlsx'))}")
    if not dest.parent.is_dir():
        raise ExportError(f"{dest}: folder {dest.parent} does not exist; create it first")
    if dest.is_dir():
        raise ExportError(f"{dest}: is a folder, not a file; give a file name such as {dest / ('parcels' + suffix)}")
    if dest.exists() and not pgstore.is_database(zone) and Path(zone).exists() and os.path.samefile(dest, zone):
        raise ExportError(f"{dest}: is the zone being exported; give another file as DEST, e.g. `zonemap export {zone} OUT.shp`")
    if store.is_zone_file(dest):
        raise ExportError(
            f"{dest}: is a zone GeoPackage (boundary and parcels layers), which export never overwrites; "
            f"give another DEST, or to export that zone: `zonemap export {dest} OUT.shp`"
        )
    if dest.exists() and not overwrite:
        raise ExportError(f"{dest}: already exists; add --overwrite to replace it")
    if like is not None and (suffix != ".shp" or layer != "parcels"):
        raise ExportError(f"{dest}: --like writes parcels as a shapefile; give DEST ending in .shp (and no --layer)")
    if suffix == ".shp" and layer == "parcels" and schema != "zonemap":
        from zonemap.intake.survey import export_like, recorded_schema
        from zonemap.zone import Zone

        like = like if like is not None else recorded_schema(zone)
        if like is not None:
            return export_like(Zone(zone).require_shapes(), dest, like)
    if suffix == ".xlsx":
        from zonemap.render.workbook import write_workbook
        from zonemap.zone import Zone

        return write_workbook(Zone(zone).require_shapes(), dest, lang=lang)
    frame = store.read_layer(zone, layer)
    if isinstance(frame, gpd.GeoDataFrame):  # a shape another program gave an inf vertex: refused, not written as GDAL gets it
        from zonemap.zone import _finite_figures, require_finite_shapes

        require_finite_shapes(_finite_figures(frame), layer, zone=zone)
    if not isinstance(frame, gpd.GeoDataFrame) and suffix != ".csv":
        raise ExportError(f"--layer {layer}: is a table without geometry; export it to .csv")
    encoding = normalise_encoding(encoding) if suffix == ".shp" else "utf-8"
    if isinstance(frame, gpd.GeoDataFrame):
        data, options = _prepare(frame, suffix, layer, encoding)
    else:
        data, options = _csv_safe(frame), {"layer_options": {"WRITE_BOM": "YES"}}
    with tempfile.TemporaryDirectory(prefix=f".{dest.name}.", dir=dest.parent) as tmp:
        written = Path(tmp) / dest.name
        try:
            pyogrio.write_dataframe(data, written, layer=layer if suffix == ".gpkg" else None, driver=DRIVERS[suffix], **options)
        except Exception as exc:  # GDAL raises several types
            raise ExportError(f"{dest}: could not be written ({str(exc).splitlines()[0]}); nothing was changed") from None
        if suffix == ".shp":
            for sidecar in _SHP_SIDECARS:  # stale parts of an older export must not mix with the new
                dest.with_suffix(sidecar).unlink(missing_ok=True)
            for part in Path(tmp).iterdir():
                os.replace(part, dest.with_name(part.name))
        else:
            os.replace(written, dest)
    return dest
