"""E-learning: delivery down. Applications and payments keep working; a cancellation made
meanwhile leaves the payment `completed` (the seed's "no change in Pay") and is lost nowhere:
once delivery is back it completes by itself, once, with no command from anyone, whether the
delivery had started or not. Every missed delivery starts once; two replicas, no duplicates."""
import collections

from conftest import System, request, wait_for
from elearning import apply, by_apply, cancel, row_for, wait_row


def test_delivery_down_then_back_completes_starts_and_cancellations_once():
    system = System("elearning", ["--env", "pay:EVENTS_RETRY_MAX_MS=1000"])
    try:
        started = apply(system, studentId="started").json()["id"]  # delivered before the outage
        wait_row(system, "deliveries", started, deliveryStatus="started")
        system.stop_service("delivery")

        ids = []
        for i in range(10):
            res = apply(system, studentId=f"s{i}", address=f"addr{i}")
            assert res.status == 201, res.body
            ids.append(res.json()["id"])
        pays = by_apply(system, "pays")
        assert all(pays[i]["payStatus"] == "completed" for i in ids), "payments are taken while delivery is down"

        never_started = ids[:3]  # their PayCompleted is not handled yet: no delivery exists
        for aid in [started, *never_started]:
            res = cancel(system, aid)
            assert res.status == 200 and res.json()["applyStatus"] == "cancelled", res.body
        wait_for(lambda: all(row_for(system, "myPages", a)["applyStatus"] == "cancelled"
                             for a in [started, *never_started]), what="MyPage shows the cancellations")
        pays = by_apply(system, "pays")
        assert all(pays[a]["payStatus"] == "completed" for a in [started, *never_started]), \
            "no payment is cancelled while its delivery cannot be"

        system.start_service("delivery")
        for aid in [started, *never_started]:
            wait_row(system, "pays", aid, payStatus="cancelled")
            wait_row(system, "deliveries", aid, deliveryStatus="cancelled")
            wait_row(system, "myPages", aid, applyStatus="cancelled", payStatus="cancelled",
                     deliveryStatus="cancelled")
        for aid in ids[3:]:
            d = wait_row(system, "deliveries", aid, deliveryStatus="started")
            assert d["deliveryAddress"] == f"addr{ids.index(aid)}"
        counts = collections.Counter(d["applyId"] for d in system.all_items("deliveries"))
        assert all(counts[a] == 1 for a in [started, *ids]), counts
        for aid in ids[3:]:
            wait_row(system, "myPages", aid, payStatus="completed", deliveryStatus="started")
        # A cancelled payment never leaves a delivery running, and nothing is cancelled twice.
        pays, deliveries = by_apply(system, "pays"), by_apply(system, "deliveries")
        for aid, pay in pays.items():
            if pay["payStatus"] == "cancelled":
                assert deliveries[aid]["deliveryStatus"] == "cancelled"
    finally:
        system.close()


def test_a_delivery_cancelled_before_its_payment_arrived_never_starts():
    """Pay's cancel can reach delivery before delivery handled the PayCompleted (delivery was
    behind). Made certain here by sending delivery's cancel command (POST /deliveries, as pay
    does) before the application even exists: the delivery is recorded cancelled, its
    PayCompleted does not start it, and the application's own cancellation then completes."""
    system = System("elearning")
    try:
        delivery = system.instances("delivery")[0]["port"]  # as pay calls it: not through the gateway
        assert system.http("POST", "/deliveries", {"applyId": 1}).status == 405, "services only"
        early = request(delivery, "POST", "/deliveries", {"applyId": 1, "studentId": "student1", "deliveryAddress": "seoul"})
        assert early.status == 201 and early.json()["deliveryStatus"] == "cancelled", early.body
        aid = apply(system).json()["id"]
        assert aid == 1
        later = apply(system).json()["id"]
        wait_row(system, "deliveries", later, deliveryStatus="started")
        wait_for(lambda: handled_events(delivery) >= 2, what="delivery handled both PayCompleted")
        wait_row(system, "myPages", aid, payStatus="completed", deliveryStatus="cancelled")
        assert row_for(system, "deliveries", aid)["deliveryStatus"] == "cancelled", "never started"
        assert cancel(system, aid).status == 200
        wait_row(system, "myPages", aid, applyStatus="cancelled", payStatus="cancelled", deliveryStatus="cancelled")
        assert len([d for d in system.all_items("deliveries") if d["applyId"] == aid]) == 1
    finally:
        system.close()


def handled_events(port):
    for line in request(port, "GET", "/actuator/prometheus").body.splitlines():
        if line.startswith("hexa_events_handled_total "):
            return float(line.split()[1])
    return 0


def test_two_delivery_replicas_split_the_stream_without_duplicates():
    system = System("elearning", ["--replicas", "delivery=2"])
    try:
        assert len(system.instances("delivery")) == 2
        ids = [apply(system, studentId=f"r{i}").json()["id"] for i in range(40)]
        for aid in ids[::4]:
            assert cancel(system, aid).status == 200
        counts = wait_for(lambda: (c := collections.Counter(d["applyId"] for d in system.all_items("deliveries")))
                          and all(c[i] >= 1 for i in ids) and c, timeout=30, what="all delivered")
        assert all(counts[i] == 1 for i in ids), counts
        for aid in ids[::4]:
            wait_row(system, "myPages", aid, payStatus="cancelled", deliveryStatus="cancelled")
        handled = [handled_events(i["port"]) for i in system.instances("delivery")]
        assert all(h > 0 for h in handled), handled
    finally:
        system.close()
