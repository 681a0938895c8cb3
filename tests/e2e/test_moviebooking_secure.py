"""Movie booking with PROFILE=secure: tokens from the auth service, roles per route. Customers
book, cancel and read their screen; the cinema's staff (MANAGER) print tickets and read the
back office's collections; without a token nothing but the token endpoint answers."""
import urllib.parse

import pytest

from conftest import System, wait_for

CUSTOMER = ("customer", "customer-pass")
MANAGER = ("manager", "manager-pass")


@pytest.fixture(scope="module")
def secure():
    system = System("moviebooking", ["--profile", "secure"])
    yield system
    system.close()


def login(system, user):
    form = urllib.parse.urlencode({"grant_type": "password", "username": user[0], "password": user[1]})
    res = system.http("POST", "/oauth/token", form, headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert res.status == 200, res.body
    return {"Authorization": f"Bearer {res.json()['access_token']}"}


def test_roles_per_route(secure):
    booking = {"qty": 2, "movieName": "soul", "seat": "1A,2B", "totalPrice": 10000}
    assert secure.http("POST", "/books", booking).status == 401
    assert secure.http("GET", "/mypages").status == 401
    customer, manager = login(secure, CUSTOMER), login(secure, MANAGER)

    printed = secure.http("POST", "/books", booking, headers=customer)
    canceled = secure.http("POST", "/books", booking, headers=customer)
    assert printed.status == canceled.status == 201, printed.body
    assert secure.http("POST", "/books", booking, headers=manager).status == 403, "staff do not book"

    def ticket_of(bid):
        res = secure.http("GET", f"/tickets/search/findByBookingId?bookingId={bid}", headers=manager)
        items = res.json()["_embedded"]["tickets"] if res.status == 200 else []
        return items[0] if items else None

    ticket = wait_for(lambda: ticket_of(printed.json()["id"]), what="ticket")
    assert secure.http("GET", "/tickets", headers=customer).status == 403
    assert secure.http("PATCH", f"/tickets/{ticket['id']}", {"status": "Printed"}, headers=customer).status == 403
    assert secure.http("PATCH", f"/tickets/{ticket['id']}", {"status": "Printed"}, headers=manager).status == 200
    res = secure.http("PATCH", f"/books/{canceled.json()['id']}", {"status": "Canceled"}, headers=customer)
    assert res.status == 200, res.body

    assert secure.http("GET", "/payments", headers=customer).status == 403
    assert secure.http("GET", "/notices", headers=customer).status == 403
    assert secure.http("GET", "/payments", headers=manager).status == 200
    rows = wait_for(lambda: (r := secure.http("GET", "/mypages", headers=customer).json()["_embedded"]["mypages"])
                    and sorted(x["statusCode"] for x in r) == [2, 9] and r, what="the customer's screen")
    assert len(rows) == 2
