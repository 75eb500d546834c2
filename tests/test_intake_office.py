"""Real office files: imports that never lose a parcel, CAD drawings, odd encodings (issue 9)."""

from __future__ import annotations

import geopandas as gpd
import pyogrio
import shapely

from intake_helpers import file_bytes, survey_frame, write_shapefile
from zonemap import store


def _refused(result, *words):
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    last = result.stderr.strip().splitlines()[-1]
    for expected in words:
        assert expected in last, last
    return last


def test_a_filter_that_matches_nothing_never_empties_the_layer(cli, sample_copy, tmp_path):
    path = write_shapefile(survey_frame(sample_copy), tmp_path / "survey.shp", encoding="UTF-8")
    before = file_bytes(sample_copy)
    result = cli("import", sample_copy, path, "--mode", "replace", "--where", "ZT = '已出让'")
    _refused(result, "survey.shp", "yields no parcels", "matched 0 of 15", "nothing was written")
    assert "read survey.shp layer survey: 0 features" in result.stderr  # the summary comes first
    assert file_bytes(sample_copy) == before


def test_every_import_says_what_it_read_before_writing(cli, sample_copy, tmp_path):
    path = write_shapefile(survey_frame(sample_copy), tmp_path / "survey.shp", encoding="UTF-8")
    result = cli("import", sample_copy, path, "--where", "ZT <> '未开发'")
    assert result.returncode == 0, result.stderr
    kept = int((survey_frame(sample_copy)["ZT"] != "未开发").sum())
    assert f"read survey.shp layer survey: {kept} features (Polygon ×{kept}); --where matched {kept} of 15" in result.stderr
    assert result.stderr.index("read survey.shp") < result.stderr.index("fields 字段")
