"""A webhook receiver on loopback standing in for the seed's KakaoTalk: counts the alerts it
receives, one per Idempotency-Key (a repeat is counted apart)."""
import http.server
import threading


class Receiver:
    def __init__(self):
        self.lock = threading.Lock()
        self.keys = {}  # Idempotency-Key -> deliveries
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                key = self.headers.get("Idempotency-Key", "")
                with receiver.lock:
                    receiver.keys[key] = receiver.keys.get(key, 0) + 1
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}/alerts"

    def received(self):
        with self.lock:
            return len(self.keys)

    def repeats(self):
        with self.lock:
            return sum(n - 1 for n in self.keys.values())

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
