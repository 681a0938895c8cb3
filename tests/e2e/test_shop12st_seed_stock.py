"""12번가: productdelivery holds the stock of its configuration (seed.stocks) from its first start,
so the seed's own order for product "1" is delivered without a POST /stocks; a restart seeds
nothing again: the stock sold stays sold and the product is held once."""
import pytest

from conftest import System
from shop12st import order, status_is, units


@pytest.fixture(scope="module")
def shop():
    system = System("shop12st")
    yield system
    system.close()


def test_a_fresh_start_holds_the_seeded_stock(shop):
    res = shop.http("GET", "/stocks/1")
    assert res.status == 200, res.body
    assert {k: res.json()[k] for k in ("productId", "productName", "stock")} == \
        {"productId": "1", "productName": "ITbook", "stock": 10}
    assert shop.totals("stocks") == {"stocks": 1}


def test_the_seed_order_is_delivered_from_seeded_stock_and_a_restart_does_not_seed_again(shop):
    oid = order(shop, "1", qty=2).json()["id"]
    status_is(shop, oid, "deliveryStarted")
    assert units(shop, "1") == 8
    shop.stop_service("productdelivery")
    shop.start_service("productdelivery")
    assert units(shop, "1") == 8, "the units sold are not seeded back"
    assert shop.totals("stocks") == {"stocks": 1}, "the product is held once"
    status_is(shop, order(shop, "1").json()["id"], "deliveryStarted")
    assert units(shop, "1") == 7
