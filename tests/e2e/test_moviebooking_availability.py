"""Movie booking: with payment stopped, bookings and cancellations are refused at once with a
clear message and nothing changes; with ticket stopped, bookings are still taken, and after its
restart each gets its ticket once."""
import collections
import time

import pytest

from conftest import System, wait_for
from moviebooking_support import book, by_booking, payment_of, ticket_of


@pytest.fixture(scope="module")
def movies():
    system = System("moviebooking")
    yield system
    system.close()


def test_payment_stopped_then_back(movies):
    kept = book(movies).json()["id"]
    wait_for(lambda: ticket_of(movies, kept), what="ticket")
    books_before = len(movies.all_items("books"))
    payments_before = len(movies.all_items("payments"))

    movies.stop_service("payment")
    for _ in range(5):
        started = time.monotonic()
        res = book(movies, "soul", "9Z", 1, 5000)
        elapsed = time.monotonic() - started
        assert res.status == 503, res.body
        assert "payment is busy, please try again later" in res.json()["message"]
        assert "retry-after" in res.headers
        assert elapsed < 1.0, f"refusal took {elapsed:.3f}s"
        started = time.monotonic()
        res = movies.http("PATCH", f"/books/{kept}", {"status": "Canceled"})
        assert res.status == 503, res.body
        assert "retry-after" in res.headers and time.monotonic() - started < 1.0
    assert len(movies.all_items("books")) == books_before
    assert movies.http("GET", f"/books/{kept}").json()["status"] == "Booked", "no cancel without its refund"

    movies.start_service("payment")
    assert len(movies.all_items("payments")) == payments_before, "no payment was taken while payment was down"
    assert payment_of(movies, kept)["status"] == "Paid"
    # The breaker opened on the refusals; a customer retries after Retry-After until it closes.
    wait_for(lambda: book(movies, "soul", "9Y", 1, 5000).status == 201, timeout=10, what="bookings accepted again")
    assert len(movies.all_items("books")) == books_before + 1
    res = movies.http("PATCH", f"/books/{kept}", {"status": "Canceled"})
    assert res.status == 200, res.body
    assert payment_of(movies, kept)["status"] == "Canceled"


def test_ticket_down_bookings_go_on_and_each_gets_its_ticket_once(movies):
    movies.stop_service("ticket")
    ids = []
    for i in range(15):
        res = book(movies, "ticketless", f"T{i}")
        assert res.status == 201, res.body
        ids.append(res.json()["id"])
    movies.start_service("ticket")
    tickets = wait_for(lambda: (t := by_booking(movies, "tickets")) and all(i in t for i in ids) and t,
                       timeout=30, what="every missed booking ticketed")
    assert all(len(tickets[i]) == 1 and tickets[i][0]["status"] == "Waiting" for i in ids)
    pages = collections.Counter(r["bookingId"] for r in movies.all_items("mypages"))
    assert all(pages[i] == 1 for i in ids)
