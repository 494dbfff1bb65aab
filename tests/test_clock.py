"""The test clock (conftest.Clock): a test that pins the clock in a zone leaves no zone behind for the next test.

A zone left behind made main's suite fail for one hour a week: after a test pinned Europe/Berlin, `ldkit new` in
a later test read "today" in Berlin (Monday, 2026-W50) while the outcome check read it in UTC (Sunday, W49)."""
import os
import time

import pytest


@pytest.fixture
def zone_after_the_clock():
    """Set up before `clock`, so torn down after it: the zone as the next test would find it."""
    before = os.environ.get("TZ"), time.tzname
    yield
    assert (os.environ.get("TZ"), time.tzname) == before, "the clock left its zone behind"


@pytest.mark.parametrize("tz", ["Europe/Berlin", "Asia/Tokyo", "America/Los_Angeles"])
def test_a_pinned_zone_is_gone_after_the_test(zone_after_the_clock, clock, tz):
    clock.at("2026-12-06T23:30:00Z", tz=tz)
    clock.at("2026-12-03T15:00:00Z", tz=tz)  # pinned twice: still one original to go back to
    assert os.environ["TZ"] == tz and time.localtime().tm_zone != "UTC"
