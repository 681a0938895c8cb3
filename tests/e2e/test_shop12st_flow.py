"""12번가: the seed's own commands, an order paid at once, a delivery that starts only with its
coupon, out of stock, the race for the last unit, and the cancellation chain."""
import json
import re
import subprocess
import threading

import pytest

from conftest import System, wait_for
from shop12st import counts, order, row_for, status_is, stock, units


@pytest.fixture(scope="module")
def shop():
    system = System("shop12st")
    yield system
    system.close()


def httpie(port, *args):
    """Runs the seed's HTTPie command line against `port` (the gateway's, or a service's)."""
    out = subprocess.run(["http", "--ignore-stdin", "--print=b",
                          *[a.replace(":8088", f":{port}").replace(":8082", f":{port}") for a in args]],
                         capture_output=True, text=True, timeout=30, encoding="utf-8")
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_seed_commands_work_as_written(shop):  # product "1" is held from configuration (seed.stocks)
    port = shop.gateway
    placed = httpie(port, "POST", ":8088/orders", 'username=HanYongSun', 'userId=u1', 'address=kyungkido sungnamsi',
                    'phoneNo=01012341234', 'productId=1', 'productName=ITbook', 'productPrice:=10000', 'qty:=1')
    oid = placed["id"]
    assert placed["payStatus"] == "paid" and placed["orderStatus"] == "orderPlaced"
    # The service dates the order, written as Jackson writes a java.util.Date.
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00", placed["orderDate"]), placed["orderDate"]
    assert placed["_links"]["self"]["href"].endswith(f"/orders/{oid}")
    wait_for(lambda: any(r["orderId"] == oid and r["orderStatus"] == "deliveryStarted"
                         for r in httpie(port, ":8088/orderStatuses")["_embedded"]["orderStatuses"]),
             what="order status: delivery started")
    delivery_port = shop.instances("productdelivery")[0]["port"]
    deliveries = httpie(delivery_port, ":8082/ordermgmts")["_embedded"]["ordermgmts"]
    assert [d["orderStatus"] for d in deliveries if d["orderId"] == oid] == ["deliveryStarted"]
    canceled = httpie(port, "PATCH", f":8088/orders/{oid}", "orderStatus=orderCanceled")
    assert canceled["orderStatus"] == "orderCanceled" and canceled["payStatus"] == "payCanceled"


def test_seed_http_literal_strings_are_accepted(shop):
    # The seed writes productPrice=10000 qty=1: HTTPie sends them as JSON strings.
    stock(shop, "lit", 5)
    res = order(shop, "lit", "1", price="10000")
    assert res.status == 201, res.body
    assert res.json()["qty"] == 1 and res.json()["productPrice"] == 10000


def test_stock_is_known_by_its_product_and_a_second_post_restocks(shop):
    row = stock(shop, "s1", 4, name="Go book")
    assert "id" not in row and row["_links"]["self"]["href"].endswith("/stocks/s1")
    again = shop.http("POST", "/stocks", {"productId": "s1", "productName": "Go book", "stock": 9})
    assert again.status in (200, 201), again.body
    assert units(shop, "s1") == 9
    assert [s["productId"] for s in shop.all_items("stocks")].count("s1") == 1
    assert shop.http("GET", "/stocks/none").status == 404


def test_order_is_paid_delivered_with_its_coupon_and_stock_taken(shop):
    stock(shop, "p3", 5)
    res = order(shop, "p3", 2, name="C++ book", price=30000)
    assert res.status == 201, res.body
    assert res.headers["location"].endswith(f"/orders/{res.json()['id']}")
    oid = res.json()["id"]
    row = status_is(shop, oid, "deliveryStarted")
    assert row["productName"] == "C++ book" and row["qty"] == 2 and row["productPrice"] == 30000
    coupon = row_for(shop, "promotes", oid)
    assert coupon and coupon["couponUseYn"] == "Y" and coupon["couponId"]
    delivery = row_for(shop, "ordermgmts", oid)
    assert delivery["orderStatus"] == "deliveryStarted"
    assert (delivery["couponId"], delivery["couponKind"]) == (coupon["couponId"], coupon["couponKind"])
    assert delivery["itemId"] == "p3" and delivery["qty"] == 2 and delivery["deliveryAddress"] == "kyungkido sungnamsi"
    assert units(shop, "p3") == 3
    # CouponPublished reached the customer's screen; the order keeps its coupon too.
    wait_for(lambda: (r := row_for(shop, "orderStatuses", oid))["couponId"] == coupon["couponId"]
             and r["couponUseYn"] == "Y", what="coupon on the status row")
    wait_for(lambda: shop.http("GET", f"/orders/{oid}").json()["couponId"] == coupon["couponId"], what="coupon on order")


def test_out_of_stock_gets_no_coupon_and_no_delivery(shop):
    stock(shop, "p4", 1)
    unknown = order(shop, "never-stocked", 1)
    assert unknown.status == 201, "an order for a product without stock is valid"
    short = order(shop, "p4", 2)
    assert short.status == 201
    for oid in (unknown.json()["id"], short.json()["id"]):
        status_is(shop, oid, "outOfStock")
        assert row_for(shop, "ordermgmts", oid)["orderStatus"] == "outOfStock"
        assert row_for(shop, "promotes", oid) is None, "no coupon without stock"
    assert units(shop, "p4") == 1, "stock unchanged"


def test_two_orders_race_for_the_last_unit(shop):
    stock(shop, "last", 1)
    answers = []
    racers = [threading.Thread(target=lambda: answers.append(order(shop, "last", 1))) for _ in range(2)]
    for t in racers:
        t.start()
    for t in racers:
        t.join()
    assert [a.status for a in answers] == [201, 201]
    ids = [a.json()["id"] for a in answers]
    finals = wait_for(lambda: (s := [row_for(shop, "ordermgmts", i) for i in ids]) and all(s) and s,
                      timeout=30, what="both orders handled")
    assert sorted(d["orderStatus"] for d in finals) == ["deliveryStarted", "outOfStock"]
    assert units(shop, "last") == 0
    assert sum(1 for i in ids if row_for(shop, "promotes", i)) == 1, "one coupon, for the one delivery"


def test_cancel_chain_puts_the_exact_quantity_back_and_a_second_cancel_conflicts(shop):
    stock(shop, "p6", 10)
    oid = order(shop, "p6", 3).json()["id"]
    status_is(shop, oid, "deliveryStarted")
    assert units(shop, "p6") == 7
    res = shop.http("PATCH", f"/orders/{oid}", {"orderStatus": "orderCanceled"})
    assert res.status == 200, res.body
    assert res.json()["orderStatus"] == "orderCanceled" and res.json()["payStatus"] == "payCanceled"
    row = status_is(shop, oid, "deliveryCanceled")
    wait_for(lambda: row_for(shop, "promotes", oid)["couponUseYn"] == "N", what="coupon canceled")
    wait_for(lambda: row_for(shop, "orderStatuses", oid)["couponUseYn"] == "N", what="status shows the coupon canceled")
    wait_for(lambda: shop.http("GET", f"/orders/{oid}").json()["couponUseYn"] == "N", what="the order's coupon withdrawn")
    assert row["orderId"] == oid
    assert row_for(shop, "ordermgmts", oid)["orderStatus"] == "deliveryCanceled"
    assert units(shop, "p6") == 10, "exactly the ordered quantity is back"
    again = shop.http("PATCH", f"/orders/{oid}", {"orderStatus": "orderCanceled"})
    assert again.status == 409 and "already canceled" in again.json()["message"]
    assert units(shop, "p6") == 10
    assert counts(shop, "ordermgmts")[oid] == 1 and counts(shop, "promotes")[oid] == 1


def test_cancel_of_an_out_of_stock_order_changes_no_stock(shop):
    stock(shop, "p7", 0)
    oid = order(shop, "p7", 1).json()["id"]
    status_is(shop, oid, "outOfStock")
    assert shop.http("PATCH", f"/orders/{oid}", {"orderStatus": "orderCanceled"}).status == 200
    status_is(shop, oid, "orderCanceled")
    assert units(shop, "p7") == 0
    assert row_for(shop, "ordermgmts", oid)["orderStatus"] == "outOfStock"
