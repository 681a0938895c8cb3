"""12번가: bad input through the gateway gets the right 4xx, stores nothing, publishes nothing,
and the services stay up."""
import json

import pytest

from conftest import System, assert_error
from shop12st import CUSTOMER, order, status_is, stock

GOOD = {**CUSTOMER, "productId": "1", "productName": "ITbook", "productPrice": 10000, "qty": 1}


@pytest.fixture(scope="module")
def shop():
    system = System("shop12st")
    stock(system, "1", 100)
    yield system
    system.close()


def totals(system):
    return system.totals("orders", "orderStatuses", "ordermgmts", "promotes")


def with_(**changes):
    body = {**GOOD, **changes}
    return json.dumps({k: v for k, v in body.items() if v is not ...}, ensure_ascii=False)


@pytest.mark.parametrize("body,needle", [
    (with_()[:-5], "malformed JSON"),
    (with_(qty="many"), "'qty'"),
    (with_(qty=[1]), "'qty'"),
    (with_(productPrice="ten"), "'productPrice'"),
    (with_(qty=0), "'qty' must be at least 1"),
    (with_(qty=-2), "'qty' must be at least 1"),
    (with_(productId=...), "'productId' is required"),
    (with_(productId=""), "'productId' is required"),
    ("[]", "JSON object"),
])
def test_rejected_orders_store_and_publish_nothing(shop, body, needle):
    before = totals(shop)
    res = shop.http("POST", "/orders", body)
    assert_error(res, 400, needle, "/orders")
    # A good order after it is seen through to the end: had the bad one published anything,
    # its status row would have come first.
    oid = order(shop).json()["id"]
    status_is(shop, oid, "deliveryStarted")
    after = totals(shop)
    assert after == {c: n + 1 for c, n in before.items()}, (before, after)


def test_read_only_fields_commands_and_stock_rules(shop):
    res = shop.http("POST", "/orders", with_(payStatus="free", orderStatus="deliveryStarted", couponId="mine"))
    assert res.status == 201, "what only the domain sets is not taken from the customer"
    assert (res.json()["payStatus"], res.json()["orderStatus"], res.json()["couponId"]) == ("paid", "orderPlaced", "")
    oid = order(shop).json()["id"]
    res = shop.http("PATCH", f"/orders/{oid}", {"orderStatus": "shipped"})
    assert res.status == 400 and "orderCanceled" in res.json()["message"]
    assert shop.http("POST", "/stocks", {"productId": "neg", "stock": -1}).status == 400
    assert shop.http("POST", "/stocks", {"productName": "no id", "stock": 1}).status == 400


def test_unknown_ids_wrong_methods_and_content_types(shop):
    assert shop.http("GET", "/orders/999999").status == 404
    assert shop.http("GET", "/orders/abc").status == 404
    assert shop.http("PATCH", "/orders/999999", {"orderStatus": "orderCanceled"}).status == 404
    assert shop.http("DELETE", "/orders/1").status == 405
    assert shop.http("PUT", "/orders/1", GOOD).status == 405
    assert shop.http("POST", "/ordermgmts", {"orderId": 1}).status == 405
    assert shop.http("POST", "/orderStatuses", {"orderId": 1}).status == 405
    assert shop.http("PATCH", "/promotes/1", {"couponUseYn": "Y"}).status == 405
    assert shop.http("GET", "/nothing-here").status == 404
    res = shop.http("POST", "/orders", "username=x", headers={"Content-Type": "text/plain"})
    assert res.status == 415


def test_a_one_megabyte_body_is_refused_and_services_stay_up(shop):
    before = totals(shop)
    res = shop.http("POST", "/orders", with_(username="x" * (1024 * 1024)))
    assert res.status == 413
    assert totals(shop) == before
    shop.assert_all_healthy()
    assert order(shop).status == 201
