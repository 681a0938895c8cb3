"""Room reservation with PROFILE=secure: checking a guest out is the manager's command. A
customer's check-out of their own paid reservation is refused (403, nothing changed: still
paid, the room still taken); the manager's checks out (200) and frees the room."""
import pytest

from conftest import System, wait_for
from roomreservation_support import register_room, reserve, set_status

CUSTOMER = ("customer", "customer-pass")
MANAGER = ("manager", "manager-pass")


@pytest.fixture(scope="module")
def secure():
    system = System("roomreservation", ["--profile", "secure"])
    yield system
    system.close()


def read(system, path, token):
    res = system.call("GET", path, token)
    assert res.status == 200, res.body
    return res.json()


def test_only_the_manager_checks_a_guest_out(secure):
    customer, manager = secure.login(CUSTOMER), secure.login(MANAGER)
    number = register_room(secure, token=manager)
    n = reserve(secure, number, "customer", token=customer).json()["reservationNumber"]
    paid = set_status(secure, n, "payment", customer)
    assert paid.status == 200 and paid.json()["reserveStatus"] == "paymentComp", paid.body
    wait_for(lambda: read(secure, f"/rooms/{number}", customer)["roomStatus"] == "Notavailable", what="the room taken")

    refused = set_status(secure, n, "checkOut", customer)
    assert refused.status == 403, refused.body
    assert refused.json()["message"] == "only a MANAGER may set reserveStatus to checkOut", refused.body
    reposted = {"reservationNumber": n, "reserveStatus": "checkOut", "customerName": "customer", "roomNumber": number,
                "paymentPrice": 120000, "customerId": 9805}
    assert secure.call("POST", "/reservations", customer, reposted).status == 403, "the seed's re-POST"
    assert read(secure, f"/reservations/{n}", customer)["reserveStatus"] == "paymentComp", "nothing changed"
    assert read(secure, f"/rooms/{number}", customer)["roomStatus"] == "Notavailable", "still taken"

    out = set_status(secure, n, "checkOut", manager)
    assert out.status == 200 and out.json()["reserveStatus"] == "checkOut", out.body
    wait_for(lambda: read(secure, f"/rooms/{number}", customer)["roomStatus"] == "EMPTY", what="the room free again")
    # RoomInfo follows two streams (reservation's CheckedOut, room's condition): either may come first.
    info = wait_for(lambda: (i := read(secure, f"/roomInfoes/{number}", customer))["reserveStatus"] == "checkOut"
                    and i["roomStatus"] == "EMPTY" and i, what="RoomInfo checked out, the room free")
    assert info["roomStatus"] == "EMPTY"
