"""Movie booking with PROFILE=secure: tokens from the auth service, roles per route. Customers
book, cancel and read their screen; the cinema's staff (MANAGER) print tickets and read the
back office's collections; without a token nothing but the token endpoint answers."""
import pytest

from conftest import System, wait_for

CUSTOMER = ("customer", "customer-pass")
MANAGER = ("manager", "manager-pass")


@pytest.fixture(scope="module")
def secure():
    system = System("moviebooking", ["--profile", "secure"])
    yield system
    system.close()


def test_roles_per_route(secure):
    booking = {"qty": 2, "movieName": "soul", "seat": "1A,2B", "totalPrice": 10000}
    assert secure.http("POST", "/books", booking).status == 401
    assert secure.http("GET", "/mypages").status == 401
    customer, manager = secure.login(CUSTOMER), secure.login(MANAGER)

    printed = secure.call("POST", "/books", customer, booking)
    canceled = secure.call("POST", "/books", customer, booking)
    assert printed.status == canceled.status == 201, printed.body
    assert secure.call("POST", "/books", manager, booking).status == 403, "staff do not book"

    def ticket_of(bid):
        res = secure.call("GET", f"/tickets/search/findByBookingId?bookingId={bid}", manager)
        items = res.json()["_embedded"]["tickets"] if res.status == 200 else []
        return items[0] if items else None

    ticket = wait_for(lambda: ticket_of(printed.json()["id"]), what="ticket")
    assert secure.call("GET", "/tickets", customer).status == 403
    assert secure.call("PATCH", f"/tickets/{ticket['id']}", customer, {"status": "Printed"}).status == 403
    assert secure.call("PATCH", f"/tickets/{ticket['id']}", manager, {"status": "Printed"}).status == 200
    res = secure.call("PATCH", f"/books/{canceled.json()['id']}", customer, {"status": "Canceled"})
    assert res.status == 200, res.body

    assert secure.call("GET", "/payments", customer).status == 403
    assert secure.call("GET", "/notices", customer).status == 403
    assert secure.call("GET", "/payments", manager).status == 200
    rows = wait_for(lambda: (r := secure.items("mypages", customer))
                    and sorted(x["statusCode"] for x in r) == [2, 9] and r, what="the customer's screen")
    assert len(rows) == 2
