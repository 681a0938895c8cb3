"""Car rental: kill -9 of any one service at random moments during a stream of contracts,
then restart. Afterwards every contract has exactly one payment, one reservation and one
MyPage row, and there is no payment without a contract."""
import collections
import os
import signal
import threading
import time

from conftest import System, is_ready, sign, wait_for


def stream_contracts(system, stop, accepted, errors):
    i = 0
    while not stop.is_set():
        i += 1
        try:
            res = sign(system, f"kill{i}", "쏘나타", 100 + i)
            if res.status == 201:
                accepted.append(res.json()["id"])
        except OSError as e:  # the gateway itself may be the victim
            errors.append(str(e))
            time.sleep(0.05)


def test_kill9_any_service_loses_nothing(rng):
    system = System("carrental")
    try:
        stop, accepted, errors = threading.Event(), [], []
        writer = threading.Thread(target=stream_contracts, args=(system, stop, accepted, errors))
        writer.start()
        victims = ["contract", "pay", "reservation", "mypage", "contract", "pay"]
        for service in victims:
            time.sleep(rng.uniform(0.2, 0.8))  # a random moment in the stream
            before = len(accepted)
            pid = system.instances(service)[0]["pid"]
            os.kill(pid, signal.SIGKILL)
            # The launcher heals it: a new process, ready again.
            wait_for(lambda: (i := system.instances(service)[0])["pid"] != pid and is_ready(i["port"]),
                     timeout=30, what=f"{service} restarted")
            wait_for(lambda: len(accepted) > before, timeout=30, what="contracts flowing again")
        stop.set()
        writer.join()
        assert len(accepted) > 0

        def settled():
            contracts = {c["id"] for c in system.all_items("contracts")}
            pays = collections.Counter(p["contractId"] for p in system.all_items("pays"))
            reservations = collections.Counter(r["contractId"] for r in system.all_items("reservations"))
            pages = collections.Counter(m["contractId"] for m in system.all_items("myPages"))
            ok = all(pays[c] == 1 and reservations[c] == 1 and pages[c] == 1 for c in contracts)
            ok = ok and set(pays) <= contracts  # pending contracts are settled by reconciliation
            return ok and (contracts, pays, reservations, pages)

        contracts, pays, reservations, pages = wait_for(settled, timeout=40, interval=0.5, what="everything settled")
        assert set(accepted) <= contracts, "every acknowledged contract is kept"
        assert set(pays) <= contracts, "no payment without a contract"
        assert set(reservations) <= contracts and set(pages) <= contracts
        assert max(pays.values()) == max(reservations.values()) == max(pages.values()) == 1
    finally:
        system.close()
