"""axe on a page at rest: transitions and animations finish before the audit.

A fading element (Material's "Back to top" button appearing after a scroll) has a blended
colour for 0.2 s; axe measured it mid-fade once in CI and reported a contrast it never has at
rest. Waiting for the page's running animations makes the audit see what a reader sees.
"""

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

_SETTLE = """async () => {
  for (let round = 0; round < 5; round++) {
    const running = document.getAnimations().filter(
      (a) => a.playState === "running" && a.effect?.getTiming().iterations !== Infinity,
    );
    if (running.length === 0) return;
    await Promise.all(running.map((a) => a.finished.catch(() => null)));
  }
}"""


def audit(page: Page):
    """Run axe once every running animation and transition on the page has finished."""
    page.evaluate(_SETTLE)
    return Axe().run(page)
