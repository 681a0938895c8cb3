"""Car rental's web front end under profile `secure`: a login form first (a wrong password
explained), the customer signs in their own name and sees only their own MyPage rows, and
signing out leaves no token behind."""
import pytest
from playwright_import import expect

from browser import browser, open_screen, sign_in  # noqa: F401 (fixture)
from conftest import System


@pytest.fixture(scope="module")
def secure():
    system = System("carrental", ["--profile", "secure"])
    yield system
    system.close()


def test_login_own_rows_and_sign_out(secure, browser):
    screen = open_screen(browser, secure)
    page = screen.page
    expect(page.get_by_role("heading", name="로그인 Sign in")).to_be_visible()
    expect(page.get_by_role("button", name="계약하기 Sign")).to_be_hidden()
    sign_in(page, "customer", "wrong")
    expect(page.get_by_role("alert")).to_have_text("Wrong user name or password.")

    sign_in(page, "customer", "customer-pass")
    expect(page.get_by_label("고객명 Customer name")).to_have_value("customer")
    expect(page.locator("#debug .mode")).to_have_text("live (SSE)")
    # Another customer's contract while this one's screen listens: its rows are not sent here.
    theirs = secure.call("POST", "/contracts", secure.login(("customer2", "customer2-pass")),
                         {"custName": "customer2", "modelName": "K5", "amt": 200})
    assert theirs.status == 201, theirs.body
    page.get_by_role("button", name="계약하기 Sign").click()
    row = screen.row("myPages", custName="customer")
    expect(screen.cell(row, "reservationStatus")).to_have_text("reserved")
    expect(screen.row("myPages", custName="customer2")).to_have_count(0)
    assert page.evaluate("localStorage.length + sessionStorage.length") == 0, "the token is in memory only"
    assert "Bearer" not in page.evaluate("document.cookie")

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="로그인 Sign in")).to_be_visible()
    expect(page.locator("table")).to_have_count(0)
    assert screen.not_reloaded()
    screen.assert_clean(400, 401)  # the sign-in probe (401), the wrong password (400)
