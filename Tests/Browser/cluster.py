"""Real liandong nodes for the browser tests: `liandong init`, `staff add`, `serve` processes on loopback."""
import json
import os
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import time
import urllib.request

BIN = os.environ.get("LIANDONG_BIN") or os.path.abspath(os.path.join(os.path.dirname(__file__), "../../.build/debug/liandong"))
EXAMPLES = os.path.abspath(os.path.join(os.path.dirname(__file__), "../../Deploy/examples"))


def free_port(host):
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


class Node:
    def __init__(self, root, code, role, name, host, parent=None, env=None):
        self.code, self.role, self.name, self.host, self.parent = code, role, name, host, parent
        self.directory = os.path.join(root, code)
        self.port = free_port(host)
        self.process = None
        self.scheme = "http"
        self.env = dict(os.environ, **(env or {}))
        self.log = open(os.path.join(root, code + ".log"), "ab")

    @property
    def url(self):
        return "%s://%s:%d" % (self.scheme, self.host, self.port)

    def cli(self, *args, check=True):
        result = subprocess.run([BIN] + list(args) + ["--data", self.directory, "--json"], capture_output=True, text=True, env=self.env, timeout=120)
        if check and result.returncode != 0:
            raise RuntimeError("liandong %s failed: %s %s" % (" ".join(args), result.stdout, result.stderr))
        return json.loads(result.stdout) if result.stdout.strip() else None

    def serve(self, *extra):
        self.process = subprocess.Popen([BIN, "serve", "--data", self.directory, "--listen", "%s:%d" % (self.host, self.port)] + list(extra),
                                        stdout=self.log, stderr=self.log, env=self.env, start_new_session=True)
        # The node's own certificate is trusted by its pin, not a CA: the readiness probe does not verify it.
        context = ssl._create_unverified_context() if self.scheme == "https" else None
        deadline = time.time() + 20
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=1, context=context) as answer:
                    if answer.status == 200:
                        return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("node %s did not start" % self.code)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None


class Cluster:
    """A county, one township and one village, each a `liandong serve` on its own loopback address."""

    def __init__(self):
        self.root = tempfile.mkdtemp(prefix="liandong-browser-")
        self.nodes = []

    def add(self, code, role, name, host, parent=None, env=None):
        node = Node(self.root, code, role, name, host, parent, env)
        self.nodes.append(node)
        return node

    def init_county(self, node):
        made = node.cli("init", "--role", "county", "--code", node.code, "--name", node.name, "--listen", "%s:%d" % (node.host, node.port))
        node.cli("catalog", "import", EXAMPLES + "/catalog.json")
        node.cli("calendar", "set", EXAMPLES + "/calendar-2026.json")
        node.serve()
        return made

    def enrol(self, node):
        added = node.parent.cli("node", "add", "--code", node.code, "--role", node.role, "--name", node.name)
        made = node.cli("init", "--role", node.role, "--code", node.code, "--name", node.name, "--listen", "%s:%d" % (node.host, node.port),
                        "--parent", node.parent.url, "--enroll", added["token"])
        node.serve()
        return made

    def wait_for_catalog(self, node, timeout=30):
        deadline = time.time() + timeout
        while time.time() < deadline:
            status = node.cli("status")
            if status.get("items", 0) > 0 and 2026 in (status.get("calendarYears") or []):
                return
            time.sleep(0.3)
        raise RuntimeError("catalog did not reach %s" % node.code)

    def close(self):
        for node in reversed(self.nodes):
            node.stop()
        if os.environ.get("LIANDONG_KEEP_BROWSER_DIRS") != "1":
            shutil.rmtree(self.root, ignore_errors=True)
