// An enhancement only: every page works without it. It adds a "show" control to each
// password field and moves focus to the error summary after a failed post. Its words come
// from the page (data attributes set from the catalogue), never from here.
(function () {
  "use strict";
  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }
  var labels = document.documentElement.dataset;
  document.querySelectorAll('input[type="password"]').forEach(function (input) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "reveal";
    button.setAttribute("aria-controls", input.id);
    button.setAttribute("aria-pressed", "false");
    button.textContent = labels.show || "";
    button.addEventListener("click", function () {
      var shown = input.type === "text";
      input.type = shown ? "password" : "text";
      button.setAttribute("aria-pressed", shown ? "false" : "true");
      button.textContent = shown ? (labels.show || "") : (labels.hide || "");
    });
    input.insertAdjacentElement("afterend", button);
  });
})();
