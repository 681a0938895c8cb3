"""The e-learning measurements for bench/elearning/run: wrk applies through the gateway, then the
time until the last delivery and MyPage row appear; then wrk cancels those applications (the
seed's PUT), and the time until the last payment and delivery are cancelled (each cancellation
cancels its delivery synchronously at delivery, then its payment)."""
import os
import time
from pathlib import Path

import benchlib
import happy_path

HERE = Path(__file__).resolve().parent
CANCEL_WAIT_S = 120  # at most, after the cancel load, for payments and deliveries to follow


def wait_equal(system, counts, target, limit_s=60):
    """Seconds until every count() equals target() (60 s at most); the last counts read."""
    start = time.monotonic()
    last = None
    while time.monotonic() - start < limit_s:
        try:
            last = {name: fn() for name, fn in counts.items()}
            if len(set(last.values())) == 1 and list(last.values())[0] == target(last):
                break
        except OSError:  # a saturated service may have left the rotation for a moment
            pass
        time.sleep(0.05)
    return time.monotonic() - start, last


def applications(system, seconds):
    before = system.total("applies")
    pids = happy_path.process_ids(system)
    cpu_before = {name: benchlib.cpu_seconds(pid) for name, pid in pids.items()}
    r = benchlib.wrk(f"{system.gateway}/applies", seconds, script=HERE / "post_apply.lua")
    totals = {c: (lambda c=c: system.total(c)) for c in ("applies", "pays", "deliveries", "myPages")}
    r["catch_up_s"], last = wait_equal(system, totals, lambda t: t["applies"])
    r["first_id"], r["last_id"] = before + 1, (last or {}).get("applies", before)
    r["complete"] = bool(last) and len(set(last.values())) == 1
    flows = r["last_id"] - before
    if flows > 0:  # CPU per complete flow (application, payment, delivery, MyPage): robust on a shared machine
        cpu = {name: (benchlib.cpu_seconds(pid) - cpu_before[name]) * 1000 / flows for name, pid in pids.items()}
        r["cpu_ms_per_flow"] = {**{n: round(ms, 3) for n, ms in cpu.items()}, "total": round(sum(cpu.values()), 3)}
    return r


def cancellations(system, first_id, last_id, seconds):
    os.environ.update(CANCEL_FIRST_ID=str(first_id), CANCEL_LAST_ID=str(last_id), CANCEL_STRIDE="2")
    started = time.monotonic()
    r = benchlib.wrk(f"{system.gateway}/applies", seconds, script=HERE / "put_cancel.lua")
    load_s = time.monotonic() - started
    found = lambda path: (lambda: search_total(system, path))
    counts = {"pays": found("pays/search/findByPayStatus?payStatus=cancelled"),
              "deliveries": found("deliveries/search/findByDeliveryStatus?deliveryStatus=cancelled")}
    # wrk does not count the answers in flight when it stops: ask apply how many it cancelled.
    target = search_total(system, "applies/search/findByApplyStatus?applyStatus=cancelled")
    r["catch_up_s"], last = wait_equal(system, counts, lambda t: target, limit_s=CANCEL_WAIT_S)
    r["complete"] = bool(last) and all(v == target for v in last.values())
    r["cancelled"] = target
    # Payments cancelled (each after its delivery) per second from the start of the load until
    # the last one, or until the wait ended: pay handles cancellations one at a time.
    done = min(last.values()) if last else 0
    r["payments_cancelled"] = done
    r["end_to_end_per_s"] = done / (load_s + r["catch_up_s"])
    return r


def search_total(system, path):
    import json
    import urllib.request
    with urllib.request.urlopen(f"{system.gateway}/{path}&size=1", timeout=10) as res:
        return json.loads(res.read())["page"]["totalElements"]
