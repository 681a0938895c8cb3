"""The car rental happy-path measurement shared by bench/carrental/run and .../engines: wrk
POSTs contracts through the gateway, then the time until the last reservation and MyPage row
appear: until there are as many of each as contracts (60 s at most), and the CPU time each
process spent per complete flow (robust where throughput is not: on a shared or noisy machine)."""
import time
from pathlib import Path

import benchlib

SCRIPT = Path(__file__).with_name("post_contract.lua")


def measure(system, seconds, during_load=None):
    """wrk figures plus catch_up_s and the final totals. `during_load`, when given, is called
    just before wrk starts (a probe that measures alongside the load)."""
    if during_load:
        during_load()
    pids = process_ids(system)
    cpu_before = {name: benchlib.cpu_seconds(pid) for name, pid in pids.items()}
    contracts_before = system.total("contracts")
    r = benchlib.wrk(f"{system.gateway}/contracts", seconds, script=SCRIPT)
    load_end = time.monotonic()
    totals = caught_up(system)
    r["catch_up_s"] = time.monotonic() - load_end
    r.update(totals or dict.fromkeys(("contracts", "reservations", "myPages")))  # None: never answered
    if totals and totals["contracts"] > contracts_before:
        flows = totals["contracts"] - contracts_before
        cpu = {name: (benchlib.cpu_seconds(pid) - cpu_before[name]) * 1000 / flows for name, pid in pids.items()}
        cpu["total"] = sum(cpu.values())
        r["cpu_ms_per_flow"] = {name: round(ms, 3) for name, ms in cpu.items()}
    return r


def settled(totals):
    """One reservation and one MyPage row per contract. Equal, not "at least": requests in
    flight when the load stopped still add contracts, and the totals are read one by one."""
    return bool(totals) and totals["reservations"] == totals["contracts"] == totals["myPages"]


def caught_up(system, timeout=60):
    """The totals once settled, or the last ones read (None: never answered) after `timeout` s."""
    deadline = time.monotonic() + timeout
    while True:
        totals = answered_totals(system)
        if settled(totals) or time.monotonic() > deadline:
            return totals
        time.sleep(0.05)


def process_ids(system):
    """Each service instance's and the gateway's PID, by name (contract-1, ..., gateway)."""
    state = system.state()
    pids = {i["instance"]: i["pid"] for i in state["instances"]}
    pids["gateway"] = state["gateway"]["pid"]
    return pids


def answered_totals(system):
    """The three totals, or None while the gateway refuses (a saturated service may have left
    its rotation for a moment: its readiness probe waited behind the load)."""
    try:
        return {c: system.total(c) for c in ("contracts", "reservations", "myPages")}
    except OSError:  # urllib's HTTPError (503) and URLError are both OSErrors
        return None


def complete(results):
    """Every run ended with one reservation and one MyPage row per contract."""
    return all(settled(r) for r in results)
