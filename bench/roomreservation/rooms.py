"""The room reservation measurements bench/roomreservation/run makes: rooms registered
beforehand, then wrk reserving and paying (one room per reservation) or many customers racing
for few rooms, and the time until the views and the saga have caught up."""
import collections
import json
import os
import time
import urllib.request
from pathlib import Path

import benchlib

HERE = Path(__file__).resolve().parent
THREADS = 2


def get(system, path):
    with urllib.request.urlopen(f"{system.gateway}{path}", timeout=30) as r:
        return json.loads(r.read())


def all_items(system, collection):
    items, page = [], 0
    while True:
        body = get(system, f"/{collection}?size=2000&page={page}")
        items += body["_embedded"][collection]
        page += 1
        if page >= body["page"]["totalPages"]:
            return items


def wait(condition, timeout=120, interval=0.2):
    """Seconds until `condition` held (None when it never did)."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        try:
            if condition():
                return round(time.monotonic() - start, 2)
        except OSError:  # a saturated service may leave its rotation for a moment
            pass
        time.sleep(interval)
    return None


def register_rooms(system, seconds):
    """wrk registers rooms for `seconds`; returns (first, last) room number, once RoomInfo shows
    them all (reservation learns them through the same events)."""
    first = system.total("rooms") + 1
    benchlib.wrk(f"{system.gateway}/rooms", seconds, threads=THREADS, script=HERE / "post_room.lua")
    last = system.total("rooms")
    wait(lambda: system.total("roomInfoes") >= last)
    return first, last


def run_wrk(system, seconds, first, last, mode, per_room=10):
    os.environ.update(ROOM_FIRST=str(first), ROOM_LAST=str(last), MODE=mode, PER_ROOM=str(per_room),
                      THREADS=str(THREADS))
    return benchlib.wrk(f"{system.gateway}/reservations", seconds, threads=THREADS, script=HERE / "reserve.lua")


def reservations_by_room(system, first):
    by_room = collections.defaultdict(list)
    for r in all_items(system, "reservations"):
        if r["roomNumber"] >= first:
            by_room[r["roomNumber"]].append(r)
    return by_room


def measure_paid(system, seconds):
    """One room per reservation, each paid at once: reservations confirmed per second, request
    latencies, and the time until RoomInfo shows every reserved room taken."""
    first, last = register_rooms(system, seconds)
    confirmed_before = sum(1 for r in all_items(system, "reservations") if r["reserveStatus"] == "paymentComp")
    r = run_wrk(system, seconds, first, last, "pay")
    load_end = time.monotonic()
    reserved = [x for x in all_items(system, "reservations") if x["roomNumber"] >= first]
    confirmed = sum(1 for x in reserved if x["reserveStatus"] == "paymentComp") - confirmed_before
    rooms = {x["roomNumber"] for x in reserved}
    shown = wait(lambda: sum(1 for i in all_items(system, "roomInfoes")
                             if i["roomNumber"] in rooms and i["roomStatus"] == "Notavailable") == len(rooms))
    r["catch_up_s"] = None if shown is None else round(time.monotonic() - load_end, 2)  # from the load's end
    r.update(rooms_registered=last - first + 1, reservations=len(reserved), confirmed=confirmed,
             confirmed_per_s=round(confirmed / seconds, 1), rooms_ran_out=len(reserved) >= last - first + 1)
    return r


def measure_contended(system, seconds, per_room=10):
    """per_room customers racing for each room: rooms settled per second, each with exactly one
    live reservation once the saga has compensated the late racers."""
    first, last = register_rooms(system, max(2, seconds // 3))
    r = run_wrk(system, seconds, first, last, "contended", per_room)
    load_end = time.monotonic()

    def one_winner_each():
        by_room = reservations_by_room(system, first)
        return by_room and all(sum(1 for x in rs if x["reserveStatus"] in ("reserve", "paymentComp")) == 1
                               for rs in by_room.values()) and by_room

    settled = wait(one_winner_each)
    r["settle_s"] = None if settled is None else round(time.monotonic() - load_end, 2)
    by_room = reservations_by_room(system, first)
    accepted = sum(len(rs) for rs in by_room.values())
    r.update(rooms_contended=len(by_room), rooms_settled_per_s=round(len(by_room) / seconds, 1),
             accepted=accepted, compensated=accepted - len(by_room),
             refused_409=r["requests"] - accepted, exactly_one_winner_per_room=settled is not None)
    return r
