// The invitation link, shown once: "Kopieer" puts it on the clipboard. Without JS (or without
// clipboard access) the link stays selectable in its field.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy-target]");
    if (!button) { return; }
    var field = document.getElementById(button.getAttribute("data-copy-target"));
    var status = document.getElementById(button.getAttribute("data-copy-status"));
    if (!field) { return; }
    field.select();
    var done = function () { if (status) { status.textContent = button.getAttribute("data-copied"); } };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(field.value).then(done, function () { document.execCommand("copy"); done(); });
    } else {
      document.execCommand("copy");
      done();
    }
  });
})();
