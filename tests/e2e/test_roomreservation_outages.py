"""Room reservation with a service down. Room down: reservations are still taken (and paid);
when room comes back each room becomes Notavailable, every missed event handled once. Payment
down: paying is refused at once with 503, Retry-After and the fallback message, the reservation
stays `reserve` and no payment is taken; with payment back, paying succeeds."""
import time

import pytest

from conftest import System, wait_for
from roomreservation_support import (payments_of, register_room, reservation, reserve, room, room_info, set_status,
                                     totals)


@pytest.fixture(scope="module")
def rr():
    system = System("roomreservation")
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
    res = set_status(rr, n, "payment")
    assert res.status == 200 and res.json()["reserveStatus"] == "paymentComp", res.body
    assert [p["status"] for p in payments_of(rr, n)] == ["paid"]
