// Admin screens: after htmx replaces a panel, put the cursor where the clerk types next.
(function () {
  "use strict";
  document.addEventListener("htmx:afterSwap", function (event) {
    var panel = event.detail.target;
    if (!panel || !panel.querySelector) { return; }
    var next = panel.querySelector("[aria-invalid=true]") || panel.querySelector("[data-focus-after-swap]");
    if (next) { next.focus(); }
  });
})();
