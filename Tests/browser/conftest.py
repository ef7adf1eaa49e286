"""Starts the real gonghai binary on a free port with demo data, and a headless Chromium."""
import os
import re
import shutil
import subprocess
import tempfile
import time

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SHOTS = os.path.join(ROOT, ".build", "screenshots")
PASSWORD = "gonghai-demo"


def binary():
    found = subprocess.run(["swift", "build", "--show-bin-path"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    return os.path.join(found, "gonghai")


class Url(str):
    """The server's base URL, with the demo admin token it printed."""
    token = None


def start_server():
    """The real binary with fresh demo data; yields its URL (with the admin token), then stops it."""
    directory = tempfile.mkdtemp(prefix="gonghai-browser-")
    process = subprocess.Popen(
        [binary(), "serve", "--demo", "--no-sweep", "--port", "0", "--database", os.path.join(directory, "demo.sqlite")],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    url, token = None, None
    deadline = time.time() + 120
    while time.time() < deadline and (url is None or token is None):
        line = process.stdout.readline()
        if not line:
            break
        match = re.search(r"http://127\.0\.0\.1:(\d+)/graphql", line)
        if match:
            url = Url("http://127.0.0.1:%s" % match.group(1))
        found = re.search(r"demo admin token: (\S+)", line)
        if found:
            token = found.group(1)
    assert url and token, "gonghai did not start"
    url.token = token
    yield url
    process.terminate()
    process.wait(timeout=30)
    shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture(scope="session")
def server():
    yield from start_server()


@pytest.fixture(scope="module")
def pristine():
    """A server of its own, with only the demo data: what other tests typed is not in it."""
    yield from start_server()


@pytest.fixture(scope="session")
def browser():
    os.makedirs(SHOTS, exist_ok=True)
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for argument in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,1100", "--lang=zh-CN"]:
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver") or "/usr/bin/chromedriver"), options=options)
    driver.implicitly_wait(5)
    yield driver
    driver.quit()


def shot(driver, name):
    driver.save_screenshot(os.path.join(SHOTS, name + ".png"))
