#!/usr/bin/env python3
"""Times console pages on the demo data against /healthz measured in the same run.

Usage: bench/console-pages.py [--requests N] [--binary PATH]
Starts `gonghai serve --demo` on a temporary database (release build recommended:
`swift build -c release --static-swift-stdlib`), signs in as the demo admin, and prints per page the median and p95
milliseconds per request and the ratio to the /healthz baseline.
"""
import argparse
import http.client
import os
import re
import statistics
import subprocess
import tempfile
import time
import urllib.parse

PAGES = ["/admin/customers", "/admin/customers?placement=pool", "/admin", "/admin/pools", "/admin/sweeps"]


def timed(connection, path, cookie):
    start = time.perf_counter()
    connection.request("GET", path, headers={"Cookie": cookie} if cookie else {})
    response = connection.getresponse()
    response.read()
    assert response.status == 200, (path, response.status)
    return (time.perf_counter() - start) * 1000


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--binary", default=os.path.join(".build", "release", "gonghai"))
    args = parser.parse_args()
    directory = tempfile.mkdtemp(prefix="gonghai-bench-")
    server = subprocess.Popen(
        [args.binary, "serve", "--demo", "--no-sweep", "--port", "0", "--database", os.path.join(directory, "bench.sqlite")],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        port = None
        while port is None:
            match = re.search(r"127\.0\.0\.1:(\d+)/graphql", server.stdout.readline())
            port = match and int(match.group(1))
        connection = http.client.HTTPConnection("127.0.0.1", port)
        connection.request("GET", "/admin/login")
        response = connection.getresponse()
        response.read()
        csrf = re.search(r"gh_login=([^;]+)", response.getheader("Set-Cookie")).group(1)
        body = urllib.parse.urlencode({"name": "admin", "password": "gonghai-demo", "_csrf": csrf})
        connection.request("POST", "/admin/login", body=body, headers={
            "Content-Type": "application/x-www-form-urlencoded", "Cookie": "gh_login=" + csrf})
        response = connection.getresponse()
        response.read()
        session = re.search(r"(gh_session=[^;]+)", response.getheader("Set-Cookie")).group(1)
        baseline = [timed(connection, "/healthz", None) for _ in range(args.requests)]
        base = statistics.median(baseline)
        print("%-34s %9s %9s %8s" % ("page", "median ms", "p95 ms", "ratio"))
        print("%-34s %9.3f %9.3f %8.1f" % ("/healthz (baseline)", base, sorted(baseline)[int(len(baseline) * 0.95)], 1.0))
        for page in PAGES:
            samples = [timed(connection, page, session) for _ in range(args.requests)]
            median = statistics.median(samples)
            print("%-34s %9.3f %9.3f %8.1f" % (page, median, sorted(samples)[int(len(samples) * 0.95)], median / base))
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
