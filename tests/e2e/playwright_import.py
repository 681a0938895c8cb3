"""Makes Playwright importable (installed into .cache/ on first use, tests/e2e/browser.py) and
gives its assertions, which wait for what the page shows."""
from browser import ensure_playwright

ensure_playwright()
from playwright.sync_api import expect  # noqa: E402

__all__ = ["expect"]
