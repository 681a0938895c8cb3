"""Car rental's web front end in a real browser: sign a contract, see MyPage follow it to
paid/reserved, cancel and see it cancelled, all without a reload; with pay stopped, the seed's
fallback message on screen instead of a raw answer."""
import re

import pytest
from playwright_import import expect

from browser import browser, open_screen  # noqa: F401 (fixture)
from conftest import System


@pytest.fixture(scope="module")
def carrental():
    system = System("carrental")
    yield system
    system.close()


def test_sign_see_my_page_and_cancel(carrental, browser):
    screen = open_screen(browser, carrental)
    page = screen.page
    page.get_by_label("고객명 Customer name").fill("고객7")
    page.get_by_label("차종 Car model").fill("그랜저")
    page.get_by_label("금액 Amount").fill("300")
    page.get_by_role("button", name="계약하기 Sign").click()
    expect(page.locator("#message")).to_contain_text("signed")
    row = screen.row("myPages", custName="고객7", modelName="그랜저")
    expect(screen.cell(row, "payStatus")).to_have_text("paid")
    expect(screen.cell(row, "reservationStatus")).to_have_text("reserved")
    expect(page.locator("#debug output")).to_contain_text("ms")
    expect(page.locator("#debug .mode")).to_have_text("live (SSE)")  # not polling

    row.get_by_role("button", name="Cancel contract").click()
    expect(screen.cell(row, "status")).to_have_text("cancelled")
    expect(screen.cell(row, "payStatus")).to_have_text("cancelled")
    expect(screen.cell(row, "reservationStatus")).to_have_text("reservationCancelled")
    assert screen.not_reloaded()
    screen.screenshot("carrental")
    screen.assert_clean()


def test_pay_stopped_shows_the_fallback(carrental, browser):
    screen = open_screen(browser, carrental)
    page = screen.page
    carrental.stop_service("pay")
    try:
        page.get_by_role("button", name="계약하기 Sign").click()
        expect(page.get_by_role("alert")).to_contain_text(re.compile("payment is busy, please try again later", re.I))
        assert "{" not in screen.message(), "no JSON on screen"
    finally:
        carrental.start_service("pay")
    screen.assert_clean(503)
