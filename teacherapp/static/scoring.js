// Scoring: saved-state feedback, taps that never wait on the network, and a keyboard grid.
(function () {
  "use strict";

  // ---------------------------------------------------------------- pickers
  document.addEventListener("change", function (event) {
    var select = event.target.closest && event.target.closest("select.autosubmit");
    if (select && select.form) { select.form.requestSubmit(); }
  });

  // ---------------------------------------------------------------- one save at a time per cell
  // A second tap on a cell whose save is still on its way waits for that answer, then goes
  // out based on the version the server just confirmed: quick taps never conflict with
  // themselves, and nothing the teacher chose is lost.
  var waiting = {};  // cell id -> {button name/value or typed text}

  function cellOf(el) { return el && el.closest && el.closest("form[data-cell]"); }

  document.addEventListener("htmx:confirm", function (event) {
    var form = cellOf(event.target);
    if (!form || !form.classList.contains("htmx-request")) { return; }
    event.preventDefault();
    var submitter = event.detail.triggeringEvent && event.detail.triggeringEvent.submitter;
    var input = form.querySelector("input[name=value], input[name=note], select[name=choose]");
    waiting[form.id] = {
      name: submitter ? submitter.name : null,
      value: submitter ? submitter.value : null,
      field: input ? input.name : null,
      text: input ? input.value : null
    };
    markPending(form, submitter);
  });

  function markPending(form, submitter) {
    form.classList.add("state-pending");
    if (submitter && submitter.hasAttribute("aria-pressed")) {
      form.querySelectorAll("[aria-pressed]").forEach(function (b) { b.setAttribute("aria-pressed", "false"); });
      submitter.setAttribute("aria-pressed", "true");
    }
  }

  // htmx:load fires on the fresh cell the server just sent: replay the tap that waited.
  document.addEventListener("htmx:load", function (event) {
    var form = event.detail.elt;
    if (!form || !form.id || !waiting[form.id]) { return; }
    var next = waiting[form.id];
    delete waiting[form.id];
    if (next.name) {
      var button = form.querySelector('button[name="' + next.name + '"][value="' + CSS.escape(next.value || "") + '"]');
      if (button) { button.click(); return; }
    }
    if (next.field) {
      var field = form.querySelector('[name="' + next.field + '"]');
      if (field) { field.value = next.text; htmx.trigger(field, "change"); }
    }
  });

  // ---------------------------------------------------------------- failed saves
  // No network: keep what was typed, say so next to the field, and offer the retry.
  function failed(event, text) {
    var form = cellOf(event.detail.elt);
    if (!form) { return; }
    form.classList.remove("state-saved", "state-pending");
    form.classList.add("state-offline");
    var status = form.querySelector(".cell-status");
    if (status) { status.textContent = text; }
  }
  document.addEventListener("htmx:sendError", function (event) {
    failed(event, document.documentElement.lang === "en"
      ? "Not saved: no connection. Try again." : "Niet opgeslagen: geen verbinding. Probeer opnieuw.");
  });
  document.addEventListener("htmx:responseError", function (event) {
    var status = event.detail.xhr.status;
    if (status === 401) {
      failed(event, document.documentElement.lang === "en"
        ? "Not saved: you are logged out. Log in again (in a new tab), then save again."
        : "Niet opgeslagen: je bent afgemeld. Meld je opnieuw aan (in een nieuw tabblad) en sla dan opnieuw op.");
    } else if (status >= 500) {
      failed(event, document.documentElement.lang === "en"
        ? "Not saved: server error. Try again." : "Niet opgeslagen: serverfout. Probeer opnieuw.");
    }
  });
  document.addEventListener("htmx:beforeRequest", function (event) {
    var form = cellOf(event.detail.elt);
    if (form) { form.classList.remove("state-offline", "state-saved"); }
  });

  // Exam mode: after "next pupil" the new pupil's name gets focus, for screen readers too.
  document.addEventListener("htmx:afterSettle", function (event) {
    if (event.detail.elt && event.detail.elt.id === "exam-pupil") {
      var heading = document.getElementById("exam-pupil-name");
      if (heading) { heading.focus({ preventScroll: true }); window.scrollTo(0, 0); }
    }
  });

  // ---------------------------------------------------------------- keyboard grid
  function cellControl(td) {
    return td && td.querySelector("input[name=value], select[name=choose]");
  }

  function move(from, dRow, dCol) {
    var td = from.closest("td");
    var tr = td.parentElement;
    var col = Array.prototype.indexOf.call(tr.children, td);
    var rows = Array.prototype.slice.call(tr.parentElement.children);
    var r = rows.indexOf(tr) + dRow;
    var c = col + dCol;
    while (r >= 0 && r < rows.length && c >= 0 && c < rows[r].children.length) {
      var target = cellControl(rows[r].children[c]);
      if (target && !target.disabled) {
        target.focus();
        if (target.select) { target.select(); }
        return true;
      }
      r += dRow; c += dCol;
    }
    return false;
  }

  // Leaving a field fires its change event, which is what saves it (once).
  function commit(control) {
    if (control.tagName === "INPUT") { control.blur(); control.focus(); }
  }

  document.addEventListener("keydown", function (event) {
    var control = event.target;
    if (!control.closest || !control.closest("table[data-grid]")) {
      // Exam mode: Enter in a score field saves once (on change), not twice (change + submit).
      if (event.key === "Enter" && control.matches && control.matches("form[data-cell] input[name=value], form[data-cell] input[name=note]")) {
        event.preventDefault();
        commit(control);
      }
      return;
    }
    if (!control.matches("input[name=value], select[name=choose]")) { return; }
    var isSelect = control.tagName === "SELECT";
    var key = event.key;
    if (isSelect && /^[0-9]$/.test(key)) {
      event.preventDefault();
      var option = key === "0" ? control.options[0] : control.querySelector('option[data-rank="' + key + '"]');
      if (option && !option.selected) { option.selected = true; htmx.trigger(control, "change"); }
      return;
    }
    var atStart = isSelect || control.selectionStart === 0 && control.selectionEnd === 0;
    var atEnd = isSelect || control.selectionStart === control.value.length;
    var handled = false;
    if (key === "ArrowDown" || key === "Enter") {
      handled = move(control, 1, 0) || isSelect;
      if (!handled && key === "Enter") { commit(control); handled = true; }
    } else if (key === "ArrowUp") {
      handled = move(control, -1, 0) || isSelect;
    }
    else if (key === "ArrowLeft" && atStart) { handled = move(control, 0, -1); }
    else if (key === "ArrowRight" && atEnd) { handled = move(control, 0, 1); }
    if (handled) { event.preventDefault(); }
  });
})();
