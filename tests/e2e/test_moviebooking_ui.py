"""Movie booking's web front end in a real browser: book seats and see status code 1, print the
ticket at the cinema's screen and see 2 (cancel then refused), book again and cancel to see 9,
all without a reload; a cancel refused (409) and payment stopped (503) explained on screen."""
import re

import pytest
from playwright_import import expect

from browser import browser, open_screen  # noqa: F401 (fixture)
from conftest import System, wait_for
from moviebooking_support import ticket_of


@pytest.fixture(scope="module")
def movies():
    system = System("moviebooking")
    yield system
    system.close()


def book(page, movie, seats):
    page.get_by_label("영화 Movie").fill(movie)
    page.get_by_label("좌석 Seats (e.g. 1A,2B)").fill(seats)
    page.get_by_role("button", name="예매하기 Book").click()


def test_book_print_and_cancel(movies, browser):
    screen = open_screen(browser, movies)
    page = screen.page
    book(page, "dune", "3C,3D")
    expect(page.locator("#message")).to_contain_text("paid")
    printed = screen.row("mypages", movieName="dune")
    expect(screen.cell(printed, "statusCode")).to_have_text("1 예매 booked")
    ticket = screen.row("tickets", movieName="dune")
    expect(screen.cell(ticket, "status")).to_have_text("Waiting")
    ticket.get_by_role("button", name="Print ticket").click()
    expect(screen.cell(printed, "statusCode")).to_have_text("2 발권 printed")
    expect(printed.get_by_role("button", name="Cancel booking")).to_have_count(0)

    book(page, "soul", "7A")
    canceled = screen.row("mypages", movieName="soul")
    expect(screen.cell(canceled, "statusCode")).to_have_text("1 예매 booked")
    canceled.get_by_role("button", name="Cancel booking").click()
    expect(screen.cell(canceled, "statusCode")).to_have_text("9 취소 cancelled")
    expect(page.locator("#debug output")).to_contain_text("ms")
    expect(page.locator("#debug .mode")).to_have_text("live (SSE)")  # not polling
    assert screen.not_reloaded()
    screen.screenshot("moviebooking")
    screen.assert_clean()


def test_a_refused_cancel_is_explained(movies, browser):
    """The ticket is printed at the cinema while the customer's screen still offers Cancel (its
    view a moment behind, held so here: no stream, and the polled list kept stale): the 409 is
    explained in words."""
    screen = open_screen(browser, movies, lambda page: page.route("**/mypages/live", lambda route: route.abort()))
    page = screen.page
    expect(page.locator("#debug .mode")).to_have_text("polling")
    book(page, "tenet", "5E")
    row = screen.row("mypages", movieName="tenet")
    expect(screen.cell(row, "statusCode")).to_have_text("1 예매 booked")
    booking = int(screen.cell(row, "bookingId").inner_text())

    def stale_view(route):
        answer = route.fetch()
        body = answer.json()
        for item in body["_embedded"]["mypages"]:
            if item["bookingId"] == booking:
                item["statusCode"] = 1
        route.fulfill(response=answer, json=body)
    page.route("**/mypages?*", stale_view)
    ticket = wait_for(lambda: ticket_of(movies, booking), what="the ticket")
    assert movies.http("PATCH", f"/tickets/{ticket['id']}", {"status": "Printed"}).status == 200
    row.get_by_role("button", name="Cancel booking").click()
    expect(page.get_by_role("alert")).to_contain_text("Not possible now")
    expect(page.get_by_role("alert")).to_contain_text("already printed")
    assert "{" not in screen.message(), "no JSON on screen"
    page.unroute("**/mypages?*")
    expect(screen.cell(row, "statusCode")).to_have_text("2 발권 printed")
    screen.assert_clean(409)


def test_payment_stopped_shows_a_fallback(movies, browser):
    screen = open_screen(browser, movies)
    page = screen.page
    movies.stop_service("payment")
    try:
        book(page, "up", "1A")
        expect(page.get_by_role("alert")).to_contain_text(re.compile("try again later", re.I))
        assert "{" not in screen.message(), "no JSON on screen"
    finally:
        movies.start_service("payment")
    screen.assert_clean(503)
