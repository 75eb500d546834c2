"""The dask engine on a real local dask cluster gives the in-memory engine's answers."""

from __future__ import annotations

import json

import pandas as pd
import pytest
import shapely

import zonemap
from benchmarks.generate import build_layers, generate
from zonemap import partitioned, store

from conftest import MU, geodesic_m2

distributed = pytest.importorskip("distributed")

#: Small partitions, so 800 parcels make 4 of them and problems straddle partitions.
PARTITION = 200


@pytest.fixture(scope="module")
def client():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None) as cluster:
        with distributed.Client(cluster) as client:
            yield client


@pytest.fixture(scope="module")
def damaged(tmp_path_factory):
    """A generated zone of 800 parcels with problems in different partitions."""
    layers = build_layers(800, seed=11)
    parcels = layers["parcels"].copy()
    parcels.loc[650, "parcel_id"] = parcels.loc[10, "parcel_id"]  # a duplicate across partitions
    parcels.loc[420, "parcel_id"] = None  # missing: reported by its position in the whole layer, #421
    parcels.loc[230, "status"] = "sold"
    parcels.loc[500, ["status", "tenant"]] = ["tenant", None]
    parcels.loc[300, "geometry"] = shapely.buffer(parcels.loc[300, "geometry"], 0.5, join_style="mitre")
    x0, y0, x1, y1 = parcels.loc[700, "geometry"].bounds
    parcels.loc[700, "geometry"] = shapely.Polygon([(x0, y0), (x1, y1), (x1, y0), (x0, y1)])  # a bow-tie
    path = tmp_path_factory.mktemp("partitioned") / "damaged.gpkg"
    with store.transaction(path, create=True) as txn:
        for name, frame in {**layers, "parcels": parcels}.items():
            txn.write(name, frame)
    return path


def _problems(problems) -> list[dict]:
    return sorted((p.to_dict() for p in problems), key=lambda p: json.dumps(p, ensure_ascii=False))


def test_validation_equals_the_in_memory_engine(client, damaged):
    with distributed.get_task_stream(client) as stream:
        found = partitioned.validate(zonemap.open(damaged), partition_features=PARTITION)
    assert len({task["key"] for task in stream.data}) >= 4  # the partitions ran on the cluster
    expected = zonemap.open(damaged).validate()
    assert _problems(found) == _problems(expected)
    codes = {(p.code, p.id) for p in found}
    assert ("missing_id", "#421") in codes and ("invalid_geometry", "P0000701") in codes
    assert any(code == "duplicate_id" for code, _ in codes) and any(code == "overlap" for code, _ in codes)


@pytest.mark.parametrize("by", ["status", "land_use", "tenant"])
def test_ledger_equals_the_in_memory_engine(client, damaged, by):
    with distributed.get_task_stream(client) as stream:
        found = partitioned.ledger(zonemap.open(damaged), unit="m2", by=by, partition_features=PARTITION)
    assert len(stream.data) >= 4
    expected = zonemap.open(damaged).areas(unit="m2", by=by)
    # Sums are added in another order, and areas projected about each partition's centre:
    # equal to a millionth of a square metre.
    assert pd.json_normalize(found).columns.tolist() == pd.json_normalize(expected).columns.tolist()
    for key, value in pd.json_normalize(found).iloc[0].items():
        target = pd.json_normalize(expected).iloc[0][key]
        assert value == (pytest.approx(target, abs=1e-6) if isinstance(value, float) else target), key


def test_cli_engine_dask_gives_the_same_json(cli, damaged):
    for command in (["validate"], ["areas", "--by", "land_use"]):
        memory = cli(*command, damaged, "--json")
        dask = cli(*command, damaged, "--json", "--engine", "dask")
        assert dask.returncode == memory.returncode
        a, b = json.loads(dask.stdout), json.loads(memory.stdout)
        if command == ["validate"]:
            assert a["errors"] == b["errors"] > 0
            assert sorted(map(json.dumps, a["problems"])) == sorted(map(json.dumps, b["problems"]))
        else:
            assert a["by_status"].keys() == b["by_status"].keys()
            assert a["remaining"] == pytest.approx(b["remaining"], abs=1e-6)


def test_scheduler_needs_the_dask_engine(cli):
    done = cli("validate", "--scheduler", "tcp://127.0.0.1:8786")
    assert done.returncode == 2 and "--engine dask" in done.stderr


def test_cli_dask_areas_and_remaining_equal_memory_and_geod(cli, tmp_path):
    """``areas --engine dask`` on local threads (no cluster) against the in-memory CLI and an independent Geod sum.

    ``remaining`` has no ``--engine`` (it reads the zone in memory): its figures are checked against the
    same independent sums, and the dask ledger's remaining/ready/raw against them too.
    """
    path = generate(60, tmp_path / "small.gpkg", seed=5)
    zone = zonemap.open(path)  # only to read the layers; every figure below is measured with conftest.geodesic_m2
    parcels = zone.parcels
    status_mu = {s: sum(geodesic_m2(g, zone.crs) for g in parcels.geometry[parcels["status"] == s]) / MU for s in ("developed", "vacant", "tenant")}
    boundary_mu = geodesic_m2(zone.boundary.geometry.iloc[0], zone.crs) / MU
    roads_mu = geodesic_m2(shapely.union_all(zone.roads.geometry.values), zone.crs) / MU
    unparcelled_mu = boundary_mu - sum(status_mu.values()) - roads_mu
    expected = {
        "remaining": boundary_mu - status_mu["tenant"] - roads_mu,
        "ready": status_mu["developed"],
        "raw": status_mu["vacant"] + unparcelled_mu,
        "developed_total": status_mu["developed"] + status_mu["tenant"],
    }
    assert all(status_mu.values()) and unparcelled_mu > 1  # every status present, and land left unparcelled

    runs = {engine: cli("areas", path, "--json", "--engine", engine) for engine in ("dask", "memory")}
    left = cli("remaining", path, "--json")
    for done in (*runs.values(), left):
        assert done.returncode == 0, done.stderr
    dask, memory, left = json.loads(runs["dask"].stdout), json.loads(runs["memory"].stdout), json.loads(left.stdout)
    for status, mu in status_mu.items():
        assert dask["by_status"][status]["area"] == pytest.approx(mu, abs=0.01), status
        assert dask["by_status"][status] == pytest.approx(memory["by_status"][status], abs=0.01)
    for key, mu in expected.items():
        assert dask[key] == pytest.approx(mu, abs=0.01), key
        assert dask[key] == pytest.approx(memory[key], abs=0.01), key
    for key in ("remaining", "ready", "raw"):
        assert left[key]["area"] == pytest.approx(expected[key], abs=0.01), key
