// teacherapp offline layer: service worker registration, a durable queue of saves in IndexedDB,
// its replay, and the visible state (online/offline, waiting saves, stored copies).
// A save is queued when it is an htmx POST carrying a base `version` (or sits inside
// [data-offline="queue"]) and the network is gone, fails, the server answers with an error
// (5xx), or earlier saves are still waiting.
// The queue holds intents, not requests: one entry per cell, with the latest value the teacher
// chose and the version she saw first. Nothing here ever changes that version: a save that
// meets another device's value comes back as a conflict, and only the teacher's "keep my
// value" (sent as resolve=mine) writes over it.
(function () {
  "use strict";

  var script = document.querySelector("script[data-offline-config]");
  if (!script || !window.indexedDB || !window.fetch || !window.Promise) return;
  var config = JSON.parse(script.getAttribute("data-offline-config"));
  var T = config.texts;
  var USER = config.user;
  var REPLAY_EVERY_MS = 20000;
  var SAVE_TIMEOUT_MS = 30000;
  var META_FIELDS = { csrf_token: 1, version: 1, idempotency_key: 1 };
  var pendingCount = 0;
  var replaying = false;
  var needLogin = false;

  function fill(text, values) {
    return text.replace(/\{(\w+)\}/g, function (all, name) {
      return values[name] === undefined ? all : values[name];
    });
  }

  function two(n) { return (n < 10 ? "0" : "") + n; }

  function formatWhen(time) {
    var d = new Date(time);
    return two(d.getDate()) + "/" + two(d.getMonth() + 1) + "/" + d.getFullYear() + " " +
      two(d.getHours()) + ":" + two(d.getMinutes());
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function newKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return Date.now().toString(36) + "-" + Math.random().toString(36).slice(2, 14);
  }

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  // ------------------------------------------------------------------ IndexedDB: the queue

  var dbPromise = null;

  function openDb() {
    if (!dbPromise) {
      dbPromise = new Promise(function (resolve, reject) {
        // Version 2: also repairs an empty version-1 database someone else opened first.
        var request = indexedDB.open("teacherapp-offline", 2);
        request.onupgradeneeded = function () {
          var db = request.result;
          if (!db.objectStoreNames.contains("saves")) {
            db.createObjectStore("saves", { keyPath: "id", autoIncrement: true }).createIndex("user", "user");
          }
          if (!db.objectStoreNames.contains("meta")) db.createObjectStore("meta");
        };
        request.onsuccess = function () {
          var db = request.result;
          // Let a wipe (Clear-Site-Data at logout, a newer schema) through: never block it.
          db.onversionchange = function () { db.close(); dbPromise = null; };
          resolve(db);
        };
        request.onerror = function () { reject(request.error); };
      });
    }
    return dbPromise;
  }

  function tx(store, mode, work) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var transaction = db.transaction(store, mode);
        var result = work(transaction.objectStore(store));
        transaction.oncomplete = function () { resolve(result && "result" in result ? result.result : result); };
        transaction.onerror = function () { reject(transaction.error); };
        transaction.onabort = function () { reject(transaction.error); };
      });
    });
  }

  function mySaves() {
    return tx("saves", "readonly", function (store) {
      return store.index("user").getAll(USER);
    }).then(function (items) {
      return (items || []).sort(function (a, b) { return a.id - b.id; });
    });
  }

  function putSave(item) { return tx("saves", "readwrite", function (s) { return s.put(item); }); }
  function deleteSave(id) { return tx("saves", "readwrite", function (s) { s.delete(id); }); }
  function getMeta(key) { return tx("meta", "readonly", function (s) { return s.get(key); }); }
  function setMeta(key, value) { return tx("meta", "readwrite", function (s) { s.put(value, key); }); }

  // ------------------------------------------------------------------ which requests are saves

  function isQueueable(elt, verb, params) {
    if (!USER || !elt || String(verb).toLowerCase() === "get") return false;
    if (elt.closest('[data-offline="never"]')) return false;
    if (elt.closest('[data-offline="queue"]')) return true;
    return params && typeof params.has === "function" ? params.has("version")
      : Boolean(params && params.version !== undefined);
  }

  function describeCell(target, submitter) {
    var label = target && (target.getAttribute("data-offline-label") || target.getAttribute("aria-label"));
    if (!label && target) {
      var labelNode = target.querySelector("label, legend, th, .cell-label");
      label = labelNode ? labelNode.textContent : "";
    }
    var shown = [];
    // A named button is the value itself (Afwezig, a rubric level); a plain Save button is not.
    var chosen = submitter && submitter.name && submitter.name !== "resolve";
    if (chosen && submitter.textContent.trim()) shown.push(submitter.textContent.trim());
    if (target && !chosen) {
      target.querySelectorAll("input, select, textarea").forEach(function (field) {
        if (field.type === "hidden" || META_FIELDS[field.name]) return;
        if ((field.type === "radio" || field.type === "checkbox") && !field.checked) return;
        if (field.tagName === "SELECT" && field.selectedIndex >= 0) shown.push(field.options[field.selectedIndex].text);
        else if (field.value) shown.push(field.value);
      });
    }
    return { label: (label || document.title).replace(/\s+/g, " ").trim().slice(0, 200),
             shown: shown.join(" · ").slice(0, 200) };
  }

  // Show the tapped level as chosen, as the server's answer would have.
  function choose(buttonNode) {
    var group = buttonNode.parentNode;
    Array.prototype.forEach.call(group ? group.querySelectorAll("button[aria-pressed]") : [], function (other) {
      other.setAttribute("aria-pressed", other === buttonNode ? "true" : "false");
      other.classList.toggle("offline-chosen", other === buttonNode);
    });
    buttonNode.classList.add("offline-chosen");
  }

  // One enqueue at a time: two asks of one cell (the field's change, then the Save button's
  // submit) must meet in one entry, not both find the queue empty.
  var enqueued = Promise.resolve();
  function enqueue(requestConfig, target) {
    var run = function () { return enqueueNow(requestConfig, target); };
    enqueued = enqueued.then(run, run);
    return enqueued;
  }

  function enqueueNow(requestConfig, target) {
    var params = new URLSearchParams();
    requestConfig.formData.forEach(function (value, name) {
      if (typeof value === "string") params.append(name, value);
    });
    if (!params.get("idempotency_key")) params.set("idempotency_key", newKey());
    var trigger = requestConfig.triggeringEvent;
    var submitter = trigger && trigger.submitter ? trigger.submitter
      : (requestConfig.elt.tagName === "BUTTON" ? requestConfig.elt : null);
    var cell = target && target.id ? target : null;
    var described = describeCell(cell || requestConfig.elt, submitter);
    var url = new URL(requestConfig.path, location.href);
    var item = {
      user: USER, url: url.pathname + url.search, verb: requestConfig.verb.toUpperCase(),
      body: params.toString(), key: params.get("idempotency_key"), version: params.get("version"),
      cellId: cell ? cell.id : null, label: described.label, shown: described.shown,
      createdAt: Date.now(), state: "pending", attempts: 0
    };
    if (submitter && submitter.name) choose(submitter);
    return mySaves().then(function (items) {
      // One entry per cell: the latest value wins, based on the version seen first. It gets
      // a new key: the earlier value may be on its way under the old one.
      var earlier = items.filter(function (other) {
        return other.cellId && other.cellId === item.cellId && other.url === item.url &&
          other.state === "pending";
      });
      if (!earlier.length) return putSave(item);
      var first = earlier[0];
      var params = new URLSearchParams(item.body);
      if (first.version !== null && first.version !== undefined) params.set("version", first.version);
      first.body = params.toString();
      first.key = params.get("idempotency_key");
      first.shown = item.shown;
      first.createdAt = item.createdAt;
      return Promise.all(earlier.slice(1).map(function (other) { return deleteSave(other.id); }))
        .then(function () { return putSave(first); });
    }).then(function () {
      markCell(item);
      return refresh();
    });
  }

  // ------------------------------------------------------------------ cells on the page

  function markCell(item) {
    var cell = item.cellId && document.getElementById(item.cellId);
    if (!cell) return;
    var text = { pending: item.lastStatus >= 500 ? T.cellRetrying : T.cellPending,
                 conflict: T.cellConflict, rejected: T.cellRejected }[item.state];
    cell.setAttribute("data-offline-state", item.state);
    // Not "not saved, try again": the save is kept and will be sent without the teacher.
    cell.classList.remove("state-offline");
    var said = cell.querySelector(".cell-status");
    if (said && item.state === "pending") said.textContent = "";
    var host = cell.tagName === "TR" ? (cell.lastElementChild || cell) : cell;
    var badge = host.querySelector(".offline-badge") || el("span", "offline-badge");
    badge.setAttribute("role", "status");
    badge.textContent = text;
    host.appendChild(badge);
  }

  // After a reload, show what the teacher recorded offline instead of the stored copy's value.
  function restoreCell(item) {
    var cell = item.cellId && document.getElementById(item.cellId);
    if (!cell) return;
    new URLSearchParams(item.body).forEach(function (value, name) {
      if (META_FIELDS[name]) return;
      cell.querySelectorAll("[name]").forEach(function (field) {
        if (field.name !== name || field.type === "hidden") return;
        if (field.type === "radio" || field.type === "checkbox") field.checked = field.value === value;
        else if (field.tagName === "BUTTON") { if (field.value === value) choose(field); }
        else field.value = value;
      });
    });
    markCell(item);
  }

  function swapCell(cellId, html) {
    var cell = cellId && document.getElementById(cellId);
    if (!cell || !html) return;
    if (window.htmx && htmx.swap) htmx.swap(cell, html, { swapStyle: "outerHTML" });
    else cell.outerHTML = html;
  }

  function versionIn(html) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    var field = doc.querySelector('input[name="version"]');
    return field ? field.value : null;
  }

  function reasonIn(html, status) {
    var doc = new DOMParser().parseFromString(html || "", "text/html");
    var node = doc.querySelector(".error, [role=alert], .notice, .flash-error") || doc.body;
    var text = node ? node.textContent.replace(/\s+/g, " ").trim() : "";
    return text.slice(0, 400) || fill(T.noReason, { status: status });
  }

  // ------------------------------------------------------------------ replay

  function freshToken() {
    return fetch(config.token, { credentials: "same-origin", cache: "no-store", redirect: "manual" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) { return data ? data.csrf_token : null; });
  }

  function post(item, token) {
    // The form's own token may be older than the session (the server reads it before the
    // header): send only the current one, in the header.
    var body = new URLSearchParams(item.body);
    body.delete("csrf_token");
    return fetch(item.url, {
      method: item.verb, body: body.toString(), credentials: "same-origin", redirect: "manual",
      cache: "no-store",
      headers: { "Content-Type": "application/x-www-form-urlencoded", "HX-Request": "true",
                 "HX-Target": item.cellId || "", "X-CSRFToken": token }
    });
  }

  // One save: "sent", "conflict", "rejected", or "stop" (no network, server down, logged out).
  function sendOne(item, token, retried) {
    item.attempts += 1;
    return post(item, token).then(function (response) {
      if (response.type === "opaqueredirect" || response.status === 401) {
        needLogin = true;
        return putSave(item).then(function () { return "stop"; });
      }
      if (response.status === 400 && !retried) {
        // The page's token may come from a copy stored long ago: fetch a fresh one, once.
        return freshToken().then(function (fresh) {
          if (!fresh) { needLogin = true; return putSave(item).then(function () { return "stop"; }); }
          var meta = document.querySelector('meta[name="csrf-token"]');
          if (meta) meta.setAttribute("content", fresh);
          return sendOne(item, fresh, true);
        }, function () { return putSave(item).then(function () { return "stop"; }); });
      }
      return response.text().then(function (html) { return settle(item, response.status, html); });
    }, function () {
      return putSave(item).then(function () { return "stop"; });
    });
  }

  function settle(item, status, html) {
    if (status >= 200 && status < 300) {
      return deleteSave(item.id).then(function () {
        swapCell(item.cellId, html);
        return "sent";
      });
    }
    if (status >= 500 || status === 429) {
      item.lastStatus = status;
      return putSave(item).then(function () { markCell(item); retrySoon(item.attempts); return "stop"; });
    }
    item.state = status === 409 ? "conflict" : "rejected";
    item.status = status;
    item.response = html.slice(0, 20000);
    item.reason = status === 409 ? "" : reasonIn(html, status);
    return putSave(item).then(function () {
      if (status === 409 || status === 422) swapCell(item.cellId, html);
      markCell(item);
      return item.state;
    });
  }

  // A server error heals like a lost network: the same save (same key, same base version) is
  // sent again, sooner at first, then every REPLAY_EVERY_MS; idempotency makes that safe.
  var retryTimer = null;
  function retrySoon(attempts) {
    if (retryTimer) return;
    var wait = Math.min(REPLAY_EVERY_MS, 1000 * Math.pow(2, Math.max(0, (attempts || 1) - 1)));
    retryTimer = setTimeout(function () { retryTimer = null; if (navigator.onLine) replay(); }, wait);
  }

  var again = false;

  function replayAll() {
    if (!USER) return Promise.resolve();
    if (replaying) { again = true; return Promise.resolve(); }
    replaying = true;
    again = false;
    needLogin = false;
    return mySaves().then(function (items) {
      var pending = items.filter(function (i) { return i.state === "pending"; });
      var token = csrfToken();
      var chain = Promise.resolve("sent");
      pending.forEach(function (item) {
        chain = chain.then(function (previous) { return previous === "stop" ? "stop" : sendOne(item, token); });
      });
      return chain.then(function (last) {
        if (last !== "stop" && pending.length) return setMeta("lastSync-" + USER, Date.now());
      });
    }).catch(function () { return undefined; }).then(function () {
      replaying = false;
      // Saves queued while this round ran wait for the next one, at once when online.
      if (again && navigator.onLine) return replayAll();
      return refresh();
    });
  }

  function replay() {
    if (navigator.locks && navigator.locks.request) {
      // Two tabs replaying at once would still be exactly-once (idempotency keys), but slower.
      return navigator.locks.request("teacherapp-offline-replay", replayAll);
    }
    return replayAll();
  }

  // ------------------------------------------------------------------ htmx: catch the saves

  document.addEventListener("htmx:configRequest", function (event) {
    var d = event.detail;
    if (!isQueueable(d.elt, d.verb, d.formData)) return;
    if (!d.formData.get("idempotency_key")) {
      d.parameters.idempotency_key = newKey(); // a save lost on the way may be sent again safely
    }
    // On a network that hangs rather than fails, give up after a while and queue the save.
    if (!d.timeout) d.timeout = SAVE_TIMEOUT_MS;
  });

  document.addEventListener("htmx:beforeRequest", function (event) {
    var c = event.detail.requestConfig;
    if (!isQueueable(c.elt, c.verb, c.formData)) return;
    if (!navigator.onLine || pendingCount > 0) {
      event.preventDefault(); // keep the order: this save waits behind the others
      enqueue(c, event.detail.target).then(function () { if (navigator.onLine) replay(); });
    }
  });

  function onNetworkFailure(event) {
    var c = event.detail.requestConfig;
    if (!c) return;
    if (isQueueable(c.elt, c.verb, c.formData)) {
      enqueue(c, event.detail.target);
    } else if (String(c.verb).toLowerCase() === "get" && c.elt.closest("a[href]")) {
      // "Next pupil" and friends fetch a fragment; without network open the whole page,
      // which the service worker has stored.
      location.assign(c.elt.closest("a[href]").href);
    }
  }
  document.addEventListener("htmx:sendError", onNetworkFailure);
  document.addEventListener("htmx:timeout", onNetworkFailure);
  // A server error (a restart, a dead connection, a stuck writer) is not the teacher's doing:
  // queue the save as for a lost network, with the same key and base version.
  document.addEventListener("htmx:responseError", function (event) {
    var xhr = event.detail.xhr;
    if (xhr && xhr.status >= 500) {
      onNetworkFailure(event);
      retrySoon(1);
    }
  });

  // A cell the teacher saved again after a conflict or refusal is settled: drop the old entry.
  document.addEventListener("htmx:afterRequest", function (event) {
    var d = event.detail;
    var target = d.target;
    if (!d.successful || !target || !target.id || !d.xhr || d.xhr.status >= 300) return;
    mySaves().then(function (items) {
      return Promise.all(items.filter(function (i) {
        return i.cellId === target.id && i.state !== "pending";
      }).map(function (i) { return deleteSave(i.id); }));
    }).then(refresh);
  });

  // ------------------------------------------------------------------ visible state

  var status = null;

  function buildStatus() {
    var bar = document.querySelector(".topbar");
    if (!bar) return;
    // base.html renders the status in place for a logged-in user (no layout shift when the
    // script starts); it shows once the script has filled it in.
    status = bar.querySelector(".offline-status");
    if (status) { status.classList.add("is-live"); return; }
    status = el("a", "offline-status is-live");
    status.href = config.queue;
    status.setAttribute("aria-live", "polite");
    status.appendChild(el("span", "offline-dot"));
    status.appendChild(el("span", "offline-network"));
    status.appendChild(el("span", "offline-waiting"));
    status.appendChild(el("span", "offline-sync"));
    bar.insertBefore(status, bar.children[1] || null);
  }

  function refresh() {
    if (!USER) {
      paintStatus([], null);
      return Promise.resolve();
    }
    return Promise.all([mySaves(), getMeta("lastSync-" + USER)]).then(function (r) {
      paintStatus(r[0], r[1]);
      paintQueue(r[0]);
    }).catch(function () { return undefined; });
  }

  function paintStatus(items, lastSync) {
    var online = navigator.onLine;
    document.documentElement.classList.toggle("is-offline", !online);
    if (!status) return;
    var pending = items.filter(function (i) { return i.state === "pending"; }).length;
    var trouble = items.length - pending;
    pendingCount = pending;
    status.classList.toggle("is-offline", !online);
    status.classList.toggle("has-waiting", pending > 0 || trouble > 0);
    status.querySelector(".offline-network").textContent = online ? T.online : T.offline;
    var waiting = [];
    if (pending) waiting.push(fill(T.waiting, { n: pending }));
    if (trouble) waiting.push(fill(T.attention, { n: trouble }));
    status.querySelector(".offline-waiting").textContent = waiting.join(" · ");
    status.querySelector(".offline-sync").textContent = lastSync ? fill(T.lastSync, { when: formatWhen(lastSync) }) : "";
    if (!USER) status.removeAttribute("href");
  }

  function button(text, className, onClick) {
    var b = el("button", "button " + (className || ""), text);
    b.type = "button";
    b.addEventListener("click", onClick);
    return b;
  }

  // The queue page (offline/index.html): every waiting, conflicting or refused save.
  function paintQueue(items) {
    var list = document.getElementById("offline-queue");
    if (!list) return;
    var summary = document.getElementById("offline-queue-summary");
    var sendNow = document.getElementById("offline-send-now");
    var pending = items.filter(function (i) { return i.state === "pending"; }).length;
    var parts = [];
    if (pending) parts.push(fill(T.waiting, { n: pending }));
    if (items.length - pending) parts.push(fill(T.attention, { n: items.length - pending }));
    summary.textContent = needLogin ? T.stateLogin : (parts.join(" · ") || T.nothingWaiting);
    sendNow.hidden = pending === 0;
    list.textContent = "";
    items.forEach(function (item) {
      var row = el("li", "offline-item offline-item-" + item.state);
      var state = { pending: T.statePending, conflict: T.stateConflict, rejected: T.stateRejected }[item.state];
      row.appendChild(el("strong", "", item.label));
      row.appendChild(el("span", "offline-item-state", state));
      row.appendChild(el("span", "", T.yourValue + ": " + (item.shown || "—")));
      row.appendChild(el("span", "hint", fill(T.recordedAt, { when: formatWhen(item.createdAt) })));
      if (item.state === "rejected") row.appendChild(el("p", "error", item.reason));
      if (item.state === "conflict") {
        row.appendChild(el("span", "", T.serverValue + ":"));
        var theirs = el("div", "offline-server-copy");
        theirs.appendChild(document.createRange().createContextualFragment(item.response || ""));
        theirs.querySelectorAll("[id]").forEach(function (node) { node.removeAttribute("id"); });
        // The copy shows both values; the choice is made with this row's own buttons only.
        theirs.querySelectorAll("button, a").forEach(function (node) { node.remove(); });
        theirs.querySelectorAll("form, input, select, textarea").forEach(function (node) {
          node.setAttribute("inert", "");
          if ("disabled" in node) node.disabled = true;
        });
        row.appendChild(theirs);
        var actions = el("div", "offline-actions");
        actions.appendChild(button(T.keepMine, "button-primary", function () { keepMine(item); }));
        actions.appendChild(button(T.keepServer, "", function () { dismiss(item); }));
        row.appendChild(actions);
      } else if (item.state === "rejected") {
        row.appendChild(button(T.dismiss, "", function () { dismiss(item); }));
      }
      list.appendChild(row);
    });
  }

  // The teacher saw both values and keeps hers: send it again based on the version the
  // server showed her, saying so (resolve=mine), under a new key (a new save).
  function keepMine(item) {
    var version = versionIn(item.response || "");
    var params = new URLSearchParams(item.body);
    if (version !== null) params.set("version", version);
    params.set("resolve", "mine");
    params.set("idempotency_key", newKey());
    item.body = params.toString();
    item.key = params.get("idempotency_key");
    item.state = "pending";
    item.response = "";
    return putSave(item).then(refresh).then(replay);
  }

  function dismiss(item) {
    return deleteSave(item.id).then(refresh);
  }

  function showStoredCopyNotice() {
    if (script.getAttribute("data-offline-source") !== "cache") return;
    var main = document.getElementById("main");
    if (!main) return;
    var note = el("p", "notice notice-warning offline-stale",
                  fill(T.staleCopy, { when: formatWhen(config.renderedAt) }));
    note.setAttribute("role", "status");
    main.insertBefore(note, main.firstChild);
  }

  // ------------------------------------------------------------------ make a course available

  // Links worth storing: the course's own pages, never a download, history or export.
  var SKIP_LINK = /\/(history|export|download|logout)\b|\.(xlsx|csv|pdf)$/;
  var PREPARE_LIMIT = 600;

  // The links, hx-get links and GET forms (one URL per option of each list) of a page.
  function linksOf(html, base, base_) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    var found = [];
    function add(raw) {
      if (!raw) return;
      var url = new URL(raw, base);
      var inCourse = url.pathname === base_ || url.pathname.indexOf(base_ + "/") === 0;
      if (url.origin !== location.origin || !inCourse || SKIP_LINK.test(url.pathname)) return;
      found.push(url.pathname + url.search);
    }
    doc.querySelectorAll("a[href], [hx-get]").forEach(function (node) {
      add(node.getAttribute("hx-get") || node.getAttribute("href"));
    });
    doc.querySelectorAll("form").forEach(function (form) {
      if ((form.getAttribute("method") || "get").toLowerCase() !== "get") return;
      var action = new URL(form.getAttribute("action") || base, base);
      var fields = new URLSearchParams(new FormData(form)).toString();
      form.querySelectorAll("select[name]").forEach(function (select) {
        Array.prototype.forEach.call(select.options, function (option) {
          var params = new URLSearchParams(fields);
          params.set(select.name, option.value);
          add(action.pathname + "?" + params.toString());
        });
      });
    });
    return found;
  }

  // Open every page of the course once, through the service worker, which stores them.
  function prepareCourse(pagesUrl, statusNode, courseId) {
    if (!navigator.onLine) { statusNode.textContent = T.needsNetwork; return Promise.resolve(); }
    var course = "/courses/" + courseId;
    return workerReady().then(function () {
      return fetch(pagesUrl, { credentials: "same-origin", cache: "no-store" });
    }).then(function (r) { return r.json(); }).then(function (data) {
      var seen = {}, queue = [], done = 0, failed = 0;
      function want(url) {
        if (seen[url] || Object.keys(seen).length >= PREPARE_LIMIT) return;
        seen[url] = true;
        queue.push(url);
      }
      data.urls.forEach(want);
      function next() {
        var url = queue.shift();
        if (!url) return Promise.resolve();
        return fetch(url, { credentials: "same-origin", headers: { "X-Offline-Prefetch": "1" } })
          .then(function (r) {
            if (!r.ok) { failed += 1; return; }
            return r.text().then(function (html) {
              if (url.indexOf(course + "/") === 0 || url.split("?")[0] === course) {
                linksOf(html, location.origin + url, course).forEach(want);
              }
            });
          }, function () { failed += 1; })
          .then(function () {
            done += 1;
            statusNode.textContent = fill(T.preparing, { done: done, total: Object.keys(seen).length });
            return next();
          });
      }
      function drain() {
        // Fetching adds links: go on until nothing new turns up.
        return Promise.all([next(), next(), next()]).then(function () { return queue.length ? drain() : undefined; });
      }
      return drain().then(function () {
        var total = Object.keys(seen).length;
        if (failed) {
          statusNode.textContent = fill(T.prepareFailed, { failed: failed, total: total });
          return;
        }
        var at = Date.now();
        statusNode.textContent = fill(T.availableSince, { when: formatWhen(at) });
        return setMeta("course-" + USER + "-" + courseId, at);
      });
    }).catch(function () { statusNode.textContent = T.needsNetwork; });
  }

  function wirePrepareButtons() {
    document.querySelectorAll("[data-offline-course]").forEach(function (row) {
      var courseId = row.getAttribute("data-offline-course");
      var trigger = row.querySelector(".offline-prepare");
      var statusNode = row.querySelector(".offline-course-status");
      trigger.hidden = false;
      getMeta("course-" + USER + "-" + courseId).then(function (at) {
        if (at) statusNode.textContent = fill(T.availableSince, { when: formatWhen(at) });
      });
      trigger.addEventListener("click", function () {
        trigger.disabled = true;
        prepareCourse(trigger.getAttribute("data-offline-pages"), statusNode, courseId)
          .then(function () { trigger.disabled = false; });
      });
    });
  }

  // On a course's own pages: the same action, above the content.
  function offerOnCoursePage() {
    var match = /^\/courses\/(\d+)(\/|$)/.exec(location.pathname);
    var main = document.getElementById("main");
    if (!match || !main || !USER || document.querySelector("[data-offline-course]")) return;
    var box = el("div", "offline-course-bar");
    box.setAttribute("data-offline-course", match[1]);
    var statusNode = el("span", "offline-course-status hint");
    statusNode.setAttribute("aria-live", "polite");
    var trigger = button(T.makeAvailable, "button-quiet offline-prepare", function () {});
    trigger.setAttribute("data-offline-pages", config.pages.replace("/0/", "/" + match[1] + "/"));
    box.appendChild(trigger);
    box.appendChild(statusNode);
    main.insertBefore(box, main.firstChild);
  }

  // ------------------------------------------------------------------ service worker

  var hadController = Boolean(navigator.serviceWorker && navigator.serviceWorker.controller);

  function workerReady() {
    if (!navigator.serviceWorker) return Promise.resolve();
    return navigator.serviceWorker.ready.then(function () {
      if (navigator.serviceWorker.controller) return undefined;
      return new Promise(function (resolve) {
        navigator.serviceWorker.addEventListener("controllerchange", resolve, { once: true });
        setTimeout(resolve, 3000);
      });
    });
  }

  function safeToReload() {
    var active = document.activeElement;
    return !document.querySelector(".htmx-request") &&
      !(active && /^(INPUT|TEXTAREA|SELECT)$/.test(active.tagName));
  }

  function offerReload() {
    if (document.querySelector(".offline-update")) return;
    var note = el("div", "notice offline-update");
    note.setAttribute("role", "status");
    note.appendChild(el("span", "", T.updateReady + " "));
    note.appendChild(button(T.reload, "button-primary", function () { location.reload(); }));
    var main = document.getElementById("main");
    if (main) main.insertBefore(note, main.firstChild);
  }

  // The queue page must open offline even if the teacher never visited it: store it once.
  function keepQueuePageStored() {
    if (!window.caches || !navigator.onLine || location.pathname === config.queue) return;
    workerReady().then(function () {
      return caches.open("pages-u" + USER);
    }).then(function (cache) {
      return cache.match(config.queue);
    }).then(function (hit) {
      if (!hit) return fetch(config.queue, { credentials: "same-origin", headers: { "X-Offline-Prefetch": "1" } });
    }).catch(function () { return undefined; });
  }

  function registerWorker() {
    if (!navigator.serviceWorker) return;
    navigator.serviceWorker.addEventListener("controllerchange", function () {
      // A new release took over. The queue lives in IndexedDB, so a reload loses nothing.
      if (!hadController) { hadController = true; return; }
      if (safeToReload()) location.reload(); else offerReload();
    });
    navigator.serviceWorker.register(config.sw, { scope: "/", updateViaCache: "none" })
      .catch(function () { return undefined; });
  }

  // ------------------------------------------------------------------ logout wipes this user's data

  function wipeUser() {
    var jobs = [tx("saves", "readwrite", function (store) {
      store.index("user").openCursor(USER).onsuccess = function (e) {
        var cursor = e.target.result;
        if (cursor) { cursor.delete(); cursor.continue(); }
      };
    })];
    if (window.caches) {
      jobs.push(caches.keys().then(function (names) {
        return Promise.all(names.filter(function (n) { return n.indexOf("pages-u") === 0 || n === "offline-meta"; })
          .map(function (n) { return caches.delete(n); }));
      }));
    }
    return Promise.all(jobs).catch(function () { return undefined; });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!USER || !/\/logout$/.test(new URL(form.action, location.href).pathname) || form.dataset.offlineWiped) return;
    event.preventDefault();
    var go = function () {
      form.dataset.offlineWiped = "1";
      return wipeUser().then(openDb).then(function (db) {
        db.close(); // the server's Clear-Site-Data deletes the database: do not hold it open
        dbPromise = null;
        form.submit();
      });
    };
    replay().then(mySaves).then(function (items) {
      var unsent = items.filter(function (i) { return i.state === "pending"; }).length;
      if (unsent && !window.confirm(fill(T.logoutUnsent, { n: unsent }))) return undefined;
      return go();
    });
  }, true);

  // ------------------------------------------------------------------ start

  function start() {
    if (USER && !document.querySelector('link[href*="/css/offline.css"]')) {
      var link = document.createElement("link");
      link.rel = "stylesheet";
      link.href = config.css;
      document.head.appendChild(link);
    }
    buildStatus();
    showStoredCopyNotice();
    if (USER) offerOnCoursePage();
    wirePrepareButtons();
    var sendNow = document.getElementById("offline-send-now");
    if (sendNow) {
      sendNow.addEventListener("click", function () {
        var summary = document.getElementById("offline-queue-summary");
        if (!navigator.onLine) { summary.textContent = T.needsNetwork; return; }
        summary.textContent = T.sending;
        replay();
      });
    }
    window.addEventListener("online", function () { refresh(); replay(); });
    window.addEventListener("offline", refresh);
    registerWorker();
    if (!USER) { refresh(); return; }
    keepQueuePageStored();
    mySaves().then(function (items) {
      items.forEach(restoreCell);
      return refresh();
    }).then(function () { if (navigator.onLine) replay(); });
    setInterval(function () { if (navigator.onLine && pendingCount > 0) replay(); }, REPLAY_EVERY_MS);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
