"""What the room reservation e2e tests share: registering rooms, reserving, paying, and
reading one reservation, one room, one RoomInfo row or one room's notices."""
import json
import subprocess

from conftest import wait_for

SEED_ROOM = {"roomType": "DERUX", "roomStatus": "EMPTY", "roomName": "DERUX ROOM", "roomQty": 10,
             "roomPrice": 1200000}


def httpie(port, *args):
    """Runs the seed's HTTPie command line against the gateway's port."""
    out = subprocess.run(["http", "--ignore-stdin", "--print=b", *[a.replace(":8088", f":{port}") for a in args]],
                         capture_output=True, text=True, timeout=30, encoding="utf-8")
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def register_room(system, name="DERUX ROOM", token=None):
    res = system.call("POST", "/rooms", token, dict(SEED_ROOM, roomName=name))
    assert res.status == 201, res.body
    return res.json()["roomNumber"]


def room_is_new(res):
    """A reservation refused only because the reservation service has not yet heard of a room
    registered a moment ago (it learns rooms from room's events)."""
    return res.status == 400 and "not a registered room" in res.json()["message"]


def reserve(system, room, customer="PARK CHANG SEON", price=120000, token=None, customer_id=9805):
    """POST /reservations; waits (bounded) while the room is still unknown to reservation."""
    body = {"customerName": customer, "customerId": customer_id, "reserveStatus": "reserve",
            "roomNumber": room, "paymentPrice": price}
    return wait_for(lambda: (r := system.call("POST", "/reservations", token, body)) and not room_is_new(r)
                    and r, timeout=10, what=f"reservation service to know room {room}")


def set_status(system, number, status, token=None):
    return system.call("PATCH", f"/reservations/{number}", token, {"reserveStatus": status})


def get(system, path):
    res = system.http("GET", path)
    return res.json() if res.status == 200 else None


def reservation(system, number):
    return get(system, f"/reservations/{number}")


def room(system, number):
    return get(system, f"/rooms/{number}")


def room_info(system, number):
    return get(system, f"/roomInfoes/{number}")


def payments_of(system, number):
    return [p for p in system.all_items("payments") if p["reservationNumber"] == number]


def notices_of(system, number):
    return [n for n in system.all_items("notices") if n["reservationNumber"] == number]


def totals(system):
    return system.totals("rooms", "reservations", "payments")
