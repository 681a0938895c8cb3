"""12번가 with PROFILE=secure: tokens from the auth service, roles per route, each customer
limited to their own orders and status rows, stock written by managers only, coupons and
deliveries never written through the gateway."""
import urllib.parse

import pytest

from conftest import System, wait_for

CUSTOMER = ("customer", "customer-pass")
CUSTOMER2 = ("customer2", "customer2-pass")
MANAGER = ("manager", "manager-pass")
ORDER = {"userId": "u1", "address": "kyungkido sungnamsi", "phoneNo": "01012341234", "productId": "sec",
         "productName": "ITbook", "productPrice": 10000, "qty": 1}


@pytest.fixture(scope="module")
def secure():
    system = System("shop12st", ["--profile", "secure"])
    yield system
    system.close()


def login(system, user):
    form = urllib.parse.urlencode({"grant_type": "password", "username": user[0], "password": user[1]})
    res = system.http("POST", "/oauth/token", form, headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert res.status == 200, res.body
    return res.json()["access_token"]


def call(system, method, path, token=None, body=None):
    return system.http(method, path, body, headers={"Authorization": f"Bearer {token}"} if token else {})


def items(system, token, collection):
    res = call(system, "GET", f"/{collection}?size=2000", token)
    assert res.status == 200, res.body
    return res.json()["_embedded"][collection]


def test_roles_and_owners(secure):
    customer, customer2, manager = login(secure, CUSTOMER), login(secure, CUSTOMER2), login(secure, MANAGER)
    assert call(secure, "GET", "/orders").status == 401
    assert call(secure, "POST", "/orders", body={**ORDER, "username": "customer"}).status == 401
    assert call(secure, "POST", "/stocks", customer, {"productId": "sec", "stock": 5}).status == 403
    assert call(secure, "POST", "/stocks", manager, {"productId": "sec", "stock": 5}).status == 201

    mine = call(secure, "POST", "/orders", customer, {**ORDER, "username": "customer"})
    assert mine.status == 201, mine.body
    theirs = call(secure, "POST", "/orders", customer2, {**ORDER, "username": "customer2"})
    assert theirs.status == 201, theirs.body
    assert call(secure, "POST", "/orders", customer, {**ORDER, "username": "customer2"}).status == 403
    a, b = mine.json()["id"], theirs.json()["id"]
    assert call(secure, "GET", f"/orders/{b}", customer).status == 404, "another's order does not exist for them"
    assert call(secure, "PATCH", f"/orders/{b}", customer, {"orderStatus": "orderCanceled"}).status == 404
    assert [o["id"] for o in items(secure, customer, "orders")] == [a]
    wait_for(lambda: [r["orderId"] for r in items(secure, customer, "orderStatuses")] == [a], what="own status row")
    assert {o["id"] for o in items(secure, manager, "orders")} == {a, b}

    assert call(secure, "GET", "/ordermgmts", customer).status == 403
    assert call(secure, "GET", "/ordermgmts", manager).status == 200
    assert call(secure, "POST", "/promotes", manager, {"orderId": a}).status in (403, 405), "coupons: productdelivery only"
    canceled = call(secure, "PATCH", f"/orders/{a}", customer, {"orderStatus": "orderCanceled"})
    assert canceled.status == 200 and canceled.json()["orderStatus"] == "orderCanceled", canceled.body
