"""Movie booking: a new team's service (the seed's marketing, "신규 개발 조직의 추가") joins a
running system by a line in system.yaml and a route in gateway.yaml, nothing else: no other
service's code, configuration or store changes. It keeps its own data from booking events,
starting at the current end of the stream; removing it affects nothing."""
import hashlib
import shutil
import signal
import sqlite3
from pathlib import Path

import pytest

from conftest import System, wait_for
from moviebooking_support import book, mypage_of, ticket_of

SYSTEM = Path(__file__).resolve().parents[2] / "systems" / "moviebooking"
JOINING_FILES = ("system.yaml", "gateway.yaml")


def without_marketing(text):
    return "".join(line for line in text.splitlines(keepends=True) if "marketing" not in line)


def place(systems, joined):
    """systems/moviebooking as committed (marketing joined) or with its two lines taken out."""
    target = systems / "moviebooking"
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(SYSTEM, target)
    if not joined:
        for name in JOINING_FILES:
            (target / name).write_text(without_marketing((SYSTEM / name).read_text()))


def fingerprint(systems):
    """Every file of the system except the two that name the new service, by content."""
    root = systems / "moviebooking"
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file() and p.name not in JOINING_FILES
            and not p.is_relative_to(root / "marketing")}


def schemas(data_dir):
    """The tables and indexes of every store but marketing's."""
    out = {}
    for db in sorted((data_dir / "moviebooking").glob("*/*.db")):
        if db.parent.name == "marketing":
            continue
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
            out[db.parent.name] = sorted(conn.execute("SELECT type, name, sql FROM sqlite_master").fetchall())
    return out


def halt(system):
    """Stops the system but keeps its data, to start it again on the same stores."""
    system.proc.send_signal(signal.SIGTERM)
    system.proc.wait(timeout=30)
    system.log.close()


def interest(system, movie):
    rows = [r for r in system.all_items("movieInterests") if r["movieName"] == movie]
    return rows[0] if rows else None


def test_marketing_joins_and_leaves_touching_nothing(tmp_path, monkeypatch):
    systems = tmp_path / "systems"
    systems.mkdir()
    monkeypatch.setenv("HEXA_SYSTEMS_DIR", str(systems))
    for name in JOINING_FILES:  # what the new team adds: exactly one line in each
        before = (SYSTEM / name).read_text().splitlines()
        assert len(before) - len(without_marketing((SYSTEM / name).read_text()).splitlines()) == 1, name

    place(systems, joined=False)
    (tmp_path / "data").mkdir()
    system = System("moviebooking", data_dir=tmp_path / "data")
    try:
        assert not system.instances("marketing")
        old = [book(system, "before-marketing", f"B{i}").json()["id"] for i in range(3)]
        wait_for(lambda: all(mypage_of(system, i) for i in old), what="the system working without marketing")
        files, stores = fingerprint(systems), schemas(system.data_dir)
        halt(system)

        place(systems, joined=True)  # the new team's two lines
        system = System("moviebooking", data_dir=tmp_path / "data")
        assert len(system.instances("marketing")) == 1
        new = [book(system, "after-marketing", f"A{i}", qty=2).json()["id"] for i in range(3)]
        assert system.http("PATCH", f"/books/{new[0]}", {"status": "Canceled"}).status == 200
        row = wait_for(lambda: (r := interest(system, "after-marketing")) and r["cancellations"] == 1 and r,
                       what="marketing's own data")
        assert row["bookings"] == 3 and row["seats"] == 4
        assert interest(system, "before-marketing") is None, "it starts at the current end of the stream"
        wait_for(lambda: all(mypage_of(system, i) for i in new), what="the others unaffected")
        assert fingerprint(systems) == files, "no other service's code or configuration changed"
        assert schemas(system.data_dir) == stores, "no other service's store changed"

        system.stop_service("marketing")  # retired: the others go on as before
        later = book(system, "after-marketing", "L1").json()["id"]
        wait_for(lambda: ticket_of(system, later) and mypage_of(system, later), what="flow without marketing")
        halt(system)

        place(systems, joined=False)  # removed from the system again
        system = System("moviebooking", data_dir=tmp_path / "data")
        gone = book(system, "after-removal", "G1").json()["id"]
        wait_for(lambda: ticket_of(system, gone) and mypage_of(system, gone), what="flow after removal")
        assert system.http("GET", "/movieInterests").status == 404
        assert schemas(system.data_dir) == stores
    finally:
        system.close()
