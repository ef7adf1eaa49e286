"""The GraphQL explorer as a front-end developer uses it: open /graphql in the browser, enter a
token, browse and search the schema, complete a field, run examples, watch live updates.
Screenshots go to .build/screenshots."""
import json
import urllib.request

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from conftest import shot


def graphql(server, query, variables=None):
    """A request outside the browser, as another client of the same server."""
    request = urllib.request.Request(server + "/graphql", json.dumps({"query": query, "variables": variables or {}}).encode(), {
        "Content-Type": "application/json", "Authorization": "Bearer " + server.token})
    return json.load(urllib.request.urlopen(request))


def result(browser):
    return browser.find_element(By.ID, "result").text


def connect(browser, server):
    browser.get(server + "/graphql")
    token = browser.find_element(By.ID, "token")
    token.clear()
    token.send_keys(server.token)
    browser.find_element(By.ID, "connect").click()
    WebDriverWait(browser, 15).until(lambda b: "admin" in b.find_element(By.ID, "status").text)


def test_the_explorer_connects_browses_the_schema_and_runs_an_example(browser, server):
    connect(browser, server)
    assert browser.execute_script("return sessionStorage.getItem('gh_token')") == server.token
    search = browser.find_element(By.ID, "search")
    search.send_keys("ReclaimForecast")
    browser.find_element(By.XPATH, "//ul[@id='types']//button[text()='ReclaimForecast']").click()
    assert "reclaimOn" in browser.find_element(By.ID, "type").text
    assert "team time zone" in browser.find_element(By.ID, "type").text, "descriptions are shown"
    browser.find_element(By.CSS_SELECTOR, "#examples button[data-example='ex.pool']").click()
    browser.find_element(By.ID, "run").click()
    WebDriverWait(browser, 15).until(lambda b: "totalCount" in result(b))
    answer = json.loads(result(browser))
    assert answer["data"]["customers"]["totalCount"] > 0 and len(answer["data"]["customers"]["nodes"]) == 10
    assert browser.find_elements(By.CSS_SELECTOR, "#highlight .tok-keyword"), "the editor highlights"
    shot(browser, "explorer-run")
    browser.find_element(By.ID, "sdl").click()
    WebDriverWait(browser, 10).until(lambda b: "type Query" in result(b))


def test_completion_offers_the_fields_of_the_type_at_the_cursor(browser, server):
    connect(browser, server)
    editor = browser.find_element(By.ID, "query")
    editor.clear()
    editor.send_keys("{ me { na")
    WebDriverWait(browser, 5).until(lambda b: b.find_element(By.ID, "completion").is_displayed())
    offered = [item.get_attribute("data-name") for item in browser.find_elements(By.CSS_SELECTOR, "#completion li")]
    assert offered == ["name"], offered
    editor.send_keys(Keys.ENTER)
    editor.send_keys(" }")
    editor.send_keys(" pools { ")
    editor.send_keys(Keys.CONTROL, " ")
    offered = [item.get_attribute("data-name") for item in browser.find_elements(By.CSS_SELECTOR, "#completion li")]
    assert "regions" in offered and "customers" in offered and "role" not in offered, "Pool's fields, not User's"
    editor.send_keys(Keys.ESCAPE)
    editor.send_keys("name } }")
    assert editor.get_attribute("value") == "{ me { name } pools { name } }"
    editor.send_keys(Keys.CONTROL, Keys.ENTER)
    WebDriverWait(browser, 15).until(lambda b: '"me"' in result(b))
    assert json.loads(result(browser))["data"]["me"]["name"] == "admin"


def test_the_explorer_speaks_both_languages_and_streams_live_updates(browser, server):
    connect(browser, server)
    browser.find_element(By.ID, "language").click()
    labels = browser.find_element(By.ID, "run").text
    browser.find_element(By.ID, "language").click()
    assert {labels, browser.find_element(By.ID, "run").text} == {"运行", "Run"}
    browser.find_element(By.CSS_SELECTOR, "#examples button[data-example='ex.live']").click()
    browser.find_element(By.ID, "run").click()
    WebDriverWait(browser, 10).until(lambda b: b.find_element(By.ID, "stop").is_displayed())

    page = graphql(server, "{ me { id } customers(first: 1, filter: {inPool: true}) { nodes { id } } }")["data"]
    customer = page["customers"]["nodes"][0]["id"]
    graphql(server, "mutation($c: [ID!]!, $u: ID!) { assignCustomers(ids: $c, toUserId: $u) { succeeded } }", {"c": [customer], "u": page["me"]["id"]})
    WebDriverWait(browser, 10).until(lambda b: "ASSIGNED" in result(b))
    assert customer in result(browser)
    shot(browser, "explorer-live")
    browser.find_element(By.ID, "stop").click()


def test_a_graphql_client_still_gets_json_from_get(server):
    request = urllib.request.Request(server + "/graphql?query=%7B%20me%20%7B%20name%20%7D%20%7D", headers={
        "Accept": "application/json", "Authorization": "Bearer " + server.token})
    assert json.load(urllib.request.urlopen(request))["data"]["me"]["name"] == "admin"


def test_a_browsers_event_source_receives_live_updates(browser, server):
    """The browser's own EventSource: a GET stream with the token as `access_token`."""
    browser.get(server + "/graphql")
    browser.execute_script("""
        window.liveEvents = [];
        const query = "subscription { myCustomersChanged { kind customer { id } } }";
        const source = new EventSource("/graphql?" + new URLSearchParams({ query, access_token: arguments[0] }));
        source.addEventListener("next", (event) => window.liveEvents.push(JSON.parse(event.data).data));
        source.onopen = () => { window.liveOpen = true; };
        window.liveSource = source;
    """, server.token)
    WebDriverWait(browser, 10).until(lambda b: b.execute_script("return window.liveOpen === true"))

    page = graphql(server, "{ me { id } customers(first: 1, filter: {inPool: true}) { nodes { id } } }")["data"]
    customer = page["customers"]["nodes"][0]["id"]
    graphql(server, "mutation($c: [ID!]!, $u: ID!) { assignCustomers(ids: $c, toUserId: $u) { succeeded } }", {"c": [customer], "u": page["me"]["id"]})
    WebDriverWait(browser, 10).until(lambda b: b.execute_script("return window.liveEvents.length") > 0)
    change = browser.execute_script("window.liveSource.close(); return window.liveEvents[0]")
    assert change["myCustomersChanged"] == {"kind": "ASSIGNED", "customer": {"id": customer}}
