/* Small accessibility repairs to what Material's JavaScript adds to a page.
 *
 * 1. Every code block gets a small <nav> of buttons (copy, ...). Several unnamed navigation
 *    landmarks on one page confuse screen readers, so each gets a distinct name.
 * 2. Wide tables are wrapped in a horizontally scrolling <div>. Keyboard users can only scroll
 *    it if it can take focus, so a wrapper that actually overflows becomes a focusable, named
 *    region. */
(function () {
  "use strict";
  function nameCodeNavs(root) {
    root.querySelectorAll("nav.md-code__nav:not([aria-label])").forEach(function (nav) {
      var block = nav.closest("[id^='__code_']");
      var number = block ? Number(block.id.replace("__code_", "")) + 1 : "";
      nav.setAttribute("aria-label", ("Code block " + number + " actions").replace("  ", " "));
    });
  }
  function focusableScrollers(root) {
    root.querySelectorAll(".md-typeset__scrollwrap:not([tabindex])").forEach(function (wrap) {
      if (wrap.scrollWidth <= wrap.clientWidth) {
        return;
      }
      var header = wrap.querySelector("th");
      wrap.setAttribute("tabindex", "0");
      wrap.setAttribute("role", "region");
      wrap.setAttribute("aria-label", "Table" + (header ? " starting with " + header.textContent.trim() : "") +
        " (scrolls sideways)");
    });
  }
  function repair() {
    nameCodeNavs(document);
    focusableScrollers(document);
  }
  new MutationObserver(repair).observe(document.documentElement, { childList: true, subtree: true });
  window.addEventListener("resize", repair);
  repair();
})();
