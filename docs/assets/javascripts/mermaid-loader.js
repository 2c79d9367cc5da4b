/* Stand in for Mermaid until a page actually has a diagram.
 *
 * Material for MkDocs draws diagrams with a global `mermaid` and, when there is none, loads one
 * from a CDN. This stub defines that global on every page, and fetches the real library, which
 * the site hosts itself, only the first time Material asks it to render a diagram. */
(function () {
  "use strict";
  var script = document.currentScript;
  var source = new URL(script.getAttribute("data-mermaid-src"), document.baseURI).href;
  var settings = {};
  var loading = null;

  function load() {
    if (!loading) {
      loading = new Promise(function (resolve, reject) {
        var tag = document.createElement("script");
        tag.src = source;
        tag.onload = function () {
          window.mermaid.initialize(settings);
          resolve(window.mermaid);
        };
        tag.onerror = function () {
          reject(new Error("could not load " + source));
        };
        document.head.appendChild(tag);
      });
    }
    return loading;
  }

  window.mermaid = {
    initialize: function (options) {
      settings = options;
    },
    render: function (id, text) {
      return load().then(function (real) {
        return real.render(id, text);
      });
    }
  };
})();
