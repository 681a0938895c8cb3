"""Room reservation: kill -9 between the payment and the reservation it confirms (reservation
killed after payment took the money, payment killed before it did), and of reservation, payment
or room at random moments during a stream of reservations, each paid at once, then restart (the
launcher heals). Afterwards no payment stands without its confirmed reservation, no confirmed
reservation lacks its payment, every acknowledged reservation and payment is kept, and every
room is taken by its reservation."""
import concurrent.futures
import http.client
import os
import signal
import threading
import time

import pytest

from conftest import System, is_ready, request, wait_for
from roomreservation_support import payments_of, register_room, reservation, reserve, set_status

ROOMS = 3000  # more than the stream gets through before the last kill


def stream(system, rooms, stop, acked):
    for i, number in enumerate(rooms):
        while not stop.is_set() and not reserve_and_pay(system, i, number, acked):
            time.sleep(0.05)  # a victim restarting: the same room again in a moment
        if stop.is_set():
            return
        time.sleep(0.01)  # a customer's pace, so that the rooms outlast the kills (~200/s unpaced)
    acked["ended"] = "ran out of rooms"


def reserve_and_pay(system, i, number, acked):
    """False when nothing can have been stored (a 503, a refused connection: a victim is down),
    so that the same room is tried again and no room is spent on waiting; else True, the room
    done with (reserved, refused, or an answer broken off that may have stored it)."""
    try:
        res = reserve(system, number, f"kill{i}", price=1000 + i)
        acked["answers"][res.status] = acked["answers"].get(res.status, 0) + 1
        if res.status == 503:
            return False
        if res.status != 201:
            return True
        n = res.json()["reservationNumber"]
        acked["reserved"][n] = number
        if set_status(system, n, "payment").status == 200:
            acked["paid"].add(n)
        return True
    except ConnectionRefusedError:  # never sent (the gateway itself may be the victim)
        return False
    except (OSError, http.client.HTTPException):  # the victim broke the answer off
        return True


@pytest.fixture(scope="module")
def rr():
    system = System("roomreservation", ["--env", "payment:FAULT_CONTROL_ENABLED=true"])
    yield system
    system.close()


def kill(system, service):
    """kill -9, then wait until the launcher has healed it."""
    pid = system.instances(service)[0]["pid"]
    os.kill(pid, signal.SIGKILL)
    wait_for(lambda: (i := system.instances(service)[0])["pid"] != pid and is_ready(i["port"]),
             timeout=30, what=f"{service} restarted")


def set_faults(system, **faults):
    port = system.instances("payment")[0]["port"]
    res = request(port, "POST", "/actuator/faults", {k.replace("_", "-"): v for k, v in faults.items()})
    assert res.status == 200, res.body


def pay_in_background(system, n):
    answers = []
    t = threading.Thread(target=lambda: answers.append(set_status(system, n, "payment")))
    t.start()
    return t, answers


def test_reservation_killed_after_payment_took_the_money_is_confirmed(rr, rng):
    n = reserve(rr, register_room(rr, "BETWEEN 1"), "kill between").json()["reservationNumber"]
    set_faults(rr, answer_delay_ms="900")  # payment commits at once, answers late
    t, answers = pay_in_background(rr, n)
    time.sleep(rng.uniform(0.15, 0.45))  # a moment while reservation waits for payment's answer
    kill(rr, "reservation")
    t.join(timeout=30)
    set_faults(rr, answer_delay_ms="0")
    assert answers and answers[0].status != 200, "the customer never heard yes"
    # the restarted reservation finds its command pending; the reconciler asks payment: paid
    wait_for(lambda: reservation(rr, n)["reserveStatus"] == "paymentComp", timeout=20, interval=0.2,
             what="reservation confirmed after the fact")
    assert [p["status"] for p in payments_of(rr, n)] == ["paid"]


def test_payment_killed_before_it_took_the_money_leaves_the_reservation_unpaid(rr, rng):
    n = reserve(rr, register_room(rr, "BETWEEN 2"), "kill before").json()["reservationNumber"]
    set_faults(rr, delay_ms="900")  # payment holds the request before handling it
    t, answers = pay_in_background(rr, n)
    time.sleep(rng.uniform(0.15, 0.45))  # a moment while the request waits in payment
    kill(rr, "payment")  # the restarted payment has no faults
    t.join(timeout=30)
    # 503 when the connection was refused, 202 (pending) when payment died holding the request
    assert answers and answers[0].status in (202, 503), answers and answers[0].body
    # the reconciler asks payment, which has no payment for it: the command is dropped
    res = wait_for(lambda: (r := set_status(rr, n, "payment")).status == 200 and r, timeout=20, interval=0.2,
                   what="the pending command settled, paying again")
    assert res.json()["reserveStatus"] == "paymentComp"
    assert [p["status"] for p in payments_of(rr, n)] == ["paid"], "paid once"


def test_kill9_during_a_stream_loses_nothing_and_pays_nothing_twice(rr, rng):
    system = rr
    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        rooms = sorted(pool.map(lambda i: register_room(system, f"K{i}"), range(ROOMS)))
    stop, acked = threading.Event(), {"reserved": {}, "paid": set(), "answers": {}}
    writer = threading.Thread(target=stream, args=(system, rooms, stop, acked))
    writer.start()
    for service in ["reservation", "payment", "room", "reservation", "payment"]:
        time.sleep(rng.uniform(0.2, 0.8))
        before = len(acked["reserved"])
        kill(system, service)
        wait_for(lambda: len(acked["reserved"]) > before, timeout=30, what="reservations flowing again")
    assert writer.is_alive(), f"the stream outlasted every kill: {acked.get('ended', 'it stopped on an exception')}, answers {acked['answers']}"
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
