"""Shift this Python process's clock when LDKIT_TEST_NOW is set (the date matrix, the `clock` fixture).

On PYTHONPATH, this file runs at the start of every Python process under test — pytest, `python -m ldkit`
subprocesses, kernels, workers — so all of them agree on one shifted clock. The first process writes the real
instant it started into LDKIT_TEST_CLOCK_ANCHOR; its children inherit it, so every process reads
LDKIT_TEST_NOW + (real now - anchor): two kernels saving in turn stamp their records in the order they saved.
"""
import os

_target = os.environ.get("LDKIT_TEST_NOW")
if _target:
    try:
        import time_machine as _time_machine
    except ImportError:  # a Python without the test extra (the system's): its clock stays as it is
        _time_machine = None
if _target and _time_machine is not None:
    import datetime as _dt
    import time as _time

    _anchor = float(os.environ.setdefault("LDKIT_TEST_CLOCK_ANCHOR", repr(_time.time())))
    _start = _dt.datetime.fromisoformat(_target.replace("Z", "+00:00"))
    if _start.tzinfo is None:
        _start = _start.replace(tzinfo=_dt.timezone.utc)
    _offset = _start.timestamp() - _anchor

    def _real() -> float:
        hatch = _time_machine.escape_hatch
        return hatch.time.time() if hatch.is_travelling() else _time.time()

    def _travel():
        # an epoch number, not a datetime: time-machine then leaves TZ (the zone the test chose) alone
        traveller = _time_machine.travel(_real() + _offset, tick=True)
        traveller.start()
        return traveller

    # the first start pays for time-machine's patching (milliseconds on a busy machine), which would put this
    # process behind its siblings: start again, warm, until the clock is where it should be
    _traveller = _travel()
    for _ in range(3):
        if abs(_time.time() - (_real() + _offset)) < 5e-5:
            break
        _traveller.stop()
        _traveller = _travel()
