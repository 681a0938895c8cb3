"""Room reservation with PROFILE=secure: only the manager registers rooms and checks guests
out; a customer reserves, pays and cancels only their own reservations and sees only their own;
RoomInfo is open to every signed-in caller; payments and notices are the manager's."""
import pytest

from conftest import System, wait_for
from roomreservation_support import SEED_ROOM, register_room, reserve, set_status

CUSTOMER = ("customer", "customer-pass")
CUSTOMER2 = ("customer2", "customer2-pass")
MANAGER = ("manager", "manager-pass")


@pytest.fixture(scope="module")
def secure():
    system = System("roomreservation", ["--profile", "secure"])
    yield system
    system.close()


@pytest.fixture(scope="module")
def customer(secure):
    return secure.login(CUSTOMER)


@pytest.fixture(scope="module")
def customer2(secure):
    return secure.login(CUSTOMER2)


@pytest.fixture(scope="module")
def manager(secure):
    return secure.login(MANAGER)


def test_without_a_token_401(secure):
    for method, path in [("GET", "/reservations"), ("GET", "/roomInfoes"), ("POST", "/rooms")]:
        res = secure.http(method, path, SEED_ROOM if method == "POST" else None)
        assert res.status == 401, (path, res.body)
        assert res.headers["www-authenticate"] == 'Bearer realm="roomreservation"'


def test_only_the_manager_registers_rooms(secure, customer, manager):
    assert secure.call("POST", "/rooms", customer, SEED_ROOM).status == 403
    number = register_room(secure, token=manager)
    assert secure.call("GET", f"/rooms/{number}", customer).status == 200
    wait_for(lambda: any(r["roomNumber"] == number for r in secure.items("roomInfoes", customer)), what="RoomInfo")


def test_customers_act_only_on_their_own_reservations(secure, customer, customer2, manager):
    number = register_room(secure, token=manager)
    res = reserve(secure, number, "customer", token=customer)
    assert res.status == 201, res.body
    n = res.json()["reservationNumber"]
    assert res.json()["customerName"] == "customer"

    assert secure.call("GET", f"/reservations/{n}", customer2).status == 404
    assert set_status(secure, n, "cancel", customer2).status == 404
    assert set_status(secure, n, "payment", customer2).status == 404
    reposted = {"reservationNumber": n, "reserveStatus": "cancel", "customerName": "customer2", "roomNumber": number,
                "paymentPrice": 120000}
    assert secure.call("POST", "/reservations", customer2, reposted).status == 404, "the seed's re-POST"
    assert n not in [r["reservationNumber"] for r in secure.items("reservations", customer2)]
    assert n in [r["reservationNumber"] for r in secure.items("reservations", customer)]
    someone_else = reserve(secure, register_room(secure, token=manager), "customer2", token=customer)
    assert someone_else.status == 403, "a reservation in another's name"

    paid = set_status(secure, n, "payment", customer)
    assert paid.status == 200 and paid.json()["reserveStatus"] == "paymentComp", paid.body
    assert secure.call("GET", "/payments", customer).status == 403
    assert secure.call("GET", "/notices", customer).status == 403
    assert any(p["reservationNumber"] == n for p in secure.items("payments", manager))
    assert n in [r["reservationNumber"] for r in secure.items("reservations", manager)], "the manager sees all"


def test_only_the_manager_checks_out(secure, customer, manager):
    number = register_room(secure, token=manager)
    n = reserve(secure, number, "customer", token=customer).json()["reservationNumber"]
    assert set_status(secure, n, "payment", customer).status == 200
    out = set_status(secure, n, "checkOut", manager)
    assert out.status == 200 and out.json()["reserveStatus"] == "checkOut", out.body


def test_a_customer_cancels_their_own(secure, customer, manager):
    n = reserve(secure, register_room(secure, token=manager), "customer", token=customer).json()["reservationNumber"]
    res = set_status(secure, n, "cancel", customer)
    assert res.status == 200 and res.json()["reserveStatus"] == "cancel", res.body
