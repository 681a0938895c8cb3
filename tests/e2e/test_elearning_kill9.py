"""E-learning: kill -9 of any one service at random moments during a stream of applications
and cancellations, then restart. Afterwards every application has exactly one payment, one
delivery and one MyPage row; every cancelled one ends with payment and delivery cancelled; no
delivery runs for a cancelled payment; nothing acknowledged is lost."""
import collections
import os
import signal
import threading
import time

from conftest import System, is_ready, wait_for
from elearning import apply, cancel


def stream(system, stop, accepted, cancelled, errors):
    i = 0
    while not stop.is_set():
        i += 1
        try:
            res = apply(system, studentId=f"kill{i}", amount=1000 + i)
            if res.status == 201:
                accepted.append(res.json()["id"])
            if i % 3 == 0 and accepted:  # cancel one in three, soon after it was taken
                aid = accepted[-1]
                if cancel(system, aid).status == 200:
                    cancelled.append(aid)
        except OSError as e:  # the gateway itself may be the victim
            errors.append(str(e))
            time.sleep(0.05)


def test_kill9_any_service_loses_nothing(rng):
    system = System("elearning", ["--env", "pay:EVENTS_RETRY_MAX_MS=1000"])
    try:
        stop, accepted, cancelled, errors = threading.Event(), [], [], []
        writer = threading.Thread(target=stream, args=(system, stop, accepted, cancelled, errors))
        writer.start()
        for service in ["apply", "pay", "delivery", "mypage", "pay", "delivery"]:
            time.sleep(rng.uniform(0.2, 0.8))  # a random moment in the stream
            before = len(accepted)
            pid = system.instances(service)[0]["pid"]
            os.kill(pid, signal.SIGKILL)
            wait_for(lambda: (i := system.instances(service)[0])["pid"] != pid and is_ready(i["port"]),
                     timeout=30, what=f"{service} restarted")
            wait_for(lambda: len(accepted) > before, timeout=30, what="applications flowing again")
        stop.set()
        writer.join()
        assert accepted and cancelled

        def settled():
            applies = {a["id"]: a for a in system.all_items("applies")}
            pays = collections.defaultdict(list)
            for p in system.all_items("pays"):
                pays[p["applyId"]].append(p)
            deliveries = collections.defaultdict(list)
            for d in system.all_items("deliveries"):
                deliveries[d["applyId"]].append(d)
            pages = {m["applyId"]: m for m in system.all_items("myPages")}
            for aid, a in applies.items():
                if len(pays[aid]) != 1 or len(deliveries[aid]) != 1 or aid not in pages:
                    return False
                want = "cancelled" if a["applyStatus"] == "cancelled" else None
                pay, delivery, page = pays[aid][0], deliveries[aid][0], pages[aid]
                if want and (pay["payStatus"], delivery["deliveryStatus"]) != (want, want):
                    return False
                if (page["applyStatus"], page["payStatus"], page["deliveryStatus"]) != \
                        (a["applyStatus"], pay["payStatus"], delivery["deliveryStatus"]):
                    return False
            return (applies, pays, deliveries) if set(pays) <= set(applies) else False

        applies, pays, deliveries = wait_for(settled, timeout=60, interval=0.5, what="everything settled")
        assert set(accepted) <= set(applies), "every acknowledged application is kept"
        assert all(applies[a]["applyStatus"] == "cancelled" for a in cancelled), "every acknowledged cancel is kept"
        assert set(pays) <= set(applies), "no payment without an application"
        for aid, [pay] in pays.items():
            if pay["payStatus"] == "cancelled":
                assert deliveries[aid][0]["deliveryStatus"] == "cancelled", "no delivery runs for a cancelled payment"
            else:
                assert applies[aid]["applyStatus"] == "completed"
    finally:
        system.close()
