/* Fetch the search index when the reader first reaches for search, not on every page load.
 *
 * Material for MkDocs asks for search/search_index.json (~870 KB, the text of every page and
 * notebook) with an XMLHttpRequest as soon as a page starts, whether or not anyone searches.
 * This script runs before Material's bundle and holds back that one request's send() until the
 * reader focuses the search box (a click, a tap on the search icon, or Material's shortcuts
 * f, s and /, which all focus it), or opens a page with ?q= (a shared search) or ?h= (terms to
 * highlight, which Material needs the index for). Material's search waits for its index anyway,
 * so a query typed meanwhile runs as soon as the index arrives. Every other request goes out
 * untouched. */
(function () {
  "use strict";
  var INDEX = /\/search\/search_index\.json$/;
  var open = XMLHttpRequest.prototype.open;
  var send = XMLHttpRequest.prototype.send;
  var held = [];        // [request, body] pairs waiting for the reader
  var wanted = false;

  function release() {
    if (wanted) return;
    wanted = true;
    held.splice(0).forEach(function (pair) {
      send.call(pair[0], pair[1]);
    });
  }

  XMLHttpRequest.prototype.open = function (method, url) {
    this.keylabIsIndex = INDEX.test(new URL(String(url), document.baseURI).pathname);
    return open.apply(this, arguments);
  };

  XMLHttpRequest.prototype.send = function (body) {
    if (this.keylabIsIndex && !wanted) {
      held.push([this, body]);
      return;
    }
    return send.apply(this, arguments);
  };

  var params = new URLSearchParams(location.search);
  if (params.has("q") || params.has("h")) release();

  document.addEventListener("focusin", function (event) {
    if (event.target.closest && event.target.closest(".md-search")) release();
  });
  document.addEventListener("change", function (event) {
    if (event.target.id === "__search") release();   // the search toggle, on narrow screens
  });
})();
