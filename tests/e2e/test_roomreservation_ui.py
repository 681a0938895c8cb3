"""Room reservation's web front end in a real browser: the manager registers a room, it shows
in RoomInfo, a guest reserves and pays, the manager checks out; a second reservation cancelled;
without a reload. With payment stopped, paying shows the fallback and the reservation stays."""
import re

import pytest
from playwright_import import expect

from browser import browser, open_screen  # noqa: F401 (fixture)
from conftest import System, wait_for


@pytest.fixture(scope="module")
def rooms():
    system = System("roomreservation")
    yield system
    system.close()


def register(page, name):
    page.get_by_label("객실 이름 Room name").fill(name)
    page.get_by_role("button", name="등록 Register").click()


def reserve(screen, room):
    """Clicks Reserve until the reservation service knows the room (it learns rooms from room's
    events, a moment after RoomInfo may show it)."""
    def reserved():
        screen.clear_message()
        room.get_by_role("button", name="Reserve room").click()
        expect(screen.page.locator("#message")).not_to_be_empty()
        return "please pay" in screen.message()
    wait_for(reserved, timeout=10, interval=0.3, what="the reservation accepted")


def test_register_reserve_pay_check_out_and_cancel(rooms, browser):
    screen = open_screen(browser, rooms)
    page = screen.page
    register(page, "OCEAN VIEW")
    room = screen.row("roomInfoes", roomName="OCEAN VIEW")
    expect(screen.cell(room, "roomStatus")).to_have_text("EMPTY")
    reserve(screen, room)
    expect(screen.cell(room, "roomStatus")).to_have_text("Notavailable")
    booking = screen.row("reservations", customerName="PARK CHANG SEON", reserveStatus="reserve")
    booking.get_by_role("button", name="Pay reservation").click()
    paid = screen.row("reservations", reserveStatus="paymentComp")
    expect(paid).to_have_count(1)
    paid.get_by_role("button", name="Check out reservation").click()
    expect(screen.row("reservations", reserveStatus="checkOut")).to_have_count(1)
    expect(screen.cell(room, "roomStatus")).to_have_text("EMPTY")

    reserve(screen, room)
    screen.row("reservations", reserveStatus="reserve").get_by_role("button", name="Cancel reservation").click()
    expect(screen.row("reservations", reserveStatus="cancel")).to_have_count(1)
    expect(screen.cell(room, "roomStatus")).to_have_text("EMPTY")
    expect(page.locator("#debug output")).to_contain_text("ms")
    expect(page.locator("#debug .mode")).to_have_text("live (SSE)")  # not polling
    assert screen.not_reloaded()
    screen.screenshot("roomreservation")
    screen.assert_clean(400)  # a room reserved before reservation heard of it: reserve() tries again


def test_payment_stopped_shows_the_fallback(rooms, browser):
    screen = open_screen(browser, rooms)
    page = screen.page
    register(page, "GARDEN")
    room = screen.row("roomInfoes", roomName="GARDEN")
    expect(screen.cell(room, "roomStatus")).to_have_text("EMPTY")  # in RoomInfo before reserving
    reserve(screen, room)
    rooms.stop_service("payment")
    try:
        waiting = screen.row("reservations", reserveStatus="reserve")
        waiting.get_by_role("button", name="Pay reservation").click()
        expect(page.get_by_role("alert")).to_contain_text(re.compile("payment is busy, please try again later", re.I))
        assert "{" not in screen.message(), "no JSON on screen"
        expect(waiting).to_have_count(1)
    finally:
        rooms.start_service("payment")
    screen.assert_clean(400, 503)  # 400: see above; 503: payment stopped
