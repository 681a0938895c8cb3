"""Movie booking: bad input through the gateway gets the right 4xx, stores nothing, and the
services stay up."""
import pytest

from conftest import System, assert_error, wait_for
from moviebooking_support import book, ticket_of


@pytest.fixture(scope="module")
def movies():
    system = System("moviebooking")
    yield system
    system.close()


def totals(system):
    return system.totals("books", "payments")


@pytest.mark.parametrize("body,needle", [
    ('{"qty": 2, "movieName": "soul", "seat": "1A,2B", "totalPrice": ', "malformed JSON"),
    ('{"qty": "two", "movieName": "soul", "seat": "1A,2B", "totalPrice": 10000}', "'qty'"),
    ('{"qty": 0, "movieName": "soul", "seat": "1A,2B", "totalPrice": 10000}', "'qty' must be at least 1"),
    ('{"qty": -1, "movieName": "soul", "seat": "1A,2B", "totalPrice": 10000}', "'qty' must be at least 1"),
    ('{"qty": 2, "movieName": "soul", "seat": "1A,2B", "totalPrice": -10000}', "'totalPrice' must be at least 0"),
    ('{"qty": 2, "seat": "1A,2B", "totalPrice": 10000}', "'movieName' is required"),
    ('{"qty": 2, "movieName": "soul", "totalPrice": 10000}', "'seat' is required"),
    ('[]', "JSON object"),
])
def test_rejected_bookings_store_nothing(movies, body, needle):
    before = totals(movies)
    res = movies.http("POST", "/books", body)
    assert_error(res, 400, needle, "/books")
    assert totals(movies) == before


def test_unknown_ids_wrong_methods_and_content_types(movies):
    assert movies.http("GET", "/books/999999").status == 404
    assert movies.http("GET", "/books/abc").status == 404
    assert movies.http("PATCH", "/books/999999", {"status": "Canceled"}).status == 404
    assert movies.http("PATCH", "/tickets/999999", {"status": "Printed"}).status == 404
    assert movies.http("DELETE", "/books/1").status == 405
    assert movies.http("PUT", "/books/1", {"qty": 1}).status == 405
    assert movies.http("POST", "/tickets", {"bookingId": 1}).status == 405
    assert movies.http("POST", "/mypages", {"bookingId": 1}).status == 405
    assert movies.http("POST", "/notices", {"bookingId": 1}).status == 405
    assert movies.http("PATCH", "/payments/1", {"status": "Canceled"}).status == 405
    assert movies.http("POST", "/cancellations", {"bookingId": 1}).status == 404, "refunds are not routed"
    res = movies.http("POST", "/books", "qty=2", headers={"Content-Type": "text/plain"})
    assert res.status == 415


def test_a_status_that_is_not_a_transition_changes_nothing(movies):
    bid = book(movies).json()["id"]
    ticket = wait_for(lambda: ticket_of(movies, bid), what="ticket")
    for status in ("Booked", "Finished", "canceled", ""):
        res = movies.http("PATCH", f"/books/{bid}", {"status": status})
        assert res.status == 400 and "can only be set to" in res.json()["message"], res.body
        res = movies.http("PATCH", f"/tickets/{ticket['id']}", {"status": status})
        assert res.status == 400, res.body
    assert movies.http("PATCH", f"/books/{bid}", {"qty": "x"}).status == 400
    assert movies.http("GET", f"/books/{bid}").json()["status"] == "Booked"
    assert ticket_of(movies, bid)["status"] == "Waiting"


def test_a_one_megabyte_body_is_refused_and_services_stay_up(movies):
    before = totals(movies)
    big = '{"qty": 1, "movieName": "' + "x" * (1024 * 1024) + '", "seat": "1A", "totalPrice": 1}'
    res = movies.http("POST", "/books", big)
    assert res.status == 413
    assert totals(movies) == before
    movies.assert_all_healthy()
    assert book(movies).status == 201
