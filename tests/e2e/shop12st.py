"""Shared steps of the 12번가 end-to-end tests: placing an order, stocking a product, finding
the one row of an order in a collection."""
import collections

from conftest import wait_for

CUSTOMER = {"username": "HanYongSun", "userId": "u1", "address": "kyungkido sungnamsi", "phoneNo": "01012341234"}


def order(system, product="1", qty=1, name="ITbook", price=10000, **extra):
    body = {**CUSTOMER, "productId": product, "productName": name, "productPrice": price, "qty": qty, **extra}
    return system.http("POST", "/orders", body)


def stock(system, product, units, name="ITbook"):
    """Stocks a product through POST /stocks (201 new, 200 a restock of one held); returns its row."""
    res = system.http("POST", "/stocks", {"productId": product, "productName": name, "stock": units})
    assert res.status in (200, 201), res.body
    return res.json()


def units(system, product):
    res = system.http("GET", f"/stocks/{product}")
    assert res.status == 200, res.body
    return res.json()["stock"]


def rows_for(system, collection, order_id):
    return [r for r in system.all_items(collection) if r["orderId"] == order_id]


def row_for(system, collection, order_id):
    rows = rows_for(system, collection, order_id)
    assert len(rows) <= 1, f"{len(rows)} {collection} for order {order_id}"
    return rows[0] if rows else None


def status_is(system, order_id, status):
    """The order's OrderStatus row once it shows `status`."""
    return wait_for(lambda: (r := row_for(system, "orderStatuses", order_id)) and r["orderStatus"] == status and r,
                    timeout=30, what=f"order {order_id} {status}")


def counts(system, collection):
    return collections.Counter(r["orderId"] for r in system.all_items(collection))
