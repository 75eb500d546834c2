"""Parcels written back in the survey institute's own schema (``zonemap export ZONE 地块.shp --like 原始地块.shp``).

The shapefile given with ``--like`` is the institute's: its ``.dbf`` field
names, types, widths and decimals, its encoding (its ``.cpg``, else the
detected one) and its ``.prj`` are kept byte for byte; each zone field goes
to the source field the import would have read it from
(:func:`zonemap.intake.fieldmap.find_fields`), statuses are written in the
words the source used for them (已入驻 / 已开发 / 未开发 …, else the Chinese
labels), and two area fields are added when the source has none: 面积_亩
and 面积平方米 (ellipsoidal, as ``zonemap areas``). pyshp writes the
``.dbf`` so every field keeps the exact width the institute gave it.

An import of parcels from a shapefile records that file's schema in the
zone (the ``survey_schema`` table, :func:`schema_record`), so a later
``export ZONE 地块.shp`` writes it back the same way without ``--like``;
``--schema zonemap`` writes zonemap's own field names instead.

Examples
--------
>>> default_statuses = {s: status_label(s, "zh") for s in STATUSES}
>>> default_statuses["tenant"]
'已入驻'
"""

from __future__ import annotations

import datetime
import json
import os
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import shapely
from pyproj import CRS

from zonemap.errors import ZonemapError
from zonemap.intake.encoding import detect_encoding
from zonemap.intake.fieldmap import find_fields
from zonemap.status import STATUSES, parse_status, status_label
from zonemap.units import M2_PER_UNIT

#: Area fields added when the source has none: (name, decimals, unit). Names fit the .dbf's 10 bytes in GBK.
AREA_FIELDS = (("面积_亩", 2, "mu"), ("面积平方米", 2, "m2"))
_AREA_WIDTH = 16
_SIDECARS = (".shp", ".shx", ".dbf", ".cpg", ".prj")
#: The zone table holding the schema of the shapefile the parcels were last imported from.
SCHEMA_LAYER = "survey_schema"


class SurveySchemaError(ZonemapError):
    """The --like file cannot serve as a schema, or a value does not fit it."""


@dataclass(frozen=True)
class SurveySchema:
    """What a survey institute's shapefile looks like: fields, encoding, CRS and status words."""

    path: Path
    fields: list[tuple[str, str, int, int]]  # name, type (C N F D L), width, decimals
    encoding: str
    cpg: bytes | None
    prj: bytes | None
    crs: CRS | None
    columns: dict[str, str]  # zone field → source field
    statuses: dict[str, str]  # status → the source's word for it

    def to_json(self) -> str:
        """The schema as JSON text (what an import records in the zone)."""
        return json.dumps(
            {
                "source": self.path.name,
                "fields": self.fields,
                "encoding": self.encoding,
                "cpg": self.cpg.decode("latin-1") if self.cpg is not None else None,
                "prj": self.prj.decode("latin-1") if self.prj is not None else None,
                "columns": self.columns,
                "statuses": self.statuses,
            },
            ensure_ascii=False,
        )

    @classmethod
    def from_json(cls, text: str) -> SurveySchema:
        data = json.loads(text)
        prj = data["prj"].encode("latin-1") if data["prj"] is not None else None
        return cls(
            path=Path(data["source"]),
            fields=[tuple(f) for f in data["fields"]],
            encoding=data["encoding"],
            cpg=data["cpg"].encode("latin-1") if data["cpg"] is not None else None,
            prj=prj,
            crs=CRS.from_wkt(prj.decode("latin-1")) if prj else None,
            columns=data["columns"],
            statuses=data["statuses"],
        )


def read_schema(like: str | os.PathLike, *, encoding: str | None = None) -> SurveySchema:
    """The schema of the shapefile ``like`` (its .dbf header, .cpg, .prj and status words).

    ``encoding``: as the import read it; by default detected (:func:`~zonemap.intake.encoding.detect_encoding`).
    """
    import shapefile

    like = Path(like)
    if like.suffix.lower() != ".shp" or not like.exists():
        raise SurveySchemaError(f"--like {like}: give the survey institute's .shp (with its .dbf beside it)")
    dbf = like.with_suffix(".dbf")
    encoding = encoding or detect_encoding(like, dbf).encoding
    with shapefile.Reader(str(like), encoding=encoding) as reader:
        fields = [(str(f[0]), str(f[1]), int(f[2]), int(f[3])) for f in reader.fields[1:]]
        records = pd.DataFrame([list(r) for r in reader.records()], columns=[f[0] for f in fields])
    columns = find_fields([f[0] for f in fields], "parcels", source_name=str(like))
    statuses = {s: status_label(s, "zh") for s in STATUSES}
    if "status" in columns:
        spelled = Counter(v.strip() for v in records[columns["status"]] if isinstance(v, str) and parse_status(v))
        for word, _ in reversed(spelled.most_common()):  # the most common spelling wins
            statuses[parse_status(word)] = word
    prj_path, cpg_path = like.with_suffix(".prj"), like.with_suffix(".cpg")
    prj = prj_path.read_bytes() if prj_path.exists() else None
    return SurveySchema(
        path=like,
        fields=fields,
        encoding=encoding,
        cpg=cpg_path.read_bytes() if cpg_path.exists() else None,
        prj=prj,
        crs=CRS.from_wkt(prj.decode("latin-1")) if prj else None,
        columns=columns,
        statuses=statuses,
    )


def _cell(value, field: tuple[str, str, int, int]):
    """A zone value as the source field's type takes it."""
    _, kind, _, decimals = field
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NaT:
        return "" if kind == "C" else None  # pyshp would write None as the text "None"
    if kind in ("N", "F"):
        number = float(value)
        return round(number) if decimals == 0 else round(number, decimals)
    if kind == "D":
        return value.date() if isinstance(value, (pd.Timestamp, datetime.datetime)) else value
    return str(value)


def schema_record(source_path: Path, encoding: str | None) -> pd.DataFrame:
    """The one-row ``survey_schema`` table an import of ``source_path`` writes into the zone."""
    return pd.DataFrame({"layer": ["parcels"], "schema": [read_schema(source_path, encoding=encoding).to_json()]})


def recorded_schema(zone_path: str | os.PathLike) -> SurveySchema | None:
    """The schema the zone's parcels were last imported with, if they came from a shapefile."""
    from zonemap import store

    if SCHEMA_LAYER not in store.list_layers(zone_path):
        return None
    table = store.read_layer(zone_path, SCHEMA_LAYER)
    rows = table[table["layer"] == "parcels"]
    return SurveySchema.from_json(rows["schema"].iloc[-1]) if len(rows) else None


def export_like(zone, dest: str | os.PathLike, like: str | os.PathLike | SurveySchema) -> Path:
    """Write the parcels of ``zone`` (a :class:`~zonemap.zone.Zone`) to ``dest`` in the schema of ``like``
    (a shapefile, or a recorded :class:`SurveySchema`)."""
    import shapefile

    schema = like if isinstance(like, SurveySchema) else read_schema(like)
    dest = Path(dest)
    parcels = zone.parcels
    if schema.crs is not None and parcels.crs is not None and not schema.crs.equals(parcels.crs):
        parcels = parcels.to_crs(schema.crs)
    area_m2 = zone.parcel_areas_m2()
    source_of = {source: field for field, source in schema.columns.items()}
    folded = {name.casefold() for name, *_ in schema.fields}
    extra = [(name, "N", _AREA_WIDTH, decimals, unit) for name, decimals, unit in AREA_FIELDS if name.casefold() not in folded]
    fields = schema.fields + [f[:4] for f in extra]

    rows = []
    for i, parcel in enumerate(parcels.itertuples(index=False)):
        values = parcel._asdict()
        row = []
        for field in schema.fields:
            zone_field = source_of.get(field[0])
            value = values.get(zone_field) if zone_field else None
            if zone_field == "status" and value is not None:
                value = schema.statuses.get(value, value)
            row.append(_cell(value, field))
        row += [round(area_m2[i] / M2_PER_UNIT[unit], decimals) for _, _, _, decimals, unit in extra]
        for value, (name, kind, width, _) in zip(row, fields):
            if kind == "C" and len(value.encode(schema.encoding)) > width:
                raise SurveySchemaError(
                    f"parcels {values['parcel_id']}: {name} takes {width} bytes in {schema.path.name}, but "
                    f"{value!r} is {len(value.encode(schema.encoding))} in {schema.encoding.upper()}; shorten it, or export without --like"
                )
        rows.append(row)

    with tempfile.TemporaryDirectory(prefix=f".{dest.name}.", dir=dest.parent) as tmp:
        written = Path(tmp) / dest.name
        with shapefile.Writer(str(written), shapeType=shapefile.POLYGON, encoding=schema.encoding) as writer:
            for name, kind, width, decimals in fields:
                writer.field(name, kind, size=width, decimal=decimals)
            for geometry, row in zip(parcels.geometry, rows):
                # Shapefile rings: outer clockwise, holes counter-clockwise.
                oriented = shapely.orient_polygons(geometry, exterior_cw=True)
                rings = [np.asarray(ring.coords)[:, :2].tolist() for polygon in shapely.get_parts(oriented) for ring in [polygon.exterior, *polygon.interiors]]
                writer.poly(rings)
                writer.record(*row)
        written.with_suffix(".cpg").write_bytes(schema.cpg if schema.cpg is not None else schema.encoding.upper().encode("ascii"))
        if schema.prj is not None:
            written.with_suffix(".prj").write_bytes(schema.prj)
        elif parcels.crs is not None:
            written.with_suffix(".prj").write_text(parcels.crs.to_wkt("WKT1_ESRI"), encoding="ascii")
        for suffix in _SIDECARS:  # stale parts of an older export must not mix with the new
            dest.with_suffix(suffix).unlink(missing_ok=True)
        for part in Path(tmp).iterdir():
            os.replace(part, dest.with_name(part.name))
    return dest
