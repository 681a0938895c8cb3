"""12번가: marketing (a supporting domain) down, slow, or its breaker open does not stop
orders. Their deliveries wait, holding their stock once, and start by themselves, each exactly
once with one coupon, when marketing is back, also when productdelivery is killed (-9) after
marketing issued the coupon but before productdelivery committed the delivery. Marketing
refusing a coupon (a 4xx) is final: the saga compensates, putting the held units back and
canceling the delivery; the order is then canceled by the shop and its payment refunded, and
the customer sees it on the status screen."""
import os
import signal

import pytest

from conftest import System, is_ready, request, wait_for
from shop12st import counts, order, row_for, status_is, stock, units


@pytest.fixture(scope="module")
def shop():
    system = System("shop12st", ["--env", "marketing:FAULT_CONTROL_ENABLED=true"])
    yield system
    system.close()


def set_marketing_faults(system, **faults):
    port = system.instances("marketing")[0]["port"]
    res = request(port, "POST", "/actuator/faults", {k.replace("_", "-"): v for k, v in faults.items()})
    assert res.status == 200, res.body


def breaker_state(system):
    port = system.instances("productdelivery")[0]["port"]
    for line in request(port, "GET", "/actuator/prometheus").body.splitlines():
        if line.startswith('resilience4j_circuitbreaker_state{name="marketing"') and line.endswith(" 1"):
            return line.split('state="')[1].split('"')[0]
    return None


def test_marketing_down_orders_taken_deliveries_start_once_when_it_is_back(shop):
    stock(shop, "md", 10)
    shop.stop_service("marketing")
    placed = [order(shop, "md", 1) for _ in range(5)]
    assert [r.status for r in placed] == [201] * 5, "orders never wait on marketing"
    ids = [r.json()["id"] for r in placed]
    # Each waiting delivery holds its units once: 5 taken, however often the coupon is retried.
    wait_for(lambda: units(shop, "md") == 5, timeout=30, what="stock held for the waiting deliveries")
    wait_for(lambda: breaker_state(shop) == "open", timeout=30, what="breaker open on marketing")
    assert all(row_for(shop, "ordermgmts", i) is None for i in ids), "no delivery without its coupon"
    # A customer cancels one of the waiting orders: it is settled after its placement, in order.
    assert shop.http("PATCH", f"/orders/{ids[0]}", {"orderStatus": "orderCanceled"}).status == 200

    shop.start_service("marketing")
    for i in ids[1:]:
        status_is(shop, i, "deliveryStarted")
    status_is(shop, ids[0], "deliveryCanceled")
    wait_for(lambda: units(shop, "md") == 6, timeout=30, what="the canceled order's unit back")
    assert all(counts(shop, "promotes")[i] == 1 for i in ids), "one coupon per order"
    assert all(counts(shop, "ordermgmts")[i] == 1 for i in ids), "one delivery per order"
    wait_for(lambda: row_for(shop, "promotes", ids[0])["couponUseYn"] == "N", what="canceled order's coupon withdrawn")


def test_kill9_between_the_coupon_and_its_commit_issues_one_coupon(shop):
    stock(shop, "k9", 3)
    # Marketing issues the coupon but answers only after productdelivery's timeout.
    set_marketing_faults(shop, answer_delay_ms=3000)
    try:
        oid = order(shop, "k9", 2).json()["id"]
        wait_for(lambda: row_for(shop, "promotes", oid), timeout=30, what="coupon issued by marketing")
        assert row_for(shop, "ordermgmts", oid) is None, "productdelivery has not committed the delivery"
        victim = shop.instances("productdelivery")[0]
        os.kill(victim["pid"], signal.SIGKILL)
        wait_for(lambda: (i := shop.instances("productdelivery")[0])["pid"] != victim["pid"] and is_ready(i["port"]),
                 timeout=30, what="productdelivery restarted")
    finally:
        set_marketing_faults(shop, answer_delay_ms=0)
    status_is(shop, oid, "deliveryStarted")
    assert counts(shop, "promotes")[oid] == 1 and counts(shop, "ordermgmts")[oid] == 1
    assert row_for(shop, "ordermgmts", oid)["couponId"] == row_for(shop, "promotes", oid)["couponId"]
    assert units(shop, "k9") == 1, "the quantity was taken once"


def test_a_refused_coupon_puts_the_units_back_cancels_the_delivery_and_refunds_the_order(shop):
    stock(shop, "rf", 3)
    set_marketing_faults(shop, error_rate=1, error_status=422)  # marketing refuses every coupon
    try:
        placed = order(shop, "rf", 2)
        assert placed.status == 201 and placed.json()["payStatus"] == "paid", placed.body
        oid = placed.json()["id"]
        row = status_is(shop, oid, "deliveryCanceled")  # what the customer sees
        assert not row.get("couponId"), row
    finally:
        set_marketing_faults(shop, error_rate=0)
    assert units(shop, "rf") == 3, "the units held for the order are back"
    delivery = row_for(shop, "ordermgmts", oid)
    assert delivery["orderStatus"] == "deliveryCanceled" and not delivery.get("couponId"), delivery
    assert row_for(shop, "promotes", oid) is None, "marketing issued no coupon"
    assert not shop.http("GET", f"/orders/{oid}").json().get("couponId")

    refunded = wait_for(lambda: (o := shop.http("GET", f"/orders/{oid}").json())["payStatus"] == "payCanceled" and o,
                        timeout=30, what=f"order {oid} refunded")
    assert refunded["orderStatus"] == "orderCanceled", "the shop canceled the order it could not deliver"

    canceled = shop.http("PATCH", f"/orders/{oid}", {"orderStatus": "orderCanceled"})
    assert canceled.status == 409, canceled.body
    again = order(shop, "rf", 1).json()["id"]
    status_is(shop, again, "deliveryStarted")
    assert units(shop, "rf") == 2, "the refused cancel after the compensation put nothing back twice"
