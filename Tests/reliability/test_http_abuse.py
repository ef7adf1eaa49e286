"""Malformed and hostile HTTP against the real gonghai binary (libmicrohttpd underneath).

One server for the module, started with a 2 s connection timeout, 16 connections at most and a
64 KiB body limit, so each limit can be hit quickly. Raw sockets send what http.client cannot
(truncated bodies, garbage request lines, half-closes, idle connections).

After every test an autouse fixture proves the server survived: the process is alive,
`GET /healthz` answers 200 and an authenticated GraphQL query returns data. Every JSON error
body gonghai writes must carry an `extensions.code` from the documented `ErrorCode` enum.

What libmicrohttpd 0.9.75 (Debian bookworm) does, as observed and pinned down here:

* Connection limit: at `--max-connections` it stops calling accept(); a further client's TCP
  connect still succeeds (the kernel's listen backlog takes it), but nothing is read or answered
  until a slot frees, then the queued request is served normally. It is neither refused nor
  answered with an error.
* Huge headers: anything that does not fit the per-connection memory (32 KiB) is answered by
  libmicrohttpd itself with `431 Request Header Fields Too Large` (an HTML body, no JSON, the
  handler never runs) and the connection is closed.
* Idle or half-sent requests are closed after `--connection-timeout` of inactivity with no
  response bytes; the timeout restarts whenever a byte arrives.
"""
import json
import select
import socket
import time

import pytest

from gonghai import Server, error_codes

CONNECTION_TIMEOUT = 2
MAX_CONNECTIONS = 16
MAX_BODY = 65536
# How long after the connection timeout a close may come and still count as "about then".
SLACK = 6
DOCUMENTED = error_codes()


@pytest.fixture(scope="module")
def server():
    started = Server(extra=[
        "--connection-timeout", str(CONNECTION_TIMEOUT), "--max-connections", str(MAX_CONNECTIONS),
        "--max-body-bytes", str(MAX_BODY)])
    started.stopped_deliberately = False
    yield started
    started.close()


@pytest.fixture(scope="module")
def roomy_server(server):
    """A second server on the same database with the default 1 MiB body limit, for payloads the
    64 KiB limit would stop before they reach the JSON or GraphQL parser."""
    started = Server(directory=server.directory, demo=False)
    yield started
    started.close()


@pytest.fixture(autouse=True)
def still_serving(server):
    """After each test: never crashed, /healthz is 200, a token still gets GraphQL data."""
    yield
    if server.stopped_deliberately:
        return
    assert server.process.poll() is None, "gonghai died; see %s" % server.log.name
    status, _, body = server.request("GET", "/healthz", timeout=10)
    assert (status, json.loads(body)) == (200, {"status": "ok"})
    status, result = server.graphql("{ me { name role } }", token=server.admin_token, timeout=10)
    assert (status, result) == (200, {"data": {"me": {"name": "admin", "role": "ADMIN"}}})


# --- raw HTTP helpers -------------------------------------------------------------------------

def connect(server, timeout=15):
    return socket.create_connection(("127.0.0.1", server.port), timeout=timeout)


def read_until_closed(sock, timeout=CONNECTION_TIMEOUT + SLACK + 4):
    """Everything the server sends until it closes. Returns (bytes, how, seconds) where how is
    "eof", "reset" or "timeout" (the server kept the connection open past `timeout`)."""
    started = time.monotonic()
    sock.settimeout(timeout)
    received = b""
    while True:
        try:
            chunk = sock.recv(65536)
        except socket.timeout:
            return received, "timeout", time.monotonic() - started
        except ConnectionResetError:
            return received, "reset", time.monotonic() - started
        if not chunk:
            return received, "eof", time.monotonic() - started
        received += chunk


def exchange(server, data, half_close=True, timeout=CONNECTION_TIMEOUT + SLACK + 4):
    """Sends `data` on a fresh connection (tolerating the server closing while we still write)
    and reads until the server closes. Returns (bytes, how, seconds since the last byte sent)."""
    sock = connect(server)
    try:
        try:
            for offset in range(0, len(data), 16384):
                if select.select([sock], [], [], 0)[0]:
                    break  # the server answered (or closed) early: stop writing, read what it said
                sock.sendall(data[offset:offset + 16384])
            else:
                if half_close:
                    sock.shutdown(socket.SHUT_WR)
        except OSError:
            pass  # the server closed while we still wrote; read what it said
        return read_until_closed(sock, timeout)
    finally:
        sock.close()


def parse_response(raw):
    """(status, headers with lower-case names, body) of the first HTTP response in `raw`."""
    head, separator, rest = raw.partition(b"\r\n\r\n")
    assert separator, "no complete HTTP response head in %r" % raw[:200]
    lines = head.decode("latin-1").split("\r\n")
    version, status = lines[0].split(" ")[:2]
    assert version == "HTTP/1.1", lines[0]
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    length = int(headers.get("content-length", len(rest)))
    return int(status), headers, rest[:length]


def assert_documented_error(status, headers, body, expected_status, expected_code):
    """A gonghai JSON error: the status, a JSON body, every code documented, the first one expected."""
    assert status == expected_status, (status, body[:300])
    assert headers.get("content-type", "").startswith(("application/json", "application/graphql-response+json")), headers
    document = json.loads(body)
    errors = document.get("errors")
    assert errors, document
    codes = [error.get("extensions", {}).get("code") for error in errors]
    assert all(code in DOCUMENTED for code in codes), codes
    assert codes[0] == expected_code, document
    return document


def request_bytes(server, method="POST", path="/graphql", body=b"", content_type="application/json",
                  extra_headers=(), content_length=None, token=True):
    lines = ["%s %s HTTP/1.1" % (method, path), "Host: 127.0.0.1:%d" % server.port, "Connection: close"]
    if token:
        lines.append("Authorization: Bearer " + server.admin_token)
    if content_type is not None:
        lines.append("Content-Type: " + content_type)
    lines.append("Content-Length: %d" % (len(body) if content_length is None else content_length))
    lines.extend(extra_headers)
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


ME = json.dumps({"query": "{ me { name } }"}).encode()


def json_body(query, **extra):
    return json.dumps(dict(query=query, **extra)).encode()


# --- truncated bodies -------------------------------------------------------------------------

@pytest.mark.parametrize("ending", ["half-close", "stay-open"])
def test_truncated_body_is_dropped_after_the_connection_timeout(server, ending):
    """Content-Length promises 100 bytes more than arrive. Whether the client half-closes or just
    goes quiet, the handler never runs on a partial body (no response bytes) and the server
    closes the connection about the connection timeout later instead of waiting forever."""
    data = request_bytes(server, body=ME, content_length=len(ME) + 100)
    received, how, seconds = exchange(server, data, half_close=(ending == "half-close"))
    assert received == b""
    assert how in ("eof", "reset"), "connection still open after %.1f s" % seconds
    assert seconds < CONNECTION_TIMEOUT + SLACK


def test_truncated_bodies_do_not_block_the_workers(server):
    """Six connections (three times the worker threads) each stuck mid-body: while they are
    pending, a normal GraphQL request is still answered at once, so libmicrohttpd's workers are
    not parked on the stuck clients. A seventh client sends a partial body and closes hard; the
    stuck ones are then closed by the server without a response."""
    data = request_bytes(server, body=ME, content_length=len(ME) + 100)
    stuck = []
    try:
        for _ in range(6):
            sock = connect(server)
            sock.sendall(data)
            stuck.append(sock)
        abandoned = connect(server)
        abandoned.sendall(data)
        abandoned.close()
        started = time.monotonic()
        status, result = server.graphql("{ me { name } }", token=server.admin_token, timeout=10)
        assert (status, result) == (200, {"data": {"me": {"name": "admin"}}})
        assert time.monotonic() - started < 1.5, "a request waited behind truncated uploads"
        for sock in stuck:
            received, how, _ = read_until_closed(sock)
            assert (received, how in ("eof", "reset")) == (b"", True)
    finally:
        for sock in stuck:
            sock.close()


# --- oversized bodies -------------------------------------------------------------------------

def test_body_of_exactly_the_limit_is_accepted(server):
    """The limit is inclusive: a 65,536-byte body (a query padded with spaces) is executed."""
    query = "{ me { name } }"
    body = json_body(query + " " * (MAX_BODY - len(json_body(query))))
    assert len(body) == MAX_BODY
    status, headers, payload = parse_response(exchange(server, request_bytes(server, body=body))[0])
    assert (status, json.loads(payload)) == (200, {"data": {"me": {"name": "admin"}}})


def test_content_length_over_the_limit_is_refused_before_the_body_is_sent(server):
    """Content-Length of limit + 1 gets 413 PAYLOAD_TOO_LARGE from the headers alone: the
    answer arrives although not one body byte was sent, so nothing was buffered."""
    sock = connect(server)
    try:
        sock.sendall(request_bytes(server, content_length=MAX_BODY + 1))
        received, how, seconds = read_until_closed(sock, timeout=5)
    finally:
        sock.close()
    assert how in ("eof", "reset") and seconds < 5
    assert_documented_error(*parse_response(received), 413, "PAYLOAD_TOO_LARGE")


def test_oversized_body_sent_in_full_is_refused(server):
    """A client that pushes a 70 KB body anyway still gets 413 PAYLOAD_TOO_LARGE."""
    received, _, _ = exchange(server, request_bytes(server, body=b"x" * 70000))
    assert_documented_error(*parse_response(received), 413, "PAYLOAD_TOO_LARGE")


def chunked(payload, size=8192):
    pieces = [payload[i:i + size] for i in range(0, len(payload), size)]
    return b"".join(b"%x\r\n%s\r\n" % (len(piece), piece) for piece in pieces) + b"0\r\n\r\n"


def chunked_request(server, payload):
    head = ("POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
            "Authorization: Bearer %s\r\nContent-Type: application/json\r\n"
            "Transfer-Encoding: chunked\r\n\r\n" % server.admin_token).encode()
    return head + chunked(payload)


def test_chunked_body_under_the_limit_is_served(server):
    """Control for the next test: chunked transfer encoding itself works (200 with data)."""
    status, _, payload = parse_response(exchange(server, chunked_request(server, ME))[0])
    assert (status, json.loads(payload)) == (200, {"data": {"me": {"name": "admin"}}})


def test_chunked_body_over_the_limit_is_refused(server):
    """Without a Content-Length the limit is enforced while the chunks arrive: 200 KB of chunks
    gets 413 PAYLOAD_TOO_LARGE (the excess is discarded, not buffered)."""
    received, _, _ = exchange(server, chunked_request(server, b"x" * 200000))
    assert_documented_error(*parse_response(received), 413, "PAYLOAD_TOO_LARGE")


# --- ambiguous framing (request smuggling) -----------------------------------------------------

def test_two_differing_content_lengths_are_refused_before_the_body(server):
    """A front proxy may read one length and gonghai the other: 400, and the body is never read
    (the request is answered although its body never arrives)."""
    request = request_bytes(server, body=b"", content_length=len(ME), extra_headers=["Content-Length: 5"])
    sock = connect(server)
    sock.sendall(request)  # headers only: the body that would follow is withheld
    received, _, seconds = read_until_closed(sock)
    assert seconds < CONNECTION_TIMEOUT, "answered at once, not after waiting for a body"
    assert_documented_error(*parse_response(received), 400, "BAD_REQUEST")


def test_content_length_beside_transfer_encoding_is_refused(server):
    head = ("POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
            "Authorization: Bearer %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n"
            "Transfer-Encoding: chunked\r\n\r\n" % (server.admin_token, len(ME))).encode()
    received, _, _ = exchange(server, head + chunked(ME))
    assert_documented_error(*parse_response(received), 400, "BAD_REQUEST")


def test_framing_headers_are_recognised_in_any_case(server):
    """The framing check compares header names without regard to case: a second length sent as
    `content-length`, or `TRANSFER-ENCODING` beside a length, is as ambiguous as the usual form."""
    request = request_bytes(server, body=b"", content_length=len(ME), extra_headers=["content-length: 5"])
    sock = connect(server)
    sock.sendall(request)
    received, _, seconds = read_until_closed(sock)
    assert seconds < CONNECTION_TIMEOUT
    assert_documented_error(*parse_response(received), 400, "BAD_REQUEST")
    head = ("POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
            "Authorization: Bearer %s\r\nContent-Type: application/json\r\nCONTENT-LENGTH: %d\r\n"
            "TRANSFER-ENCODING: chunked\r\n\r\n" % (server.admin_token, len(ME))).encode()
    received, _, _ = exchange(server, head + chunked(ME))
    assert_documented_error(*parse_response(received), 400, "BAD_REQUEST")


def test_two_equal_content_lengths_are_one_length(server):
    """Control: a repeated but equal length is not ambiguous, and is served."""
    request = request_bytes(server, body=ME, extra_headers=["Content-Length: %d" % len(ME)])
    status, _, payload = parse_response(exchange(server, request)[0])
    assert (status, json.loads(payload)) == (200, {"data": {"me": {"name": "admin"}}})


# --- methods and media types ------------------------------------------------------------------

@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
@pytest.mark.parametrize("token", [True, False], ids=["token", "no-token"])
def test_other_methods_get_405(server, method, token):
    """PUT, DELETE and PATCH on /graphql answer 405 METHOD_NOT_ALLOWED with `Allow: GET, POST`,
    with or without a token (the method is checked before authentication)."""
    received, _, _ = exchange(server, request_bytes(server, method=method, body=ME, token=token))
    status, headers, body = parse_response(received)
    assert_documented_error(status, headers, body, 405, "METHOD_NOT_ALLOWED")
    assert headers["allow"] == "GET, POST"


@pytest.mark.parametrize("content_type", [
    "text/plain", None, "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
    "application/graphql"], ids=["text-plain", "missing", "form", "multipart", "application-graphql"])
def test_non_json_bodies_get_415(server, content_type):
    """A POST whose Content-Type is not application/json (or is missing) answers 415
    UNSUPPORTED_MEDIA_TYPE, even though the body itself is a valid GraphQL request."""
    received, _, _ = exchange(server, request_bytes(server, body=ME, content_type=content_type))
    assert_documented_error(*parse_response(received), 415, "UNSUPPORTED_MEDIA_TYPE")


@pytest.mark.parametrize("body", [
    b'{"query":"{ me { name } }","variables":{"a":"\xff\xfe"}}',
    b'{"query":"{ me { name \xc3\x28 } }"}',
    b'{"query":"{ me { name } }","operationName":"\xc0\xaf"}',
    b'{"query":"{ me { name } }","variables":{"a":"\xed\xa0\x80"}}',
    b'{"query":"{ me { name } }","variables":{"a":"\xe4\xb8"}}',
], ids=["invalid-bytes", "bad-continuation", "overlong", "encoded-surrogate", "truncated-sequence"])
def test_invalid_utf8_gets_400(server, body):
    """Bodies that are not valid UTF-8 (anywhere: query, variables, operationName) answer 400
    BAD_REQUEST before any JSON or GraphQL parsing."""
    received, _, _ = exchange(server, request_bytes(server, body=body))
    document = assert_documented_error(*parse_response(received), 400, "BAD_REQUEST")
    assert "UTF-8" in document["errors"][0]["message"]


# --- huge headers -----------------------------------------------------------------------------

def assert_refused_header_block(server, data):
    received, how, seconds = exchange(server, data)
    assert how in ("eof", "reset"), "connection still open after %.1f s" % seconds
    assert seconds < SLACK
    if received:
        status, _, _ = parse_response(received)
        # libmicrohttpd answers these itself (HTML body, the handler never runs): 431 in 0.9.75,
        # 413 in older releases.
        assert status in (413, 431), received[:200]


def test_one_200_kb_header_is_refused(server):
    """A single 200 KB header overflows the connection's 32 KiB memory: libmicrohttpd answers
    431 (or closes) at once; the server does not hang and keeps serving."""
    data = request_bytes(server, body=ME, extra_headers=["X-Big: " + "a" * 200_000])
    assert_refused_header_block(server, data)


def test_two_thousand_headers_are_refused(server):
    """2,000 small headers (23 KB of text, under the 32 KiB) still exceed the per-connection
    memory once libmicrohttpd keeps an index entry per header: 431 (or a close), never a hang."""
    data = request_bytes(server, body=ME, extra_headers=["X-H%d: v" % i for i in range(2000)])
    assert_refused_header_block(server, data)


def test_a_hundred_headers_are_fine(server):
    """Control: 100 extra headers are an ordinary request and get data."""
    data = request_bytes(server, body=ME, extra_headers=["X-H%d: v" % i for i in range(100)])
    status, _, body = parse_response(exchange(server, data)[0])
    assert (status, json.loads(body)) == (200, {"data": {"me": {"name": "admin"}}})


# --- deep JSON and deep GraphQL -----------------------------------------------------------------

def nested_variables(levels):
    return b'{"query":"{ me { name } }","variables":{"v":' + b"[" * levels + b"]" * levels + b"}}"


def test_json_nesting_limit_is_64_levels(server):
    """62 nested arrays inside `variables` make 64 JSON levels (body object, variables object,
    arrays) and are accepted; 63 arrays make 65 and get 400 BAD_REQUEST."""
    status, _, body = parse_response(exchange(server, request_bytes(server, body=nested_variables(62)))[0])
    assert (status, json.loads(body)) == (200, {"data": {"me": {"name": "admin"}}})
    received, _, _ = exchange(server, request_bytes(server, body=nested_variables(63)))
    document = assert_documented_error(*parse_response(received), 400, "BAD_REQUEST")
    assert "64 levels" in document["errors"][0]["message"]


def test_32k_nested_arrays_in_variables_get_400(server):
    """32,000 nested arrays (just under the 64 KiB body limit) get 400 BAD_REQUEST: the JSON
    reader stops at the nesting limit instead of recursing 32,000 frames deep."""
    body = nested_variables(32000)
    assert len(body) <= MAX_BODY
    received, _, _ = exchange(server, request_bytes(server, body=body))
    assert_documented_error(*parse_response(received), 400, "BAD_REQUEST")


def test_100k_nested_arrays_over_the_body_limit_get_413(server):
    """With the 64 KiB limit, 100,000 nested arrays (200 KB) never reach the JSON reader: 413."""
    received, _, _ = exchange(server, request_bytes(server, body=nested_variables(100_000)))
    assert_documented_error(*parse_response(received), 413, "PAYLOAD_TOO_LARGE")


def test_100k_nested_arrays_in_variables_get_400(roomy_server, server):
    """With the default 1 MiB body limit, 100,000 nested arrays in `variables` reach the JSON
    reader and get 400 BAD_REQUEST (no stack overflow); both servers keep serving."""
    received, _, _ = exchange(roomy_server, request_bytes(server, body=nested_variables(100_000)))
    assert_documented_error(*parse_response(received), 400, "BAD_REQUEST")
    assert roomy_server.process.poll() is None


@pytest.mark.parametrize("query", [
    "{ customers(after: " + "[" * 100_000 + "]" * 100_000 + ") { totalCount } }",
    "{ customers(filter: " + "{a: " * 50_000 + "1" + "}" * 50_000 + ") { totalCount } }",
    "{ me " + "{ name " * 50_000 + "}" * 50_000 + " }",
], ids=["list-literal", "object-literal", "selection-sets"])
def test_deep_graphql_documents_get_query_too_deep(roomy_server, server, query):
    """GraphQL documents nested 50,000-100,000 levels deep (in argument literals or selection
    sets) are refused with QUERY_TOO_DEEP before the recursive parser sees them (400 with
    `Accept: application/graphql-response+json`); the server does not overflow its stack."""
    data = request_bytes(server, body=json_body(query), extra_headers=["Accept: application/graphql-response+json"])
    received, _, _ = exchange(roomy_server, data)
    assert_documented_error(*parse_response(received), 400, "QUERY_TOO_DEEP")
    assert roomy_server.process.poll() is None


# --- garbage on the wire ----------------------------------------------------------------------

@pytest.mark.parametrize("data,allowed", [
    (b"GARBAGE\r\n\r\n", {400}),
    (b"GET\r\n\r\n", {400}),
    (b"\r\n\r\n\r\n\r\n", {400}),
    (b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + bytes(range(256)), {400}),
    (bytes(range(256)) * 4, {400}),
    (b"GET /healthz HTTP/1.1\r\nHost 127.0.0.1\r\n\r\n", {400}),
    (b"GET /healthz HTTP/9.9\r\n\r\n", {505}),
    (b"POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n", {400}),
    (b"POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n", {400}),
    (b"POST /graphql HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", {400}),
], ids=["word", "no-target", "blank-lines", "tls-client-hello", "binary", "header-without-colon",
        "http-9.9", "negative-length", "non-numeric-length", "bad-chunk-size"])
def test_garbage_is_closed_or_answered_400(server, data, allowed):
    """Bytes that are not HTTP/1.1 get either a closed connection with no answer or
    libmicrohttpd's own 400 (505 for an unknown HTTP version), within the connection timeout,
    and never reach the GraphQL handler. (Binary without a line break waits for the timeout.)"""
    received, how, seconds = exchange(server, data)
    assert how in ("eof", "reset"), "connection still open after %.1f s" % seconds
    assert seconds < CONNECTION_TIMEOUT + SLACK
    if received:
        status, _, _ = parse_response(received)
        assert status in allowed, received[:300]


# --- slow clients -----------------------------------------------------------------------------

@pytest.mark.parametrize("sent", [b"", b"POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\n"], ids=["silent", "partial-header"])
def test_slow_client_is_closed_after_the_connection_timeout(server, sent):
    """A client that connects and sends nothing, or stops in the middle of its headers, gets no
    bytes and is disconnected about `--connection-timeout` (2 s) later: not sooner than 1.5 s,
    not later than 8 s."""
    sock = connect(server)
    try:
        if sent:
            sock.sendall(sent)
        received, how, seconds = read_until_closed(sock)
    finally:
        sock.close()
    assert received == b""
    assert how in ("eof", "reset"), "connection still open after %.1f s" % seconds
    assert 1.5 <= seconds <= CONNECTION_TIMEOUT + SLACK, seconds


# --- connection limit -------------------------------------------------------------------------

def test_connection_limit_queues_the_17th_client_until_a_slot_frees(server):
    """With 16 idle connections held, a 17th client's request gets no answer (libmicrohttpd
    stops accepting; the kernel backlog holds the connection: it is neither refused nor sent an
    error). Closing the idle connections frees the slots: the queued request is then answered
    200 (or, had libmicrohttpd closed it, a new connection is), and requests succeed again."""
    idle = []
    waiting = None
    try:
        for _ in range(MAX_CONNECTIONS):
            idle.append(connect(server))
        time.sleep(0.3)  # let the workers accept all 16
        waiting = connect(server)
        waiting.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        waiting.settimeout(0.8)  # well inside the 2 s after which the idle ones would time out
        try:
            early = waiting.recv(4096)
            assert early == b"", "answered while 16 connections were held: %r" % early[:100]
            queued = False  # libmicrohttpd closed it without a response
        except socket.timeout:
            queued = True
        except ConnectionResetError:
            queued = False
        for sock in idle:
            sock.close()
        idle = []
        if queued:
            received, how, seconds = read_until_closed(waiting, timeout=CONNECTION_TIMEOUT + SLACK)
            status, _, body = parse_response(received)
            assert (status, json.loads(body)) == (200, {"status": "ok"})
            assert seconds < CONNECTION_TIMEOUT + 1
    finally:
        for sock in idle:
            sock.close()
        if waiting is not None:
            waiting.close()
    status, _, body = server.request("GET", "/healthz", timeout=5)
    assert status == 200


def test_connection_limit_is_16_not_fewer(server):
    """15 idle connections leave a slot: a 16th client is answered at once."""
    idle = []
    try:
        for _ in range(MAX_CONNECTIONS - 1):
            idle.append(connect(server))
        time.sleep(0.3)
        started = time.monotonic()
        status, _, _ = server.request("GET", "/healthz", timeout=5)
        assert status == 200 and time.monotonic() - started < 1
    finally:
        for sock in idle:
            sock.close()


# --- last: the abuse left nothing behind -----------------------------------------------------

def test_zz_graceful_shutdown_after_all_the_abuse(server):
    """SIGTERM after all of the above exits 0 well inside the 10 s grace period: no abandoned,
    truncated or refused request left an in-flight count behind that shutdown would wait for."""
    time.sleep(0.5)  # let the previous test's sockets close
    started = time.monotonic()
    server.stopped_deliberately = True
    assert server.terminate(timeout=30) == 0
    assert time.monotonic() - started < 8


# --- connections per client address -----------------------------------------------------------

def test_one_address_cannot_hold_more_than_its_share_of_connections(server):
    """A second server allowing 4 connections per address: a fifth from 127.0.0.1 is closed at
    once (libmicrohttpd refuses it at accept), while the four are still served."""
    limited = Server(extra=["--max-connections-per-address", "4"])
    try:
        held = [socket.create_connection(("127.0.0.1", limited.port), timeout=5) for _ in range(4)]
        extra = socket.create_connection(("127.0.0.1", limited.port), timeout=5)
        extra.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        try:
            refused = extra.recv(1024) == b""
        except ConnectionResetError:
            refused = True
        assert refused, "the fifth connection was served"
        held[0].sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        assert held[0].recv(1024).startswith(b"HTTP/1.1 200")
        for sock in held + [extra]:
            sock.close()
    finally:
        limited.close()
