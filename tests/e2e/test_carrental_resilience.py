"""Car rental: the synchronous call contract -> pay under faults. Pay slow -> timeouts (202:
the outcome is unknown, the contract pending) -> breaker opens -> fast 503s (certain: pay was
not called) -> half-open probe -> closes when pay recovers; bulkhead refusals; a pay that
completes but answers after the timeout: 202, then the contract is completed, no orphan."""
import collections
import concurrent.futures
import time

import pytest

from conftest import System, request, sign, wait_for


@pytest.fixture(scope="module")
def carrental():
    system = System("carrental", [
        "--env", "pay:FAULT_CONTROL_ENABLED=true",
        "--env", "contract:CLIENTS_PAY_CIRCUIT_BREAKER_MINIMUM_CALLS=4",
        "--env", "contract:CLIENTS_PAY_CIRCUIT_BREAKER_WINDOW_SIZE=4",
        "--env", "contract:CLIENTS_PAY_CONCURRENCY=fixed",  # the fixed bulkhead, not the adaptive limit
        "--env", "contract:CLIENTS_PAY_BULKHEAD_MAX_CONCURRENT=4",
    ])
    yield system
    system.close()


def set_faults(system, **faults):
    pay = system.instances("pay")[0]["port"]
    res = request(pay, "POST", "/actuator/faults", {k.replace("_", "-"): v for k, v in faults.items()})
    assert res.status == 200, res.body


def breaker_state(system):
    port = system.instances("contract")[0]["port"]
    text = request(port, "GET", "/actuator/prometheus").body
    for line in text.splitlines():
        if line.startswith('resilience4j_circuitbreaker_state{name="pay"') and line.endswith(" 1"):
            return line.split('state="')[1].split('"')[0]
    return None


def timed_sign(system, name):
    started = time.monotonic()
    res = sign(system, name, "쏘나타", 100)
    return res, time.monotonic() - started


def assert_no_orphans(system):
    def consistent():
        contracts = {c["id"] for c in system.all_items("contracts")}
        pays = collections.Counter(p["contractId"] for p in system.all_items("pays"))
        return set(pays) <= contracts and all(pays[c] == 1 for c in contracts)
    wait_for(consistent, timeout=15, interval=0.2, what="every contract paid once, no payment without contract")


def test_breaker_opens_on_slow_pay_then_closes_when_it_recovers(carrental):
    set_faults(carrental, delay_ms="700")
    for i in range(4):
        res, elapsed = timed_sign(carrental, f"slow{i}")
        # Pay may still act on it: not a refusal but a pending contract to follow.
        assert res.status == 202 and res.json()["_pending"] is True and "location" in res.headers, res.body
        assert elapsed < 1.5
    assert breaker_state(carrental) == "open"
    for i in range(5):
        res, elapsed = timed_sign(carrental, f"open{i}")
        assert res.status == 503 and "payment is busy" in res.json()["message"], res.body
        assert elapsed < 0.1, f"an open breaker answers at once, took {elapsed:.3f}s"

    set_faults(carrental, delay_ms="0")
    # After wait-in-open, half-open probes go through; enough successes close it again.
    wait_for(lambda: sign(carrental, "probe").status == 201, timeout=10, interval=0.2, what="half-open probe")
    def closes():
        assert sign(carrental, "probe").status == 201
        return breaker_state(carrental) == "closed"
    wait_for(closes, timeout=10, interval=0.1, what="breaker closed")
    assert sign(carrental, "after").status == 201
    assert_no_orphans(carrental)


def test_bulkhead_turns_away_what_exceeds_it_at_once(carrental):
    set_faults(carrental, delay_ms="300")
    try:
        with concurrent.futures.ThreadPoolExecutor(max_workers=12) as pool:
            results = list(pool.map(lambda i: timed_sign(carrental, f"bulk{i}"), range(12)))
    finally:
        set_faults(carrental, delay_ms="0")
    accepted = [e for r, e in results if r.status == 201]
    refused = [e for r, e in results if r.status == 503]
    assert len(accepted) + len(refused) == 12
    assert 1 <= len(accepted) <= 8, [r.status for r, _ in results]
    assert len(refused) >= 4
    assert min(refused) < 0.1, "a full bulkhead refuses without waiting"
    assert_no_orphans(carrental)


def test_pay_answering_after_the_timeout_leaves_no_orphan_payment(carrental):
    wait_for(lambda: breaker_state(carrental) == "closed", timeout=10, what="breaker closed")
    set_faults(carrental, answer_delay_ms="900")
    try:
        res, elapsed = timed_sign(carrental, "late-answer")
    finally:
        set_faults(carrental, answer_delay_ms="0")
    assert res.status == 202 and elapsed < 1.5, res.body
    assert carrental.http("GET", res.headers["location"].split(str(carrental.gateway), 1)[1]).json()["_pending"] is True
    # Pay did take the payment: reconciliation completes the contract rather than leave it orphaned.
    wait_for(lambda: any(c["custName"] == "late-answer" for c in carrental.all_items("contracts")),
             timeout=15, interval=0.2, what="contract completed by reconciliation")
    assert_no_orphans(carrental)
