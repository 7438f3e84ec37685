#!/usr/bin/env python3
"""A small HTTP CONNECT proxy for test_tls.sh, listening on 127.0.0.1 only.

Tunnels CONNECT requests to 127.0.0.1 targets and refuses everything else (other hosts, plain
forwarding of absolute URLs) with 403, so a test that leaks requests notices. Every request
line received is appended to DIR/requests.log, the way a proxy's access log would record it;
the chosen port goes to DIR/ready.

usage: connect_proxy.py DIR
"""
import os
import select
import socket
import socketserver
import sys

DIR = sys.argv[1]


def note(line):
    with open(os.path.join(DIR, "requests.log"), "a") as f:
        f.write(line + "\n")


class Handler(socketserver.StreamRequestHandler):
    rbufsize = 0  # unbuffered: nothing of the tunnelled stream is read ahead into a buffer

    def handle(self):
        line = self.rfile.readline(65536).decode("latin-1").rstrip("\r\n")
        if not line:
            return
        note(line)
        while self.rfile.readline(65536) not in (b"\r\n", b"\n", b""):
            pass  # request headers (Proxy-Authorization would be here, never logged)
        parts = line.split()
        host, _, port = parts[1].rpartition(":") if len(parts) == 3 else ("", "", "")
        if parts[0] != "CONNECT" or host != "127.0.0.1" or not port.isdigit():
            self.wfile.write(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n")
            return
        try:
            upstream = socket.create_connection((host, int(port)), timeout=10)
        except OSError:
            self.wfile.write(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n")
            return
        self.wfile.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
        self.wfile.flush()
        upstream.settimeout(None)
        self.connection.settimeout(None)
        self.pump(self.connection, upstream)
        upstream.close()

    @staticmethod
    def pump(a, b):
        peers = {a: b, b: a}
        while True:
            ready, _, _ = select.select([a, b], [], [], 300)
            if not ready:
                return
            for s in ready:
                try:
                    data = s.recv(65536)
                except OSError:
                    return
                if not data:
                    return
                peers[s].sendall(data)


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


with Server(("127.0.0.1", 0), Handler) as srv:
    tmp = os.path.join(DIR, "ready.tmp")
    with open(tmp, "w") as f:
        f.write("%d\n" % srv.server_address[1])
    os.rename(tmp, os.path.join(DIR, "ready"))
    srv.serve_forever()
