"""Loopback ports for tests and benchmarks that give a service a port of their own."""
import random
import socket
from pathlib import Path


def port_beside_launcher():
    """A free loopback port below the kernel's ephemeral range: `hexa up --free-ports` takes
    its ports from that range (bind to 0), so a port of our own from outside it (a service's
    GRPC_PORT) can never be handed to an instance as well."""
    low = int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    for port in random.sample(range(20000, low), 200):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
                return port
            except OSError:
                continue
    raise RuntimeError("no free port below the ephemeral range")
