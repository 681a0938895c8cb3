"""12번가's web front end in a real browser: the manager stocks a product, a customer orders it
and sees the OrderStatus view follow (delivery started, with the coupon), cancels and sees it
cancelled, without a reload; ordering more than is in stock shows outOfStock."""
import pytest
from playwright_import import expect

from browser import browser, open_screen  # noqa: F401 (fixture)
from conftest import System


@pytest.fixture(scope="module")
def shop():
    system = System("shop12st")
    yield system
    system.close()


def test_order_see_coupon_and_delivery_then_cancel(shop, browser):
    screen = open_screen(browser, shop)
    page = screen.page
    stock = page.locator("form", has=page.get_by_role("heading", name="재고 Stock (manager)"))
    stock.get_by_label("상품번호 Product id").fill("ui1")
    stock.get_by_label("상품명 Product name").fill("UI book")
    stock.get_by_label("재고 Units in stock").fill("3")
    stock.get_by_role("button", name="재고등록 Save stock").click()
    expect(page.locator("#message")).to_contain_text("Product ui1: 3 in stock")

    order = page.locator("form", has=page.get_by_role("heading", name="주문 Order"))
    order.get_by_label("상품번호 Product id").fill("ui1")
    order.get_by_label("상품명 Product name").fill("UI book")
    order.get_by_label("수량 Quantity").fill("2")
    order.get_by_role("button", name="주문하기 Order").click()
    expect(page.locator("#message")).to_contain_text("placed and paid")
    row = screen.row("orderStatuses", productName="UI book")
    expect(screen.cell(row, "orderStatus")).to_have_text("deliveryStarted")
    expect(screen.cell(row, "couponUseYn")).to_have_text("Y")
    expect(screen.cell(row, "couponId")).not_to_have_text("—")
    expect(page.locator("#debug output")).to_contain_text("ms")
    expect(page.locator("#debug .mode")).to_have_text("live (SSE)")  # not polling
    screen.screenshot("shop12st")

    row.get_by_role("button", name="Cancel order").click()
    expect(screen.cell(row, "orderStatus")).to_have_text("deliveryCanceled")
    expect(screen.cell(row, "couponUseYn")).to_have_text("N")
    assert screen.not_reloaded()

    order.get_by_label("수량 Quantity").fill("99")
    order.get_by_role("button", name="주문하기 Order").click()
    expect(screen.row("orderStatuses", productName="UI book", orderStatus="outOfStock")).to_have_count(1)
    screen.assert_clean()
