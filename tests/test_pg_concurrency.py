"""Many planners on one database zone: real processes, real row locks, real roles."""

from __future__ import annotations

import itertools
import os
import signal
import subprocess
import time

import pytest

import zonemap
from conftest import ZONEMAP
from zonemap import pgstore

_names = itertools.count()
LAYERS = ("boundary", "parcels", "roads", "buildings", "prospects", "history")


@pytest.fixture
def shared(postgis, monkeypatch):
    """The sample zone in the database, editable by ``planner`` and readable by ``reader``; returns its zone name."""
    monkeypatch.setenv("PGPASSWORD", postgis.env()["PGPASSWORD"])
    name = f"共享 '{next(_names)}'; $$"
    pgstore.push(zonemap.sample_path(), postgis.url(zone=name))
    with postgis.connect(autocommit=True) as db:
        schema = pgstore.DatabaseZone("", name)
        from psycopg import sql

        z = sql.Identifier(schema.zone)
        db.execute(sql.SQL("GRANT USAGE ON SCHEMA {} TO planner, reader").format(z))
        db.execute(sql.SQL("GRANT SELECT ON ALL TABLES IN SCHEMA {} TO reader").format(z))
        db.execute(sql.SQL("GRANT ALL ON ALL TABLES IN SCHEMA {} TO planner").format(z))
        db.execute(sql.SQL("GRANT ALL ON ALL SEQUENCES IN SCHEMA {} TO planner").format(z))
        db.execute("GRANT SELECT ON public.layer_styles TO reader")
        db.execute("GRANT ALL ON public.layer_styles TO planner")
        db.execute("GRANT pg_read_all_stats TO planner")  # to see since when another editor holds a parcel
    return name


def start(postgis, name: str, *args, user: str = "planner", wait: float = 60) -> subprocess.Popen:
    env = {**postgis.env(user), "ZONEMAP_LOCK_WAIT": str(wait)}
    return subprocess.Popen([*ZONEMAP, args[0], postgis.url(user, zone=name), *args[1:]], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def finish(process: subprocess.Popen) -> tuple[int, str, str]:
    out, err = process.communicate(timeout=300)
    return process.returncode, out, err


def zone_state(postgis, name: str) -> dict:
    """Every row of every layer (geometry as EWKB hex), for comparing the zone before and after."""
    from psycopg import sql

    with postgis.connect() as db:
        return {
            layer: db.execute(sql.SQL("SELECT to_jsonb(t) FROM {} t ORDER BY fid").format(sql.Identifier(name, layer))).fetchall()
            for layer in LAYERS
        }


def hold(postgis, name: str, parcel_id: str):
    """Another editor (as QGIS would) holding one parcel's row in an open transaction."""
    from psycopg import sql

    db = postgis.connect()
    db.execute("SET application_name = 'QGIS wang'")
    db.execute(sql.SQL("SELECT 1 FROM {} WHERE parcel_id = %s FOR UPDATE").format(sql.Identifier(name, "parcels")), (parcel_id,))
    return db


def waiting(postgis, count: int, timeout: float = 120) -> None:
    """Return once ``count`` zonemap sessions wait on a lock."""
    deadline = time.monotonic() + timeout
    with postgis.connect(autocommit=True) as db:
        while time.monotonic() < deadline:
            (n,) = db.execute("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND application_name LIKE 'zonemap%%'").fetchone()
            if n >= count:
                return
            time.sleep(0.2)
    raise AssertionError(f"{count} editors never waited on the held parcel")


def test_eight_planners_on_different_parcels_all_land(postgis, shared):
    parcels = ["A01", "A02", "A03", "A04", "B01", "B02", "C01", "C02"]
    editors = [start(postgis, shared, "set", pid, "--note", f"checked by {i}", "--by", f"规划员{i}") for i, pid in enumerate(parcels)]
    results = [finish(p) for p in editors]
    assert all(code == 0 for code, _, _ in results), [err for _, _, err in results]
    frame = zonemap.open(postgis.url(zone=shared)).parcels.set_index("parcel_id")
    for i, pid in enumerate(parcels):
        assert frame.at[pid, "note"] == f"checked by {i}"
    history = zonemap.open(postgis.url(zone=shared)).history
    assert sorted(history["by"]) == sorted(f"规划员{i} (planner)" for i in range(8))


def test_two_planners_on_one_parcel_one_lands_one_is_told(postgis, shared):
    holder = hold(postgis, shared, "C03")
    first = start(postgis, shared, "set", "C03", "--tenant", "甲厂", "--status", "tenant", "--by", "甲")
    second = start(postgis, shared, "set", "C03", "--tenant", "乙厂", "--status", "tenant", "--by", "乙")
    waiting(postgis, 2)  # both have read C03 and wait for it
    holder.rollback()
    holder.close()
    results = sorted([finish(first), finish(second)])
    (ok, _, _), (refused, _, message) = results
    assert (ok, refused) == (0, 1), results
    assert len(message.strip().splitlines()) == 1 and "parcel C03" in message and "changed by someone else" in message
    parcels = zonemap.open(postgis.url(zone=shared)).parcels.set_index("parcel_id")
    assert parcels.at["C03", "tenant"] in ("甲厂", "乙厂")
    history = zonemap.open(postgis.url(zone=shared)).history
    assert len(history) == 2  # status and tenant of the one that landed, nothing of the other


def test_a_held_parcel_is_a_conflict_naming_it_the_holder_and_since_when(postgis, shared):
    before = zone_state(postgis, shared)
    holder = hold(postgis, shared, "C03")
    try:
        code, _, err = finish(start(postgis, shared, "set", "C03", "--note", "x", wait=1))
    finally:
        holder.close()
    assert code == 1
    line = err.strip()
    assert len(line.splitlines()) == 1 and "Traceback" not in line
    assert "parcel C03 is being edited by database user zonemap_admin (QGIS wang) since 20" in line, line
    assert zone_state(postgis, shared) == before


def test_a_writer_killed_mid_transaction_leaves_the_zone_as_before(postgis, shared):
    before = zone_state(postgis, shared)
    holder = hold(postgis, shared, "B05")
    writer = start(postgis, shared, "split", "B05", "--mu", "3", "--side", "north")
    try:
        waiting(postgis, 1)  # it has moved B05's building and prospect, and waits to replace B05 itself
        with postgis.connect() as db:
            (wrote,) = db.execute("SELECT backend_xid IS NOT NULL FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND application_name LIKE 'zonemap%%'").fetchone()
        assert wrote  # the writer holds a transaction id: it had written rows when it was killed
        os.kill(writer.pid, signal.SIGKILL)
        writer.wait(timeout=60)
    finally:
        holder.rollback()
        holder.close()
    time.sleep(0.5)  # the server notices the dropped connection and rolls back
    assert zone_state(postgis, shared) == before


def test_a_read_only_role_reads_everything_and_is_refused_edits(postgis, shared, tmp_path):
    before = zone_state(postgis, shared)
    reading = (["info"], ["areas", "--json"], ["validate"], ["history"], ["remaining", "--need", "10"])
    editing = (["set", "C03", "--note", "x"], ["merge", "C04", "C05", "--id", "C45"])
    runs = [(args, start(postgis, shared, *args, user="reader")) for args in (*reading, *editing)]  # all at once
    for args, process in runs:
        code, _, err = finish(process)
        if args in reading:
            assert code == 0, f"{args[0]}: {err}"
        else:
            assert code == 1
            assert len(err.strip().splitlines()) == 1 and "read-only" in err and "reader" in err, err
    assert zone_state(postgis, shared) == before


def test_a_parcel_held_by_another_zonemap_edit_names_that_planner(postgis, shared):
    """The holder is a zonemap merge (as planner, --by 王工) that holds C04 while it waits for C05."""
    blocker = hold(postgis, shared, "C05")
    merging = start(postgis, shared, "merge", "C04", "C05", "--id", "C45", "--by", "王工")
    try:
        waiting(postgis, 1)  # the merge holds C04 and waits for C05
        code, _, err = finish(start(postgis, shared, "set", "C04", "--note", "x", "--by", "李工", wait=1))
    finally:
        blocker.rollback()
        blocker.close()
    assert finish(merging)[0] == 0
    assert code == 1
    assert "parcel C04 is being edited by database user planner (王工 (planner)) since 20" in err, err
