#!/usr/bin/env python3
"""A fake ECS instance metadata service for test_credentials.sh (ram_role=).

Serves the hardened mode (PUT /latest/api/token, then GETs must carry the token), lists one
role at /latest/meta-data/ram/security-credentials/, and answers that role's credentials from
DIR/creds-1.json, DIR/creds-2.json, ... one file per request (the last one repeats), so a test
can hand out short-lived keys and watch them being refreshed. Every request's method, path and
whether it carried the token go to DIR/requests.log; the chosen port to DIR/ready.

usage: fake_ecs.py DIR ROLE
"""
import http.server
import os
import sys

DIR, ROLE = sys.argv[1], sys.argv[2]
TOKEN = "fake-ecs-session-token"
PREFIX = "/latest/meta-data/ram/security-credentials/"
served = [0]


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, fmt, *args):
        pass

    def note(self, status):
        tok = self.headers.get("X-aliyun-ecs-metadata-token") == TOKEN
        with open(os.path.join(DIR, "requests.log"), "a") as f:
            f.write("%s %s token=%d status=%d\n" % (self.command, self.path, tok, status))

    def answer(self, status, body):
        self.note(status)
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_PUT(self):
        if self.path == "/latest/api/token" and self.headers.get(
                "X-aliyun-ecs-metadata-token-ttl-seconds"):
            self.answer(200, TOKEN)
        else:
            self.answer(400, "bad token request")

    def do_GET(self):
        if self.headers.get("X-aliyun-ecs-metadata-token") != TOKEN:
            self.answer(401, "")
        elif self.path == PREFIX:
            self.answer(200, ROLE)
        elif self.path == PREFIX + ROLE:
            served[0] += 1
            n = served[0]
            while n > 1 and not os.path.exists(os.path.join(DIR, "creds-%d.json" % n)):
                n -= 1
            with open(os.path.join(DIR, "creds-%d.json" % n)) as f:
                self.answer(200, f.read())
        else:
            self.answer(404, "")


srv = http.server.HTTPServer(("127.0.0.1", 0), Handler)
with open(os.path.join(DIR, "ready.tmp"), "w") as f:
    f.write("127.0.0.1:%d\n" % srv.server_address[1])
os.rename(os.path.join(DIR, "ready.tmp"), os.path.join(DIR, "ready"))
srv.serve_forever()
