/* teacherapp service worker. CONFIG (version, precache, offlineUrl, ...) is prepended by
 * the server (teacherapp/offline/routes.py). It keeps:
 *  - "static-<version>": the app shell, replaced as a whole by each release;
 *  - "pages-u<user id>": pages a teacher opened, network first, for that user only;
 *  - "offline-meta": whose pages may be shown now.
 * It never touches POST/PUT/DELETE: saves that fail go to offline.js's queue (IndexedDB),
 * which a new release never deletes. */
"use strict";

const STATIC_CACHE = "static-" + CONFIG.version;
const META_CACHE = "offline-meta";
const PAGES_PREFIX = "pages-u";
const USER_KEY = "/__offline/user";
const INDEX_KEY = "/__offline/index";
const NETWORK_WAIT_MS = 6000; // on a weak network, show the stored copy after this long

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(STATIC_CACHE);
    await cache.addAll(CONFIG.precache.map((url) => new Request(url, { cache: "reload" })));
    await self.skipWaiting();
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith("static-") && name !== STATIC_CACHE) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

self.addEventListener("message", (event) => {
  if (event.data && event.data.type === "version" && event.ports[0]) {
    event.ports[0].postMessage({ version: CONFIG.version });
  }
});

async function currentUser() {
  const stored = await (await caches.open(META_CACHE)).match(USER_KEY);
  return stored ? await stored.text() : "0";
}

async function setCurrentUser(user) {
  if (user === await currentUser()) return;
  await (await caches.open(META_CACHE)).put(USER_KEY, new Response(user));
  if (user === "0") return;
  // Someone else logged in on this device: nothing of the previous teacher may stay.
  for (const name of await caches.keys()) {
    if (name.startsWith(PAGES_PREFIX) && name !== PAGES_PREFIX + user) await caches.delete(name);
  }
}

function isPage(url) {
  return CONFIG.pageExact.includes(url.pathname)
    || CONFIG.pagePrefixes.some((prefix) => url.pathname.startsWith(prefix));
}

// htmx asks for fragments on the same URLs as pages: store them under their own key.
function cacheKey(url, partial) {
  const key = new URL(url.pathname + url.search, self.location.origin);
  if (partial) key.searchParams.set("__fragment", "1");
  return key.href;
}

function pageTitle(html) {
  const match = /<title>([^<]*)<\/title>/i.exec(html);
  return match ? match[1].replace(/\s+/g, " ").trim() : "";
}

async function rememberPage(key, response, partial) {
  const user = response.headers.get("X-Offline-User");
  if (user === null) return; // not one of our HTML answers
  await setCurrentUser(user);
  if (user === "0" || response.status !== 200 || response.redirected) return;
  const html = await response.text();
  const headers = new Headers(response.headers);
  headers.delete("Content-Encoding");
  headers.delete("Content-Length");
  const cache = await caches.open(PAGES_PREFIX + user);
  await cache.put(key, new Response(html, { status: 200, headers }));
  if (partial) return;
  const indexResponse = await cache.match(INDEX_KEY);
  const index = indexResponse ? await indexResponse.json() : {};
  index[new URL(key).pathname + new URL(key).search] = { title: pageTitle(html), at: Date.now() };
  await cache.put(INDEX_KEY, new Response(JSON.stringify(index),
                                          { headers: { "Content-Type": "application/json" } }));
}

async function fromCache(key) {
  const user = await currentUser();
  if (user === "0") return undefined;
  const cache = await caches.open(PAGES_PREFIX + user);
  const stored = await cache.match(key);
  if (!stored) return undefined;
  // Tell the page it is a stored copy, so it shows when it was last refreshed.
  const html = (await stored.text()).replace('data-offline-source="network"',
                                              'data-offline-source="cache"');
  return new Response(html, { status: 200, headers: stored.headers });
}

async function offlinePage() {
  const cache = await caches.open(STATIC_CACHE);
  const page = await cache.match(CONFIG.offlineUrl, { ignoreSearch: true });
  return page || new Response("Offline", { status: 503, headers: { "Content-Type": "text/plain" } });
}

function networkFirst(event, request, url, partial) {
  const key = cacheKey(url, partial);
  const network = fetch(request).then(async (response) => {
    await rememberPage(key, response.clone(), partial);
    return response;
  });
  event.waitUntil(network.catch(() => undefined));
  return new Promise((resolve) => {
    let settled = false;
    const useCache = async () => {
      const stored = await fromCache(key);
      if (stored && !settled) { settled = true; resolve(stored); }
      return Boolean(stored);
    };
    const timer = setTimeout(useCache, NETWORK_WAIT_MS);
    network.then((response) => {
      clearTimeout(timer);
      if (!settled) { settled = true; resolve(response); }
    }, async () => {
      clearTimeout(timer);
      if (settled) return;
      if (await useCache()) return;
      if (!settled) {
        settled = true;
        resolve(partial ? Response.error() : await offlinePage());
      }
    });
  });
}

async function staticFirst(request) {
  const cached = await caches.match(request, { ignoreVary: true });
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok) {
    const cache = await caches.open(STATIC_CACHE);
    await cache.put(request, response.clone());
  }
  return response;
}

async function navigate(request) {
  try {
    const response = await fetch(request);
    const user = response.headers.get("X-Offline-User");
    if (user !== null) await setCurrentUser(user);
    return response;
  } catch (error) {
    return offlinePage();
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.startsWith(CONFIG.staticPrefix) || url.pathname === CONFIG.offlineUrl) {
    event.respondWith(staticFirst(request));
    return;
  }
  const partial = request.headers.get("HX-Request") === "true";
  const prefetch = request.headers.get("X-Offline-Prefetch") === "1";
  if (isPage(url) && (request.mode === "navigate" || partial || prefetch)) {
    event.respondWith(networkFirst(event, request, url, partial));
  } else if (request.mode === "navigate") {
    event.respondWith(navigate(request));
  }
});
