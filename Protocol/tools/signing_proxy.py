#!/usr/bin/env python3
"""A small HTTP proxy that signs sync requests as one node, so that a request generator
(schemathesis) reaches the signed endpoints of a parent instead of stopping at 401.

    signing_proxy.py --node-dir DIR --upstream http://127.0.0.1:PORT --port 0 [--port-file F]
    signing_proxy.py --signed-spec OUT_DIR      # openapi.yaml without the Liandong-* header
                                                # parameters (the proxy sets them), with its schemas

Every request to /sync/v1/{hello,push,pull,fetch} gets Liandong-Node (the node's code, read from
DIR/liandong.sqlite), Liandong-Time (now), a fresh Liandong-Nonce and Liandong-Signature (Ed25519
with DIR/node.key over the signed text of sync.md, Authentication); other requests pass unchanged.
A hello's valid `node` becomes the signer's code (the parent refuses a body that names another
node), and a pull whose `wait` is valid (0…30) is shortened to at most 1 s, so that a run of many
generated pulls does not spend 30 s on each; invalid values are passed on to be refused.
Needs the `cryptography` package (installed with schemathesis by `make deps`).
"""

import argparse
import hashlib
import http.client
import http.server
import json
import os
import re
import shutil
import sqlite3
import sys
import time
import urllib.parse
from pathlib import Path

SIGNED = {"/sync/v1/hello", "/sync/v1/push", "/sync/v1/pull", "/sync/v1/fetch"}
# The blob lane (blobs.md): every path under it is signed as it is sent, whatever the method.
SIGNED_PREFIX = "/sync/v1/blobs/"
SIGNED_TEMPLATES = ["/sync/v1/blobs/{sha256}", "/sync/v1/blobs/{sha256}/{offset}"]
HEADERS = {"Liandong-Node", "Liandong-Time", "Liandong-Nonce", "Liandong-Signature"}


def signed_text(method, path, node, millis, nonce, body):
    return "\n".join(["liandong-sync-1", method, path, node, str(millis), nonce, hashlib.sha256(body).hexdigest()])


def speak_as(path, body, code):
    """A hello names the node it comes from: a valid code becomes the signer's, so that the parent
    judges the rest of the message. A pull's valid wait (0…30) is cut to 1 s."""
    try:
        message = json.loads(body)
    except ValueError:
        return body
    if not isinstance(message, dict):
        return body
    changed = False
    node = message.get("node")
    if path == "/sync/v1/hello" and isinstance(node, str) and re.fullmatch(r"[0-9]{6}([0-9]{3}){0,2}", node) and node != code:
        message["node"] = code
        changed = True
    wait = message.get("wait")
    if path == "/sync/v1/pull" and isinstance(wait, int) and not isinstance(wait, bool) and 1 < wait <= 30:
        message["wait"] = 1
        changed = True
    if not changed:
        return body
    return json.dumps(message, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def make_handler(upstream, code, key):
    target = urllib.parse.urlsplit(upstream)

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def forward(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length > 0 else b""
            path = urllib.parse.urlsplit(self.path).path
            headers = {name: value for name, value in self.headers.items()
                       if name.lower() not in ("host", "content-length", "connection", "transfer-encoding")}
            if path in SIGNED or path.startswith(SIGNED_PREFIX):
                if self.command == "POST":
                    body = speak_as(path, body, code)
                for name in list(headers):
                    if name.title() in HEADERS or name in HEADERS:
                        del headers[name]
                millis = int(time.time() * 1000)
                nonce = os.urandom(16).hex()
                text = signed_text(self.command, path, code, millis, nonce, body)
                headers.update({"Liandong-Node": code, "Liandong-Time": str(millis), "Liandong-Nonce": nonce,
                                "Liandong-Signature": key.sign(text.encode("utf-8")).hex()})
            connection = http.client.HTTPConnection(target.hostname, target.port, timeout=60)
            try:
                connection.request(self.command, self.path, body=body if body or self.command in ("POST", "PUT", "PATCH") else None,
                                   headers=headers)
                response = connection.getresponse()
                data = response.read()
            except OSError as error:
                self.send_error(502, "upstream: %s" % error)
                return
            finally:
                connection.close()
            self.send_response(response.status)
            for name, value in response.getheaders():
                if name.lower() not in ("content-length", "connection", "transfer-encoding", "date", "server"):
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)

        def __getattr__(self, name):
            # Any method, QUERY and the like included: the node answers for it, not the proxy.
            if name.startswith("do_"):
                return self.forward
            raise AttributeError(name)

    return Handler


def write_signed_spec(out_dir):
    """openapi.yaml for the proxy's clients: the signed endpoints without their header parameters."""
    import yaml  # schemathesis brings PyYAML

    protocol = Path(__file__).resolve().parent.parent
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    if (out / "schemas").exists():
        shutil.rmtree(out / "schemas")
    shutil.copytree(protocol / "schemas", out / "schemas")
    spec = yaml.safe_load((protocol / "openapi.yaml").read_text(encoding="utf-8"))
    operations = [spec["paths"][path]["post"] for path in SIGNED]
    operations += [operation for path in SIGNED_TEMPLATES for operation in spec["paths"][path].values()]
    for operation in operations:
        operation.pop("security", None)
        operation["parameters"] = [p for p in operation.get("parameters", [])
                                   if not p.get("$ref", "").startswith("#/components/parameters/Liandong")]
        if not operation["parameters"]:
            del operation["parameters"]
    (out / "openapi.yaml").write_text(yaml.safe_dump(spec, allow_unicode=True, sort_keys=False), encoding="utf-8")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--node-dir")
    parser.add_argument("--upstream")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--port-file")
    parser.add_argument("--signed-spec")
    args = parser.parse_args()
    if args.signed_spec:
        write_signed_spec(args.signed_spec)
        return 0
    if not args.node_dir or not args.upstream:
        parser.error("--node-dir and --upstream are required")
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    seed = bytes.fromhex(Path(args.node_dir, "node.key").read_text().strip())
    key = Ed25519PrivateKey.from_private_bytes(seed)
    with sqlite3.connect("file:%s?mode=ro" % Path(args.node_dir, "liandong.sqlite"), uri=True) as db:
        code = db.execute("SELECT code FROM node WHERE id = 1").fetchone()[0]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", args.port), make_handler(args.upstream, code, key))
    server.daemon_threads = True
    if args.port_file:
        Path(args.port_file).write_text(str(server.server_address[1]))
    print("signing as %s on http://127.0.0.1:%d -> %s" % (code, server.server_address[1], args.upstream), flush=True)
    server.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
