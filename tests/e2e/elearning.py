"""Helpers shared by the e-learning end-to-end tests (tests/e2e/test_elearning_*.py)."""
import json
import subprocess

from conftest import wait_for

SEED = {"studentId": "student1", "studentName": "홍길동", "qty": 10, "amount": 1000, "applyStatus": "completed",
        "address": "seoul", "bookId": "001", "bookName": "book001"}


def apply(system, **changes):
    """POSTs an application through the gateway (the seed's fields, with `changes`)."""
    return system.http("POST", "/applies", {**SEED, **changes})


def cancel(system, apply_id, **changes):
    """The seed's cancel: PUT the whole application (as it is, with `changes`) with applyStatus=cancelled."""
    current = system.http("GET", f"/applies/{apply_id}")
    item = {k: v for k, v in current.json().items() if k not in ("id", "_links")} if current.status == 200 else SEED
    return system.http("PUT", f"/applies/{apply_id}", {**item, **changes, "applyStatus": "cancelled"})


def httpie(port, *args):
    """Runs the seed's HTTPie command line against the gateway's port; returns (status, JSON)."""
    out = subprocess.run(["http", "--ignore-stdin", "--print=hb", *[a.replace(":8088", f":{port}") for a in args]],
                         capture_output=True, text=True, timeout=30, encoding="utf-8")
    assert out.returncode == 0, out.stderr
    head, _, body = out.stdout.partition("\r\n\r\n") if "\r\n\r\n" in out.stdout else out.stdout.partition("\n\n")
    return int(head.split()[1]), json.loads(body)


def by_apply(system, collection):
    """collection's items by applyId (several per applyId would be a bug: a list then)."""
    rows = {}
    for r in system.all_items(collection):
        rows.setdefault(r["applyId"], []).append(r)
    return {k: v[0] if len(v) == 1 else v for k, v in rows.items()}


def row_for(system, collection, apply_id):
    rows = [r for r in system.all_items(collection) if r["applyId"] == apply_id]
    return rows[0] if len(rows) == 1 else None


def wait_row(system, collection, apply_id, what=None, timeout=20, **expected):
    """Waits until the one row of `apply_id` in `collection` has every `expected` value."""
    def ready():
        r = row_for(system, collection, apply_id)
        return r if r and all(r.get(k) == v for k, v in expected.items()) else None
    return wait_for(ready, timeout=timeout, what=what or f"{collection} of {apply_id} with {expected}")
