"""E-learning: applying pays synchronously at pay. Pay stopped, slow, or its breaker open: 503
with Retry-After and the seed's fallback message ("Pay service is busy, try again later"), fast,
and nothing stored anywhere; pay back: applications succeed again."""
import time

import pytest

from conftest import System, request, wait_for
from elearning import apply

COLLECTIONS = ("applies", "pays", "deliveries", "myPages")


@pytest.fixture(scope="module")
def elearning():
    system = System("elearning", [
        "--env", "pay:FAULT_CONTROL_ENABLED=true",
        "--env", "apply:CLIENTS_PAY_CIRCUIT_BREAKER_MINIMUM_CALLS=4",
        "--env", "apply:CLIENTS_PAY_CIRCUIT_BREAKER_WINDOW_SIZE=4",
    ])
    yield system
    system.close()


def totals(system):
    return system.totals(*COLLECTIONS)


def settled_totals(system):
    """The totals once the last accepted application reached delivery and MyPage."""
    def settled():
        t = totals(system)
        return t if t["applies"] == t["pays"] == t["deliveries"] == t["myPages"] else None
    return wait_for(settled, what="every application paid, delivered and on MyPage")


def set_faults(system, **faults):
    pay = system.instances("pay")[0]["port"]
    res = request(pay, "POST", "/actuator/faults", {k.replace("_", "-"): v for k, v in faults.items()})
    assert res.status == 200, res.body


def timed_apply(system, student):
    started = time.monotonic()
    res = apply(system, studentId=student)
    return res, time.monotonic() - started


def assert_busy(res):
    assert res.status == 503, res.body
    assert "Pay service is busy, try again later" in res.json()["message"]
    assert "retry-after" in res.headers


def test_pay_stopped_then_back(elearning):
    aid = apply(elearning).json()["id"]
    wait_for(lambda: f"application {aid} by" in elearning.service_log("apply-1"), what="log line")
    assert "CFG_SERVICE_TYPE=DEVELOP" in elearning.service_log("apply-1"), "DEVELOP unless the environment says"
    before = settled_totals(elearning)
    elearning.stop_service("pay")
    for i in range(5):
        res, elapsed = timed_apply(elearning, f"down{i}")
        assert_busy(res)
        assert elapsed < 1.0, f"refusal took {elapsed:.3f}s"
    elearning.start_service("pay")
    assert totals(elearning) == before, "nothing was stored anywhere while pay was down"
    # The breaker opened on the refusals: it lets a probe through after wait-in-open.
    wait_for(lambda: apply(elearning, studentId="back").status == 201, timeout=10, interval=0.2,
             what="applications accepted again")
    assert settled_totals(elearning)["applies"] == before["applies"] + 1


def test_pay_slow_times_out_then_the_open_breaker_answers_at_once(elearning):
    before = settled_totals(elearning)
    set_faults(elearning, delay_ms="700")  # beyond the seed's 610 ms timeout
    pending = []
    try:
        for i in range(4):
            res, elapsed = timed_apply(elearning, f"slow{i}")
            # Timed out: pay may have acted, so the truth is 202 + the pending application; once
            # the slow calls opened the breaker (or the adaptive limit shrank), a certain no: 503.
            if res.status == 202:
                assert res.json()["_pending"] is True, res.body
                pending.append("/" + res.headers["location"].split("/", 3)[3])
            else:
                assert_busy(res)
            assert elapsed < 1.5
        for i in range(3):
            res, elapsed = timed_apply(elearning, f"open{i}")
            assert_busy(res)
            assert elapsed < 0.1, f"an open breaker answers at once, took {elapsed:.3f}s"
    finally:
        set_faults(elearning, delay_ms="0")
    # Pay refuses past the deadline it was given: the reconciler finds no payment and removes
    # each pending application; the slow calls left nothing behind.
    for path in pending:
        wait_for(lambda: elearning.http("GET", path).status == 404, timeout=20, interval=0.2, what=f"{path} removed")
    assert settled_totals(elearning) == before
    wait_for(lambda: apply(elearning, studentId="recovered").status == 201, timeout=10, interval=0.2,
             what="breaker half-open, then closed")
    assert settled_totals(elearning)["applies"] == before["applies"] + 1
