"""The test suite's own promise: under CI=true nothing that needs a browser or a database is skipped."""

from __future__ import annotations

import pytest

from tests.conftest import skip_or_fail


def test_a_missing_system_part_fails_under_ci_and_skips_elsewhere(monkeypatch):
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI=true needs it"):
        skip_or_fail("Debian chromium is not installed")
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception):
        skip_or_fail("Debian chromium is not installed")
