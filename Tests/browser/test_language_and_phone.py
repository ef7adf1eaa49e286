"""The console finished for Chinese administrators, on a desktop and on a phone: no English word
on a Chinese page outside data, every interface string in the catalogue, no page wider than a
390 px screen, charts legible. Refreshes the README's screenshots when GONGHAI_SCREENSHOTS=docs."""
import os
import re
import shutil

import pytest
from selenium.webdriver.common.by import By

from conftest import ROOT, SHOTS, shot
from test_console import sign_in

# Technical names a Chinese administrator reads as they are, and the demo's own English data
# (the administrator's account name, the demo token's label).
ALLOWED = {"API", "CSV", "Webhook", "GraphQL", "English", "URL", "ID", "admin", "demo", "HTTP", "HTTPS"}

PAGES = ["/admin", "/admin/pools", "/admin/pools/new", "/admin/customers", "/admin/sweeps", "/admin/people",
         "/admin/tokens", "/admin/import", "/admin/webhooks", "/admin/audit", "/admin/access", "/admin/due", "/admin/limits"]


def pages(browser, server):
    """Every page of the console, with a pool, a customer and a user of the demo data."""
    browser.get(server + "/admin/pools?lang=zh")
    pool = browser.find_element(By.CSS_SELECTOR, "main table a").get_attribute("href")
    browser.get(server + "/admin/customers?placement=owned&lang=zh")
    customer = browser.find_element(By.CSS_SELECTOR, "main table a").get_attribute("href")
    browser.get(server + "/admin/people?lang=zh")
    person = browser.find_element(By.CSS_SELECTOR, "a[href*='/admin/people/users/']").get_attribute("href")
    strip = lambda url: url[len(server):]
    return PAGES + [strip(pool), strip(customer), strip(person)]


def words_outside_data(browser):
    """English words in what the page shows, leaving out code, addresses and e-mail."""
    text = browser.execute_script("""
        const copy = document.body.cloneNode(true);
        copy.querySelectorAll('code, pre, script, style').forEach(e => e.remove());
        document.body.appendChild(copy); copy.style.position = 'absolute';
        const text = copy.innerText; copy.remove(); return text;""")
    text = re.sub(r"\S+@\S+", " ", text)
    return sorted({w for w in re.findall(r"[A-Za-z][A-Za-z-]+", text) if w not in ALLOWED})


def test_no_english_word_on_a_chinese_page_outside_data(browser, pristine):
    sign_in(browser, pristine)
    found = {}
    for path in pages(browser, pristine):
        browser.get(pristine + path + ("&" if "?" in path else "?") + "lang=zh")
        words = words_outside_data(browser)
        if words:
            found[path] = words
    assert found == {}


def test_every_interface_string_is_in_the_chinese_catalogue():
    sources = os.path.join(ROOT, "Sources", "AdminConsole")
    catalogue = open(os.path.join(sources, "Localization.swift"), encoding="utf-8").read()
    keys = set(re.findall(r'"((?:[^"\\]|\\.)*)":\s*"', catalogue))
    missing = set()
    for folder, _, files in os.walk(sources):
        for name in files:
            text = open(os.path.join(folder, name), encoding="utf-8").read()
            strings = re.findall(r'\bt\("((?:[^"\\]|\\.)*)"', text) + re.findall(r'hint: "((?:[^"\\]|\\.)*)"', text)
            if name in ("Labels.swift", "AuditChanges.swift"):
                strings += re.findall(r'return "((?:[^"\\]|\\.)*)"', text) + re.findall(r'"[a-zA-Z_]+": "([^"]+)"', text)
            missing |= {s for s in strings if "\\(" not in s and re.search("[A-Za-z]", s) and s not in keys}
    assert missing == set()


@pytest.mark.parametrize("width", [390, 1440])
def test_no_page_is_wider_than_the_screen_and_charts_stay_legible(browser, server, width):
    sign_in(browser, server)
    every = pages(browser, server)
    browser.set_window_size(width, 900)
    try:
        for language in ("zh", "en"):
            for path in every:
                browser.get(server + path + ("&" if "?" in path else "?") + "lang=" + language)
                overflow = browser.execute_script("""
                    return Array.from(document.querySelectorAll('body *'))
                      .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1
                                   && !e.closest('.scroll, .chart-frame'))
                      .slice(0, 3).map(e => e.tagName + '.' + e.className);""")
                assert overflow == [], (path, language)
                sizes = browser.execute_script(
                    "return Array.from(document.querySelectorAll('svg.chart')).map(s => s.getBoundingClientRect().width)")
                assert all(size >= 450 for size in sizes), (path, sizes)
    finally:
        browser.set_window_size(1400, 1100)


def test_screenshots_for_the_readme(browser, server):
    """Desktop and phone views of the pages the README shows."""
    sign_in(browser, server)
    views = {"dashboard": "/admin?lang=zh", "pool-rules": None, "customers": "/admin/customers?lang=zh"}
    browser.get(server + "/admin/pools?lang=zh")
    views["pool-rules"] = browser.find_element(By.CSS_SELECTOR, "main table a").get_attribute("href")[len(server):] + "?lang=zh"
    taken = []
    for device, size in (("desktop", (1440, 1000)), ("phone", (390, 844))):
        browser.set_window_size(*size)
        for name, path in views.items():
            browser.get(server + path)
            shot(browser, "%s-%s" % (name, device))
            taken.append("%s-%s.png" % (name, device))
    browser.set_window_size(1400, 1100)
    if os.environ.get("GONGHAI_SCREENSHOTS") == "docs":
        for name in taken:
            shutil.copy(os.path.join(SHOTS, name), os.path.join(ROOT, "docs", "screenshots", name))
    assert all(os.path.getsize(os.path.join(SHOTS, name)) > 10_000 for name in taken)
