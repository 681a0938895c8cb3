"""The 12번가 measurements shared by bench/shop12st/run and .../overload: stocking the
benchmark's product, the totals of each collection, and when every order is settled."""
import json
import time
import urllib.request

PRODUCT = "bench"


def stock_plenty(system, units=1_000_000_000):
    req = urllib.request.Request(f"{system.gateway}/stocks", method="POST",
                                 data=json.dumps({"productId": PRODUCT, "productName": "ITbook", "stock": units}).encode(),
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as r:
        assert r.status == 201


def totals(system):
    """Orders, deliveries, coupons and status rows, or None while the gateway refuses (a
    saturated service may have left its rotation for a moment)."""
    try:
        return {c: system.total(c) for c in ("orders", "ordermgmts", "promotes", "orderStatuses")}
    except OSError:
        return None


def items(system, collection):
    out, page = [], 0
    while True:
        with urllib.request.urlopen(f"{system.gateway}/{collection}?size=2000&page={page}", timeout=60) as r:
            body = json.loads(r.read())
        out += body["_embedded"][collection]
        page += 1
        if page >= body["page"]["totalPages"]:
            return out


def wait_settled(system, timeout=90):
    """Seconds until every order has its delivery (or out-of-stock row), its coupon and a status
    row past orderPlaced; None when that did not happen within `timeout`."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        t = totals(system)
        if t and t["orders"] == t["ordermgmts"] == t["orderStatuses"] and not placed_only(system):
            return time.monotonic() - start
        time.sleep(0.1)
    return None


def placed_only(system):
    """Status rows still showing orderPlaced, the newest first (the last to settle)."""
    try:
        with urllib.request.urlopen(f"{system.gateway}/orderStatuses?size=500&sort=orderId,desc", timeout=30) as r:
            rows = json.loads(r.read())["_embedded"]["orderStatuses"]
    except OSError:
        return True
    return [r for r in rows if r["orderStatus"] == "orderPlaced"]


def audit(system):
    """Every order paid once and delivered (or out of stock) once, with one coupon per delivery."""
    orders = {o["id"]: o for o in items(system, "orders")}
    deliveries = {}
    for d in items(system, "ordermgmts"):
        deliveries.setdefault(d["orderId"], []).append(d["orderStatus"])
    coupons = {}
    for p in items(system, "promotes"):
        coupons[p["orderId"]] = coupons.get(p["orderId"], 0) + 1
    return {
        "orders": len(orders),
        "unpaid": sum(1 for o in orders.values() if o["payStatus"] != "paid"),
        "without_delivery": sum(1 for i in orders if i not in deliveries),
        "duplicate_deliveries": sum(1 for v in deliveries.values() if len(v) > 1),
        "started_without_coupon": sum(1 for i, v in deliveries.items() if "deliveryStarted" in v and coupons.get(i) != 1),
        "out_of_stock": sum(1 for v in deliveries.values() if v == ["outOfStock"]),
        "orphans": sum(1 for i in deliveries if i not in orders),
    }
