#!/usr/bin/env python3
"""Serves one exposition at /t/0 ... /t/N-1 on 127.0.0.1 for scripts/bench-vs-agent.sh.

Each path is a distinct scrape target to a scraper. The body is gzipped once at start and sent compressed when the
request accepts gzip, as node_exporter does, so the server spends almost nothing per request.
Usage: bench-targets.py PORT N EXPOSITION_FILE
"""
import gzip
import http.server
import sys

port, count, path = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
with open(path, "rb") as f:
    plain = f.read()
compressed = gzip.compress(plain, compresslevel=1)


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as scrapers reuse connections

    def do_GET(self):
        prefix, _, index = self.path.partition("/t/")
        if prefix or not index.isdigit() or int(index) >= count:
            self.send_error(404)
            return
        gz = "gzip" in self.headers.get("Accept-Encoding", "")
        body = compressed if gz else plain
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
        if gz:
            self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


http.server.ThreadingHTTPServer.daemon_threads = True
http.server.ThreadingHTTPServer.request_queue_size = 1024
http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()
