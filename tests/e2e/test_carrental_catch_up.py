"""Car rental: reservation down does not stop contracts; when it comes back it catches up
every missed contract exactly once. Two replicas split the stream with no duplicates."""
import collections

from conftest import System, request, sign, wait_for


def handled_events(port):
    for line in request(port, "GET", "/actuator/prometheus").body.splitlines():
        if line.startswith("hexa_events_handled_total "):
            return float(line.split()[1])
    return 0


def reservations_by_contract(system):
    return collections.Counter(r["contractId"] for r in system.all_items("reservations"))


def test_reservation_down_then_catches_up_exactly_once():
    system = System("carrental")
    try:
        system.stop_service("reservation")
        ids = []
        for i in range(20):
            res = sign(system, f"고객{i}", "쏘나타", 100 + i)
            assert res.status == 201, res.body
            ids.append(res.json()["id"])
        system.start_service("reservation")
        counts = wait_for(lambda: (c := reservations_by_contract(system)) and all(c[i] >= 1 for i in ids) and c,
                          timeout=30, what="every missed contract reserved")
        assert all(counts[i] == 1 for i in ids), counts
        rows = wait_for(lambda: (m := {r["contractId"]: r for r in system.all_items("myPages")})
                        and all(i in m and m[i]["reservationStatus"] == "reserved" for i in ids) and m,
                        what="my page rows")
        assert len([r for r in rows.values() if r["contractId"] in ids]) == len(ids)
    finally:
        system.close()


def test_two_reservation_replicas_split_the_stream_without_duplicates():
    system = System("carrental", ["--replicas", "reservation=2"])
    try:
        assert len(system.instances("reservation")) == 2
        ids = []

        def both_replicas_took_part():
            # On Kafka a member joining the group gets its partitions after a rebalance: sign
            # more until each consumer has handled a share of the stream.
            ids.extend(sign(system, f"r{len(ids) + i}", "K5", 10 + i).json()["id"] for i in range(20))
            wait_for(lambda: (c := reservations_by_contract(system)) and all(c.get(i, 0) >= 1 for i in ids),
                     timeout=30, what="all reserved")
            return all(handled_events(i["port"]) > 0 for i in system.instances("reservation"))

        wait_for(both_replicas_took_part, timeout=60, interval=0.5, what="both replicas handling a share")
        counts = reservations_by_contract(system)
        assert all(counts[i] == 1 for i in ids), counts
    finally:
        system.close()
