"""A webhook receiver on loopback standing in for the seed's KakaoTalk (bench-webhook-receiver,
webhook_receiver.cpp): counts the alerts it receives, one per Idempotency-Key (a repeat is
counted apart)."""
import json
import subprocess
import urllib.request

import benchlib


class Receiver:
    def __init__(self):
        self.process = subprocess.Popen([str(benchlib.BIN / "bench-webhook-receiver")], stdout=subprocess.PIPE, text=True)
        self.port = int(self.process.stdout.readline())

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}/alerts"

    def counts(self):
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/counts", timeout=10) as r:
            return json.loads(r.read())

    def received(self):
        return self.counts()["received"]

    def repeats(self):
        return self.counts()["repeats"]

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)
