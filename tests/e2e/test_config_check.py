"""Checked configuration: a typo in a service's, the gateway's or the auth service's yaml stops
start-up with the key named (and the key it meant), instead of silently using a default."""
import os
import subprocess

import pytest

from conftest import BIN

CASES = [
    ("carrental-pay", "server:\n  port: 0\n  wokers: 4\n", "'server.wokers' (did you mean 'server.workers'?)"),
    ("carrental-contract", "services:\n  pay: {url: http://127.0.0.1:9}\nclients:\n  pay:\n    timeout-msec: 610\n",
     "'clients.pay.timeout-msec' (did you mean 'clients.pay.timeout-ms'?)"),
    ("hexa-gateway", "server:\n  port: 0\nupstream:\n  retires: 1\n", "'upstream.retires' (did you mean 'upstream.retries'?)"),
    ("hexa-auth", "server:\n  port: 0\ntoken:\n  issuer: i\n  audience: a\n  ttl: 900\n", "'token.ttl'"),
]


@pytest.mark.parametrize("program,yaml,named", CASES, ids=[c[0] for c in CASES])
def test_a_misspelt_key_stops_start_up_naming_it(tmp_path, program, yaml, named):
    config = tmp_path / "application.yaml"
    config.write_text(yaml)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PROFILE", "SERVER_", "SERVICES_"))}
    env["DATA_DIR"] = str(tmp_path / "data")
    done = subprocess.run([str(BIN / program), "--config", str(config)], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=30)
    output = done.stdout + done.stderr
    assert done.returncode == 1, output
    assert "unknown configuration key" in output and named in output, output


def test_a_store_that_cannot_be_opened_stops_start_up_with_its_reason(tmp_path):
    config = tmp_path / "application.yaml"
    config.write_text("server:\n  port: 0\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PROFILE", "SERVER_", "SERVICES_"))}
    env["DATA_DIR"] = str(tmp_path / "data")
    (tmp_path / "a-file").write_text("")  # no folder can be made where a file stands
    env["STORE_URL"] = f"sqlite:{tmp_path}/a-file/pay.db"
    done = subprocess.run([str(BIN / "carrental-pay"), "--config", str(config)], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=30)
    output = done.stdout + done.stderr
    assert done.returncode == 1, output  # not 134: no abort on an uncaught exception
    assert "cannot run" in output and "terminate called" not in output, output
