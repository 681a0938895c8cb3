"""The alert rules shared by every system (deploy/prometheus/alerts.yml) are valid for
Prometheus (`promtool check rules`), fire on the synthetic series that should fire them and stay
quiet on healthy ones (`promtool test rules alerts_test.yml`), and a broken rule is caught.
promtool comes from Debian's prometheus package (scripts/promtool installs it when missing)."""
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RULES = ROOT / "deploy" / "prometheus"


def promtool(*args, cwd=RULES):
    return subprocess.run([str(ROOT / "scripts" / "promtool"), *args], capture_output=True, text=True,
                          timeout=120, cwd=cwd)


def test_the_rules_are_valid():
    out = promtool("check", "rules", "alerts.yml")
    assert out.returncode == 0, out.stdout + out.stderr
    assert "SUCCESS: 7 rules found" in out.stdout


def test_each_alert_fires_on_its_synthetic_series_and_only_there():
    out = promtool("test", "rules", "alerts_test.yml")
    assert out.returncode == 0, out.stdout + out.stderr
    tested = (RULES / "alerts_test.yml").read_text()
    for alert in ["HexaInstanceDown", "HexaReadinessFailing", "HexaCrashLooping", "HexaHigh5xxRate",
                  "HexaCircuitBreakerOpen", "HexaConsumerLagHigh", "HexaOutboxStale"]:
        assert f"alertname: {alert}" in tested, f"{alert} has no promtool test"


def test_a_broken_rule_is_caught(tmp_path):
    broken = (RULES / "alerts.yml").read_text().replace("expr: up == 0", "expr: up == == 0")
    (tmp_path / "alerts.yml").write_text(broken)
    out = promtool("check", "rules", "alerts.yml", cwd=tmp_path)
    assert out.returncode != 0, out.stdout + out.stderr
    assert '"HexaInstanceDown": could not parse expression' in out.stdout + out.stderr


def test_an_alert_that_would_not_fire_fails_its_test(tmp_path):
    # The tests can fail: a threshold moved out of reach makes the 5xx test fail.
    (tmp_path / "alerts.yml").write_text((RULES / "alerts.yml").read_text().replace("> 0.05", "> 0.5"))
    (tmp_path / "alerts_test.yml").write_text((RULES / "alerts_test.yml").read_text())
    out = promtool("test", "rules", "alerts_test.yml", cwd=tmp_path)
    assert out.returncode != 0 and "HexaHigh5xxRate" in out.stdout + out.stderr, out.stdout + out.stderr
