"""Room reservation with PROFILE=secure: checking a guest out is the manager's command. A
customer's check-out of their own paid reservation is refused (403, nothing changed: still
paid, the room still taken); the manager's checks out (200) and frees the room."""
import pytest

from auth_support import login
from conftest import System, wait_for
from roomreservation_support import SEED_ROOM, reserve


@pytest.fixture(scope="module")
def secure():
    system = System("roomreservation", ["--profile", "secure"])
    yield system
    system.close()


def read(system, path, headers):
    res = system.http("GET", path, headers=headers)
    assert res.status == 200, res.body
    return res.json()


def test_only_the_manager_checks_a_guest_out(secure):
    customer = login(secure, "customer", "customer-pass")
    manager = login(secure, "manager", "manager-pass")
    room = secure.http("POST", "/rooms", SEED_ROOM, headers=manager)
    assert room.status == 201, room.body
    number = room.json()["roomNumber"]
    n = reserve(secure, number, "customer", headers=customer).json()["reservationNumber"]
    paid = secure.http("PATCH", f"/reservations/{n}", {"reserveStatus": "payment"}, headers=customer)
    assert paid.status == 200 and paid.json()["reserveStatus"] == "paymentComp", paid.body
    wait_for(lambda: read(secure, f"/rooms/{number}", customer)["roomStatus"] == "Notavailable", what="the room taken")

    refused = secure.http("PATCH", f"/reservations/{n}", {"reserveStatus": "checkOut"}, headers=customer)
    assert refused.status == 403, refused.body
    assert refused.json()["message"] == "only a MANAGER may set reserveStatus to checkOut", refused.body
    reposted = {"reservationNumber": n, "reserveStatus": "checkOut", "customerName": "customer", "roomNumber": number,
                "paymentPrice": 120000, "customerId": 9805}
    assert secure.http("POST", "/reservations", reposted, headers=customer).status == 403, "the seed's re-POST"
    assert read(secure, f"/reservations/{n}", customer)["reserveStatus"] == "paymentComp", "nothing changed"
    assert read(secure, f"/rooms/{number}", customer)["roomStatus"] == "Notavailable", "still taken"

    out = secure.http("PATCH", f"/reservations/{n}", {"reserveStatus": "checkOut"}, headers=manager)
    assert out.status == 200 and out.json()["reserveStatus"] == "checkOut", out.body
    wait_for(lambda: read(secure, f"/rooms/{number}", customer)["roomStatus"] == "EMPTY", what="the room free again")
    info = wait_for(lambda: (i := read(secure, f"/roomInfoes/{number}", customer))["reserveStatus"] == "checkOut" and i,
                    what="RoomInfo checked out")
    assert info["roomStatus"] == "EMPTY"
