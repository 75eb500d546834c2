"""Source fields to zone fields: pinyin and Chinese names recognised, values made canonical.

Survey institutes name fields by pinyin initials (``DKBH`` 地块编号,
``ZT`` 状态, ``QYMC`` 企业名称, ``TZE`` 投资额) or in Chinese, and write
statuses in Chinese. :func:`map_fields` finds each zone field in a source
(``--map`` first, then the names below), and converts the values; a status
no alias matches is refused naming the value and the features.

Examples
--------
>>> import pandas as pd
>>> frame = pd.DataFrame({"DKBH": ["A1"], "ZT": ["已入驻"], "QYMC": ["厚翔服装厂"]})
>>> mapped = map_fields(frame, "parcels", source_name="plan.shp")
>>> mapped.columns.tolist(), mapped.loc[0, "status"]
(['parcel_id', 'status', 'tenant'], 'tenant')
"""

from __future__ import annotations

import difflib

import numpy as np
import pandas as pd

from zonemap.errors import ZonemapError
from zonemap.intake.sources import features_text
from zonemap.ids import normalise_id
from zonemap.limits import FIELD_KINDS, MAXIMA, number_problem
from zonemap.status import STATUS_ALIASES
from zonemap.store import SCHEMA

#: Zone field → the 10-byte name it takes in a shapefile (names that fit keep theirs).
SHP_FIELD_NAMES: dict[str, str] = {
    "investment_wan": "invest_wan",
    "infrastructure_wan": "infra_wan",
    "building_id": "bldg_id",
    "floor_area_m2": "floor_m2",
}

#: Other names sources use for each zone field, per layer (matched ignoring case).
FIELD_ALIASES: dict[str, dict[str, tuple[str, ...]]] = {
    "parcels": {
        "parcel_id": ("DKBH", "地块编号", "地块号", "编号", "ZDH", "宗地号", "ZDBH", "宗地编号", "label", "Name"),
        "status": ("ZT", "状态", "现状", "开发状态", "用地状态", "KFZT"),
        "tenant": ("QYMC", "企业名称", "企业", "入驻企业", "DWMC", "单位名称", "QLR", "权利人"),
        "investment_wan": ("TZE", "投资额", "投资额万元", "投资", "TZJE"),
        "land_use": ("YDXZ", "用地性质", "DLBM", "地类编码", "用途"),
        "note": ("BZ", "备注", "说明", "备注1", "BZXX"),
    },
    "boundary": {"name": ("MC", "名称"), "planned_mu": ("GHMJ", "规划面积")},
    "roads": {"name": ("DLMC", "道路名称", "名称", "MC"), "width_m": ("KD", "宽度", "DLKD")},
    "buildings": {
        "building_id": ("JZBH", "建筑编号", "编号", "label"),
        "name": ("JZMC", "建筑名称", "MC", "名称", "Name"),
        "floors": ("CS", "层数", "JZCS"),
        "floor_area_m2": ("JZMJ", "建筑面积", "ZDMJ", "占地面积"),
        "use": ("SYZT", "使用状态", "ZT", "状态", "现状"),
        "parcel_id": ("DKBH", "地块编号"),
    },
}

#: Values sources write for each building use (matched ignoring case).
USE_ALIASES: dict[str, tuple[str, ...]] = {
    "in_use": ("in_use", "在用", "使用中", "生产", "生产中", "使用", "已使用", "in use", "used"),
    "idle": ("idle", "闲置", "空置", "停用", "停产", "未使用", "unused"),
}
#: Fields whose values are words from a fixed vocabulary: (layer, field) → canonical value → aliases.
VOCABULARIES: dict[tuple[str, str], dict[str, tuple[str, ...]]] = {
    ("parcels", "status"): STATUS_ALIASES,
    ("buildings", "use"): USE_ALIASES,
}


class FieldError(ZonemapError):
    """A field cannot be found in a source, or its values cannot be taken."""


def find_fields(columns: list[str], layer: str, explicit: dict[str, str] | None = None, *, source_name: str) -> dict[str, str]:
    """Zone field → source column, from ``explicit`` (``--map``) and the known names."""
    schema = SCHEMA[layer]
    by_folded = {str(c).casefold(): c for c in columns}
    found: dict[str, str] = {}
    for field, column in (explicit or {}).items():
        if field not in schema:
            raise FieldError(code="error.map_no_zone_field", field=field, column=column, layer=layer, fields=", ".join(schema))
        if column.casefold() not in by_folded:
            raise FieldError(code="error.map_no_source_field", field=field, column=column, source=source_name,
                             fields=", ".join(map(str, columns)))
        found[field] = by_folded[column.casefold()]
    taken = set(found.values())
    for field in schema:
        if field in found:
            continue
        names = (field, SHP_FIELD_NAMES.get(field, field), *FIELD_ALIASES.get(layer, {}).get(field, ()))
        for name in names:
            column = by_folded.get(name.casefold())
            if column is not None and column not in taken:
                found[field] = column
                taken.add(column)
                break
    return found


def _text(values: pd.Series) -> pd.Series:
    def one(value):
        if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NaT:
            return None
        if isinstance(value, (float, np.floating)) and float(value).is_integer():
            value = int(value)  # ids stored as numbers: 101.0 → "101"
        text = str(value).strip()
        return text or None

    return values.map(one).astype(object)


def closest_word(value: str, vocabulary: dict[str, tuple[str, ...]] = STATUS_ALIASES) -> str | None:
    """The known word most like ``value`` (``已入住`` → ``已入驻``), or None when none is close.

    >>> closest_word("已入住"), closest_word("已开发完成"), closest_word("待定")
    ('已入驻', '已开发', None)
    """
    words = [alias for aliases in vocabulary.values() for alias in aliases]
    found = difflib.get_close_matches(value.strip(), words, n=1, cutoff=0.5)
    return found[0] if found else None


def _words(values: pd.Series, column: str, source_name: str, vocabulary: dict[str, tuple[str, ...]], what: str,
           named=features_text) -> pd.Series:
    """Canonical values of a vocabulary; every unknown value is refused at once, with its count and the closest known one."""
    lookup = {alias.casefold(): value for value, aliases in vocabulary.items() for alias in aliases}
    text = _text(values)
    parsed = text.map(lambda v: None if v is None else lookup.get(v.strip().casefold()))
    unknown = text.notna() & parsed.isna()
    if unknown.any():
        parts = []
        for value, count in text[unknown].value_counts(sort=True).items():
            rows = np.flatnonzero((text == value).to_numpy())
            guess = closest_word(value, vocabulary)
            parts.append(f"{value!r} ×{count} ({named(rows)}{f'; did you mean {guess}?' if guess else ''})")
        accepted = " / ".join(aliases[1] for aliases in vocabulary.values())
        several = f"{len(parts)} unknown {what} values" if len(parts) > 1 else f"unknown {what}"
        raise FieldError(
            f"{source_name}: {several} in field {column}: {', '.join(parts)}; "
            f"use {accepted} (or {' / '.join(vocabulary)}), or correct the source"
        )
    return parsed.astype(object)


def _numbers(values: pd.Series, column: str, source_name: str, kind: str = "area", named=features_text) -> pd.Series:
    cleaned = values.map(lambda v: v.replace(",", "").strip() if isinstance(v, str) else v)
    cleaned = cleaned.map(lambda v: None if v == "" else v)
    numbers = pd.to_numeric(cleaned, errors="coerce")
    bad = cleaned.notna() & numbers.isna()
    if bad.any():
        rows = np.flatnonzero(bad.to_numpy())
        raise FieldError(
            f"{source_name}: field {column} holds {cleaned[bad].iloc[0]!r} ({named(rows)}), not a number; "
            "correct the source or leave the value empty"
        )
    numbers = numbers.astype("float64")
    maximum = MAXIMA[kind]
    values_ = numbers.to_numpy()
    wrong = np.flatnonzero(numbers.notna().to_numpy() & ~(np.abs(values_) <= maximum))  # NaN fails <= too
    if len(wrong):
        problem = number_problem(float(values_[wrong[0]]), kind, minimum=-maximum)
        raise FieldError(
            f"{source_name}: field {column} holds {cleaned.iloc[wrong[0]]!r} ({named(wrong)}), which {problem}; "
            "correct the source or leave the value empty"
        )
    return numbers


def map_fields(frame: pd.DataFrame, layer: str, explicit: dict[str, str] | None = None, *, source_name: str, named=features_text) -> pd.DataFrame:
    """The zone fields found in ``frame``, renamed and converted to the zone's types.

    Only fields the source has come back, so an update can tell "absent"
    from "empty". ``named(rows)`` names source rows in messages.
    """
    fields = find_fields([c for c in frame.columns if c != frame.geometry.name] if hasattr(frame, "geometry") else list(frame.columns), layer, explicit, source_name=source_name)
    out = pd.DataFrame(index=frame.index)
    for field, column in fields.items():
        values, dtype = frame[column], SCHEMA[layer][field]
        if (layer, field) in VOCABULARIES:
            out[field] = _words(values, column, source_name, VOCABULARIES[layer, field], field.replace("_", " "), named)
        elif dtype == "float64":
            out[field] = _numbers(values, column, source_name, FIELD_KINDS.get(field, "area"), named)
        elif dtype == "Int32":
            out[field] = _numbers(values, column, source_name, FIELD_KINDS.get(field, "area"), named).round().astype("Int32")
        elif dtype.startswith("datetime"):
            out[field] = pd.to_datetime(values, errors="coerce").astype(dtype)
        elif field.endswith("_id"):  # parcel_id, building_id, zone_id: see zonemap.ids
            out[field] = _text(values).map(lambda v: (normalise_id(v) or None) if isinstance(v, str) else None).astype(object)
        else:
            out[field] = _text(values)
    out.attrs["fields"] = fields
    return out
