"""E-learning's web front end in a real browser: apply, see MyPage follow (paid, textbook
delivery started), cancel and see all three cancelled, without a reload; with pay stopped, the
seed's fallback message on screen. On a phone-sized screen with the keyboard only, too."""
import re

import pytest
from playwright_import import expect

from browser import browser, open_screen  # noqa: F401 (fixture)
from conftest import System


@pytest.fixture(scope="module")
def elearning():
    system = System("elearning")
    yield system
    system.close()


def test_apply_see_my_page_and_cancel(elearning, browser):
    screen = open_screen(browser, elearning)
    page = screen.page
    page.get_by_label("학생 이름 Student name").fill("김철수")
    page.get_by_label("교재 Book name").fill("C++ 입문")
    page.get_by_role("button", name="신청하기 Apply").click()
    expect(page.locator("#message")).to_contain_text("completed")
    row = screen.row("myPages", studentName="김철수", bookName="C++ 입문")
    expect(screen.cell(row, "payStatus")).to_have_text("completed")
    expect(screen.cell(row, "deliveryStatus")).to_have_text("started")
    expect(page.locator("#debug output")).to_contain_text("ms")
    expect(page.locator("#debug .mode")).to_have_text("live (SSE)")  # not polling

    row.get_by_role("button", name="Cancel application").click()
    expect(screen.cell(row, "applyStatus")).to_have_text("cancelled")
    expect(screen.cell(row, "payStatus")).to_have_text("cancelled")
    expect(screen.cell(row, "deliveryStatus")).to_have_text("cancelled")
    assert screen.not_reloaded()
    screen.screenshot("elearning")
    screen.assert_clean()


def test_on_a_phone_with_the_keyboard_only(elearning, browser):
    screen = open_screen(browser, elearning)
    page = screen.page
    page.set_viewport_size({"width": 390, "height": 844})
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.name") == "studentId"
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none", "focus is visible"
    page.keyboard.press("Tab")
    page.keyboard.type("이영희")
    page.keyboard.press("Enter")
    row = screen.row("myPages", studentName="이영희")
    expect(screen.cell(row, "deliveryStatus")).to_have_text("started")
    row.get_by_role("button", name="Cancel application").focus()
    page.keyboard.press("Enter")
    expect(screen.cell(row, "applyStatus")).to_have_text("cancelled")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), "no page wider than the phone"
    screen.assert_clean()


def test_pay_stopped_shows_the_fallback(elearning, browser):
    screen = open_screen(browser, elearning)
    page = screen.page
    elearning.stop_service("pay")
    try:
        page.get_by_role("button", name="신청하기 Apply").click()
        expect(page.get_by_role("alert")).to_contain_text(re.compile("Pay service is busy, try again later", re.I))
        assert "{" not in screen.message(), "no JSON on screen"
    finally:
        elearning.start_service("pay")
    screen.assert_clean(503)
