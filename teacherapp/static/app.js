// teacherapp: glue for htmx. No inline scripts anywhere (the CSP forbids them).
(function () {
  "use strict";

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  // Every htmx request carries the CSRF token as a header (Flask-WTF reads X-CSRFToken).
  document.addEventListener("htmx:configRequest", function (event) {
    event.detail.headers["X-CSRFToken"] = csrfToken();
  });

  // htmx does not swap 4xx answers by default; our fragments explain what went wrong, so show them.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var status = event.detail.xhr.status;
    if (status === 409 || status === 422 || status === 403 || status === 400) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  // Exam mode's bottom bar repeats the pupil's save state: what the cells say, in one line.
  function paintExamState() {
    var state = document.querySelector(".exam-bar-state");
    var pupil = document.getElementById("exam-pupil");
    if (!state || !pupil) { return; }
    var text = "";
    var bad = false;
    var queued = pupil.querySelector("[data-offline-state] .offline-badge");
    var score = pupil.querySelector(".exam-score form[data-cell]");
    if (queued) {
      text = queued.textContent;
      bad = queued.closest("[data-offline-state]").getAttribute("data-offline-state") !== "pending";
    } else if (pupil.querySelector("form[data-cell].htmx-request, form[data-cell].state-pending")) {
      text = state.getAttribute("data-saving");
    } else if (pupil.querySelector("form[data-cell].state-failed, form[data-cell].state-offline")) {
      text = state.getAttribute("data-failed");
      bad = true;
    } else if (score) {
      var said = score.querySelector(".cell-status");
      var result = score.querySelector(".cell-result, .cell-fixed");
      text = (said && said.textContent.trim()) || (result && result.textContent.trim()) || "";
    }
    text = text.replace(/\s+/g, " ").trim();
    if (state.textContent !== text) { state.textContent = text; }
    state.classList.toggle("is-bad", bad);
  }
  var examPaintQueued = false;
  function queueExamPaint() {
    if (examPaintQueued) { return; }
    examPaintQueued = true;
    window.requestAnimationFrame(function () { examPaintQueued = false; paintExamState(); });
  }
  function watchExam() {
    var main = document.getElementById("main");
    if (!main || !document.querySelector(".exam-bar")) { return; }
    paintExamState();
    new MutationObserver(function (records) {
      // Our own write to the state line must not start another paint.
      if (records.every(function (r) {
        var node = r.target.nodeType === 1 ? r.target : r.target.parentNode;
        return node && node.closest(".exam-bar-state");
      })) { return; }
      queueExamPaint();
    }).observe(main, { subtree: true, childList: true, characterData: true, attributes: true,
      attributeFilter: ["class", "data-offline-state"] });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", watchExam);
  } else {
    watchExam();
  }

  // The app bar's menu is a plain <details>; close it on a tap elsewhere or on Escape.
  document.addEventListener("click", function (event) {
    document.querySelectorAll("details.app-menu[open]").forEach(function (menu) {
      if (!menu.contains(event.target)) menu.removeAttribute("open");
    });
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    document.querySelectorAll("details.app-menu[open]").forEach(function (menu) {
      menu.removeAttribute("open");
      menu.querySelector("summary").focus();
    });
  });
})();
