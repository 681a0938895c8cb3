"""Movie booking: the seed's own commands, booking paid synchronously, the ticket printed at
the cinema, cancellation until printing, MyPage's status codes and the notices sent."""
import json
import subprocess

import pytest

from conftest import System, request, wait_for
from moviebooking_support import book, mypage_of, one_for, payment_of, ticket_of


@pytest.fixture(scope="module")
def movies():
    system = System("moviebooking")
    yield system
    system.close()


def httpie(port, *args):
    """Runs the seed's HTTPie command line against the gateway's port."""
    out = subprocess.run(["http", "--ignore-stdin", "--print=b", *[a.replace(":8088", f":{port}") for a in args]],
                         capture_output=True, text=True, timeout=30, encoding="utf-8")
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_seed_commands_work_as_written(movies):
    port = movies.gateway
    created = httpie(port, "POST", ":8088/books", "qty=2", 'movieName=soul', 'seat=1A,2B', "totalPrice=10000")
    assert created["movieName"] == "soul" and created["seat"] == "1A,2B" and created["qty"] == 2
    assert created["totalPrice"] == 10000 and created["status"] == "Booked"
    bid = created["id"]
    ticket = wait_for(lambda: ticket_of(movies, bid), what="ticket issued")
    assert ticket["status"] == "Waiting"
    printed = httpie(port, "PATCH", f":8088/tickets/{ticket['id']}", 'status=Printed')
    assert printed["status"] == "Printed"
    fetched = wait_for(lambda: (b := httpie(port, f":8088/books/{bid}"))["status"] == "Printed" and b, what="booking printed")
    assert fetched["status"] == "Printed" and fetched["_links"]["self"]["href"].endswith(f"/books/{bid}")
    pages = wait_for(lambda: [r for r in httpie(port, ":8088/mypages")["_embedded"]["mypages"]
                              if r["bookingId"] == bid and r["statusCode"] == 2], what="my page: ticket collected")
    assert pages[0]["movieName"] == "soul" and pages[0]["status"] == "Printed"


def test_booking_is_paid_ticketed_and_shown_with_code_1(movies):
    res = book(movies, "소울", "3C", 1, 8000)
    assert res.status == 201, res.body
    bid = res.json()["id"]
    assert res.headers["location"].endswith(f"/books/{bid}")
    payment = payment_of(movies, bid)
    assert payment and payment["status"] == "Paid" and payment["totalPrice"] == 8000, "paid synchronously"
    ticket = wait_for(lambda: ticket_of(movies, bid), what="ticket")
    assert ticket["status"] == "Waiting" and ticket["movieName"] == "소울" and ticket["seat"] == "3C"
    row = wait_for(lambda: mypage_of(movies, bid), what="my page row")
    assert row["statusCode"] == 1 and row["status"] == "Booked" and row["totalPrice"] == 8000 and row["qty"] == 1


def test_cancel_before_printing_refunds_voids_the_ticket_and_shows_9(movies):
    bid = book(movies, "minari", "5E,5F").json()["id"]
    wait_for(lambda: ticket_of(movies, bid), what="ticket")
    res = movies.http("PATCH", f"/books/{bid}", {"status": "Canceled"})
    assert res.status == 200 and res.json()["status"] == "Canceled", res.body
    assert payment_of(movies, bid)["status"] == "Canceled", "refunded synchronously"
    wait_for(lambda: ticket_of(movies, bid)["status"] == "Canceled", what="ticket canceled")
    wait_for(lambda: (r := mypage_of(movies, bid)) and r["statusCode"] == 9 and r["status"] == "Canceled",
             what="my page: canceled")
    again = movies.http("PATCH", f"/books/{bid}", {"status": "Canceled"})
    assert again.status == 409 and "already canceled" in again.json()["message"]
    ticket = ticket_of(movies, bid)
    refused = movies.http("PATCH", f"/tickets/{ticket['id']}", {"status": "Printed"})
    assert refused.status == 409, refused.body
    assert ticket_of(movies, bid)["status"] == "Canceled"
    assert movies.http("GET", f"/books/{bid}").json()["status"] == "Canceled"


def test_cancel_after_printing_is_refused_and_changes_nothing(movies):
    bid = book(movies, "tenet", "7G").json()["id"]
    ticket = wait_for(lambda: ticket_of(movies, bid), what="ticket")
    assert movies.http("PATCH", f"/tickets/{ticket['id']}", {"status": "Printed"}).status == 200
    wait_for(lambda: (r := mypage_of(movies, bid)) and r["statusCode"] == 2, what="my page: collected")
    res = movies.http("PATCH", f"/books/{bid}", {"status": "Canceled"})
    assert res.status == 409, res.body
    assert "already printed" in res.json()["message"]
    assert movies.http("GET", f"/books/{bid}").json()["status"] == "Printed"
    assert payment_of(movies, bid)["status"] == "Paid"
    assert ticket_of(movies, bid)["status"] == "Printed"
    assert mypage_of(movies, bid)["statusCode"] == 2
    twice = movies.http("PATCH", f"/tickets/{ticket['id']}", {"status": "Printed"})
    assert twice.status == 409 and "already printed" in twice.json()["message"]


def test_every_status_change_is_noticed_once(movies):
    printed = book(movies, "dune", "9A").json()["id"]
    canceled = book(movies, "dune", "9B").json()["id"]
    ticket = wait_for(lambda: ticket_of(movies, printed), what="ticket")
    assert movies.http("PATCH", f"/tickets/{ticket['id']}", {"status": "Printed"}).status == 200
    assert movies.http("PATCH", f"/books/{canceled}", {"status": "Canceled"}).status == 200

    def notices(bid):
        res = movies.http("GET", f"/notices/search/findByBookingId?bookingId={bid}")
        return res.json()["_embedded"]["notices"]

    for bid, second in ((printed, "발권"), (canceled, "취소")):
        got = wait_for(lambda: len(n := notices(bid)) >= 2 and n, what=f"notices of booking {bid}")
        assert len(got) == 2, got
        messages = sorted(n["message"] for n in got)
        assert any("예매가 완료" in m for m in messages) and any(second in m for m in messages), messages
        assert all(n["channel"] in ("log", "webhook") and n["sentAt"] for n in got)


def test_a_cancellation_asked_twice_refunds_once(movies):
    """payment's own door (book's call, not routed by the gateway): a repeat answers the first."""
    bid = book(movies, "wonka", "2C").json()["id"]
    port = movies.instances("payment")[0]["port"]
    first = request(port, "POST", "/cancellations", {"bookingId": bid})
    again = request(port, "POST", "/cancellations", {"bookingId": bid})
    assert first.status == 201 and again.status == 200, (first.body, again.body)
    assert first.json()["id"] == again.json()["id"]
    assert payment_of(movies, bid)["status"] == "Canceled"
    unknown = request(port, "POST", "/cancellations", {"bookingId": 999999})
    assert unknown.status == 404 and "has no payment" in unknown.json()["message"]
    assert request(port, "GET", "/cancellations/search/findByBookingId?bookingId=999999").json()["page"]["totalElements"] == 0
