"""Movie booking: kill -9 of any one service at random moments during a stream of bookings,
prints and cancellations, then restart. Afterwards every booking has exactly one payment whose
state matches it, one ticket, one MyPage row and one notice per status change; every answered
request holds, and there is no payment without its booking."""
import collections
import os
import random
import signal
import threading
import time

from conftest import System, is_ready, wait_for
from moviebooking_support import book, by_booking

SETTLED = {"Booked": ("Paid", "Waiting", 1, 1), "Printed": ("Paid", "Printed", 2, 2),
           "Canceled": ("Canceled", "Canceled", 9, 2)}


def stream_bookings(system, stop, accepted):
    i = 0
    while not stop.is_set():
        i += 1
        try:
            res = book(system, "kill", f"K{i}", 1, 1000 + i)
            if res.status == 201:
                accepted.append(res.json()["id"])
        except OSError:  # the gateway answered nothing: the launcher is healing someone
            time.sleep(0.05)


def stream_changes(system, stop, accepted, answered, seed):
    """Prints or cancels bookings made a moment ago; remembers what was acknowledged."""
    rng = random.Random(seed)
    done = set()
    while not stop.is_set():
        todo = [b for b in accepted[:-5] if b not in done]
        if not todo:
            time.sleep(0.02)
            continue
        bid = rng.choice(todo)
        done.add(bid)
        try:
            if rng.random() < 0.5:
                res = system.http("GET", f"/tickets/search/findByBookingId?bookingId={bid}")
                tickets = res.json()["_embedded"]["tickets"] if res.status == 200 else []
                if tickets and system.http("PATCH", f"/tickets/{tickets[0]['id']}", {"status": "Printed"}).status == 200:
                    answered[bid] = "Printed"
            elif system.http("PATCH", f"/books/{bid}", {"status": "Canceled"}).status == 200:
                answered[bid] = "Canceled"
        except OSError:
            time.sleep(0.05)


def test_kill9_any_service_loses_nothing(rng):
    system = System("moviebooking")
    try:
        stop, accepted, answered = threading.Event(), [], {}
        workers = [threading.Thread(target=stream_bookings, args=(system, stop, accepted)),
                   threading.Thread(target=stream_changes, args=(system, stop, accepted, answered, rng.random()))]
        for w in workers:
            w.start()
        for service in ["book", "payment", "ticket", "mypage", "notice", "book", "ticket", "payment"]:
            time.sleep(rng.uniform(0.2, 0.8))  # a random moment in the stream
            before = len(accepted)
            pid = system.instances(service)[0]["pid"]
            os.kill(pid, signal.SIGKILL)
            wait_for(lambda: (i := system.instances(service)[0])["pid"] != pid and is_ready(i["port"]),
                     timeout=30, what=f"{service} restarted")
            wait_for(lambda: len(accepted) > before, timeout=30, what="bookings flowing again")
        stop.set()
        for w in workers:
            w.join()
        assert accepted and answered

        def settled():
            books = {b["id"]: b["status"] for b in system.all_items("books")}
            payments, tickets, pages = (by_booking(system, c) for c in ("payments", "tickets", "mypages"))
            notices = collections.Counter(n["bookingId"] for n in system.all_items("notices"))
            for bid, status in books.items():
                if len(payments[bid]) != 1 or len(tickets[bid]) != 1 or len(pages[bid]) != 1:
                    return False
                got = (payments[bid][0]["status"], tickets[bid][0]["status"], pages[bid][0]["statusCode"], notices[bid])
                if got != SETTLED[status]:
                    return False
            return set(payments) <= set(books) and (books, payments)

        books, payments = wait_for(settled, timeout=60, interval=0.5, what="every booking settled everywhere")
        assert set(accepted) <= set(books), "every acknowledged booking is kept"
        assert set(payments) <= set(books), "no payment without its booking"
        wrong = {b: (want, books[b]) for b, want in answered.items() if books[b] != want}
        assert not wrong, f"acknowledged prints and cancellations hold: {wrong}"
        print(f"{len(books)} bookings, {collections.Counter(books.values())}")
    finally:
        system.close()
