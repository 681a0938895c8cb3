"""A real browser for the web front end tests (tests/e2e/test_<system>_ui.py): Debian's
Chromium and a Korean font (scripts/bootstrap installs them; installed here too when missing),
driven by Playwright from PyPI, installed into .cache/ on first use. No browser download:
Playwright drives /usr/bin/chromium."""
import contextlib
import fcntl
import os
import re
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
VENV = ROOT / ".cache" / "playwright-venv"
PACKAGES = ["playwright==1.65.2", "pillow==11.3.0"]
# Each run's screenshots go to the build tree; UPDATE_SCREENSHOTS=1 writes the README's own
# (docs/screenshots/), so that a test run leaves the source tree as it found it.
SHOTS = ROOT / "docs" / "screenshots" if os.environ.get("UPDATE_SCREENSHOTS") == "1" else ROOT / "build" / "screenshots"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
DEBS = ["chromium", "fonts-nanum"]  # fonts-nanum: the Korean labels, else drawn as boxes


def installed(deb):
    out = subprocess.run(["dpkg-query", "-W", "-f=${Status}", deb], capture_output=True, text=True)
    return "ok installed" in out.stdout


@contextlib.contextmanager
def install_lock():
    """One installer at a time: the browser tests start in parallel (ctest -j) and each may find
    Chromium or Playwright missing on a fresh machine."""
    VENV.parent.mkdir(parents=True, exist_ok=True)
    with open(VENV.parent / "playwright-install.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def ensure_chromium():
    with install_lock():
        missing = [d for d in DEBS if not installed(d)]
        if missing:
            apt_install(missing)


def apt_install(missing):
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run([*sudo, "apt-get", "install", "-y", "-qq", "--no-install-recommends", *missing],
                   check=True, timeout=900, env=env)


def ensure_playwright():
    """Installs Playwright (and Pillow, to look at screenshots) into .cache/ once; imports it."""
    marker = VENV / f"installed-{'-'.join(PACKAGES)}"
    with install_lock():
        if not marker.exists():
            subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True, timeout=120)
            subprocess.run([str(VENV / "bin" / "pip"), "install", "-q", *PACKAGES], check=True, timeout=900)
            marker.touch()
    site = sysconfig.get_path("purelib", vars={"base": str(VENV), "platbase": str(VENV)})
    if site not in sys.path:
        sys.path.insert(0, site)


class Screen:
    """One page of the front end, with what the browser said: console errors and page errors."""

    def __init__(self, page, url, prepare=None):
        self.page = page
        if prepare:
            prepare(page)
        self.errors = []
        # A failed request is logged by Chromium as "Failed to load resource": those are
        # checked by their status instead (assert_clean), every other console error or
        # uncaught exception fails the test.
        page.on("console", lambda m: m.type == "error" and "Failed to load resource" not in m.text
                and self.errors.append(m.text))
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.refused = []  # (status, path) of each answer >= 400
        page.on("response", lambda r: r.status >= 400 and self.refused.append((r.status, r.url.split("/", 3)[-1])))
        page.goto(url)
        page.evaluate("window.__loaded = true")  # gone if the page ever reloads

    def assert_clean(self, *allowed):
        """No console error, no uncaught exception, and no refused request but those of a
        status in `allowed` (the 503 a test provokes, the 401 of the sign-in probe...)."""
        assert self.errors == [], self.errors
        unexpected = [r for r in self.refused if r[0] not in allowed]
        assert unexpected == [], unexpected

    def not_reloaded(self):
        return self.page.evaluate("window.__loaded === true")

    def clear_message(self):
        self.page.evaluate("document.getElementById('message').textContent = ''")

    def message(self):
        return self.page.locator("#message").inner_text()

    def row(self, collection, **cells):
        """The table rows of `collection` whose cells have these values (a Playwright locator)."""
        rows = self.page.locator(f"table[data-collection={collection}] tbody tr")
        for key, value in cells.items():
            rows = rows.filter(has=self.page.locator(f"td[data-key={key}]", has_text=re.compile(f"^{re.escape(str(value))}$")))
        return rows

    def cell(self, row, key):
        return row.locator(f"td[data-key={key}]")

    def screenshot(self, system):
        """Saves <SHOTS>/<system>.png; asserts it is no blank or broken page."""
        from PIL import Image
        SHOTS.mkdir(parents=True, exist_ok=True)
        path = SHOTS / f"{system}.png"
        self.page.screenshot(path=str(path), full_page=True)
        image = Image.open(path).convert("RGB")
        colours = image.getcolors(maxcolors=1 << 20)
        assert colours is None or len(colours) > 50, f"{path}: only {len(colours)} colours, a blank page?"
        assert image.width >= 360 and image.height >= 300, image.size
        return path


@pytest.fixture(scope="module")
def browser():
    ensure_chromium()
    ensure_playwright()
    from playwright.sync_api import sync_playwright
    with tempfile.TemporaryDirectory(prefix="chromium-") as profile, sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            profile, executable_path=str(CHROMIUM), args=ARGS, headless=True,
            viewport={"width": 1100, "height": 800}, locale="ko-KR")
        context.set_default_timeout(15000)
        yield context
        context.close()


def open_screen(browser, system, prepare=None):
    """A fresh page on the system's front end (`prepare(page)` runs before it loads); the pages
    before it are closed (each holds its live streams open, and a browser opens only six
    connections to one host)."""
    for page in browser.pages:
        page.close()
    return Screen(browser.new_page(), f"http://127.0.0.1:{system.gateway}/", prepare)


def sign_in(page, user, password):
    """The login form of profile `secure`."""
    page.get_by_label("User name 사용자").fill(user)
    page.get_by_label("Password 비밀번호").fill(password)
    page.get_by_role("button", name="Sign in", exact=True).click()
