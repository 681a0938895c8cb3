"""12번가: productdelivery down does not stop orders; when it comes back it handles every
missed order exactly once. Two productdelivery replicas split the stream with no duplicate
delivery or coupon, and no unit of stock taken twice."""
from conftest import System, request, wait_for
from shop12st import counts, order, stock, units


def handled_events(port):
    for line in request(port, "GET", "/actuator/prometheus").body.splitlines():
        if line.startswith("hexa_events_handled_total "):
            return float(line.split()[1])
    return 0


def all_delivered(system, ids):
    return wait_for(lambda: (c := counts(system, "ordermgmts")) and all(c[i] >= 1 for i in ids) and c,
                    timeout=60, interval=0.2, what="every order handled")


def test_productdelivery_down_then_catches_up_exactly_once():
    system = System("shop12st")
    try:
        stock(system, "cu", 100)
        system.stop_service("productdelivery")
        placed = [order(system, "cu", 2) for _ in range(15)]
        assert [r.status for r in placed] == [201] * 15, "orders are taken while productdelivery is down"
        ids = [r.json()["id"] for r in placed]
        system.start_service("productdelivery")
        deliveries = all_delivered(system, ids)
        assert all(deliveries[i] == 1 for i in ids), deliveries
        coupons = counts(system, "promotes")
        assert all(coupons[i] == 1 for i in ids), coupons
        assert units(system, "cu") == 100 - 2 * 15
    finally:
        system.close()


def test_two_productdelivery_replicas_split_the_stream_without_duplicates():
    system = System("shop12st", ["--replicas", "productdelivery=2"])
    try:
        assert len(system.instances("productdelivery")) == 2
        for p in ("a", "b", "c"):
            stock(system, p, 20)
        # 60 orders for 60 units, 3 products: every unit goes to exactly one delivery.
        ids = [order(system, "abc"[i % 3], 1).json()["id"] for i in range(60)]
        deliveries = all_delivered(system, ids)
        assert all(deliveries[i] == 1 for i in ids), deliveries
        coupons = counts(system, "promotes")
        assert all(coupons[i] == 1 for i in ids), coupons
        started = [d for d in system.all_items("ordermgmts") if d["orderStatus"] == "deliveryStarted"]
        assert len(started) == 60 and all(units(system, p) == 0 for p in "abc")
        assert order(system, "a", 1).status == 201  # and the next one finds none left
        handled = [handled_events(i["port"]) for i in system.instances("productdelivery")]
        assert all(h > 0 for h in handled), handled
    finally:
        system.close()
