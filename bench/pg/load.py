#!/usr/bin/env python3
"""Copies a bench/generate.py SQLite dataset into a PostgreSQL database with gonghai's schema.

    bench/pg/load.py --sqlite bench/.cache/data/bench-10000.sqlite --url postgresql://postgres@127.0.0.1:PORT/bench10k \
        [--gonghai /tmp/ghrel/gonghai] [--create]

What it does:
1. (--create) creates the database named by the URL's path, dropping it first if it exists;
2. `gonghai migrate --database URL`: the schema is gonghai's own (PostgresSchema), never written here;
3. one psql session, one transaction, with `session_replication_role = replica` (no triggers run,
   foreign keys included): drops the plain (non-constraint) indexes, COPYs every table the two
   schemas share, in SQLite's column order, ids preserved (token hashes as bytea, so the tokens in
   FILE.tokens.json work as they are), recreates the indexes, rebuilds `customer_tallies` with one
   INSERT … SELECT … GROUP BY, draws fresh `settings_version` tokens, and sets every identity
   sequence past the largest id (setval);
4. VACUUM (ANALYZE) and CHECKPOINT, so a benchmark starts from visible, analysed, flushed tables;
5. checks: every table's row count equals SQLite's, and `customer_tallies` equals a GROUP BY over
   `customers` (both directions of EXCEPT empty).
Prints one JSON line: {"tables": {...counts}, "seconds": {...}, "talliesMatch": true}.

Triggers are bypassed on purpose: the append-only events refuse nothing on INSERT anyway, the
settings and directory tokens are redrawn at the end, and the tallies are rebuilt from the rows
(1M customers through the per-row tally trigger would take minutes).
"""
import argparse
import json
import os
import sqlite3
import subprocess
import sys
import time
import urllib.parse

SKIP = {"grdb_migrations", "sqlite_sequence", "sqlite_stat1", "sqlite_stat4", "schema_migrations",
        "settings_version", "customer_tallies"}


def psql(url, sql, **options):
    return subprocess.run(["psql", url, "-X", "-v", "ON_ERROR_STOP=1", "-Atq", "-c", sql], check=True,
                          capture_output=True, text=True, **options).stdout


def admin_url(url):
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit(parts._replace(path="/postgres")), parts.path.lstrip("/")


def escape(value):
    if value is None:
        return "\\N"
    if isinstance(value, bytes):
        return "\\\\x" + value.hex()
    if isinstance(value, (int, float)):
        return repr(value) if isinstance(value, float) else str(value)
    return (value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r"))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sqlite", required=True)
    parser.add_argument("--url", required=True, help="postgresql://user@host:port/DATABASE")
    parser.add_argument("--gonghai", default="/tmp/ghrel/gonghai")
    parser.add_argument("--create", action="store_true", help="(re)create the database first")
    arguments = parser.parse_args()
    started = time.time()
    seconds = {}

    if arguments.create:
        maintenance, name = admin_url(arguments.url)
        psql(maintenance, 'DROP DATABASE IF EXISTS "%s" WITH (FORCE)' % name)
        psql(maintenance, 'CREATE DATABASE "%s"' % name)
    subprocess.run([arguments.gonghai, "migrate", "--database", arguments.url], check=True, stdout=subprocess.DEVNULL)

    source = sqlite3.connect("file:%s?mode=ro" % arguments.sqlite, uri=True)
    source.text_factory = str
    pg_columns = {}
    for line in psql(arguments.url, "SELECT table_name, string_agg(column_name, ',' ORDER BY ordinal_position) "
                                    "FROM information_schema.columns WHERE table_schema = 'public' GROUP BY 1").splitlines():
        table, columns = line.split("|")
        pg_columns[table] = columns.split(",")
    tables = []
    for (table,) in source.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"):
        if table in SKIP or table not in pg_columns:
            continue
        columns = [row[1] for row in source.execute("PRAGMA table_info(%s)" % table)]
        missing = set(columns) - set(pg_columns[table])
        if missing:
            sys.exit("load.py: %s has columns PostgreSQL's schema lacks: %s" % (table, sorted(missing)))
        tables.append((table, columns))
    indexes = [line.split("|", 1) for line in psql(arguments.url, """
        SELECT i.indexrelid::regclass, pg_get_indexdef(i.indexrelid) FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
        WHERE c.relnamespace = 'public'::regnamespace
          AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)""").splitlines()]
    identities = psql(arguments.url, """
        SELECT c.relname FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
        WHERE c.relnamespace = 'public'::regnamespace AND a.attname = 'id' AND a.attidentity <> ''""").split()

    loader = subprocess.Popen(["psql", arguments.url, "-X", "-v", "ON_ERROR_STOP=1", "-q", "-f", "-"],
                              stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, encoding="utf-8")
    out = loader.stdin
    out.write("SET session_replication_role = replica;\nSET maintenance_work_mem = '512MB';\nBEGIN;\n")
    for name, _ in indexes:
        out.write("DROP INDEX %s;\n" % name)
    # The store wrote its one-row states when `migrate` opened it; the file's own come instead.
    out.write("DELETE FROM facts_state;\nDELETE FROM forecast_state;\n")
    counts = {}
    for table, columns in tables:
        out.write("COPY %s (%s) FROM STDIN;\n" % (table, ", ".join(columns)))
        n = 0
        cursor = source.execute("SELECT %s FROM %s" % (", ".join(columns), table))
        while True:
            rows = cursor.fetchmany(10000)
            if not rows:
                break
            out.write("".join("\t".join(map(escape, row)) + "\n" for row in rows))
            n += len(rows)
        out.write("\\.\n")
        counts[table] = n
    seconds["copy"] = round(time.time() - started, 1)
    for _, definition in indexes:
        out.write(definition + ";\n")
    out.write("""
DELETE FROM customer_tallies;
INSERT INTO customer_tallies (industry, region, pool_id, customers)
  SELECT coalesce(industry, ''), coalesce(region, ''), coalesce(pool_id, 0), COUNT(*) FROM customers GROUP BY 1, 2, 3;
UPDATE settings_version SET token = random_token(), directory_token = random_token() WHERE id = 1;
""")
    # The customers' kept forecasts were computed for the file's pools, which are these: when they
    # were current in the file they stay current under the redrawn token (else the server
    # recomputes them when it opens).
    current = source.execute("SELECT f.settings_token = s.token FROM forecast_state f, settings_version s").fetchone()
    if current and current[0]:
        out.write("UPDATE forecast_state SET settings_token = (SELECT token FROM settings_version WHERE id = 1);\n")
    for table in identities:
        out.write("SELECT setval(pg_get_serial_sequence('public.%s', 'id'), coalesce((SELECT max(id) FROM %s), 0) + 1, false);\n"
                  % (table, table))
    out.write("COMMIT;\n")
    out.close()
    if loader.wait() != 0:
        sys.exit("load.py: psql failed")
    seconds["copy+indexes"] = round(time.time() - started, 1)
    subprocess.run(["psql", arguments.url, "-X", "-q", "-c", "VACUUM (ANALYZE)", "-c", "CHECKPOINT"], check=True)
    seconds["vacuum"] = round(time.time() - started, 1)

    problems = []
    for table, _ in tables:
        have = int(psql(arguments.url, "SELECT COUNT(*) FROM %s" % table))
        if have != counts[table]:
            problems.append("%s: %d rows in PostgreSQL, %d in SQLite" % (table, have, counts[table]))
    differences = int(psql(arguments.url, """
        WITH truth AS (SELECT coalesce(industry, '') AS industry, coalesce(region, '') AS region, coalesce(pool_id, 0) AS pool_id,
                              COUNT(*) AS customers FROM customers GROUP BY 1, 2, 3),
             kept AS (SELECT industry, region, pool_id, customers FROM customer_tallies WHERE customers <> 0)
        SELECT (SELECT COUNT(*) FROM (SELECT * FROM truth EXCEPT SELECT * FROM kept) a)
             + (SELECT COUNT(*) FROM (SELECT * FROM kept EXCEPT SELECT * FROM truth) b)"""))
    if differences:
        problems.append("customer_tallies differs from a GROUP BY over customers in %d rows" % differences)
    seconds["total"] = round(time.time() - started, 1)
    print(json.dumps({"tables": counts, "seconds": seconds, "talliesMatch": differences == 0, "problems": problems}))
    if problems:
        sys.exit("load.py: " + "; ".join(problems))


if __name__ == "__main__":
    main()
