#!/usr/bin/env python3
"""A local stand-in for the providers' price APIs, for tests and the benchmark.

Serves the recorded pages under ROOT on 127.0.0.1 (a free port, written to
--port-file) and injects faults on request. Never reaches the network.

Routes (the same paths the real services use):
  /api/retail/prices?...&$skip=N        ROOT/azure/prices@skip=N.json
  /v1/services/ID/skus?key=K&pageToken=T ROOT/gcp/ID/skus[@T].json (key must be --gcp-key)
  /stats/eurofxref/FILE                  ROOT/ecb/FILE (the ECB's reference rates)
  /api/v1/instance-types                 ROOT/lambda/instance-types.json (Lambda; the
                                         Authorization must be "Bearer --lambda-key")
  /v2/catalog/gpus?include=...          ROOT/runpod/gpus.json (RunPod; the Authorization
                                         must be "Bearer --runpod-key"; include without
                                         product is RunPod's 400)
  /api/v0/bundles/?q=Q&select_cols=C    ROOT/vast/bundles.json (Vast.ai's offer search;
                                         Q must be a JSON object asking for on-demand
                                         offers, else Vast's 400; its "id": {"gt": N},
                                         "order" by id and "limit" are obeyed)
  POST /v1/oauth2/token                  Verda's token: a JSON body with grant_type
                                         client_credentials, --verda-id and
                                         --verda-secret answers an access token, else
                                         Verda's 401
  /v1/locations                          ROOT/verda/locations.json (Verda; the
                                         Authorization must be that token)
  /v1/instance-types?currency=usd        ROOT/verda/instance-types.json (public)
  /v2/plans?type=all&per_page=N&cursor=C ROOT/vultr/plans.json (Vultr, public; a page of
                                         per_page plans from the one the cursor names,
                                         meta.links.next the cursor of the page after
                                         it, meta.total every plan; a type other than
                                         all or vcg/vdm-style ids is Vultr's 400)
  /v2/plans-metal?per_page=N&cursor=C    ROOT/vultr/plans-metal.json, the same paging
  anything else                          ROOT/aws/<path> (Price List files, spot feeds)

Absolute links to https://prices.azure.com inside a page are rewritten to this
server, so NextPageLink comes back here. Every answer carries an ETag; a request
whose If-None-Match matches gets 304.

Faults come from the file --faults (re-read on every request), one per line:
    KIND MATCH TIMES [ARG]
KIND is one of 429 (ARG: Retry-After seconds, default 1; "date+N" sends the
HTTP-date N seconds ahead instead), 500, stall (ARG:
seconds, default 30), truncate (half the body, full Content-Length),
shortlength (Content-Length smaller than the body), malformed (the body cut in
half, consistently framed), gzip (Content-Encoding: gzip), changed (the file
answers as a new version: another ETag, so no 304), loop (a Catalog page's
nextPageToken names the page itself), cycle (an Azure page's NextPageLink leads
back to the page at $skip=ARG, default 1000), endless (a 200 whose body never
ends: no Content-Length, blank lines for a .csv and spaces in a JSON array
otherwise, until the client hangs up), drip (the body one
byte every ARG seconds, default 0.5), bomb (Content-Encoding: gzip of ARG MB of
zeros, default 1024; about 4.5 MB on the wire per GB), cap (Vast's search
answers at most ARG listings, default 5, whatever the limit asked), nocursor
(Vast's search ignores the "id" cursor: every page starts again); for Vultr's
plan lists cap (at most ARG plans a page, default 5, whatever per_page asked),
loop (meta.links.next names the page itself) and endearly (meta.links.next
empty after the first page, meta.total still counting every plan), the last two
with pages of at most ARG plans when ARG is given. MATCH is a
substring of the request path and query; TIMES how many matching requests get
the fault (-1: all). Each request is logged to --log as
"METHOD PATH STATUS ua=... ae=... inm=... fault=... t=SECONDS" (t: when the
request arrived, Unix time with milliseconds), before the answer is sent: a
client that has its answer finds the line there.
"""
import argparse
import base64
import email.utils
import gzip
import json
import os
import re
import sys
import threading
import time
import urllib.parse
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

VERDA_TOKEN = "test-verda-access-token"
AZURE_ORIGINS = ("https://prices.azure.com:443", "https://prices.azure.com")


class Faults:
    """The fault table, re-read when the file changes; counts uses per line."""

    def __init__(self, path):
        self.path = path
        self.text = None
        self.rules = []
        self.lock = threading.Lock()

    def take(self, target):
        with self.lock:
            try:
                with open(self.path) as f:
                    text = f.read()
            except (OSError, TypeError):
                text = ""
            if text != self.text:
                self.text = text
                self.rules = []
                for line in text.splitlines():
                    parts = line.split()
                    if len(parts) >= 3 and not parts[0].startswith("#"):
                        self.rules.append({"kind": parts[0], "match": parts[1],
                                           "left": int(parts[2]),
                                           "arg": parts[3] if len(parts) > 3 else None})
            for rule in self.rules:
                if rule["match"] in target and rule["left"] != 0:
                    if rule["left"] > 0:
                        rule["left"] -= 1
                    return rule
        return None


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "aicost-test-httpd/1"

    def log_message(self, fmt, *args):
        pass

    def record(self, status, fault):
        line = "%s %s %d ua=%s ae=%s inm=%s fault=%s t=%.3f\n" % (
            self.command, self.path, status, self.headers.get("User-Agent", "-").replace(" ", "_"),
            self.headers.get("Accept-Encoding", "-").replace(" ", ""),
            self.headers.get("If-None-Match", "-"), fault["kind"] if fault else "-",
            self.arrived)
        with self.server.log_lock:
            with open(self.server.log_path, "a") as f:
                f.write(line)

    def resolve(self, url):
        root = self.server.root
        query = urllib.parse.parse_qs(url.query, keep_blank_values=True)
        if url.path == "/api/retail/prices":
            skip = query.get("$skip", ["0"])[0]
            return os.path.join(root, "azure", "prices@skip=%s.json" % skip), None
        m = re.fullmatch(r"/v1/services/([0-9A-F-]+)/skus", url.path)
        if m:
            if query.get("key", [""])[0] != self.server.gcp_key:
                return None, (400, b'{"error": {"code": 400, "message": "API key not valid. '
                              b'Please pass a valid API key.", "status": "INVALID_ARGUMENT"}}')
            token = query.get("pageToken", [""])[0]
            name = "skus@%s.json" % token if token else "skus.json"
            return os.path.join(root, "gcp", m.group(1), name), None
        path = os.path.normpath(urllib.parse.unquote(url.path)).lstrip("/")
        if path.startswith(".."):
            return None, (404, b"not found")
        if path.startswith("stats/eurofxref/"):
            return os.path.join(root, "ecb", os.path.basename(path)), None
        if path == "api/v1/instance-types":
            if self.headers.get("Authorization") != "Bearer " + self.server.lambda_key:
                return None, (401, b'{"error": {"code": "global/invalid-api-key", "message": '
                              b'"API key was invalid, expired, or deleted.", "suggestion": '
                              b'"Check your API key or create a new one, then try again."}}')
            return os.path.join(root, "lambda", "instance-types.json"), None
        if path == "v2/catalog/gpus":
            if self.headers.get("Authorization") != "Bearer " + self.server.runpod_key:
                return None, (401, b'{"title": "Unauthorized", "status": 401, "detail": '
                              b'"invalid bearer token"}')
            if "include" in query and "product" not in query:
                return None, (400, b'{"title": "Bad Request", "status": 400, "detail": '
                              b'"product is required with include=AVAILABILITY"}')
            return os.path.join(root, "runpod", "gpus.json"), None
        if path == "v1/locations":
            if self.headers.get("Authorization") != "Bearer " + VERDA_TOKEN:
                return None, (401, b'{"code": "unauthorized_request", '
                              b'"message": "Invalid access token"}')
            return os.path.join(root, "verda", "locations.json"), None
        if path == "v1/instance-types":
            if query.get("currency") != ["usd"]:
                return None, (400, b'{"code": "invalid_request", '
                              b'"message": "currency must be usd or eur"}')
            return os.path.join(root, "verda", "instance-types.json"), None
        if path in ("v2/plans", "v2/plans-metal"):
            if path == "v2/plans" and query.get("type", ["all"])[0] not in (
                    "all", "vc2", "vhf", "vhp", "voc", "vcg", "vdm"):
                return None, (400, b'{"error": "Invalid plan type.", "status": 400}')
            member = "plans" if path == "v2/plans" else "plans_metal"
            self.transform = lambda body: self.vultr_page(body, query, member)
            return os.path.join(root, "vultr", os.path.basename(path) + ".json"), None
        if path == "api/v0/bundles":
            try:
                q = json.loads(query.get("q", [""])[0])
            except ValueError:
                q = None
            if not isinstance(q, dict) or q.get("type") != "on-demand":
                return None, (400, b'{"error": "invalid_args", "msg": "Invalid query: '
                              b'must be dict of conditions"}')
            self.transform = lambda body: self.vast_page(body, q)
            return os.path.join(root, "vast", "bundles.json"), None
        return os.path.join(root, "aws", path), None

    def refuse(self, fault):
        """The faults that answer no page (429, 500, stall): True when one did."""
        kind = fault["kind"] if fault else None
        if kind == "429":
            after = fault["arg"] or "1"
            if after.startswith("date+"):
                after = email.utils.formatdate(time.time() + float(after[5:]), usegmt=True)
            self.send_plain(429, b"Too Many Requests", [("Retry-After", after)], fault)
        elif kind == "500":
            self.send_plain(500, b"Internal Server Error", fault=fault)
        elif kind == "stall":
            self.record(0, fault)
            time.sleep(float(fault["arg"] or 30))
            self.close_connection = True
        return kind in ("429", "500", "stall")

    def do_POST(self):
        """Verda's token endpoint; faults as for GET (429, 500, stall, malformed),
        plus echo: a 400 that quotes the request body back, as a careless server
        might (the client must not repeat the secret it sent)."""
        self.arrived = time.time()
        url = urllib.parse.urlsplit(self.path)
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        fault = self.fault = self.server.faults.take(self.path)
        if self.refuse(fault):
            return
        if url.path != "/v1/oauth2/token":
            self.send_plain(404, b"not found: " + url.path.encode(), fault=fault)
            return
        if fault and fault["kind"] == "echo":
            self.send_plain(400, b'{"message": "cannot read ' + raw + b'"}',
                            [("Content-Type", "application/json")], fault)
            return
        try:
            body = json.loads(raw)
        except ValueError:
            body = None
        if (self.headers.get("Content-Type") != "application/json" or
                not isinstance(body, dict) or body.get("grant_type") != "client_credentials"):
            self.send_plain(400, b'{"code": "invalid_request", "message": "grant_type '
                            b'not specified"}', [("Content-Type", "application/json")], fault)
            return
        if (body.get("client_id") != self.server.verda_id or
                body.get("client_secret") != self.server.verda_secret):
            self.send_plain(401, b'{"code": "unauthorized_request", "message": '
                            b'"Invalid client credentials"}',
                            [("Content-Type", "application/json")], fault)
            return
        answer = json.dumps({"access_token": VERDA_TOKEN, "refresh_token": "test-refresh",
                             "scope": "fullAccess", "token_type": "Bearer",
                             "expires_in": 3600}).encode()
        if fault and fault["kind"] == "malformed":
            answer = answer[: len(answer) // 2]
        self.send_plain(200, answer, [("Content-Type", "application/json")], fault)

    def vast_page(self, body, q):
        """The page of the market Q asks for: ids above q["id"]["gt"], in id order
        when asked, at most q["limit"] (fault cap: at most ARG, whatever was asked;
        fault nocursor: the id filter ignored)."""
        d = json.loads(body)
        offers = d.get("offers", [])
        kind = self.fault["kind"] if self.fault else None
        after = (q.get("id") or {}).get("gt")
        if after is not None and kind != "nocursor":
            offers = [o for o in offers if o.get("id", 0) > after]
        if q.get("order") == [["id", "asc"]]:
            offers.sort(key=lambda o: o.get("id", 0))
        limit = int(q.get("limit", 64))
        if kind == "cap":
            limit = min(limit, int(self.fault["arg"] or 5))
        d["offers"] = offers[:limit]
        return json.dumps(d).encode()

    def vultr_page(self, body, query, member):
        """One page of a Vultr plan list: per_page plans from the one the cursor
        names (Vultr's cursors are base64 text, e.g. "next__PLAN-ID"), the cursor
        of the next page in meta.links.next ("" on the last), meta.total all of them
        (faults cap, loop, endearly: see the module doc)."""
        d = json.loads(body)
        if not isinstance(d, dict) or not isinstance(d.get(member), list):
            return body   # another shape: served as it is
        plans = d[member]
        kind = self.fault["kind"] if self.fault else None
        per_page = int(query.get("per_page", ["100"])[0])
        if kind == "cap" or (kind in ("loop", "endearly") and self.fault["arg"]):
            per_page = min(per_page, int(self.fault["arg"] or 5))
        cursor = query.get("cursor", [""])[0]
        start = 0
        if cursor:
            wanted = base64.b64decode(cursor).decode()[len("next__"):]
            start = [p["id"] for p in plans].index(wanted)

        def cursor_of(i):
            return base64.b64encode(("next__" + plans[i]["id"]).encode()).decode()
        end = start + per_page
        nxt = cursor_of(end) if end < len(plans) else ""
        if kind == "loop" and nxt:
            nxt = cursor or nxt
        if kind == "endearly":
            nxt = ""
        return json.dumps({member: plans[start:end],
                           "meta": {"total": len(plans),
                                    "links": {"next": nxt, "prev": ""}}}).encode()

    def send_plain(self, status, body, headers=(), fault=None):
        self.record(status, fault)
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        self.arrived = time.time()
        self.transform = None
        url = urllib.parse.urlsplit(self.path)
        fault = self.fault = self.server.faults.take(self.path)
        if self.refuse(fault):
            return
        if fault and fault["kind"] == "endless":
            self.record(200, fault)
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Connection", "close")
            self.end_headers()
            # Blank lines to a CSV reader, an unfinished array to a JSON one.
            csv = url.path.endswith(".csv")
            chunk = b"\n" * (1 << 20) if csv else b'{"Items": [' + b" " * (1 << 20)
            try:
                while True:
                    self.wfile.write(chunk)
                    chunk = b"\n" * (1 << 20) if csv else b" " * (1 << 20)
            except OSError:
                pass
            self.close_connection = True
            return
        if fault and fault["kind"] == "bomb":
            body = self.server.bomb(int(fault["arg"] or 1024))
            self.send_plain(200, body, [("Content-Type", "application/json"),
                                        ("Content-Encoding", "gzip")], fault)
            return
        path, error = self.resolve(url)
        if error:
            self.send_plain(error[0], error[1], [("Content-Type", "application/json")], fault)
            return
        if not os.path.isfile(path):
            self.send_plain(404, b"not found: " + url.path.encode(), fault=fault)
            return
        st = os.stat(path)
        etag = '"%x-%x"' % (st.st_size, st.st_mtime_ns)
        if fault and fault["kind"] == "changed":
            etag = etag[:-1] + '-new"'
        if self.headers.get("If-None-Match") == etag:
            self.record(304, fault)
            self.send_response(304)
            self.send_header("ETag", etag)
            self.end_headers()
            return
        big = st.st_size > 16 << 20
        ctype = "text/csv" if path.endswith(".csv") else "application/json"
        if big and not fault:
            # The benchmark's file: streamed from disk, never held in memory.
            self.record(200, fault)
            self.send_response(200)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(st.st_size))
            self.send_header("ETag", etag)
            self.end_headers()
            with open(path, "rb") as f:
                while True:
                    chunk = f.read(1 << 20)
                    if not chunk:
                        break
                    self.wfile.write(chunk)
            return
        with open(path, "rb") as f:
            body = f.read()
        if self.transform:
            body = self.transform(body)
        if path.endswith(".json"):
            # Links inside pages lead back here, keeping the request's origin.
            origin = ("http://%s" % self.headers.get("Host", "127.0.0.1")).encode()
            for o in AZURE_ORIGINS:
                body = body.replace(o.encode(), origin)
        headers = [("Content-Type", ctype), ("ETag", etag),
                   ("Last-Modified", "Thu, 20 Nov 2025 18:55:19 GMT")]
        kind = fault["kind"] if fault else None
        if kind == "malformed":
            body = body[: len(body) // 2]
        if kind == "loop":
            own = urllib.parse.parse_qs(url.query).get("pageToken", [""])[0]
            body = re.sub(rb'"nextPageToken": *"[^"]*"',
                          b'"nextPageToken": "' + own.encode() + b'"', body)
        if kind == "cycle":
            back = re.sub(r"\$skip=\d+", "$skip=" + (fault["arg"] or "1000"), self.path)
            link = ("http://%s%s" % (self.headers.get("Host", "127.0.0.1"), back)).encode()
            body = re.sub(rb'"NextPageLink": *null', b'"NextPageLink": "' + link + b'"', body)
        if kind == "gzip":
            body = gzip.compress(body)
            headers.append(("Content-Encoding", "gzip"))
        self.record(200, fault)
        self.send_response(200)
        for k, v in headers:
            self.send_header(k, v)
        if kind == "drip":
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            try:
                for i in range(len(body)):
                    self.wfile.write(body[i:i + 1])
                    self.wfile.flush()
                    time.sleep(float(fault["arg"] or 0.5))
            except OSError:
                pass
            self.close_connection = True
        elif kind == "truncate":
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.close_connection = True
        elif kind == "shortlength":
            self.send_header("Content-Length", str(len(body) * 2 // 3))
            self.end_headers()
            self.wfile.write(body)
            self.close_connection = True
        else:
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)


class Server(ThreadingHTTPServer):
    bombs = {}

    def bomb(self, megabytes):
        """gzip of MEGABYTES MB of zeros, made once per size."""
        if megabytes not in self.bombs:
            z = zlib.compressobj(1, zlib.DEFLATED, 31)   # 31: a gzip wrapper
            zeros = bytes(1 << 20)
            self.bombs[megabytes] = b"".join(z.compress(zeros) for _ in range(megabytes)) + z.flush()
        return self.bombs[megabytes]


def main():
    ap = argparse.ArgumentParser(description="aicost test price server")
    ap.add_argument("--root", required=True, help="fixtures directory")
    ap.add_argument("--port-file", required=True, help="where to write the port")
    ap.add_argument("--log", required=True, help="request log")
    ap.add_argument("--faults", help="fault table file (see the module doc)")
    ap.add_argument("--gcp-key", default="test-key", help="the API key GCP routes accept")
    ap.add_argument("--lambda-key", default="test-lambda-key",
                    help="the API key the Lambda route accepts")
    ap.add_argument("--runpod-key", default="test-runpod-key",
                    help="the API key the RunPod route accepts")
    ap.add_argument("--verda-id", default="test-verda-id",
                    help="the client id Verda's token route accepts")
    ap.add_argument("--verda-secret", default="test-verda-secret",
                    help="the client secret Verda's token route accepts")
    args = ap.parse_args()

    server = Server(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server.root = os.path.abspath(args.root)
    server.log_path = args.log
    server.log_lock = threading.Lock()
    server.faults = Faults(args.faults)
    server.gcp_key = args.gcp_key
    server.lambda_key = args.lambda_key
    server.runpod_key = args.runpod_key
    server.verda_id = args.verda_id
    server.verda_secret = args.verda_secret
    open(args.log, "a").close()
    tmp = args.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % server.server_address[1])
    os.rename(tmp, args.port_file)   # appears whole, so a reader never sees half a number
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
