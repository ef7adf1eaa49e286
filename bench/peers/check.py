#!/usr/bin/env python3
"""Posts each workload of bench/workloads.json to two GraphQL servers and reports every byte-level
difference between their response bodies (and any non-200 status or body without "data").

    bench/peers/check.py PORT_A PORT_B TOKEN_FILE [--workloads FILE] [--workload NAME ...]
                         [--write-bodies DIR]

TOKEN_FILE is a plain token, or JSON with an "admin" member (the FILE.tokens.json that
bench/generate.py writes). Exits 0 when every body is identical, 1 otherwise.

As a module: compare(url_a, url_b, token_a, token_b) -> list of problems (empty when identical).
The peers read tokens from the database gonghai serves, so one admin token works for all.
"""
import argparse
import http.client
import json
import os
import sys
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
WORKLOADS = os.path.join(HERE, "..", "workloads.json")


def load_workloads(path=WORKLOADS):
    """The workloads as name -> request body (the file's "comment" left out)."""
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    return {name: body for name, body in data.items() if name != "comment" and isinstance(body, dict)}


def read_token(path):
    """A token file: the token itself, or JSON naming it ("admin", or a {"token": ...} object)."""
    with open(path, encoding="utf-8") as f:
        text = f.read().strip()
    if text.startswith("{"):
        data = json.loads(text)
        admin = data.get("admin", data)
        if isinstance(admin, dict):
            admin = admin.get("token")
        if not isinstance(admin, str):
            raise ValueError(f"{path}: no admin token in it")
        return admin
    return text


def post(url, token, body, timeout=30):
    """POSTs body (bytes) to url; returns (status, response bytes)."""
    parts = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=timeout)
    try:
        conn.request(
            "POST", parts.path or "/graphql", body=body,
            headers={"Content-Type": "application/json", "Authorization": "Bearer " + token})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def describe_difference(a, b, context=60):
    """Where two byte strings first differ, with a little of each around it."""
    limit = min(len(a), len(b))
    at = next((i for i in range(limit) if a[i] != b[i]), limit)
    start = max(0, at - context)

    def excerpt(data):
        return data[start:at + context].decode("utf-8", "replace")

    return (f"first difference at byte {at} (lengths {len(a)} and {len(b)}):\n"
            f"      a: …{excerpt(a)}…\n      b: …{excerpt(b)}…")


def compare(url_a, url_b, token_a, token_b, workloads=None, names=None):
    """Posts every workload to both servers; returns a list of problems (empty: identical bytes)."""
    workloads = workloads if workloads is not None else load_workloads()
    problems = []
    for name, body in workloads.items():
        if names and name not in names:
            continue
        payload = json.dumps(body, ensure_ascii=False).encode("utf-8")
        answers = []
        for url, token in ((url_a, token_a), (url_b, token_b)):
            try:
                answers.append(post(url, token, payload))
            except OSError as error:
                answers.append(None)
                problems.append(f"{name}: {url}: {error}")
        if None in answers:
            continue
        (status_a, a), (status_b, b) = answers
        for url, status, data in ((url_a, status_a, a), (url_b, status_b, b)):
            if status != 200:
                problems.append(f"{name}: {url} answered HTTP {status}: {data[:300].decode('utf-8', 'replace')}")
            elif not data.startswith(b'{"data":{') or b'"errors"' in data:
                problems.append(f"{name}: {url} answered without data or with errors: "
                                f"{data[:300].decode('utf-8', 'replace')}")
        if a != b:
            problems.append(f"{name}: bodies differ; {describe_difference(a, b)}")
    return problems


def write_bodies(directory, workloads=None):
    """Writes each workload's request body to DIRECTORY/NAME.json (for wrk's post.lua); returns the paths."""
    workloads = workloads if workloads is not None else load_workloads()
    os.makedirs(directory, exist_ok=True)
    paths = {}
    for name, body in workloads.items():
        paths[name] = os.path.join(directory, name + ".json")
        with open(paths[name], "w", encoding="utf-8") as f:
            json.dump(body, f, ensure_ascii=False)
    return paths


def url_of(port_or_url):
    text = str(port_or_url)
    return text if "://" in text else f"http://127.0.0.1:{text}/graphql"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("a", help="port (or URL) of the reference server, e.g. gonghai")
    parser.add_argument("b", help="port (or URL) of the server to check")
    parser.add_argument("token_file", help="file with the admin token (plain, or bench/generate.py's .tokens.json)")
    parser.add_argument("--token-file-b", help="a different token file for server b")
    parser.add_argument("--workloads", default=WORKLOADS)
    parser.add_argument("--workload", action="append", help="only this workload (repeatable)")
    parser.add_argument("--write-bodies", metavar="DIR", help="also write each workload's body to DIR/NAME.json")
    args = parser.parse_args(argv)
    token_a = read_token(args.token_file)
    token_b = read_token(args.token_file_b) if args.token_file_b else token_a
    workloads = load_workloads(args.workloads)
    if args.write_bodies:
        write_bodies(args.write_bodies, workloads)
    problems = compare(url_of(args.a), url_of(args.b), token_a, token_b, workloads, args.workload)
    checked = [n for n in workloads if not args.workload or n in args.workload]
    for problem in problems:
        print("DIFF " + problem)
    if problems:
        print(f"{len(problems)} problem(s) in {len(checked)} workloads")
        return 1
    print(f"identical: {', '.join(checked)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
