"""Room reservation with PROFILE=secure: only the manager registers rooms and checks guests
out; a customer reserves, pays and cancels only their own reservations and sees only their own;
RoomInfo is open to every signed-in caller; payments and notices are the manager's."""
import urllib.parse

import pytest

from conftest import System, wait_for
from roomreservation_support import SEED_ROOM, reserve

CUSTOMER = ("customer", "customer-pass")
CUSTOMER2 = ("customer2", "customer2-pass")
MANAGER = ("manager", "manager-pass")


@pytest.fixture(scope="module")
def secure():
    system = System("roomreservation", ["--profile", "secure"])
    yield system
    system.close()


def login(system, user):
    form = urllib.parse.urlencode({"grant_type": "password", "username": user[0], "password": user[1]})
    res = system.http("POST", "/oauth/token", form, headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert res.status == 200, res.body
    return {"Authorization": "Bearer " + res.json()["access_token"]}


@pytest.fixture(scope="module")
def customer(secure):
    return login(secure, CUSTOMER)


@pytest.fixture(scope="module")
def customer2(secure):
    return login(secure, CUSTOMER2)


@pytest.fixture(scope="module")
def manager(secure):
    return login(secure, MANAGER)


def items(system, auth, collection):
    res = system.http("GET", f"/{collection}?size=2000", headers=auth)
    assert res.status == 200, res.body
    return res.json()["_embedded"][collection]


def new_room(system, manager):
    res = system.http("POST", "/rooms", SEED_ROOM, headers=manager)
    assert res.status == 201, res.body
    return res.json()["roomNumber"]


def test_without_a_token_401(secure):
    for method, path in [("GET", "/reservations"), ("GET", "/roomInfoes"), ("POST", "/rooms")]:
        res = secure.http(method, path, SEED_ROOM if method == "POST" else None)
        assert res.status == 401, (path, res.body)
        assert res.headers["www-authenticate"] == 'Bearer realm="roomreservation"'


def test_only_the_manager_registers_rooms(secure, customer, manager):
    assert secure.http("POST", "/rooms", SEED_ROOM, headers=customer).status == 403
    number = new_room(secure, manager)
    assert secure.http("GET", f"/rooms/{number}", headers=customer).status == 200
    wait_for(lambda: any(r["roomNumber"] == number for r in items(secure, customer, "roomInfoes")), what="RoomInfo")


def test_customers_act_only_on_their_own_reservations(secure, customer, customer2, manager):
    number = new_room(secure, manager)
    res = reserve(secure, number, "customer", headers=customer)
    assert res.status == 201, res.body
    n = res.json()["reservationNumber"]
    assert res.json()["customerName"] == "customer"

    assert secure.http("GET", f"/reservations/{n}", headers=customer2).status == 404
    assert secure.http("PATCH", f"/reservations/{n}", {"reserveStatus": "cancel"}, headers=customer2).status == 404
    assert secure.http("PATCH", f"/reservations/{n}", {"reserveStatus": "payment"}, headers=customer2).status == 404
    reposted = {"reservationNumber": n, "reserveStatus": "cancel", "customerName": "customer2", "roomNumber": number,
                "paymentPrice": 120000}
    assert secure.http("POST", "/reservations", reposted, headers=customer2).status == 404, "the seed's re-POST"
    assert n not in [r["reservationNumber"] for r in items(secure, customer2, "reservations")]
    assert n in [r["reservationNumber"] for r in items(secure, customer, "reservations")]
    someone_else = reserve(secure, new_room(secure, manager), "customer2", headers=customer)
    assert someone_else.status == 403, "a reservation in another's name"

    paid = secure.http("PATCH", f"/reservations/{n}", {"reserveStatus": "payment"}, headers=customer)
    assert paid.status == 200 and paid.json()["reserveStatus"] == "paymentComp", paid.body
    assert secure.http("GET", "/payments", headers=customer).status == 403
    assert secure.http("GET", "/notices", headers=customer).status == 403
    assert any(p["reservationNumber"] == n for p in items(secure, manager, "payments"))
    assert n in [r["reservationNumber"] for r in items(secure, manager, "reservations")], "the manager sees all"


def test_only_the_manager_checks_out(secure, customer, manager):
    number = new_room(secure, manager)
    n = reserve(secure, number, "customer", headers=customer).json()["reservationNumber"]
    assert secure.http("PATCH", f"/reservations/{n}", {"reserveStatus": "payment"}, headers=customer).status == 200
    out = secure.http("PATCH", f"/reservations/{n}", {"reserveStatus": "checkOut"}, headers=manager)
    assert out.status == 200 and out.json()["reserveStatus"] == "checkOut", out.body


def test_a_customer_cancels_their_own(secure, customer, manager):
    n = reserve(secure, new_room(secure, manager), "customer", headers=customer).json()["reservationNumber"]
    res = secure.http("PATCH", f"/reservations/{n}", {"reserveStatus": "cancel"}, headers=customer)
    assert res.status == 200 and res.json()["reserveStatus"] == "cancel", res.body


@pytest.mark.xfail(strict=True, reason="hexa has no command restricted to a role yet: the gateway's rules see "
                                       "paths and methods, not which command a PATCH body names")
def test_a_customer_cannot_check_out(secure, customer, manager):
    n = reserve(secure, new_room(secure, manager), "customer", headers=customer).json()["reservationNumber"]
    assert secure.http("PATCH", f"/reservations/{n}", {"reserveStatus": "payment"}, headers=customer).status == 200
    res = secure.http("PATCH", f"/reservations/{n}", {"reserveStatus": "checkOut"}, headers=customer)
    assert res.status == 403, res.body
