"""Loopback ports for tests and benchmarks that give a service a port of their own."""
import random
import socket


def port_beside_launcher():
    """A free loopback port that neither the kernel (its ephemeral range, for outgoing
    connections) nor `hexa up --free-ports` (20000 up to that range: hexa/launcher/ports.hpp)
    hands out, so a port of our own (a service's GRPC_PORT) can never be an instance's too."""
    for port in random.sample(range(10000, 20000), 200):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
                return port
            except OSError:
                continue
    raise RuntimeError("no free port below the ephemeral range")
