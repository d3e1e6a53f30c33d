"""tests/faultproxy.py: a TCP proxy on loopback that breaks connections
on demand, for the fault tests (tests/lib-fault.sh). Run with
/usr/bin/python3:

    faultproxy.py PORTFILE UPSTREAM_HOST:PORT RULEFILE LOGFILE

It listens on a free port of 127.0.0.1 (written to PORTFILE once it
listens) and passes every connection on to the upstream server. Before
each chunk it reads RULEFILE, which holds at most one rule, a JSON
object:

    {"action": ACTION, "match": TEXT, "nth": N, "times": T, "after": TEXT,
     "bytes": K, "seconds": S}

"match" (a string, or a list of strings any of which counts) is looked
for in what the client sends (across chunk
boundaries); the rule strikes at its N-th occurrence (default 1),
counted over all connections from the moment the rule was written, and
then is spent (traffic passes again). With "after": TEXT, counting
starts only once TEXT has gone by (the COMMIT after a given body).
With "times": T the rule strikes T times (at the N-th occurrence and
every one after it) before it is spent. Actions:

    drop-before   reset the connection; the chunk holding the match is
                  not passed on (the server never sees it)
    drop-after    pass the chunk on, then reset the connection at once:
                  the server gets the request, the client no answer
    stall-before  hold the chunk and the connection: nothing more passes
    stall-after   pass the chunk on, then hold the answers back for ever
    truncate      pass the chunk on, let K bytes of the answer through
                  (default 0), then close the connection cleanly
    garbage       pass the chunk on, answer the client with K bytes of
                  noise instead of the server's answer, then close
    refuse        (no "match") for S seconds, or until the rule
                  changes, close every new connection at once, with a
                  reset

Each strike is logged to LOGFILE as "fired ACTION MATCH #N". The proxy
stops on SIGTERM.
"""
import json
import os
import select
import signal
import socket
import struct
import sys
import threading
import time

portfile, upstream, rulefile, logfile = sys.argv[1:5]
up_host, up_port = upstream.rsplit(":", 1)
up_port = int(up_port)

lock = threading.Lock()
state = {"mtime": None, "rule": None, "seen": 0, "spent": False, "armed": False, "fired": 0,
         "refuse_until": 0}


def log(msg):
    with open(logfile, "a") as f:
        f.write(msg + "\n")


def current_rule():
    """The rule in force, re-read when RULEFILE changed (under lock)."""
    try:
        st = os.stat(rulefile)
        key = (st.st_mtime_ns, st.st_size, st.st_ino)
    except FileNotFoundError:
        key = None
    if key != state["mtime"]:
        state["mtime"] = key
        state["seen"] = 0
        state["spent"] = False
        state["armed"] = False
        state["fired"] = 0
        state["refuse_until"] = 0
        rule = None
        if key is not None:
            text = open(rulefile).read().strip()
            try:
                rule = json.loads(text) if text else None
            except ValueError as e:
                log("bad rule %r: %s" % (text, e))
                sys.stderr.write("faultproxy: bad rule %r: %s\n" % (text, e))
        state["rule"] = rule
        if rule and rule.get("action") == "refuse":
            state["refuse_until"] = time.time() + float(rule.get("seconds", 1))
            state["spent"] = True
            log("fired refuse for %ss" % rule.get("seconds", 1))
    if state["spent"]:
        return None
    return state["rule"]


def hard_close(s):
    try:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    except OSError:
        pass
    try:
        s.close()
    except OSError:
        pass


def hold(sockets):
    """Keep the connection open, passing nothing, until the client goes."""
    client = sockets[0]
    while True:
        r, _, _ = select.select([client], [], [], 1.0)
        if r:
            try:
                if not client.recv(65536):
                    break
            except OSError:
                break
    for s in sockets:
        hard_close(s)


def serve(client):
    try:
        relay(client)
    except Exception as e:  # a broken test must not wedge the proxy
        sys.stderr.write("faultproxy: %r\n" % (e,))
        hard_close(client)


def relay(client):
    with lock:
        current_rule()
        refusing = time.time() < state["refuse_until"]
    if refusing:
        hard_close(client)
        return
    try:
        server = socket.create_connection((up_host, up_port), timeout=10)
        server.settimeout(None)
    except OSError:
        hard_close(client)
        return
    tail = b""
    answer_budget = None  # bytes of answer still let through (truncate)
    while True:
        try:
            r, _, _ = select.select([client, server], [], [], 1.0)
        except (OSError, ValueError):
            break
        if client in r:
            try:
                data = client.recv(65536)
            except OSError:
                data = b""
            if not data:
                break
            strike = None
            with lock:
                rule = current_rule()
                if rule and rule.get("after") and not state["armed"]:
                    if rule["after"].encode() in data:
                        state["armed"] = True
                        data_seen = data.split(rule["after"].encode(), 1)[1]
                    else:
                        data_seen = None
                else:
                    data_seen = data
                if rule and rule.get("match") and data_seen is not None:
                    pats = rule["match"] if isinstance(rule["match"], list) else [rule["match"]]
                    pats = [p.encode() for p in pats]
                    hay = tail + data_seen
                    count = sum(hay.count(p) - tail.count(p) for p in pats)
                    if count > 0:
                        state["seen"] += count
                        if state["seen"] >= int(rule.get("nth", 1)):
                            strike = rule
                            state["fired"] += 1
                            state["spent"] = state["fired"] >= int(rule.get("times", 1))
                            log("fired %s %s #%d" % (rule["action"], rule["match"], state["seen"]))
                    tail = hay[-max(max(len(p) for p in pats) - 1, 1):]
            if strike:
                act = strike["action"]
                if act == "drop-before":
                    hard_close(client)
                    hard_close(server)
                    return
                if act == "stall-before":
                    hold([client, server])
                    return
                try:
                    server.sendall(data)
                except OSError:
                    break
                if act == "drop-after":
                    # give the server the time to read it, then cut
                    time.sleep(0.05)
                    hard_close(client)
                    hard_close(server)
                    return
                if act == "stall-after":
                    hold([client, server])
                    return
                if act == "truncate":
                    answer_budget = int(strike.get("bytes", 0))
                    if answer_budget == 0:
                        time.sleep(0.05)
                        client.close()
                        hard_close(server)
                        return
                    continue
                if act == "garbage":
                    time.sleep(0.05)
                    noise = bytes((i * 73 + 41) % 256 for i in range(int(strike.get("bytes", 64))))
                    try:
                        client.sendall(noise)
                    except OSError:
                        pass
                    client.close()
                    hard_close(server)
                    return
                continue
            try:
                server.sendall(data)
            except OSError:
                break
        if server in r:
            try:
                data = server.recv(65536)
            except OSError:
                data = b""
            if not data:
                break
            if answer_budget is not None:
                data = data[:answer_budget]
                answer_budget -= len(data)
            try:
                client.sendall(data)
            except OSError:
                break
            if answer_budget is not None and answer_budget <= 0:
                client.close()
                hard_close(server)
                return
    for s in (client, server):
        try:
            s.close()
        except OSError:
            pass


def main():
    signal.signal(signal.SIGTERM, lambda *a: os._exit(0))
    ls = socket.socket()
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("127.0.0.1", 0))
    ls.listen(64)
    with open(portfile + ".tmp", "w") as f:
        f.write("%d\n" % ls.getsockname()[1])
    os.rename(portfile + ".tmp", portfile)
    while True:
        c, _ = ls.accept()
        threading.Thread(target=serve, args=(c,), daemon=True).start()


main()
