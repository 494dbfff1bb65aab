"""Run failures are typed (an enum kind) and travel between processes (a Dask task returns them)."""
import json
import pickle
from dataclasses import asdict

from ldkit.model.failure import FailureKind, RunFailure


def test_a_failure_pickles_and_reads_as_before_in_json():
    failure = RunFailure(FailureKind.ERROR, "failed at cell 2: ValueError: x", cell=2)
    assert pickle.loads(pickle.dumps(failure)) == failure
    assert json.loads(json.dumps(asdict(failure))) == {"kind": "error", "message": "failed at cell 2: ValueError: x",
                                                       "cell": 2}
    assert failure.ran and not RunFailure(FailureKind.NOT_RUN, "not run: too large").ran
