"""Helpers shared by the movie booking end-to-end tests (tests/e2e/test_moviebooking_*.py)."""
import collections


def book(system, movie="soul", seat="1A,2B", qty=2, price=10000):
    return system.http("POST", "/books", {"qty": qty, "movieName": movie, "seat": seat, "totalPrice": price})


def by_booking(system, collection):
    """{bookingId: [items]} of a collection, every page read."""
    out = collections.defaultdict(list)
    for item in system.all_items(collection):
        out[item["bookingId"]].append(item)
    return out


def one_for(system, collection, booking_id):
    """The one item of `collection` for a booking, or None (also when there are several)."""
    res = system.http("GET", f"/{collection}/search/findByBookingId?bookingId={booking_id}")
    if res.status != 200:
        return None
    items = res.json()["_embedded"][collection]
    return items[0] if len(items) == 1 else None


def ticket_of(system, booking_id):
    return one_for(system, "tickets", booking_id)


def mypage_of(system, booking_id):
    rows = [r for r in system.all_items("mypages") if r["bookingId"] == booking_id]
    return rows[0] if len(rows) == 1 else None


def payment_of(system, booking_id):
    return one_for(system, "payments", booking_id)
