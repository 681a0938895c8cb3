"""Movie booking: a booking becomes Printed only when its ticket is printed at the cinema (ticket
asks book, a service call). A client's PATCH /books/{id} status=Printed through the gateway is
refused (403, nothing changed) in every profile; the print at the cinema still prints it."""
import pytest

from conftest import System, wait_for
from moviebooking_support import mypage_of

REASON = "a booking becomes Printed when its ticket is printed"
BOOKING = {"qty": 2, "movieName": "soul", "seat": "1A,2B", "totalPrice": 10000}


@pytest.fixture(scope="module")
def movies():
    system = System("moviebooking")
    yield system
    system.close()


@pytest.fixture(scope="module")
def secure():
    system = System("moviebooking", ["--profile", "secure"])
    yield system
    system.close()


def ticket_for(system, bid, token=None):
    res = system.call("GET", f"/tickets/search/findByBookingId?bookingId={bid}", token)
    tickets = res.json()["_embedded"]["tickets"] if res.status == 200 else []
    return tickets[0] if len(tickets) == 1 else None


def booked_with_ticket(system, booker=None, reader=None):
    """A booking and, once ticket has heard of it, its waiting ticket (`reader` may see tickets)."""
    res = system.call("POST", "/books", booker, BOOKING)
    assert res.status == 201, res.body
    bid = res.json()["id"]
    return bid, wait_for(lambda: ticket_for(system, bid, reader), what="the waiting ticket")


def test_a_client_cannot_mark_a_booking_printed(movies):
    bid, ticket = booked_with_ticket(movies)
    refused = movies.http("PATCH", f"/books/{bid}", {"status": "Printed"})
    assert refused.status == 403 and REASON in refused.json()["message"], refused.body
    assert movies.http("GET", f"/books/{bid}").json()["status"] == "Booked", "nothing changed"
    assert ticket_for(movies, bid)["status"] == "Waiting"
    assert movies.http("PATCH", f"/books/{bid}", {"status": "Canceled"}).status == 200, "still cancellable"


def test_the_print_at_the_cinema_still_prints_the_booking(movies):
    bid, ticket = booked_with_ticket(movies)
    printed = movies.http("PATCH", f"/tickets/{ticket['id']}", {"status": "Printed"})
    assert printed.status == 200, printed.body
    assert movies.http("GET", f"/books/{bid}").json()["status"] == "Printed"
    wait_for(lambda: (p := mypage_of(movies, bid)) and p["status"] == "Printed", what="MyPage printed")


def test_under_secure_a_customer_cannot_mark_a_booking_printed(secure):
    customer, manager = secure.login(("customer", "customer-pass")), secure.login(("manager", "manager-pass"))
    bid, ticket = booked_with_ticket(secure, booker=customer, reader=manager)
    refused = secure.call("PATCH", f"/books/{bid}", customer, {"status": "Printed"})
    assert refused.status == 403 and REASON in refused.json()["message"], refused.body
    assert secure.call("GET", f"/books/{bid}", customer).json()["status"] == "Booked", "nothing changed"
    printed = secure.call("PATCH", f"/tickets/{ticket['id']}", manager, {"status": "Printed"})
    assert printed.status == 200, printed.body
    assert secure.call("GET", f"/books/{bid}", customer).json()["status"] == "Printed"
