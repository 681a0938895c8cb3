"""Every service, the auth server and the gateway of a running system serve /actuator/prometheus
in Prometheus' text format (read by prometheus_client's parser), with the families the alert
rules use, and their counters move with traffic; the launcher's /metrics reports restarts and
readiness; `hexa prometheus <system>` writes a configuration promtool accepts, scraping them all."""
import subprocess
from pathlib import Path

import pytest

from conftest import System, request, sign, wait_for
from prometheus_text import parse, value

ROOT = Path(__file__).resolve().parents[2]
DOMAIN = ["contract", "pay", "reservation", "mypage"]
EVERYWHERE = ["http_server_requests_seconds", "process_cpu_seconds", "process_resident_memory_bytes",
              "process_virtual_memory_bytes", "process_open_fds", "process_start_time_seconds"]
IN_SERVICES = ["hexa_readiness_up", "hexa_outbox_events", "hexa_outbox_oldest_age_seconds",
               "hexa_outbox_relayed_events", "hexa_store_transaction_seconds"]


@pytest.fixture(scope="module")
def carrental():
    system = System("carrental")
    yield system
    system.close()


def scrape(port, path="/actuator/prometheus"):
    res = request(port, "GET", path)
    assert res.status == 200, res.body
    assert res.headers["content-type"].startswith("text/plain; version=0.0.4"), res.headers
    return parse(res.body)


def targets(system):
    state = system.state()
    return {i["instance"]: i["port"] for i in state["instances"]} | {"gateway": state["gateway"]["port"]}


def test_every_target_serves_the_families_and_counters_move_with_traffic(carrental):
    before = {name: scrape(port) for name, port in targets(carrental).items()}
    for i in range(5):
        assert sign(carrental, f"metrics{i}").status == 201
    assert carrental.http("GET", "/nowhere").status == 404
    wait_for(lambda: value(scrape(carrental.instances("mypage")[0]["port"]), "hexa_events_handled")
             >= value(before["mypage-1"], "hexa_events_handled") + 5, timeout=20, what="mypage handling the events")
    after = {name: scrape(port) for name, port in targets(carrental).items()}

    for name, families in after.items():
        missing = [f for f in EVERYWHERE if f not in families]
        assert not missing, f"{name} lacks {missing}"
        assert families["process_cpu_seconds"]["type"] == "counter"
        # Counted in clock ticks (10 ms): a quiet process may show none yet, never fewer.
        assert value(families, "process_cpu_seconds") >= value(before[name], "process_cpu_seconds"), name
        assert value(families, "process_resident_memory_bytes") > 1e6, name
        assert_histograms_cumulative(name, families)
    for service in DOMAIN:
        families = after[f"{service}-1"]
        missing = [f for f in IN_SERVICES if f not in families]
        assert not missing, f"{service} lacks {missing}"
        assert value(families, "hexa_readiness_up") == 1

    assert sum(value(f, "process_cpu_seconds") for f in after.values()) > 0
    gw, gw0 = after["gateway"], before["gateway"]
    count = "http_server_requests_seconds_count"
    assert value(gw, "http_server_requests_seconds", count, uri="contract", method="POST", status="201") - \
        value(gw0, "http_server_requests_seconds", count, uri="contract", method="POST", status="201") == 5
    assert value(gw, "http_server_requests_seconds", count, uri="NOT_FOUND", status="404") >= 1
    assert value(gw, "hexa_gateway_upstream_instances_in_rotation", service="pay") == 1

    c, c0 = after["contract-1"], before["contract-1"]
    assert value(c, "http_server_requests_seconds", count, uri="/contracts", method="POST", status="201") - \
        value(c0, "http_server_requests_seconds", count, uri="/contracts", method="POST", status="201") == 5
    writes = "hexa_store_transaction_seconds_count"
    assert value(c, "hexa_store_transaction_seconds", writes, access="write") >= \
        value(c0, "hexa_store_transaction_seconds", writes, access="write") + 5
    assert value(c, "hexa_outbox_relayed_events") >= \
        value(c0, "hexa_outbox_relayed_events") + 5
    assert value(c, "resilience4j_circuitbreaker_state", name="pay", state="closed") == 1
    assert "resilience4j_circuitbreaker_not_permitted_calls" in c
    assert "resilience4j_circuitbreaker_buffered_calls" in c

    p = after["pay-1"]
    assert value(p, "http_server_requests_seconds", count, uri="/pays", method="POST", status="201") >= 5

    m = after["mypage-1"]
    assert m["hexa_events_handled"]["type"] == "counter"
    lag = m["hexa_consumer_lag_events"]["samples"]
    assert lag and all(s[1]["group"] == "mypage" and "partition" in s[1] for s in lag), lag
    wait_for(lambda: value(scrape(carrental.instances("mypage")[0]["port"]), "hexa_consumer_lag_events") == 0,
             timeout=20, what="mypage's lag back to 0")
    for family in ["hexa_events_refused", "hexa_events_parked", "hexa_events_retried", "hexa_events_given_up"]:
        assert family in m, family


def assert_histograms_cumulative(name, families):
    for family, f in families.items():
        if f["type"] != "histogram":
            continue
        series = {}
        for sample, labels, v in f["samples"]:
            key = tuple(sorted((k, w) for k, w in labels.items() if k != "le"))
            series.setdefault(key, {"buckets": [], "count": None})
            if sample.endswith("_bucket"):
                series[key]["buckets"].append((float(labels["le"]), v))
            elif sample.endswith("_count"):
                series[key]["count"] = v
        for key, s in series.items():
            buckets = sorted(s["buckets"])
            counts = [c for _, c in buckets]
            assert counts == sorted(counts), f"{name} {family}{key}: buckets not cumulative"
            assert buckets[-1][0] == float("inf") and buckets[-1][1] == s["count"], f"{name} {family}{key}"


def test_the_launcher_reports_restarts_and_readiness(carrental):
    families = scrape(carrental.state()["control_port"], "/metrics")
    ready = families["hexa_launcher_instance_ready"]["samples"]
    state = carrental.state()
    assert {s[1]["instance"] for s in ready} == {i["instance"] for i in state["instances"] + [state["gateway"]]}
    assert all(s[2] == 1 for s in ready), ready
    assert value(families, "hexa_launcher_instance_restarts") == 0


def test_hexa_prometheus_writes_a_configuration_promtool_accepts(carrental, tmp_path):
    config = tmp_path / "prometheus.yml"
    carrental.hexa("prometheus", "carrental", "--out", str(config))
    text = config.read_text()
    for port in targets(carrental).values():
        assert f'"127.0.0.1:{port}"' in text
    assert f'"127.0.0.1:{carrental.state()["control_port"]}"' in text
    out = subprocess.run([str(ROOT / "scripts" / "promtool"), "check", "config", str(config)],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "SUCCESS: 7 rules found" in out.stdout + out.stderr


def test_hexa_status_shows_cpu_and_consumer_lag(carrental):
    out = carrental.hexa("status", "carrental").stdout
    lines = out.splitlines()
    header = next(line.split() for line in lines if line.startswith("SERVICE"))
    assert header[-2:] == ["CPU", "LAG"], out
    rows = {line.split()[1]: line.split() for line in lines if line.split() and line.split()[0] in DOMAIN}
    assert rows["mypage-1"][-1].isdigit(), out  # a consumer: its lag
    assert all(r[-2].endswith("%") for r in rows.values()), out
