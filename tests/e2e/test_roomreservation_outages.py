"""Room reservation with a service down or slow. Room down: reservations are still taken (and
paid); when room comes back each room becomes Notavailable, every missed event handled once.
Payment down, or its breaker open: paying is refused at once with 503, Retry-After and the
fallback message, the reservation stays `reserve` and no payment is taken; with payment back,
paying succeeds. A payment that answers after the timeout is settled by the reconciler: the
reservation is confirmed, never a payment without its confirmed reservation."""
import time

import pytest

from conftest import System, request, wait_for
from roomreservation_support import (payments_of, register_room, reservation, reserve, room, room_info, set_status,
                                     totals)


@pytest.fixture(scope="module")
def rr():
    system = System("roomreservation", [
        "--env", "payment:FAULT_CONTROL_ENABLED=true",
        "--env", "reservation:CLIENTS_PAYMENT_CIRCUIT_BREAKER_MINIMUM_CALLS=4",
        "--env", "reservation:CLIENTS_PAYMENT_CIRCUIT_BREAKER_WINDOW_SIZE=4",
    ])
    yield system
    system.close()


def test_reservations_are_taken_while_room_is_down(rr):
    rooms = [register_room(rr, f"OCEAN {i}") for i in range(10)]
    for n in rooms:
        wait_for(lambda: room_info(rr, n), what=f"RoomInfo of room {n}")
    rr.stop_service("room")
    numbers = {}
    for i, n in enumerate(rooms):
        res = reserve(rr, n, f"guest{i}")
        assert res.status == 201, res.body
        numbers[n] = res.json()["reservationNumber"]
        if i % 2 == 0:
            assert set_status(rr, numbers[n], "payment").json()["reserveStatus"] == "paymentComp"
    assert rr.http("GET", "/rooms").status == 503, "room is really down"
    assert all(room_info(rr, n)["roomStatus"] == "EMPTY" for n in rooms), "nothing happened to rooms meanwhile"

    rr.start_service("room")
    for n in rooms:
        wait_for(lambda: (r := room(rr, n))["roomStatus"] == "Notavailable" and r["reservationNumber"] == numbers[n],
                 what=f"room {n} taken by its reservation")
        wait_for(lambda: room_info(rr, n)["roomStatus"] == "Notavailable", what=f"RoomInfo of room {n}")
    # Each Reserved handled once: a second handling would find the room taken and reject it, and
    # the saga would cancel the reservation.
    assert all(reservation(rr, numbers[n])["reserveStatus"] in ("reserve", "paymentComp") for n in rooms)


def test_payment_down_refuses_quickly_and_changes_nothing(rr):
    number = register_room(rr, "MOUNTAIN")
    n = reserve(rr, number, "PAY LATER").json()["reservationNumber"]
    payments_before = totals(rr)["payments"]
    rr.stop_service("payment")
    for _ in range(5):
        started = time.monotonic()
        res = set_status(rr, n, "payment")
        elapsed = time.monotonic() - started
        assert res.status == 503, res.body
        assert "payment is busy, please try again later" in res.json()["message"]
        assert "retry-after" in res.headers
        assert elapsed < 1.0, f"refusal took {elapsed:.3f}s"
        assert reservation(rr, n)["reserveStatus"] == "reserve"
    rr.start_service("payment")
    assert totals(rr)["payments"] == payments_before, "no payment was taken while payment was down"
    # the refusals opened the breaker: it lets a probe through after wait-in-open (1 s)
    res = wait_for(lambda: (r := set_status(rr, n, "payment")).status == 200 and r, timeout=10, interval=0.2,
                   what="paying once payment is back")
    assert res.json()["reserveStatus"] == "paymentComp", res.body
    assert [p["status"] for p in payments_of(rr, n)] == ["paid"]


def set_faults(system, **faults):
    port = system.instances("payment")[0]["port"]
    res = request(port, "POST", "/actuator/faults", {k.replace("_", "-"): v for k, v in faults.items()})
    assert res.status == 200, res.body


def breaker_state(system):
    text = request(system.instances("reservation")[0]["port"], "GET", "/actuator/prometheus").body
    for line in text.splitlines():
        if line.startswith('resilience4j_circuitbreaker_state{name="payment"') and line.endswith(" 1"):
            return line.split('state="')[1].split('"')[0]
    return None


def new_reservation(system, name):
    return reserve(system, register_room(system, name), name).json()["reservationNumber"]


def test_breaker_opens_on_slow_payment_and_answers_at_once(rr):
    numbers = [new_reservation(rr, f"slow{i}") for i in range(9)]
    set_faults(rr, delay_ms="700")
    try:
        for n in numbers[:4]:
            res = set_status(rr, n, "payment")
            # Timed out: payment may have acted, so the truth is 202 + the pending command; once the
            # slow calls opened the breaker (or the adaptive limit shrank), a certain no: 503.
            assert (res.status == 202 and res.json()["_pending"] is True) or \
                (res.status == 503 and "payment is busy" in res.json()["message"]), res.body
        assert breaker_state(rr) == "open"
        for n in numbers[4:]:
            started = time.monotonic()
            res = set_status(rr, n, "payment")
            elapsed = time.monotonic() - started
            assert res.status == 503 and "retry-after" in res.headers, res.body
            assert elapsed < 0.1, f"an open breaker answers at once, took {elapsed:.3f}s"
    finally:
        set_faults(rr, delay_ms="0")
    assert all(reservation(rr, n)["reserveStatus"] == "reserve" for n in numbers[4:])
    assert all(payments_of(rr, n) == [] for n in numbers[4:]), "nothing paid while the breaker was open"
    wait_for(lambda: set_status(rr, numbers[-1], "payment").status == 200, timeout=10, interval=0.2,
             what="payment through the half-open breaker")


def test_payment_answering_after_the_timeout_confirms_the_reservation_later(rr):
    wait_for(lambda: breaker_state(rr) == "closed" or set_status(rr, new_reservation(rr, "probe"), "payment").status == 200
             and breaker_state(rr) == "closed", timeout=15, interval=0.2, what="breaker closed")
    n = new_reservation(rr, "late answer")
    set_faults(rr, answer_delay_ms="900")
    try:
        started = time.monotonic()
        res = set_status(rr, n, "payment")
        elapsed = time.monotonic() - started
    finally:
        set_faults(rr, answer_delay_ms="0")
    assert res.status == 202 and res.json()["_pending"] is True and elapsed < 1.5, res.body
    # payment did take it: the reconciler confirms the reservation rather than leave it orphaned
    wait_for(lambda: reservation(rr, n)["reserveStatus"] == "paymentComp", timeout=15, interval=0.2,
             what="reservation confirmed by reconciliation")
    assert [p["status"] for p in payments_of(rr, n)] == ["paid"]
