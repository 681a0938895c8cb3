"""Room reservation: bad input through the gateway gets the right 4xx and changes nothing."""
import pytest

from conftest import System, assert_error
from roomreservation_support import register_room, reservation, reserve, totals


@pytest.fixture(scope="module")
def rr():
    system = System("roomreservation")
    yield system
    system.close()


@pytest.fixture(scope="module")
def booked(rr):
    number = register_room(rr)
    res = reserve(rr, number)
    assert res.status == 201, res.body
    return number, res.json()["reservationNumber"]


def body(room, **over):
    b = {"customerName": "PARK CHANG SEON", "customerId": 9805, "reserveStatus": "reserve", "roomNumber": room,
         "paymentPrice": 120000}
    b.update(over)
    return b


@pytest.mark.parametrize("make,status,needle", [
    (lambda room: '{"customerName": "PARK", "roomNumber": ', 400, "malformed JSON"),
    (lambda room: body(987654), 400, "room 987654 is not a registered room"),
    (lambda room: body(room, paymentPrice=0), 400, "'paymentPrice' must be at least 1"),
    (lambda room: body(room, paymentPrice=-100), 400, "'paymentPrice' must be at least 1"),
    (lambda room: body(room, paymentPrice="many"), 400, "'paymentPrice'"),
    (lambda room: body(room, customerName=""), 400, "'customerName' is required"),
    (lambda room: body(room, reservationNumber=987654, reserveStatus="payment"), 404, "987654"),
    (lambda room: '[]', 400, "JSON object"),
])
def test_rejected_reservations_change_nothing(rr, booked, make, status, needle):
    room, n = booked
    before, mine = totals(rr), reservation(rr, n)
    res = rr.http("POST", "/reservations", make(room))
    assert_error(res, status, needle)
    assert totals(rr) == before and reservation(rr, n) == mine


def test_unknown_numbers_wrong_methods_and_bad_rooms(rr, booked):
    room, n = booked
    assert rr.http("GET", "/reservations/987654").status == 404
    assert rr.http("GET", "/rooms/987654").status == 404
    assert rr.http("GET", "/roomInfoes/987654").status == 404
    assert rr.http("PATCH", "/reservations/987654", {"reserveStatus": "cancel"}).status == 404
    assert rr.http("PATCH", f"/reservations/{n}", {"reserveStatus": "sleeping"}).status == 400
    assert rr.http("DELETE", f"/reservations/{n}").status == 405
    assert rr.http("PATCH", f"/rooms/{room}", {"roomStatus": "EMPTY"}).status == 405
    assert rr.http("POST", "/roomInfoes", {"roomNumber": 1}).status == 405
    assert rr.http("POST", "/notices", {"reservationNumber": 1}).status == 405
    assert rr.http("POST", "/payments", {"reservationNumber": n, "paymentPrice": 1}).status == 405
    before = totals(rr)
    assert rr.http("POST", "/rooms", {"roomName": "X", "roomStatus": "BROKEN"}).status == 400
    assert rr.http("POST", "/rooms", {"roomType": "DERUX"}).status == 400
    res = rr.http("POST", "/reservations", "roomNumber=1", headers={"Content-Type": "text/plain"})
    assert res.status == 415
    assert totals(rr) == before and reservation(rr, n)["reserveStatus"] == "reserve"


def test_a_one_megabyte_body_is_refused_and_services_stay_up(rr, booked):
    room, _ = booked
    before = totals(rr)
    big = '{"customerName": "' + "x" * (1024 * 1024) + f'", "roomNumber": {room}, "paymentPrice": 1}}'
    assert rr.http("POST", "/reservations", big).status == 413
    assert totals(rr) == before
    rr.assert_all_healthy()
