"""Shared pieces of the benchmarks: a static nginx as the machine's ceiling, wrk runs and their
figures, a system started by the launcher. Loopback only; every process started here is
stopped here, by PID."""
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(os.environ.get("HEXA_BIN", ROOT / "build" / "bin"))


def free_port():
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ensure_tools():
    missing = [t for t in ("wrk", "nginx") if not shutil.which(t) and not Path("/usr/sbin/nginx").exists()]
    if missing or not shutil.which("wrk"):
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk", "nginx-light"], check=True,
                       stdout=subprocess.DEVNULL)


class Nginx:
    """A static nginx answering a small JSON body: the ceiling of this machine for HTTP."""

    def __init__(self, body='{"status":"UP"}'):
        self.dir = Path(tempfile.mkdtemp(prefix="bench-nginx-"))
        self.port = free_port()
        (self.dir / "nginx.conf").write_text(f"""
worker_processes 2;
pid {self.dir}/nginx.pid;
error_log {self.dir}/error.log;
events {{ worker_connections 4096; }}
http {{
  access_log off;
  client_body_temp_path {self.dir}; proxy_temp_path {self.dir}; fastcgi_temp_path {self.dir};
  uwsgi_temp_path {self.dir}; scgi_temp_path {self.dir};
  keepalive_requests 1000000;
  server {{
    listen 127.0.0.1:{self.port};
    location / {{ default_type application/json; return 200 '{body}'; }}
  }}
}}""")
        self.proc = subprocess.Popen(["nginx", "-c", str(self.dir / "nginx.conf"), "-g", "daemon off;"],
                                     stderr=subprocess.DEVNULL)
        wait_http(f"http://127.0.0.1:{self.port}/")

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=10)
        shutil.rmtree(self.dir, ignore_errors=True)


def wait_http(url, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.05)
    raise RuntimeError(f"{url} did not answer")


def wrk(url, seconds, connections=100, threads=2, script=None, count_statuses=False):
    """Runs wrk; returns requests/s, latency p50/p99 in ms, non-2xx count and total requests.
    count_statuses adds "statuses" {code: count}; the request script must then define no wrk
    hooks of its own (status_counts.lua defines them)."""
    cmd = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "5s"]
    with tempfile.TemporaryDirectory() as tmp:
        if count_statuses:
            combined = Path(tmp) / "script.lua"
            combined.write_text((Path(script).read_text() if script else "") + "\n" +
                                (Path(__file__).parent / "status_counts.lua").read_text())
            script = combined
        if script:
            cmd += ["-s", str(script)]
        out = subprocess.run(cmd + [url], capture_output=True, text=True, check=True).stdout
    def latency(p):
        m = re.search(rf"^\s+{p}%\s+([\d.]+)(us|ms|s)", out, re.M)
        v, unit = float(m.group(1)), m.group(2)
        return v / 1000 if unit == "us" else v * 1000 if unit == "s" else v
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "requests": int(re.search(r"(\d+) requests in", out).group(1)),
        "p50_ms": latency(50), "p99_ms": latency(99),
        "non2xx": int(non2xx.group(1)) if non2xx else 0,
        "socket_errors": sum(map(int, errors.groups())) if errors else 0,
        **({"statuses": {int(c): int(n) for c, n in re.findall(r"^status (\d+) (\d+)$", out, re.M)}}
           if count_statuses else {}),
    }


def cpu_seconds(pid):
    """User + system CPU time a process has used so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def median(values):
    return statistics.median(values)


class System:
    """`hexa up <system>` on free ports with a throw-away data folder."""

    def __init__(self, name, args=(), env=None):
        self.name = name
        self.data = Path(tempfile.mkdtemp(prefix=f"bench-{name}-"))
        self.proc = subprocess.Popen([str(BIN / "hexa"), "up", name, "--free-ports", "--data-dir", str(self.data), *args],
                                     stdout=open(self.data / "launcher.out", "wb"), stderr=subprocess.STDOUT, env=env)
        deadline = time.monotonic() + 60
        while True:
            st = self.state()
            if st and all(i.get("state") in ("ready", "running") for i in st["instances"]):
                try:
                    wait_http(f"http://127.0.0.1:{st['gateway']['port']}/actuator/health", timeout=5)
                    break
                except RuntimeError:
                    pass
            if time.monotonic() > deadline or self.proc.poll() is not None:
                raise RuntimeError("system did not start: " + (self.data / "launcher.out").read_text()[-2000:])
            time.sleep(0.1)

    def state(self):
        try:
            return json.loads((self.data / self.name / "launcher.json").read_text())
        except (OSError, ValueError):
            return None

    @property
    def gateway(self):
        return f"http://127.0.0.1:{self.state()['gateway']['port']}"

    def total(self, collection):
        with urllib.request.urlopen(f"{self.gateway}/{collection}?size=1", timeout=10) as r:
            return json.loads(r.read())["page"]["totalElements"]

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=60)
        shutil.rmtree(self.data, ignore_errors=True)


class Server:
    """A server started by a dev script (scripts/kafka-dev, scripts/db-dev) on a free port, data in
    a throw-away folder, tied to this process (the script stops it should we die) and stopped
    by `stop()` through the script, which ends it by the PID it recorded."""

    def __init__(self, start, stop):
        self.dir = Path(tempfile.mkdtemp(prefix="bench-server-"))
        self.dir.chmod(0o755)  # PostgreSQL runs as the postgres user when we are root
        self.port = free_port()
        self.env = dict(os.environ, HEXA_DATA_DIR=str(self.dir), KAFKA_OWNER_PID=str(os.getpid()),
                        DB_OWNER_PID=str(os.getpid()), KAFKA_PORT=str(self.port),
                        KAFKA_CONTROLLER_PORT=str(free_port()), KAFKA_DATA_DIR=str(self.dir / "kafka"))
        self._stop = stop
        self._run([str(a).format(port=self.port) for a in start])

    def _run(self, cmd):
        out = subprocess.run(cmd, env=self.env, capture_output=True, text=True, timeout=300)
        if out.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd)}: {out.stdout}{out.stderr}")

    def stop(self):
        self._run(self._stop)
        shutil.rmtree(self.dir, ignore_errors=True)


def kafka_broker():
    """An Apache Kafka broker (scripts/kafka-dev); its address is 127.0.0.1:<port>."""
    script = ROOT / "scripts" / "kafka-dev"
    return Server([script, "start"], [script, "stop"])


def postgres():
    """A PostgreSQL server (scripts/db-dev), user hexa/hexa; services create their databases."""
    script = ROOT / "scripts" / "db-dev"
    return Server([script, "start", "postgres", "{port}"], [script, "stop", "postgres"])


def report(title, rows):
    print(f"\n== {title}")
    for k, v in rows.items():
        print(f"  {k:<40} {v}")
    sys.stdout.flush()


def table(title, columns, rows):
    """One table: a row per figure, a column per configuration (rows: name -> values)."""
    width = max(len(name) for name in rows)
    print(f"\n== {title}")
    print("  " + " " * width + "".join(f"  {c:>18}" for c in columns))
    for name, values in rows.items():
        print(f"  {name:<{width}}" + "".join(f"  {format_value(v):>18}" for v in values))
    sys.stdout.flush()


def format_value(v):
    if isinstance(v, float):
        return f"{v:.1f}" if abs(v) >= 10 else f"{v:.2f}"
    return "-" if v is None else str(v)
