#!/usr/bin/env python3
"""Times a 10,000-customer import through the API and through the console's CSV page, against
the floor of inserting the same rows with SQLite alone, measured in the same run.

Usage: bench/import.py [--rows 10000] [--rounds 3] [--binary PATH]
Each round starts `gonghai serve --demo` (release build recommended: `swift build -c release --static-swift-stdlib`)
on a fresh temporary database for each path, so both import into the same 2,000 demo customers:
- api:     `importCustomers` in calls of 1,000 rows (the API's limit), rows routed by region;
- console: one CSV upload of every row to /admin/import (signed in as the demo admin), into
           the default pool; the service imports a thousand rows per transaction;
- floor:   Python's sqlite3 inserting the same rows into a table with the same unique keys
           (normalized name and phone) in one transaction, on a copy of the same file; no
           events, tallies, duplicate lookups or routing.
Prints seconds per path (median of rounds), rows per second, and the ratio to the floor.
"""
import argparse
import http.client
import json
import os
import re
import shutil
import sqlite3
import statistics
import subprocess
import tempfile
import time
import urllib.parse

REGIONS = ["上海", "浙江", "江苏", "广东", "北京", "四川", "湖北", "西藏"]


def rows(count, salt):
    return [{"name": "导入测试%s公司%05d" % (salt, i), "phone": "13%09d" % (i * 7 + len(salt)),
             "industry": "制造业", "region": REGIONS[i % len(REGIONS)]} for i in range(count)]


class Server:
    def __init__(self, binary):
        self.directory = tempfile.mkdtemp(prefix="gonghai-import-bench-")
        self.database = os.path.join(self.directory, "bench.sqlite")
        self.process = subprocess.Popen(
            [binary, "serve", "--demo", "--no-sweep", "--rate-limit", "0", "--port", "0", "--database", self.database],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        self.port, self.token = None, None
        while self.port is None or self.token is None:
            line = self.process.stdout.readline()
            if not line:
                raise RuntimeError("gonghai exited while starting")
            match = re.search(r"127\.0\.0\.1:(\d+)/graphql", line)
            self.port = self.port or (match and int(match.group(1)))
            token = re.search(r"demo admin token: (\S+)", line)
            self.token = self.token or (token and token.group(1))

    def connection(self):
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=600)

    def close(self):
        self.process.terminate()
        self.process.wait()
        shutil.rmtree(self.directory, ignore_errors=True)


def through_api(server, data):
    connection = server.connection()
    query = "mutation($rows: [CustomerImportInput!]!) { importCustomers(rows: $rows) { imported refused } }"
    imported = 0
    start = time.perf_counter()
    for offset in range(0, len(data), 1000):
        body = json.dumps({"query": query, "variables": {"rows": data[offset:offset + 1000]}})
        connection.request("POST", "/graphql", body=body, headers={
            "Content-Type": "application/json", "Authorization": "Bearer " + server.token})
        response = json.loads(connection.getresponse().read())
        imported += response["data"]["importCustomers"]["imported"]
    return time.perf_counter() - start, imported


def through_console(server, data):
    connection = server.connection()
    connection.request("GET", "/admin/login")
    response = connection.getresponse()
    response.read()
    login = re.search(r"gh_login=([^;]+)", response.getheader("Set-Cookie")).group(1)
    connection.request("POST", "/admin/login", body=urllib.parse.urlencode(
        {"name": "admin", "password": "gonghai-demo", "_csrf": login}), headers={
        "Content-Type": "application/x-www-form-urlencoded", "Cookie": "gh_login=" + login})
    response = connection.getresponse()
    response.read()
    session = re.search(r"(gh_session=[^;]+)", response.getheader("Set-Cookie")).group(1)
    connection.request("GET", "/admin/import", headers={"Cookie": session})
    page = connection.getresponse().read().decode()
    csrf = re.search(r'name="_csrf" value="([^"]+)"', page).group(1)
    csv = "name,phone,industry,region\r\n" + "".join(
        "%s,%s,%s,%s\r\n" % (row["name"], row["phone"], row["industry"], row["region"]) for row in data)
    boundary = "gonghaibench"
    parts = []
    for name, value in [("_csrf", csrf), ("op", "import"), ("pool", ""), ("owner", "")]:
        parts.append('--%s\r\nContent-Disposition: form-data; name="%s"\r\n\r\n%s\r\n' % (boundary, name, value))
    parts.append('--%s\r\nContent-Disposition: form-data; name="file"; filename="rows.csv"\r\nContent-Type: text/csv\r\n\r\n%s\r\n--%s--\r\n'
                 % (boundary, csv, boundary))
    body = "".join(parts).encode()
    start = time.perf_counter()
    connection.request("POST", "/admin/import", body=body, headers={
        "Content-Type": "multipart/form-data; boundary=" + boundary, "Cookie": session})
    response = connection.getresponse()
    page = response.read().decode()
    seconds = time.perf_counter() - start
    imported = re.search(r'id="imported">[^<]*?(\d+)<', page)
    return seconds, int(imported.group(1)) if imported else 0


def floor(server, data):
    """The same rows into a copy of the server's file, with SQLite alone."""
    copy = os.path.join(server.directory, "floor.sqlite")
    source = sqlite3.connect(server.database)
    target = sqlite3.connect(copy)
    source.backup(target)
    source.close()
    target.execute("CREATE TABLE floor (id INTEGER PRIMARY KEY, name TEXT, name_key TEXT UNIQUE, phone TEXT, "
                   "phone_key TEXT UNIQUE, industry TEXT, region TEXT, created_at INTEGER)")
    start = time.perf_counter()
    with target:
        target.executemany(
            "INSERT INTO floor (name, name_key, phone, phone_key, industry, region, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(r["name"], r["name"].lower(), r["phone"], r["phone"], r["industry"], r["region"], 0) for r in data])
    seconds = time.perf_counter() - start
    target.close()
    return seconds, len(data)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--binary", default=os.path.join(".build", "release", "gonghai"))
    args = parser.parse_args()
    times = {"api": [], "console": [], "floor": []}
    for round_number in range(args.rounds):
        data = rows(args.rows, "r%d" % round_number)
        for path, run in [("api", through_api), ("console", through_console), ("floor", floor)]:
            server = Server(args.binary)
            try:
                seconds, imported = run(server, data)
            finally:
                server.close()
            assert imported == args.rows, (path, imported)
            times[path].append(seconds)
        print("round %d: api %.2f s, console %.2f s, floor %.3f s" % (
            round_number + 1, times["api"][-1], times["console"][-1], times["floor"][-1]), flush=True)
    base = statistics.median(times["floor"])
    print("%-8s %9s %10s %8s" % ("path", "seconds", "rows/s", "÷ floor"))
    for path in ["api", "console", "floor"]:
        median = statistics.median(times[path])
        print("%-8s %9.2f %10.0f %8.1f" % (path, median, args.rows / median, median / base))


if __name__ == "__main__":
    main()
