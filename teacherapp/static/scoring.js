// Scoring: saved-state feedback, taps that never wait on the network, and a keyboard grid.
(function () {
  "use strict";

  // ---------------------------------------------------------------- pickers
  document.addEventListener("change", function (event) {
    var select = event.target.closest && event.target.closest("select.autosubmit");
    if (select && select.form) { select.form.requestSubmit(); }
  });

  // ---------------------------------------------------------------- one intent, one save
  // Every control of a cell (Enter, leaving the field, Save, an absence button, a level tap,
  // "keep my value", the retry) asks for one save, and a cell sends one at a time
  // (hx-sync="this:drop" on the cell; this is what decides which ask goes out):
  // - the same intent again while the first is on its way (leaving the field, then tapping
  //   Save: change and submit of one edit) sends nothing more;
  // - a Save tap on a value that is already stored sends nothing;
  // - a different intent made meanwhile (a second level tapped) waits for the answer and goes
  //   out only if that save was stored (200): it then builds on the teacher's own save.
  //   After a conflict or a refusal it is dropped: the teacher first sees both values.
  // Nothing here changes the version a save is based on: it is the one the cell was shown with.
  var inFlight = {};  // cell id -> intent on its way
  var held = {};      // cell id -> the intent waiting for that answer
  var answered = {};  // cell id -> status of the last answer
  var asked = {};     // cell id -> intent confirmed, not yet sent

  function cellOf(el) { return el && el.closest && el.closest("form[data-cell]"); }

  var INTENT_FIELDS = "input[name=value], input[name=note], select[name=choose], input[name=resolve]";

  function intentOf(form, submitter) {
    var parts = [];
    if (submitter && submitter.name) { parts.push(submitter.name + "=" + submitter.value); }
    form.querySelectorAll(INTENT_FIELDS).forEach(function (field) {
      parts.push(field.name + "=" + field.value);
    });
    return parts.join("&");
  }

  function alreadyStored(form, submitter) {
    if (submitter && submitter.name) { return false; }
    if (!form.classList.contains("state-idle") && !form.classList.contains("state-saved")) { return false; }
    var field = form.querySelector("input[name=value]");
    return Boolean(field) && field.value === field.defaultValue && !form.hasAttribute("data-offline-state");
  }

  function showSaved(form) {
    var status = form.querySelector(".cell-status");
    if (status && !status.textContent.trim()) {
      status.textContent = document.documentElement.lang === "en" ? "Saved \u2713" : "Opgeslagen \u2713";
    }
  }

  document.addEventListener("htmx:confirm", function (event) {
    var form = cellOf(event.target);
    if (!form || form !== event.target) { return; }
    var trigger = event.detail.triggeringEvent;
    var submitter = trigger && trigger.submitter;
    var intent = intentOf(form, submitter);
    if (inFlight[form.id] !== undefined) {
      event.preventDefault();
      if (inFlight[form.id] !== intent) {
        held[form.id] = {
          intent: intent,
          name: submitter && submitter.name ? submitter.name : null,
          value: submitter && submitter.name ? submitter.value : null,
          fields: Array.prototype.map.call(form.querySelectorAll(INTENT_FIELDS), function (f) {
            return [f.name, f.value];
          })
        };
        markPending(form, submitter);
      }
      return;
    }
    if (alreadyStored(form, submitter)) {
      event.preventDefault();
      showSaved(form);
      return;
    }
    asked[form.id] = intent;
  });

  // Only a request that really leaves counts as on its way: offline.js may keep it back
  // (no network, earlier saves waiting) by cancelling htmx:beforeRequest.
  document.addEventListener("htmx:beforeSend", function (event) {
    var form = cellOf(event.detail.elt);
    if (form && form === event.detail.elt && asked[form.id] !== undefined) {
      inFlight[form.id] = asked[form.id];
      delete asked[form.id];
    }
  });

  function markPending(form, submitter) {
    form.classList.add("state-pending");
    if (submitter && submitter.hasAttribute("aria-pressed")) {
      form.querySelectorAll("[aria-pressed]").forEach(function (b) { b.setAttribute("aria-pressed", "false"); });
      submitter.setAttribute("aria-pressed", "true");
    }
  }

  // The answer arrived. Here, not in htmx:afterRequest: after an outerHTML swap that event is
  // dispatched on the removed cell and never reaches the document.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var form = cellOf(event.detail.elt);
    if (form && form.id) {
      answered[form.id] = event.detail.xhr.status;
      settled(form);
    }
  });

  function settled(form) {
    if (!form || !form.id || inFlight[form.id] === undefined) { return; }
    delete inFlight[form.id];
  }

  // The request failed (no swap): the cell may send again.
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = cellOf(event.detail.elt);
    settled(form);
    var id = form && form.id;
    if (!id || !held[id]) { return; }
    var status = event.detail.xhr ? event.detail.xhr.status : 0;
    if (!event.detail.successful && (!status || status >= 500)) {
      // No network or a server error: the waiting intent is queued too (one entry per cell).
      var next = held[id];
      delete held[id];
      replayHeld(form, next);
    }
  });

  function replayHeld(form, next) {
    next.fields.forEach(function (pair) {
      var field = form.querySelector('[name="' + pair[0] + '"]');
      if (field && field.type !== "hidden") { field.value = pair[1]; }
    });
    if (next.name) {
      var button = form.querySelector('button[name="' + next.name + '"][value="' + CSS.escape(next.value || "") + '"]');
      if (button) { button.click(); return; }
    }
    form.requestSubmit();
  }

  // htmx:load fires on the fresh cell the server just sent: send what waited, if ours stored.
  document.addEventListener("htmx:load", function (event) {
    var form = event.detail.elt;
    if (!form || !form.id || !held[form.id]) { return; }
    var next = held[form.id];
    delete held[form.id];
    if (answered[form.id] === 200) { replayHeld(form, next); }
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
      // offline.js queues the save and sends it again by itself (same key, same version).
      failed(event, document.documentElement.lang === "en"
        ? "Server error: being retried." : "Serverfout: wordt opnieuw geprobeerd.");
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
