"""12번가 with PROFILE=secure: tokens from the auth service, roles per route, each customer
limited to their own orders and status rows, stock written by managers only, coupons and
deliveries never written through the gateway."""
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


def test_roles_and_owners(secure):
    customer, customer2, manager = secure.login(CUSTOMER), secure.login(CUSTOMER2), secure.login(MANAGER)
    assert secure.call("GET", "/orders").status == 401
    assert secure.call("POST", "/orders", body={**ORDER, "username": "customer"}).status == 401
    assert secure.call("POST", "/stocks", customer, {"productId": "sec", "stock": 5}).status == 403
    assert secure.call("POST", "/stocks", manager, {"productId": "sec", "stock": 5}).status == 201

    mine = secure.call("POST", "/orders", customer, {**ORDER, "username": "customer"})
    assert mine.status == 201, mine.body
    theirs = secure.call("POST", "/orders", customer2, {**ORDER, "username": "customer2"})
    assert theirs.status == 201, theirs.body
    assert secure.call("POST", "/orders", customer, {**ORDER, "username": "customer2"}).status == 403
    a, b = mine.json()["id"], theirs.json()["id"]
    assert secure.call("GET", f"/orders/{b}", customer).status == 404, "another's order does not exist for them"
    assert secure.call("PATCH", f"/orders/{b}", customer, {"orderStatus": "orderCanceled"}).status == 404
    assert [o["id"] for o in secure.items("orders", customer)] == [a]
    wait_for(lambda: [r["orderId"] for r in secure.items("orderStatuses", customer)] == [a], what="own status row")
    assert {o["id"] for o in secure.items("orders", manager)} == {a, b}

    assert secure.call("GET", "/ordermgmts", customer).status == 403
    assert secure.call("GET", "/ordermgmts", manager).status == 200
    assert secure.call("POST", "/promotes", manager, {"orderId": a}).status in (403, 405), "coupons: productdelivery only"
    canceled = secure.call("PATCH", f"/orders/{a}", customer, {"orderStatus": "orderCanceled"})
    assert canceled.status == 200 and canceled.json()["orderStatus"] == "orderCanceled", canceled.body
