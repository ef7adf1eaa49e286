"""The GraphQL over HTTP spec's server audits (the reference suite of graphql/graphql-http,
`src/audits/server.ts`), MUST, SHOULD and MAY alike, against the real binary.

The reference suite is JavaScript and sends no credentials; gonghai authenticates every request,
so each audit here sends a valid bearer token and otherwise the request the audit describes.
The ids are the suite's, so a failure names the audit to read.
"""
import http.client
import json
import os
import sys
import urllib.parse

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "reliability"))
from gonghai import Server  # noqa: E402

JSON = "application/json"
MODERN = "application/graphql-response+json"
TYPENAME = json.dumps({"query": "{ __typename }"})
TYPE_QUERY = "query Type($name: String!) { __type(name: $name) { name } }"
MISSING_FIELD = "{ 8f31403dfe404bccbb0e835f2629c6a7 }"


@pytest.fixture(scope="module")
def server():
    server = Server()
    yield server
    server.close()


def send(server, method="POST", body=TYPENAME, content_type=JSON, accept=None, query=None):
    """(status, headers, raw body) of one request with the server's admin token."""
    headers = {"Authorization": "Bearer " + server.admin_token}
    if content_type:
        headers["Content-Type"] = content_type
    if accept:
        headers["Accept"] = accept
    path = "/graphql" + ("?" + urllib.parse.urlencode(query) if query else "")
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    try:
        connection.request(method, path, body=None if body is None else body.encode(), headers=headers)
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


def result(raw):
    return json.loads(raw.decode("utf-8"))


def post(server, payload, accept=None):
    return send(server, body=json.dumps(payload), accept=accept)


# Each audit: (id, what the spec asks, a function of the server that asserts it).
AUDITS = []


def audit(identifier, description):
    def register(check):
        AUDITS.append(pytest.param(check, id="%s %s" % (identifier, description)))
        return check
    return register


@audit("22EB", "SHOULD accept application/graphql-response+json and match the content-type")
def _(server):
    status, headers, _ = send(server, accept=MODERN)
    assert status == 200 and MODERN in headers["content-type"]


@audit("4655", "MUST accept application/json and match the content-type")
def _(server):
    status, headers, _ = send(server, accept=JSON)
    assert status == 200 and JSON in headers["content-type"]


@audit("47DE", "SHOULD accept */* and use application/json for the content-type")
def _(server):
    status, headers, _ = send(server, accept="*/*")
    assert status == 200 and JSON in headers["content-type"]


@audit("80D8", "SHOULD assume application/json content-type when accept is missing")
def _(server):
    status, headers, _ = send(server)
    assert status == 200 and JSON in headers["content-type"]


@audit("82A3", "MUST use utf-8 encoding when responding")
def _(server):
    status, _, raw = send(server)
    assert status == 200
    raw.decode("utf-8")


@audit("BF61", "MUST accept utf-8 encoded request")
def _(server):
    body = json.dumps({"query": '{ __type(name: "Run🏃Swim🏊") { name } }'}, ensure_ascii=False)
    assert send(server, body=body, content_type="application/json; charset=utf-8")[0] == 200


@audit("78D5", "MUST assume utf-8 in request if encoding is unspecified")
def _(server):
    body = json.dumps({"query": '{ __type(name: "公海") { name } }'}, ensure_ascii=False)
    assert send(server, body=body)[0] == 200


@audit("2C94", "MUST accept POST requests")
def _(server):
    assert send(server)[0] == 200


@audit("5A70", "MAY accept application/x-www-form-urlencoded formatted GET requests")
def _(server):
    assert send(server, method="GET", body=None, content_type=None, query={"query": "{ __typename }"})[0] == 200


@audit("9C48", "MAY NOT allow executing mutations on GET requests")
def _(server):
    status, _, _ = send(server, method="GET", body=None, content_type=None, accept=MODERN, query={"query": "mutation { __typename }"})
    assert 400 <= status <= 499


@audit("9ABE", "SHOULD respond with 4xx status code if content-type is not supplied on POST requests")
def _(server):
    assert 400 <= send(server, content_type=None)[0] <= 499


@audit("03D4", "MUST accept application/json POST requests")
def _(server):
    assert send(server, content_type=JSON)[0] == 200


@audit("A5BF", "MAY use 400 status code when request body is missing on POST")
def _(server):
    assert send(server, body=None)[0] == 400


@audit("423L", "MAY use 400 status code on missing {query} parameter")
def _(server):
    assert post(server, {"notquery": "{ __typename }"}, accept=MODERN)[0] == 400


def refused(payload):
    """An audit that the request `payload(value)` is answered 400."""
    def check(server):
        status, _, raw = post(server, payload)
        assert status == 400, raw
    return check


INVALID = [("object", {"obj": "ect"}), ("number", 0), ("boolean", False), ("array", ["array"])]
for index, (kind, value) in enumerate(INVALID):
    audit("LKJ%d" % index, "MAY use 400 status code on %s {query} parameter" % kind)(refused({"query": value}))
    audit("6C0%d" % index, "MAY use 400 status code on %s {operationName} parameter" % kind)(
        refused({"operationName": value, "query": "{ __typename }"}))

for index, (kind, value) in enumerate([("string", "string"), ("number", 0), ("boolean", False), ("array", ["array"])]):
    audit("476%d" % index, "MAY use 400 status code on %s {variables} parameter" % kind)(
        refused({"query": "{ __typename }", "variables": value}))
    audit("58B%d" % index, "MAY use 400 status code on %s {extensions} parameter" % kind)(
        refused({"query": "{ __typename }", "extensions": value}))


@audit("34A2", "SHOULD allow string {query} parameter when accepting application/graphql-response+json")
def _(server):
    assert post(server, {"query": "{ __typename }"}, accept=MODERN)[0] == 200


@audit("13EE", "MUST allow string {query} parameter when accepting application/json")
def _(server):
    status, _, raw = post(server, {"query": "{ __typename }"}, accept=JSON)
    assert status == 200 and "errors" not in result(raw)


@audit("8161", "SHOULD allow string {operationName} parameter when accepting application/graphql-response+json")
def _(server):
    assert post(server, {"operationName": "Query", "query": "query Query { __typename }"}, accept=MODERN)[0] == 200


@audit("B8B3", "MUST allow string {operationName} parameter when accepting application/json")
def _(server):
    status, _, raw = post(server, {"operationName": "Query", "query": "query Query { __typename }"}, accept=JSON)
    assert status == 200 and "errors" not in result(raw)


for index, parameter in enumerate(["variables", "operationName", "extensions"]):
    for identifier, accept, level in [("94B%d" % index, MODERN, "SHOULD"), ("022%d" % index, JSON, "MUST")]:
        def check(server, parameter=parameter, accept=accept):
            status, _, raw = post(server, {"query": "{ __typename }", parameter: None}, accept=accept)
            assert status == 200 and "errors" not in result(raw)
        audit(identifier, "%s allow null {%s} parameter when accepting %s" % (level, parameter, accept))(check)


@audit("2EA1", "SHOULD allow map {variables} parameter when accepting application/graphql-response+json")
def _(server):
    assert post(server, {"query": TYPE_QUERY, "variables": {"name": "sometype"}}, accept=MODERN)[0] == 200


@audit("28B9", "MUST allow map {variables} parameter when accepting application/json")
def _(server):
    status, _, raw = post(server, {"query": TYPE_QUERY, "variables": {"name": "sometype"}}, accept=JSON)
    assert status == 200 and "errors" not in result(raw)


@audit("D6D5", "MAY allow URL-encoded JSON string {variables} parameter in GETs when accepting application/graphql-response+json")
def _(server):
    status, _, raw = send(server, method="GET", body=None, content_type=None, accept=MODERN,
                          query={"query": TYPE_QUERY, "variables": json.dumps({"name": "sometype"})})
    assert status == 200 and "errors" not in result(raw)


@audit("6A70", "MAY allow URL-encoded JSON string {variables} parameter in GETs when accepting application/json")
def _(server):
    status, _, raw = send(server, method="GET", body=None, content_type=None, accept=JSON,
                          query={"query": TYPE_QUERY, "variables": json.dumps({"name": "sometype"})})
    assert status == 200 and "errors" not in result(raw)


@audit("428F", "SHOULD allow map {extensions} parameter when accepting application/graphql-response+json")
def _(server):
    assert post(server, {"query": "{ __typename }", "extensions": {"some": "value"}}, accept=MODERN)[0] == 200


@audit("1B7A", "MUST allow map {extensions} parameter when accepting application/json")
def _(server):
    status, _, raw = post(server, {"query": "{ __typename }", "extensions": {"some": "value"}}, accept=JSON)
    assert status == 200 and "errors" not in result(raw)


@audit("B6DC", "MAY use 2xx, 4xx, or 5xx status codes on JSON parsing failure when accepting application/json")
def _(server):
    assert send(server, body='{ "not a JSON', accept=JSON)[0] in range(200, 600)


@audit("BCF8", "SHOULD use 400 status code on JSON parsing failure when accepting application/json")
def _(server):
    assert send(server, body='{ "not a JSON', accept=JSON)[0] == 400


@audit("B7N8", "SHOULD use 400 status code on JSON parsing failure when accepting application/graphql-response+json")
def _(server):
    assert send(server, body='{ "not a JSON', accept=MODERN)[0] == 400


@audit("8764", "MAY use 4xx or 5xx status codes if parameters are invalid")
def _(server):
    assert 400 <= post(server, {"qeury": "{ __typename }"})[0] <= 599


@audit("3E3A", "MAY use 400 status code if parameters are invalid")
def _(server):
    assert post(server, {"qeury": "{ __typename }"})[0] == 400


@audit("572B", "SHOULD use 200 status code on document parsing failure when accepting application/json")
def _(server):
    assert post(server, {"query": "{"}, accept=JSON)[0] == 200


@audit("FDE2", "SHOULD use 200 status code on document validation failure when accepting application/json")
def _(server):
    assert post(server, {"query": MISSING_FIELD}, accept=JSON)[0] == 200


@audit("7B9B", "SHOULD use a status code of 200 on variable coercion failure when accepting application/json")
def _(server):
    assert post(server, {"query": "query CoerceFailure($id: ID!){ __typename }", "variables": {"id": None}}, accept=JSON)[0] == 200


@audit("865D", "SHOULD use 4xx or 5xx status codes on document parsing failure when accepting application/graphql-response+json")
def _(server):
    assert 400 <= post(server, {"query": "{"}, accept=MODERN)[0] <= 599


@audit("556A", "SHOULD use 400 status code on document parsing failure when accepting application/graphql-response+json")
def _(server):
    assert post(server, {"query": "{"}, accept=MODERN)[0] == 400


@audit("D586", "SHOULD not contain the data entry on document parsing failure when accepting application/graphql-response+json")
def _(server):
    assert "data" not in result(post(server, {"query": "{"}, accept=MODERN)[2])


@audit("51FE", "SHOULD use 4xx or 5xx status codes on document validation failure when accepting application/graphql-response+json")
def _(server):
    assert 400 <= post(server, {"query": MISSING_FIELD}, accept=MODERN)[0] <= 599


@audit("74FF", "SHOULD use 400 status code on document validation failure when accepting application/graphql-response+json")
def _(server):
    assert post(server, {"query": MISSING_FIELD}, accept=MODERN)[0] == 400


@audit("5E5B", "SHOULD not contain the data entry on document validation failure when accepting application/graphql-response+json")
def _(server):
    assert "data" not in result(post(server, {"query": MISSING_FIELD}, accept=MODERN)[2])


@audit("86EE", "SHOULD use a status code of 400 on variable coercion failure when accepting application/graphql-response+json")
def _(server):
    assert post(server, {"query": "query CoerceFailure($id: ID!){ __typename }", "variables": {"id": None}}, accept=MODERN)[0] == 400


@audit("BC58", "SHOULD use 401 or 403 status codes when the request is not permitted")
def _(server):
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    connection.request("POST", "/graphql", body=TYPENAME, headers={"Content-Type": JSON, "Accept": MODERN})
    assert connection.getresponse().status in (401, 403)
    connection.close()


@pytest.mark.parametrize("check", AUDITS)
def test_audit(server, check):
    check(server)


def test_every_audit_of_the_reference_suite_is_here():
    """Every id of the reference suite (and `BC58` from its to-do list), so none is lost."""
    ids = {param.id.split(" ")[0] for param in AUDITS}
    expected = {"22EB", "4655", "47DE", "80D8", "82A3", "BF61", "78D5", "2C94", "5A70", "9C48", "9ABE", "03D4", "A5BF", "423L",
                "34A2", "13EE", "8161", "B8B3", "2EA1", "28B9", "D6D5", "6A70", "428F", "1B7A", "B6DC", "BCF8", "B7N8", "8764",
                "3E3A", "572B", "FDE2", "7B9B", "865D", "556A", "D586", "51FE", "74FF", "5E5B", "86EE", "BC58"}
    expected |= {"LKJ%d" % i for i in range(4)} | {"6C0%d" % i for i in range(4)} | {"476%d" % i for i in range(4)}
    expected |= {"58B%d" % i for i in range(4)} | {"94B%d" % i for i in range(3)} | {"022%d" % i for i in range(3)}
    assert ids == expected
