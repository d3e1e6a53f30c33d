"""tests/badserver.py: an HTTP server that answers like a broken or
malicious rqlite or sqld, for t8420. Run with /usr/bin/python3:

    badserver.py PORTFILE

Every POST gets the answer named by the file PORTFILE.mode (re-read per
request): one of the MODES below. The port is written to PORTFILE once
the server listens.
"""
import http.server
import json
import os
import sys

portfile = sys.argv[1]


def statements(body):
    try:
        return json.loads(body)
    except ValueError:
        return None


def rq_ok(n):
    return {"results": [{"rows_affected": 1, "last_insert_id": 1}] * n}


def hrana_batch(results, errors):
    return {"baton": None, "results": [
        {"type": "ok", "response": {"type": "batch", "result": {
            "step_results": results, "step_errors": errors}}},
        {"type": "ok", "response": {"type": "close"}}]}


def steps_of(req):
    try:
        return len(req["requests"][0]["batch"]["steps"])
    except (KeyError, IndexError, TypeError):
        return 0


# mode -> function(path, request) -> (status, body bytes)
MODES = {
    # rqlite
    "rq-huge": lambda p, r: (200, json.dumps({"results": [{}] * 300000}).encode()),
    "rq-truncated": lambda p, r: (200, b'{"results": [{"rows_affected": 1}, {"rows_aff'),
    "rq-not-json": lambda p, r: (200, b"<html>gateway says hello</html>"),
    "rq-results-string": lambda p, r: (200, b'{"results": "all good"}'),
    "rq-results-numbers": lambda p, r: (200, json.dumps({"results": list(range(len(r or [])))}).encode()),
    "rq-too-few": lambda p, r: (200, json.dumps(rq_ok(max(len(r or []) - 1, 0))).encode()),
    "rq-too-many": lambda p, r: (200, json.dumps(rq_ok(len(r or []) + 3)).encode()),
    "rq-error-past-end": lambda p, r: (200, json.dumps(
        {"results": rq_ok(len(r or []))["results"] + [{"error": "a statement nobody sent"}]}).encode()),
    "rq-affected-string": lambda p, r: (200, json.dumps(
        {"results": [{"rows_affected": "1"}] * len(r or [])}).encode()),
    "rq-values-string": lambda p, r: (200, b'{"results": [{"columns": ["v"], "types": ["text"], "values": "x"}]}'),
    "rq-row-short": lambda p, r: (200, b'{"results": [{"columns": ["v", "w"], "values": [["a"]]}]}'),
    "rq-row-object": lambda p, r: (200, b'{"results": [{"columns": ["v"], "values": [[{"x": 1}]]}]}'),
    "rq-status-500": lambda p, r: (500, b"internal trouble"),
    # sqld, Hrana over HTTP
    "hr-truncated": lambda p, r: (200, b'{"baton": null, "results": [{"type": "ok", "respon'),
    "hr-no-results": lambda p, r: (200, b'{"baton": null}'),
    "hr-results-string": lambda p, r: (200, b'{"baton": null, "results": "ok"}'),
    "hr-steps-short": lambda p, r: (200, json.dumps(hrana_batch([], [])).encode()),
    "hr-steps-null": lambda p, r: (200, json.dumps(
        hrana_batch([None] * steps_of(r), [None] * steps_of(r))).encode()),
    "hr-rows-string": lambda p, r: (200, json.dumps({"baton": None, "results": [
        {"type": "ok", "response": {"type": "execute", "result": {
            "cols": [{"name": "v"}], "rows": "x"}}}]}).encode()),
    "hr-row-bare": lambda p, r: (200, json.dumps({"baton": None, "results": [
        {"type": "ok", "response": {"type": "execute", "result": {
            "cols": [{"name": "v"}], "rows": [["c1"]]}}}]}).encode()),
    "hr-huge": lambda p, r: (200, json.dumps({"baton": None, "results": [{"type": "ok"}] * 300000}).encode()),
}


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def do_POST(self):
        n = int(self.headers.get("Content-Length", 0))
        req = statements(self.rfile.read(n))
        try:
            mode = open(portfile + ".mode").read().strip()
        except FileNotFoundError:
            mode = "rq-not-json"
        status, body = MODES[mode](self.path, req)
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
with open(portfile + ".tmp", "w") as f:
    f.write("%d\n" % srv.server_address[1])
os.rename(portfile + ".tmp", portfile)
srv.serve_forever()
