"""Drives the real gonghai binary for the reliability suite: start, kill, restart, query."""
import http.client
import json
import os
import re
import shlex
import shutil
import signal
import sqlite3
import subprocess
import tempfile
import threading
import time
import uuid

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

    def arguments(self, demo):
        arguments = [binary(), "serve", "--no-sweep", "--port", str(self.port), "--database", self.database] + self.extra
        if demo:
            arguments.append("--demo")
        return arguments

    def start(self, demo=False):
        self.launch(demo)
        self.ready(demo)

    def launch(self, demo=False):
        """Starts the process without waiting for it (`ready` waits), so several start together."""
        self.process = subprocess.Popen(self.arguments(demo), cwd=ROOT, stdout=subprocess.PIPE, stderr=self.log, text=True)

    def ready(self, demo=False):
        """Waits for the listening line, then for /healthz."""
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


# PostgreSQL: several instances on one database.

def postgres_available():
    """Whether PostgreSQL's client and server tools are installed (`psql`, `pg_config`)."""
    return bool(shutil.which("psql") and shutil.which("pg_config"))


def psql(url, query, timeout=60):
    """Rows of one SQL statement run with psql: NULL is None, integers are ints, the rest text.
    (psycopg is not a dependency; this is enough for the checks, whose values hold no tabs or
    newlines.)"""
    result = subprocess.run(
        ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-A", "-t", "-F", "\t", "-P", "null=\\N", "-d", url, "-c", query],
        capture_output=True, text=True, timeout=timeout)
    if result.returncode != 0:
        raise RuntimeError("psql failed (%d): %s\n%s" % (result.returncode, query, result.stderr))
    rows = []
    for line in result.stdout.splitlines():
        if line:
            rows.append(tuple(None if value == "\\N" else int(value) if re.fullmatch(r"-?\d+", value) else value
                              for value in line.split("\t")))
    return rows


class PostgresCluster:
    """A PostgreSQL server for the tests: the one GONGHAI_TEST_POSTGRES names (a URL without a
    database name), or a throwaway cluster of scripts/postgres-cluster that this object owns
    and may stop, start and restart."""

    def __init__(self, url, directory=None):
        self.url = url.rstrip("/")
        self.directory = directory  # set only for a cluster this object started
        self.options = None

    @classmethod
    def start(cls):
        output = subprocess.run([os.path.join(ROOT, "scripts", "postgres-cluster"), "start"],
                                capture_output=True, text=True, check=True, timeout=120).stdout
        values = dict(re.findall(r"(GONGHAI_TEST_POSTGRES(?:_DIR)?)=(\S+)", output))
        return cls(values["GONGHAI_TEST_POSTGRES"], values["GONGHAI_TEST_POSTGRES_DIR"])

    @classmethod
    def shared(cls):
        """GONGHAI_TEST_POSTGRES's server if set, else a new cluster (stop it when done)."""
        if os.environ.get("GONGHAI_TEST_POSTGRES"):
            return cls(os.environ["GONGHAI_TEST_POSTGRES"])
        return cls.start()

    def create_database(self, prefix="gh_reliability"):
        """A new empty database; returns its URL."""
        name = "%s_%s" % (prefix, uuid.uuid4().hex[:10])
        psql(self.url + "/postgres", 'CREATE DATABASE "%s"' % name)
        return self.url + "/" + name

    def drop_database(self, url):
        name = url.rsplit("/", 1)[1]
        psql(self.url + "/postgres", 'DROP DATABASE IF EXISTS "%s" WITH (FORCE)' % name)

    def pg_ctl(self, *arguments, timeout=120):
        """Runs pg_ctl on this cluster (as `postgres` when we are root, as the cluster runs)."""
        assert self.directory, "only a cluster this suite started may be stopped or restarted"
        bindir = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True, check=True).stdout.strip()
        command = [os.path.join(bindir, "pg_ctl"), "-D", os.path.join(self.directory, "data")] + list(arguments)
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--"] + command
        result = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
        if result.returncode != 0:
            raise RuntimeError("pg_ctl %s failed: %s%s" % (" ".join(arguments), result.stdout, result.stderr))
        return result

    def restart(self):
        """`pg_ctl restart -m fast`: sessions are ended, the server comes back with its options."""
        self.pg_ctl("restart", "-m", "fast", "-w", "-l", os.path.join(self.directory, "log"))

    def stop_server(self):
        """Stops the server (fast: sessions ended) and keeps its options for `start_server`."""
        with open(os.path.join(self.directory, "data", "postmaster.opts"), encoding="utf-8") as handle:
            words = shlex.split(handle.read())
        # The command line after the binary and its -D: port, socket directory, settings.
        options = words[1:]
        if "-D" in options:
            at = options.index("-D")
            del options[at:at + 2]
        self.options = shlex.join(options)
        self.pg_ctl("stop", "-m", "fast", "-w")

    def start_server(self):
        self.pg_ctl("start", "-w", "-l", os.path.join(self.directory, "log"), "-o", self.options)

    def stop(self):
        """Stops and removes a cluster this object started; leaves a shared one alone."""
        if self.directory:
            subprocess.run([os.path.join(ROOT, "scripts", "postgres-cluster"), "stop"],
                           env=dict(os.environ, GONGHAI_TEST_POSTGRES_DIR=self.directory), timeout=120)
            self.directory = None


def gonghai_cli(*arguments):
    """Runs a gonghai command and returns its stdout (stripped); fails on a non-zero exit."""
    result = subprocess.run([binary()] + list(arguments), cwd=ROOT, capture_output=True, text=True, timeout=120)
    if result.returncode != 0:
        raise RuntimeError("gonghai %s failed (%d): %s" % (" ".join(arguments), result.returncode, result.stderr))
    return result.stdout.strip()


def add_user(database, name, role, department=None):
    """Adds a user through the CLI; returns their first API token."""
    arguments = ["users", "add", "--database", database, "--name", name, "--role", role]
    if department:
        arguments += ["--department", department]
    return gonghai_cli(*arguments)


class PostgresServer(Server):
    """One gonghai instance on a PostgreSQL database (a URL); several may share one database.
    `sweep=True` runs the daily sweep scheduler (give `--sweep-at` in `extra`)."""

    def __init__(self, database, extra=(), sweep=False, start=True):
        self.directory = tempfile.mkdtemp(prefix="gonghai-reliability-pg-")
        self.database = database
        self.extra = list(extra)
        self.sweep = sweep
        self.port = 0
        self.process = None
        self.admin_token = None
        self.log = open(os.path.join(self.directory, "server.log"), "a")
        if start:
            self.start()

    def arguments(self, demo):
        assert not demo, "--demo is SQLite-only"
        arguments = [binary(), "serve", "--port", str(self.port), "--database", self.database] + self.extra
        if not self.sweep:
            arguments.append("--no-sweep")
        return arguments

    def alive(self):
        return self.process is not None and self.process.poll() is None

    def log_text(self):
        self.log.flush()
        with open(self.log.name, encoding="utf-8", errors="replace") as handle:
            return handle.read()

    def sql(self, query, arguments=()):
        """Reads the database with psql (no bound arguments: the checks build their SQL)."""
        assert not arguments
        return psql(self.database, query)


def replay_ownership(server):
    """Replays every customer's ownership history and checks it: each customer is owned or
    pooled; each event starts where the last one ended (so no change was lost or applied twice,
    and no customer ever had two owners), a claim only from a pool; the last event ends where
    the customer is. Returns the most customers any owner held at once, by the event order."""
    customers = {id: (owner, pool) for id, owner, pool in server.sql("SELECT id, owner_id, pool_id FROM customers")}
    assert all((owner is None) != (pool is None) for owner, pool in customers.values()), "a customer is both owned and pooled, or neither"
    last, held, most = {}, {}, 0
    for customer, kind, from_owner, to_owner, from_pool, to_pool in server.sql(
            "SELECT customer_id, kind, from_owner_id, to_owner_id, from_pool_id, to_pool_id FROM ownership_events ORDER BY id"):
        if kind == "create":
            assert customer not in last, "customer %d created twice" % customer
        else:
            assert last.get(customer) == (from_owner, from_pool), "customer %d: %s from %s but was at %s" % (
                customer, kind, (from_owner, from_pool), last.get(customer))
        if kind == "claim":
            assert from_owner is None and from_pool is not None, "customer %d claimed while owned by %s" % (customer, from_owner)
        if from_owner is not None:
            held[from_owner] = held.get(from_owner, 0) - 1
        if to_owner is not None:
            held[to_owner] = held.get(to_owner, 0) + 1
            most = max(most, held[to_owner])
        last[customer] = (to_owner, to_pool)
    assert last == customers, "customers whose owner or pool disagrees with their last event: %s" % sorted(
        id for id in customers if last.get(id) != customers[id])[:10]
    return most
