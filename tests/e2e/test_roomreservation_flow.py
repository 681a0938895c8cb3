"""Room reservation: the seed's own commands in order, then each transition of a reservation
(pay, cancel, check out, and the illegal ones), the room and RoomInfo following through events,
and one notice per status change."""
import re

import pytest

from conftest import System, wait_for
from roomreservation_support import (httpie, notices_of, payments_of, register_room, reservation, reserve, room,
                                     room_info, set_status, totals)

SEED = ['customerName=PARK CHANG SEON', 'customerId=9805', 'roomNumber=1', 'paymentPrice=120000']


@pytest.fixture(scope="module")
def rr():
    system = System("roomreservation")
    yield system
    system.close()


def test_seed_commands_work_as_written(rr):
    port = rr.gateway
    created = httpie(port, "POST", ":8088/rooms", 'roomType=DERUX', 'roomStatus=EMPTY', 'roomName=DERUX ROOM',
                     'roomQty=10', 'roomPrice=1200000')
    assert created["roomNumber"] == 1 and created["roomName"] == "DERUX ROOM" and created["roomStatus"] == "EMPTY"
    assert created["roomQty"] == 10 and created["roomPrice"] == 1200000
    assert created["_links"]["self"]["href"].endswith("/rooms/1") and "id" not in created
    wait_for(lambda: (i := room_info(rr, 1)) and i["roomName"] == "DERUX ROOM", what="RoomInfo of room 1")

    booked = wait_for(lambda: (r := httpie(port, "POST", ":8088/reservations", *SEED, 'reserveStatus=reserve'))
                      .get("reservationNumber") and r, what="reservation of room 1")
    assert booked["reservationNumber"] == 1 and booked["reserveStatus"] == "reserve"
    assert booked["_links"]["self"]["href"].endswith("/reservations/1")
    wait_for(lambda: room(rr, 1)["roomStatus"] == "Notavailable", what="room 1 taken")

    paid = httpie(port, "POST", ":8088/reservations", 'reservationNumber=1', 'reserveStatus=payment', *SEED)
    assert paid["reservationNumber"] == 1 and paid["reserveStatus"] == "paymentComp", paid
    assert reservation(rr, 1)["reserveStatus"] == "paymentComp"
    assert totals(rr)["reservations"] == 1, "the re-POST updated reservation 1, it made no other"

    payments = httpie(port, ":8088/payments")["_embedded"]["payments"]
    assert [(p["reservationNumber"], p["paymentPrice"], p["status"]) for p in payments] == [(1, 120000, "paid")]
    info = wait_for(lambda: (i := [r for r in httpie(port, ":8088/roomInfoes")["_embedded"]["roomInfoes"]
                                   if r["roomNumber"] == 1]) and i[0]["reserveStatus"] == "paymentComp" and i[0],
                    what="RoomInfo shows the payment")
    assert info["roomStatus"] == "Notavailable" and info["reservationNumber"] == 1 and info["roomName"] == "DERUX ROOM"

    out = httpie(port, "POST", ":8088/reservations", 'reservationNumber=1', 'reserveStatus=checkOut', *SEED)
    assert out["reserveStatus"] == "checkOut"
    wait_for(lambda: room(rr, 1)["roomStatus"] == "EMPTY", what="room 1 bookable again")
    wait_for(lambda: (i := room_info(rr, 1))["roomStatus"] == "EMPTY" and i["reserveStatus"] == "checkOut",
             what="RoomInfo after check-out")


def test_one_notice_per_status_change(rr):
    changes = wait_for(lambda: (n := notices_of(rr, 1)) and len(n) >= 3 and n, what="notices of reservation 1")
    assert len(changes) == 3, changes
    assert all(n["channel"] == "log" for n in changes)
    assert [n["message"].split(": ")[-1] for n in sorted(changes, key=lambda n: n["id"])] == [
        "예약이 접수되었습니다", "결제가 완료되어 예약이 확정되었습니다", "체크아웃되었습니다"]
    assert all("PARK CHANG SEON" in n["message"] for n in changes)
    iso = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00$")
    assert all(iso.match(n["sentAt"]) for n in changes), changes


def test_cancel_refunds_and_frees_the_room(rr):
    number = register_room(rr, "STANDARD")
    r = reserve(rr, number, "KIM")
    assert r.status == 201, r.body
    n = r.json()["reservationNumber"]
    assert set_status(rr, n, "payment").json()["reserveStatus"] == "paymentComp"
    wait_for(lambda: room(rr, number)["roomStatus"] == "Notavailable", what="room taken")
    res = set_status(rr, n, "cancel")
    assert res.status == 200 and res.json()["reserveStatus"] == "cancel", res.body
    wait_for(lambda: payments_of(rr, n)[0]["status"] == "cancelled", what="payment refunded")
    wait_for(lambda: room(rr, number)["roomStatus"] == "EMPTY", what="room bookable again")
    wait_for(lambda: (i := room_info(rr, number))["roomStatus"] == "EMPTY" and i["reserveStatus"] == "cancel",
             what="RoomInfo after cancel")
    again = reserve(rr, number, "LEE")
    assert again.status == 201, again.body
    wait_for(lambda: room(rr, number)["reservationNumber"] == again.json()["reservationNumber"],
             what="room taken by the next customer")


@pytest.mark.parametrize("steps,refused,why", [
    ([], "checkOut", "only a paid reservation is checked out"),
    (["payment"], "payment", "already paid"),
    (["payment", "checkOut"], "cancel", "cannot be cancelled"),
    (["cancel"], "cancel", "already cancelled"),
    (["cancel"], "payment", "cannot be paid"),
])
def test_illegal_transitions_conflict_and_change_nothing(rr, steps, refused, why):
    number = register_room(rr, "TWIN")
    n = reserve(rr, number, "CHOI").json()["reservationNumber"]
    for step in steps:
        assert set_status(rr, n, step).status == 200
    if "cancel" in steps:  # payment records the cancellation from the event: let it land first
        wait_for(lambda: [p["status"] for p in payments_of(rr, n)] == ["cancelled"], what="payment cancelled")
    before, payments_before = reservation(rr, n), payments_of(rr, n)
    res = set_status(rr, n, refused)
    assert res.status == 409, res.body
    assert why in res.json()["message"]
    assert reservation(rr, n) == before and payments_of(rr, n) == payments_before


def test_a_room_known_to_be_taken_is_refused_at_once(rr):
    number = register_room(rr, "SUITE")
    first = reserve(rr, number, "JUNG")
    assert first.status == 201
    wait_for(lambda: room(rr, number)["roomStatus"] == "Notavailable", what="room taken")
    # reservation hears of it through RoomConditionChanged: from then on a 409, nothing stored
    second = wait_for(lambda: (r := reserve(rr, number, "KANG")).status == 409 and r, what="409 for a taken room")
    assert "not available" in second.json()["message"]
