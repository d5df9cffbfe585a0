// An enhancement only: the demo's phone and mailbox pages work without it. While the page is
// in view it asks the server for what the page shows (the JSON at data-watch, which the page
// carries as it was in data-seen) and reloads the page when that changed: a call that rings,
// speaks or ends, an e-mail that arrives. Not while someone is typing keys. It has no words.
(function () {
  "use strict";
  var root = document.querySelector("[data-watch]");
  if (!root || !window.fetch) { return; }
  var url = root.getAttribute("data-watch");
  var seen = root.getAttribute("data-seen");
  var reloading = false;
  function typing() {
    var a = document.activeElement;
    return a && a.tagName === "INPUT" && a.value !== "";
  }
  function look() {
    if (document.hidden || reloading) { return; }
    fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin", cache: "no-store" })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (text) {
        if (text !== null && text !== seen && !typing()) {
          reloading = true;
          window.location.reload();
        }
      })
      .catch(function () {});
  }
  window.setInterval(look, 1500);
})();
