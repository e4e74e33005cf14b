// Service worker of the fill pages (/khao-sat/bieu-mau/<pk>/dien/), each registering it
// with its own URL as scope. The page puts itself, its form, its media and the scripts
// it needs in the cache while online; this worker answers from that cache when the
// network fails. Pages and forms: network first, so a new version or a lost right shows
// at once. Static files: the cache first, refreshed behind.
"use strict";

const CACHE = "{{ cache_name|escapejs }}";
const STATIC_URL = new URL("{{ static_url|escapejs }}", self.location.origin).href;

self.addEventListener("install", () => self.skipWaiting());

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith("langso-web-form") && name !== CACHE) await caches.delete(name);
      }
      await self.clients.claim();
    })(),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET" || new URL(request.url).origin !== self.location.origin) return;
  event.respondWith(request.url.startsWith(STATIC_URL) ? cacheFirst(event) : networkFirst(request));
});

async function cacheFirst(event) {
  const cache = await caches.open(CACHE);
  const cached = await cache.match(event.request, { ignoreVary: true });
  const refresh = fetch(event.request).then(async (response) => {
    if (response.ok) await cache.put(event.request, response.clone());
    return response;
  });
  if (cached) {
    event.waitUntil(refresh.catch(() => undefined));
    return cached;
  }
  return refresh;
}

async function networkFirst(request) {
  const cache = await caches.open(CACHE);
  let response;
  try {
    response = await fetch(request);
  } catch (error) {
    const cached = await cache.match(request, { ignoreVary: true });
    if (cached) return cached;
    throw error;
  }
  // Only what a page chose to keep is refreshed; what the user may no longer see (a
  // redirect to sign in, 403, 404) is dropped.
  if (await cache.match(request.url, { ignoreVary: true })) {
    const lost =
      response.redirected ||
      response.type === "opaqueredirect" ||
      [401, 403, 404].includes(response.status);
    if (lost) {
      await cache.delete(request.url, { ignoreVary: true });
    } else if (response.ok) {
      await cache.put(request.url, response.clone());
    }
  }
  return response;
}
