"""Room reservation's web front end under profile `secure`: registering rooms and checking out
are the manager's screens; a customer signed in reserves and pays in their own name, with no
register form and no check-out button; the manager then checks the guest out."""
import pytest
from playwright_import import expect

from browser import browser, open_screen, sign_in  # noqa: F401 (fixture)
from conftest import System
from test_roomreservation_ui import reserve


@pytest.fixture(scope="module")
def secure():
    system = System("roomreservation", ["--profile", "secure"])
    yield system
    system.close()


def test_manager_screens_need_the_manager_role(secure, browser):
    screen = open_screen(browser, secure)
    page = screen.page
    sign_in(page, "manager", "manager-pass")
    page.get_by_label("객실 이름 Room name").fill("SUITE")
    page.get_by_role("button", name="등록 Register").click()
    expect(screen.row("roomInfoes", roomName="SUITE")).to_have_count(1)
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, "customer", "customer-pass")
    expect(page.get_by_label("이름 Customer name")).to_have_value("customer")
    expect(page.get_by_role("button", name="등록 Register")).to_have_count(0)
    reserve(screen, screen.row("roomInfoes", roomName="SUITE"))
    mine = screen.row("reservations", customerName="customer")
    mine.get_by_role("button", name="Pay reservation").click()
    expect(screen.cell(mine, "reserveStatus")).to_have_text("paymentComp")
    expect(mine.get_by_role("button", name="Check out reservation")).to_have_count(0)
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, "manager", "manager-pass")
    guest = screen.row("reservations", customerName="customer")
    guest.get_by_role("button", name="Check out reservation").click()
    expect(screen.cell(guest, "reserveStatus")).to_have_text("checkOut")
    assert screen.not_reloaded()
    screen.assert_clean(400, 401)  # the sign-in probe (401), a room not yet known (400)
