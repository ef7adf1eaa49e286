"""Drives the real gonghai binary for the reliability suite: start, kill, restart, query."""
import http.client
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import tempfile
import threading
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def binary():
    """The gonghai binary: $GONGHAI_BINARY, else the one `swift build` made."""
    if os.environ.get("GONGHAI_BINARY"):
        return os.environ["GONGHAI_BINARY"]
    found = subprocess.run(["swift", "build", "--show-bin-path"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    return os.path.join(found, "gonghai")


def error_codes():
    """The documented `extensions.code` values: the ErrorCode enum of schema.graphql."""
    with open(os.path.join(ROOT, "schema.graphql"), encoding="utf-8") as handle:
        text = handle.read()
    body = re.search(r"enum ErrorCode \{(.*?)\n\}", text, re.S).group(1)
    body = re.sub(r'"""(.*?)"""', "", body, flags=re.S)
    body = re.sub(r'"[^"\n]*"', "", body)
    return set(re.findall(r"^\s*([A-Z][A-Z_]+)\s*$", body, re.M))


class Server:
    """One gonghai process on a database file; restartable on the same port after a kill."""

    def __init__(self, directory=None, extra=(), demo=True):
        self.directory = directory or tempfile.mkdtemp(prefix="gonghai-reliability-")
        self.database = os.path.join(self.directory, "gonghai.sqlite")
        self.extra = list(extra)
        self.port = 0
        self.process = None
        self.admin_token = None
        self.log = open(os.path.join(self.directory, "server.log"), "a")
        self.start(demo=demo)

    def start(self, demo=False):
        arguments = [binary(), "serve", "--no-sweep", "--port", str(self.port), "--database", self.database] + self.extra
        if demo:
            arguments.append("--demo")
        self.process = subprocess.Popen(arguments, cwd=ROOT, stdout=subprocess.PIPE, stderr=self.log, text=True)
        deadline = time.time() + 120
        while time.time() < deadline:
            line = self.process.stdout.readline()
            if not line:
                raise RuntimeError("gonghai exited while starting; see %s" % self.log.name)
            token = re.search(r"demo admin token: (\S+)", line)
            if token:
                self.admin_token = token.group(1)
            match = re.search(r"http://127\.0\.0\.1:(\d+)/graphql", line)
            if match:
                self.port = int(match.group(1))
                if not demo or self.admin_token:
                    break
        threading.Thread(target=self._drain, args=(self.process,), daemon=True).start()
        self.wait_healthy()

    def _drain(self, process):
        for line in process.stdout:
            self.log.write(line)

    def wait_healthy(self, timeout=30):
        deadline = time.time() + timeout
        while time.time() < deadline:
            try:
                status, _, _ = self.request("GET", "/healthz", timeout=2)
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.05)
        raise RuntimeError("gonghai did not answer /healthz")

    def kill(self):
        """SIGKILL: no chance to finish anything."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)

    def terminate(self, timeout=60):
        """SIGTERM and wait; returns the exit status."""
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=timeout)

    def token(self, name):
        """A new API token for the user called `name`, issued by the CLI."""
        result = subprocess.run(
            [binary(), "users", "token", "--database", self.database, "--name", name, "--label", "reliability"],
            capture_output=True, text=True, check=True)
        return result.stdout.strip()

    def request(self, method, path, body=None, headers=None, timeout=30):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        finally:
            connection.close()

    def graphql(self, query, variables=None, token=None, timeout=30):
        """(HTTP status, decoded JSON) of one POST /graphql."""
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = "Bearer " + token
        status, _, body = self.request("POST", "/graphql", json.dumps({"query": query, "variables": variables or {}}), headers, timeout)
        return status, json.loads(body)

    def sql(self, query, arguments=()):
        """Reads the database directly (WAL lets a reader in beside the server)."""
        connection = sqlite3.connect(self.database, timeout=30)
        try:
            return connection.execute(query, arguments).fetchall()
        finally:
            connection.close()

    def close(self):
        """Stops the server if it runs and removes its folder (database, log)."""
        if self.process and self.process.poll() is None:
            self.terminate()
        self.log.close()
        shutil.rmtree(self.directory, ignore_errors=True)
