"""Investors (意向项目) and the land held for them (预留): recorded, staged, landed.

A prospect is a row of the ``prospects`` table, known by its name. It moves
through the stages 意向 → 洽谈 → 签约 → 落地 (or 放弃); when it lands it
becomes the tenant of its parcels in the same transaction. A hold keeps a
parcel for one prospect until a date: ``remaining --need`` offers held land
only to that prospect. Every change goes through
:func:`~zonemap.intake.changes.zone_change`, so it is atomic, validated and
written to ``history`` (field ``prospects.*`` or ``holds.*``, note
``prospect NAME``).

Examples
--------
>>> parse_stage("洽谈"), parse_stage("Signed"), parse_stage("sold")
('negotiating', 'signed', None)
>>> parse_date("2026/12/31", "--until")
'2026-12-31'
"""

from __future__ import annotations

import difflib
import os
import re
from datetime import date

import numpy as np
import pandas as pd

from zonemap import store
from zonemap.errors import ZonemapError
from zonemap.i18n import Phrase
from zonemap.intake.changes import Change, zone_change
from zonemap.units import from_m2, share_by_area

#: A prospect's stages, in the order a project moves through them.
STAGES: tuple[str, ...] = ("intent", "negotiating", "signed", "landed", "dropped")
#: Stages of a prospect still looking for land: it may hold land and be offered sites.
OPEN_STAGES: tuple[str, ...] = ("intent", "negotiating", "signed")
#: What planners write for each stage, besides its code (labels are in :mod:`zonemap.i18n`).
STAGE_ALIASES: dict[str, tuple[str, ...]] = {
    "intent": ("意向", "有意向", "初步意向"),
    "negotiating": ("洽谈", "洽谈中", "在谈", "negotiation"),
    "signed": ("签约", "已签约", "签订"),
    "landed": ("落地", "已落地", "入驻", "已入驻"),
    "dropped": ("放弃", "已放弃", "终止", "drop"),
}
_STAGE_OF = {alias.casefold(): stage for stage, aliases in STAGE_ALIASES.items() for alias in (stage, *aliases)}
#: Fields a planner sets on a prospect (besides its name): prospects-table field → kind.
FIELDS: dict[str, str] = {
    "industry": "text",
    "stage": "stage",
    "investment_wan": "number",
    "need_mu": "number",
    "intensity_wan_per_mu": "number",
    "parcel_id": "parcel",
    "buildings": "text",
    "contact": "text",
    "since": "date",
    "note": "text",
}


class ProspectError(ZonemapError):
    """A prospect or hold change that cannot be made as asked; nothing was written."""


def parse_stage(value: object) -> str | None:
    """The stage code for a value written in Chinese or English, else None."""
    return _STAGE_OF.get(value.strip().casefold()) if isinstance(value, str) else None


def parse_date(value: object, what: str) -> str:
    """``value`` (YYYY-MM-DD, YYYY/MM/DD, YYYY.MM.DD or a date) as ISO text, or a one-line error naming ``what``."""
    if isinstance(value, date):
        return value.isoformat()[:10]
    match = re.fullmatch(r"\s*(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?\s*", str(value))
    try:
        return date(*map(int, match.groups())).isoformat() if match else date.fromisoformat(str(value)).isoformat()
    except (ValueError, TypeError):
        raise ProspectError(code="refuse.not_a_date", what=what, value=value) from None


def _clean(fields: dict[str, object]) -> dict[str, object]:
    """The given fields (None = not given) in their stored form; '' clears a text or number."""
    cleaned = {}
    for field, value in fields.items():
        if value is None:
            continue
        kind = FIELDS[field]
        if isinstance(value, str) and not value.strip() and kind != "stage":
            cleaned[field] = None
        elif kind == "stage":
            stage = parse_stage(value)
            if stage is None:
                raise ProspectError(f"--stage {value}: not a stage; use one of {', '.join(STAGES)} (or 意向 / 洽谈 / 签约 / 落地 / 放弃)")
            cleaned[field] = stage
        elif kind == "number":
            number = float(value)
            if not number >= 0:
                raise ProspectError(code="refuse.not_negative", option=f"--{field.split('_')[0]}", value=value)
            cleaned[field] = number
        elif kind == "date":
            cleaned[field] = parse_date(value, f"--{field}")
        else:
            cleaned[field] = str(value).strip()
    return cleaned


def _stage(stage: str) -> Phrase | str:
    """A closed stage by its name in the sentence's language (a value the table does not know, as stored)."""
    return Phrase(f"refuse.stage.{stage}") if stage in ("landed", "dropped") else stage


def _missing(kind: str, name: str, known: list[str], zone) -> ProspectError:
    """The error for a ``kind`` (prospect, parcel, hold) not among ``known``: how many there are, and the closest."""
    close = difflib.get_close_matches(name, known, n=2, cutoff=0.4)
    kinds = Phrase(f"refuse.kinds.{kind}")
    if known:
        listing = Phrase("refuse.listing", {"count": len(known), "kinds": kinds, "names": ", ".join(known[:6]), "more": "…" if len(known) > 6 else ""})
    else:
        listing = Phrase("refuse.listing_none", {"kinds": kinds})
    names = repr(close[0]) if close else ""
    for other in close[1:]:
        names = Phrase("refuse.or", {"a": names, "b": repr(other)})
    hint = Phrase("refuse.did_you_mean", {"names": names}) if close else ""
    fix = Phrase("refuse.add_prospect", {"zone": zone, "name": name}) if kind == "prospect" and not close else ""
    return ProspectError(code="refuse.no_such", zone=zone, kind=Phrase(f"refuse.kind.{kind}"), name=name, listing=listing, hint=hint, fix=fix)


def _row(prospects: pd.DataFrame, name: str, zone) -> int:
    """Position of prospect ``name``, or a one-line error listing the known ones."""
    names = prospects["name"].astype(str).str.strip()
    matches = np.flatnonzero((names == name.strip()).to_numpy())
    if len(matches) == 0:
        raise _missing("prospect", name, names.tolist(), zone)
    return int(matches[0])


def _parcel_rows(parcels: pd.DataFrame, parcel_ids: list[str], zone) -> list[int]:
    ids = parcels["parcel_id"].astype(str)
    rows = []
    for pid in parcel_ids:
        matches = np.flatnonzero((ids == pid).to_numpy())
        if len(matches) == 0:
            raise _missing("parcel", pid, sorted(ids), zone)
        rows.append(int(matches[0]))
    return rows


def _write(change: Change, layer: str, frame: pd.DataFrame) -> None:
    """Write a table with the field types of its schema (a table written empty may have lost them)."""
    change.write(layer, frame.astype({field: dtype for field, dtype in store.SCHEMA[layer].items() if field in frame}))


def _value(frame: pd.DataFrame, row: int, field: str):
    value = frame[field].iloc[row]
    return None if pd.isna(value) else value


def _put(frame: pd.DataFrame, row: int, field: str, value) -> None:
    frame.iloc[row, frame.columns.get_loc(field)] = np.nan if value is None else value


def _apply(change: Change, prospects: pd.DataFrame, row: int, fields: dict, zone) -> list[tuple[str, object, object]]:
    """Set ``fields`` on prospect ``row``, each change recorded; returns (field, old, new)."""
    if fields.get("parcel_id"):
        _parcel_rows(change.read("parcels"), [fields["parcel_id"]], zone)
    name = prospects["name"].iloc[row]
    changes = []
    for field, new in fields.items():
        old = _value(prospects, row, field)
        if old != new:
            changes.append((field, old, new))
            _put(prospects, row, field, new)
            change.record(_value(prospects, row, "parcel_id"), "update", f"prospects.{field}", old, new, f"prospect {name}")
    if changes:
        _put(prospects, row, "updated", change.at.date().isoformat())
    return changes


def add_prospect(zone: str | os.PathLike, name: str, *, by: str | None = None, **fields) -> dict:
    """Record a new prospect (stage ``intent`` unless given); returns its fields.

    ``fields`` are those of :data:`FIELDS` (``None`` = not given).
    """
    name = name.strip()
    if not name:
        raise ProspectError(code="refuse.prospect_name")
    fields = {"stage": "intent", **_clean(fields)}
    with zone_change(zone, by=by) as change:
        prospects = change.read("prospects")
        if (prospects["name"].astype(str).str.strip() == name).any():
            raise ProspectError(code="refuse.prospect_exists", zone=zone, name=name)
        if fields.get("parcel_id"):
            _parcel_rows(change.read("parcels"), [fields["parcel_id"]], zone)
        fields.setdefault("since", change.at.date().isoformat())
        row = {**fields, "name": name, "updated": change.at.date().isoformat()}
        added = pd.DataFrame([row], columns=prospects.columns).astype(prospects.dtypes.to_dict())
        change.record(fields.get("parcel_id"), "create", "prospects", None, name, f"prospect {name}: {fields['stage']}")
        _write(change, "prospects", pd.concat([prospects, added], ignore_index=True) if len(prospects) else added)
    return row


def set_prospect(zone: str | os.PathLike, name: str, *, by: str | None = None, **fields) -> list[tuple[str, object, object]]:
    """Change fields of prospect ``name``; returns (field, old, new) for each change.

    Moving it to ``landed`` is :func:`land_prospect` (it needs parcels);
    moving it to ``dropped`` releases its holds, as :func:`drop_prospect` does.
    """
    fields = _clean(fields)
    if fields.get("stage") == "landed":
        raise ProspectError(code="refuse.set_landed", zone=zone, name=name)
    with zone_change(zone, by=by) as change:
        prospects = change.read("prospects")
        row = _row(prospects, name, zone)
        changes = _apply(change, prospects, row, fields, zone)
        if not changes:
            change.discard()
            return []
        if fields.get("stage") == "dropped":
            _release(change, lambda holds: holds["prospect"] == prospects["name"].iloc[row], "prospect dropped")
        _write(change, "prospects", prospects)
    return changes


def drop_prospect(zone: str | os.PathLike, name: str, *, note: str | None = None, by: str | None = None) -> list[tuple[str, object, object]]:
    """Mark prospect ``name`` as dropped (放弃), keeping its record, and release its holds."""
    return set_prospect(zone, name, stage="dropped", note=note, by=by)


def land_prospect(zone: str | os.PathLike, name: str, parcel_ids: list[str], *, by: str | None = None) -> list[tuple[str, str, object, object]]:
    """Let ``parcel_ids`` to prospect ``name``: they become its tenant land, it becomes ``landed``.

    One transaction: each parcel's status becomes ``tenant`` and its tenant
    the prospect's name; the prospect's investment is shared among the
    parcels by area; its holds are released. History rows on both sides
    name the other. Returns (parcel or prospect name, field, old, new).
    """
    from zonemap.areas import areas_m2

    if not parcel_ids:
        raise ProspectError(code="refuse.land_parcels")
    with zone_change(zone, by=by) as change:
        prospects, parcels = change.read("prospects"), change.read("parcels")
        row = _row(prospects, name, zone)
        name = str(prospects["name"].iloc[row])
        stage = _value(prospects, row, "stage")
        if stage not in OPEN_STAGES:
            raise ProspectError(code="refuse.closed_land", zone=zone, name=name, stage=_stage(stage))
        rows = _parcel_rows(parcels, parcel_ids, zone)
        held = change.read("holds")
        for pid, r in zip(parcel_ids, rows):
            status, tenant = _value(parcels, r, "status"), _value(parcels, r, "tenant")
            if status == "tenant":
                raise ProspectError(code="refuse.land_let", zone=zone, parcel=pid, tenant=tenant, name=name)
            others = held[(held["parcel_id"] == pid) & (held["prospect"] != name)]
            if len(others):
                raise ProspectError(code="refuse.land_held", zone=zone, parcel=pid, other=others["prospect"].iloc[0], until=others["until"].iloc[0])
        area = areas_m2(parcels.geometry.to_numpy()[rows], parcels.crs)
        investment = _value(prospects, row, "investment_wan")
        done = []
        shares = [None] * len(rows) if investment is None else share_by_area(float(investment), area)
        for pid, r, m2, share in zip(parcel_ids, rows, area, shares):
            for field, new in (("status", "tenant"), ("tenant", name), ("investment_wan", share)):
                old = _value(parcels, r, field)
                if new is not None and old != new:
                    _put(parcels, r, field, new)
                    change.record(pid, "update", field, old, new, f"prospect {name} landed ({from_m2(float(m2), 'mu'):.2f} mu)")
                    done.append((pid, field, old, new))
            parcels.iloc[r, parcels.columns.get_loc("updated")] = pd.Timestamp(change.at)
        for field, old, new in _apply(change, prospects, row, {"stage": "landed"}, zone):
            done.append((name, field, old, new))
        _put(prospects, row, "parcel_id", parcel_ids[0])  # the link both ways is the history row below and the parcels' tenant
        change.record(parcel_ids[0], "update", "prospects.parcels", None, ",".join(parcel_ids), f"prospect {name} landed: tenant of these parcels")
        done.append((name, "parcels", None, ",".join(parcel_ids)))
        _release(change, lambda holds: holds["prospect"] == name, f"prospect {name} landed")
        change.write("parcels", parcels)
        _write(change, "prospects", prospects)
    return done


def prospect_table(zone) -> list[dict]:
    """Every prospect as a dict of its fields (None where empty), with its holds."""
    holds = zone.holds
    rows = []
    for record in zone.prospects.to_dict("records"):
        prospect = {field: (None if not isinstance(v, str) and pd.isna(v) else v) for field, v in record.items()}
        mine = holds[holds["prospect"] == prospect["name"]]
        prospect["holds"] = [{"parcel_id": p, "until": u} for p, u in zip(mine["parcel_id"], mine["until"])]
        rows.append(prospect)
    return rows


# --- holds (预留) -----------------------------------------------------------


def _release(change: Change, which, reason: str) -> list[str]:
    """Remove the holds ``which(holds)`` selects, each recorded; returns their parcel ids."""
    holds = change.read("holds")
    if len(holds) == 0:
        return []
    chosen = which(holds).to_numpy(dtype=bool)
    if not chosen.any():
        return []
    for pid, prospect, until in holds.loc[chosen, ["parcel_id", "prospect", "until"]].itertuples(index=False):
        change.record(pid, "delete", "holds.prospect", prospect, None, f"prospect {prospect}: hold until {until} released ({reason})")
    _write(change, "holds", holds[~chosen].reset_index(drop=True))
    return holds.loc[chosen, "parcel_id"].astype(str).tolist()


def hold_parcels(
    zone: str | os.PathLike, parcel_ids: list[str], *, prospect: str, until: str, note: str | None = None, by: str | None = None
) -> list[tuple[str, str | None, str]]:
    """Hold ``parcel_ids`` for ``prospect`` until ``until``; returns (parcel, old until, new until).

    Refused: an unknown, landed or dropped prospect; a parcel let to a
    tenant; a parcel held for another prospect (release that hold first).
    Holding again for the same prospect moves the date.
    """
    until = parse_date(until, "--until")
    with zone_change(zone, by=by) as change:
        prospects, parcels, holds = change.read("prospects"), change.read("parcels"), change.read("holds")
        row = _row(prospects, prospect, zone)
        prospect = str(prospects["name"].iloc[row])
        stage = _value(prospects, row, "stage")
        if stage not in OPEN_STAGES:
            raise ProspectError(code="refuse.closed_hold", zone=zone, name=prospect, stage=_stage(stage))
        done = []
        for pid, r in zip(parcel_ids, _parcel_rows(parcels, parcel_ids, zone)):
            if _value(parcels, r, "status") == "tenant":
                raise ProspectError(code="refuse.hold_let", zone=zone, parcel=pid, tenant=_value(parcels, r, "tenant"))
            existing = np.flatnonzero((holds["parcel_id"] == pid).to_numpy())
            if len(existing) and holds["prospect"].iloc[existing[0]] != prospect:
                other, other_until = holds["prospect"].iloc[existing[0]], holds["until"].iloc[existing[0]]
                raise ProspectError(code="refuse.already_held", zone=zone, parcel=pid, other=other, until=other_until)
            if len(existing):
                old = holds["until"].iloc[existing[0]]
                if old != until:
                    holds.iloc[existing[0], holds.columns.get_loc("until")] = until
                    change.record(pid, "update", "holds.until", old, until, f"prospect {prospect}: hold moved")
                    done.append((pid, old, until))
                continue
            held = {"parcel_id": pid, "prospect": prospect, "until": until, "since": change.at.date().isoformat(), "note": note}
            holds = pd.concat([holds, pd.DataFrame([held], columns=holds.columns)], ignore_index=True) if len(holds) else pd.DataFrame([held], columns=holds.columns)
            change.record(pid, "create", "holds.prospect", None, prospect, f"prospect {prospect}: held until {until}")
            done.append((pid, None, until))
        if not done:
            change.discard()
            return []
        _write(change, "holds", holds)
    return done


def release_parcels(
    zone: str | os.PathLike, parcel_ids: list[str] | None = None, *, prospect: str | None = None, by: str | None = None
) -> list[str]:
    """Release the holds on ``parcel_ids``, or every hold of ``prospect``; returns the parcels released."""
    if not parcel_ids and not prospect:
        raise ProspectError(code="refuse.release_what")
    with zone_change(zone, by=by) as change:
        holds = change.read("holds")
        if prospect:
            prospect = str(change.read("prospects")["name"].iloc[_row(change.read("prospects"), prospect, zone)])
        for pid in parcel_ids or []:
            if not (holds["parcel_id"] == pid).any():
                raise _missing("hold", pid, holds["parcel_id"].astype(str).tolist(), zone)

        def which(frame: pd.DataFrame) -> pd.Series:
            chosen = frame["parcel_id"].isin(parcel_ids) if parcel_ids else pd.Series(True, index=frame.index)
            return chosen & (frame["prospect"] == prospect) if prospect else chosen

        released = _release(change, which, "released")
        if not released:
            change.discard()
    return released


def held_parcels(zone, *, prospect: str | None = None) -> set[str]:
    """Ids of the parcels held for any prospect other than ``prospect`` (all holds when None)."""
    holds = zone.holds
    if prospect is not None:
        holds = holds[holds["prospect"] != prospect]
    return set(holds["parcel_id"].dropna().astype(str))
