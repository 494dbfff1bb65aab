"""Shift this Python process's clock when LDKIT_TEST_NOW is set (the date matrix in .ci/run).

On PYTHONPATH, this file runs at the start of every Python process under test — pytest, `python -m ldkit`
subprocesses, kernels, workers — so all of them agree on one shifted clock. The first process writes the real
instant it started into LDKIT_TEST_CLOCK_ANCHOR; its children inherit it and start at the same offset, so a child
started ten seconds later is ten seconds later on the shifted clock too.
"""
import os

_target = os.environ.get("LDKIT_TEST_NOW")
if _target:
    import datetime as _dt
    import time as _time

    import time_machine as _time_machine

    _anchor = float(os.environ.setdefault("LDKIT_TEST_CLOCK_ANCHOR", repr(_time.time())))
    _start = _dt.datetime.fromisoformat(_target.replace("Z", "+00:00"))
    if _start.tzinfo is None:
        _start = _start.replace(tzinfo=_dt.timezone.utc)
    # an epoch number, not a datetime: time-machine then leaves TZ (the zone the test chose) alone
    _time_machine.travel(_start.timestamp() + _time.time() - _anchor, tick=True).start()
