"""12번가: kill -9 of any one service at random moments during a stream of orders and
cancellations, then the launcher's restart. Afterwards every acknowledged order has exactly one
delivery (or out-of-stock) row, every started delivery exactly one coupon, and the stock is
exactly what was put in minus what started deliveries hold."""
import collections
import os
import signal
import threading
import time

from conftest import System, is_ready, wait_for
from shop12st import order, stock

UNITS = 150  # fewer than the stream orders: some end out of stock


def stream(system, stop, accepted, canceled):
    i = 0
    while not stop.is_set():
        i += 1
        try:
            res = order(system, "k", 1 + i % 2)
            if res.status == 201:
                accepted.append(res.json()["id"])
                if i % 5 == 0:
                    c = system.http("PATCH", f"/orders/{accepted[-1]}", {"orderStatus": "orderCanceled"})
                    if c.status == 200:
                        canceled.add(accepted[-1])
        except OSError:  # the gateway itself may be answering for a dead instance
            time.sleep(0.05)


def test_kill9_any_service_loses_nothing_and_holds_nothing_twice(rng):
    system = System("shop12st")
    try:
        stock(system, "k", UNITS)
        stop, accepted, canceled = threading.Event(), [], set()
        writer = threading.Thread(target=stream, args=(system, stop, accepted, canceled))
        writer.start()
        for service in ["productdelivery", "marketing", "order", "productdelivery", "marketing"]:
            time.sleep(rng.uniform(0.2, 0.8))
            before = len(accepted)
            pid = system.instances(service)[0]["pid"]
            os.kill(pid, signal.SIGKILL)
            wait_for(lambda: (i := system.instances(service)[0])["pid"] != pid and is_ready(i["port"]),
                     timeout=30, what=f"{service} restarted")
            wait_for(lambda: len(accepted) > before, timeout=30, what="orders flowing again")
        stop.set()
        writer.join()
        assert accepted

        def settled():
            orders = {o["id"]: o for o in system.all_items("orders")}
            deliveries = collections.Counter(d["orderId"] for d in system.all_items("ordermgmts"))
            if not all(deliveries[i] >= 1 for i in orders):
                return None
            rows = {d["orderId"]: d for d in system.all_items("ordermgmts")}
            if any(rows[i]["orderStatus"] == "deliveryStarted" and orders[i]["orderStatus"] == "orderCanceled"
                   for i in orders):
                return None  # a cancellation still on its way
            return orders, deliveries, rows

        orders, deliveries, rows = wait_for(settled, timeout=60, interval=0.5, what="every order settled")
        assert set(accepted) <= set(orders), "every acknowledged order is kept"
        assert max(deliveries.values()) == 1, "one delivery row per order"
        coupons = collections.Counter(p["orderId"] for p in system.all_items("promotes"))
        assert max(coupons.values(), default=1) == 1, "one coupon per order"
        started = [r for r in rows.values() if r["orderStatus"] == "deliveryStarted"]
        assert all(coupons[r["orderId"]] == 1 for r in started), "no delivery without its coupon"
        held = sum(r["qty"] for r in started)
        assert system.http("GET", "/stocks/k").json()["stock"] == UNITS - held, "no unit held twice or lost"
    finally:
        system.close()
