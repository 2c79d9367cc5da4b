/* Material adds a small <nav> of buttons (copy, ...) to every code block. Several unnamed
 * navigation landmarks on one page confuse screen readers, so each gets a distinct name. */
(function () {
  "use strict";
  function name(root) {
    var navs = root.querySelectorAll("nav.md-code__nav:not([aria-label])");
    navs.forEach(function (nav) {
      var block = nav.closest("[id^='__code_']");
      var number = block ? Number(block.id.replace("__code_", "")) + 1 : "";
      nav.setAttribute("aria-label", ("Code block " + number + " actions").replace("  ", " "));
    });
  }
  new MutationObserver(function () {
    name(document);
  }).observe(document.documentElement, { childList: true, subtree: true });
  name(document);
})();
