"""Room reservation: kill -9 of reservation, payment or room at random moments during a
stream of reservations, each paid at once, then restart (the launcher heals). Afterwards no
payment stands without its confirmed reservation, no confirmed reservation lacks its payment,
every acknowledged reservation and payment is kept, and every room is taken by its reservation."""
import concurrent.futures
import os
import signal
import threading
import time

from conftest import System, is_ready, wait_for
from roomreservation_support import register_room, reserve, set_status

ROOMS = 3000  # more than the stream gets through before the last kill


def stream(system, rooms, stop, acked):
    for i, number in enumerate(rooms):
        if stop.is_set():
            return
        try:
            res = reserve(system, number, f"kill{i}", price=1000 + i)
            if res.status != 201:  # a victim restarting: the next room, in a moment
                time.sleep(0.05)
                continue
            n = res.json()["reservationNumber"]
            acked["reserved"][n] = number
            paid = set_status(system, n, "payment")
            if paid.status == 200:
                acked["paid"].add(n)
        except OSError:  # the gateway itself may be the victim
            time.sleep(0.05)


def test_kill9_loses_nothing_and_pays_nothing_twice(rng):
    system = System("roomreservation")
    try:
        with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
            rooms = sorted(pool.map(lambda i: register_room(system, f"K{i}"), range(ROOMS)))
        stop, acked = threading.Event(), {"reserved": {}, "paid": set()}
        writer = threading.Thread(target=stream, args=(system, rooms, stop, acked))
        writer.start()
        for service in ["reservation", "payment", "room", "reservation", "payment"]:
            time.sleep(rng.uniform(0.2, 0.8))
            before = len(acked["reserved"])
            pid = system.instances(service)[0]["pid"]
            os.kill(pid, signal.SIGKILL)
            wait_for(lambda: (i := system.instances(service)[0])["pid"] != pid and is_ready(i["port"]),
                     timeout=30, what=f"{service} restarted")
            wait_for(lambda: len(acked["reserved"]) > before, timeout=30, what="reservations flowing again")
        assert writer.is_alive(), "the stream outlasted every kill"
        stop.set()
        writer.join()
        assert len(acked["reserved"]) > 10

        def settled():
            reservations = {r["reservationNumber"]: r for r in system.all_items("reservations")}
            payments = {}
            for p in system.all_items("payments"):
                assert p["reservationNumber"] not in payments, f"two payments for {p['reservationNumber']}"
                payments[p["reservationNumber"]] = p
            confirmed = {n for n, r in reservations.items() if r["reserveStatus"] == "paymentComp"}
            paid = {n for n, p in payments.items() if p["status"] == "paid"}
            holders = {r["roomNumber"]: r["reservationNumber"] for r in system.all_items("rooms")}
            rooms_ok = all(holders[r["roomNumber"]] == n for n, r in reservations.items())
            return confirmed == paid and rooms_ok and (reservations, confirmed)

        reservations, confirmed = wait_for(settled, timeout=60, interval=0.5, what="everything settled")
        assert set(acked["reserved"]) <= set(reservations), "every acknowledged reservation is kept"
        assert acked["paid"] <= confirmed, "every acknowledged payment confirmed its reservation"
        assert all(r["reserveStatus"] in ("reserve", "paymentComp") for r in reservations.values()), \
            "no reservation was rejected: each Reserved was handled once"
    finally:
        system.close()
