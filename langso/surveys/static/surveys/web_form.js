// The fill page (surveys/web_form.html): ODK Web Forms renders the XForm; a submission
// goes to the OpenRosa server with the session and the CSRF token, or waits in the
// browser (IndexedDB, the "outbox") while there is no network, to be sent when it comes
// back and whenever a fill page opens. Sending again is safe: the server answers 202 for
// an instanceID it already has. A service worker (/khao-sat/sw.js) keeps the page for
// use offline; what it keeps is listed by the page (config.offlineUrls).
import { createApp, h } from "vue";
import { OdkWebForm, POST_SUBMIT__NEW_INSTANCE, webFormsPlugin } from "@getodk/web-forms";

const config = JSON.parse(document.getElementById("web-form-config").textContent);
const strings = config.strings;
const element = (id) => document.getElementById(id);

function format(template, values) {
  return template.replace(/%\((\w+)\)s/g, (_match, key) => String(values[key]));
}

function say(text, kind) {
  const status = element("web-form-status");
  status.replaceChildren();
  if (!text) return;
  const message = document.createElement("p");
  message.className = `message ${kind}`;
  message.textContent = text;
  status.append(message);
}

// --- The outbox ----------------------------------------------------------------------
// One store for every form; each entry is one submission of one user, whose FormData is
// kept as [name, value] pairs (File values are stored as they are).

const DB_NAME = "langso-web-form";
const STORE = "outbox";

function request(idbRequest) {
  return new Promise((resolve, reject) => {
    idbRequest.onsuccess = () => resolve(idbRequest.result);
    idbRequest.onerror = () => reject(idbRequest.error);
  });
}

let database = null;
function openOutbox() {
  if (database === null) {
    const opening = indexedDB.open(DB_NAME, 1);
    opening.onupgradeneeded = () => {
      opening.result
        .createObjectStore(STORE, { keyPath: "key", autoIncrement: true })
        .createIndex("user", "user");
    };
    database = request(opening);
  }
  return database;
}

async function outboxStore(mode) {
  return (await openOutbox()).transaction(STORE, mode).objectStore(STORE);
}

async function outboxAdd(formData) {
  const entries = [...formData.entries()];
  const store = await outboxStore("readwrite");
  await request(store.add({ user: config.user, created: Date.now(), entries }));
}

async function outboxList() {
  const store = await outboxStore("readonly");
  return request(store.index("user").getAll(config.user));
}

async function outboxDelete(key) {
  const store = await outboxStore("readwrite");
  await request(store.delete(key));
}

async function showOutbox() {
  const count = (await outboxList()).length;
  const outbox = element("web-form-outbox");
  outbox.textContent = format(strings.outbox, { count });
  outbox.hidden = count === 0;
  return count;
}

// --- Sending -------------------------------------------------------------------------

function csrfToken() {
  // The cookie, read at each send: a page kept offline may hold an older token.
  for (const part of document.cookie.split(";")) {
    const [name, ...value] = part.trim().split("=");
    if (name === config.csrfCookieName) return decodeURIComponent(value.join("="));
  }
  return config.csrfToken;
}

function responseMessage(text) {
  const xml = new DOMParser().parseFromString(text, "text/xml");
  return xml.getElementsByTagNameNS("*", "message")[0]?.textContent?.trim() ?? "";
}

// What became of one send: "sent"; "keep" (no network, signed out, an old CSRF token,
// server down: try again later); "refused" (the server will never take it; it keeps
// what was refused).
async function send(formData) {
  let response;
  try {
    response = await fetch(config.submissionUrl, {
      method: "POST",
      body: formData,
      credentials: "same-origin",
      headers: {
        "X-CSRFToken": csrfToken(),
        "X-OpenRosa-Version": "1.0",
        "X-Requested-With": "XMLHttpRequest",
      },
      signal: AbortSignal.timeout(60000),
    });
  } catch {
    return { outcome: "keep", text: strings.queued };
  }
  const message = responseMessage(await response.text().catch(() => ""));
  if (response.ok) return { outcome: "sent", text: strings.sent };
  if (response.status === 401) return { outcome: "keep", text: strings.signedOut };
  if (response.headers.get("X-CSRF-Refused")) return { outcome: "keep", text: message };
  if (response.status >= 500 || [408, 429].includes(response.status)) {
    return { outcome: "keep", text: format(strings.serverError, { status: response.status }) };
  }
  return {
    outcome: "refused",
    text: format(strings.refused, { message: message || response.statusText }),
  };
}

function toFormData(entries) {
  const formData = new FormData();
  for (const [name, value] of entries) formData.append(name, value);
  return formData;
}

// Send what waits, oldest first, one page at a time (a Web Lock where the browser has
// them); stop at the first that must wait longer.
async function flush() {
  const run = async () => {
    if (!navigator.onLine) return;
    let sent = 0;
    for (const entry of await outboxList()) {
      const result = await send(toFormData(entry.entries));
      if (result.outcome === "keep") {
        say(result.text, "error");
        break;
      }
      await outboxDelete(entry.key);
      if (result.outcome === "sent") sent += 1;
      else say(result.text, "error");
    }
    if (sent > 0) say(format(strings.flushed, { count: sent }), "success");
  };
  try {
    if (navigator.locks) await navigator.locks.request("langso-web-form-outbox", run);
    else await run();
  } finally {
    await showOutbox();
  }
}

async function submit(payload, callback) {
  const formData = payload.data[0];
  if (!navigator.onLine) {
    await outboxAdd(formData);
    say(strings.queued, "error");
  } else {
    say(strings.sending, "info");
    const result = await send(formData);
    if (result.outcome === "refused") {
      // The answers stay on the screen, to be corrected or copied.
      say(result.text, "error");
      callback({});
      return;
    }
    if (result.outcome === "keep") await outboxAdd(formData);
    say(result.text, result.outcome === "sent" ? "success" : "error");
  }
  await showOutbox();
  callback({ next: POST_SUBMIT__NEW_INSTANCE });
  window.scrollTo(0, 0);
}

// --- Offline use -----------------------------------------------------------------------

async function keepOffline() {
  if (!("serviceWorker" in navigator) || !("caches" in window)) return;
  await navigator.serviceWorker.register(config.serviceWorkerUrl, { scope: location.pathname });
  const cache = await caches.open(config.cacheName);
  const urls = new Set([location.pathname, ...config.offlineUrls]);
  // The scripts and styles this page loaded (ODK Web Forms' chunks among them).
  for (const entry of performance.getEntriesByType("resource")) {
    const url = new URL(entry.name);
    if (url.origin === location.origin && url.pathname.startsWith(config.staticUrl)) {
      urls.add(url.pathname);
    }
  }
  const kept = await Promise.all(
    [...urls].map((url) =>
      cache.add(url).then(
        () => true,
        () => false,
      ),
    ),
  );
  if (!navigator.serviceWorker.controller) {
    await new Promise((resolve) =>
      navigator.serviceWorker.addEventListener("controllerchange", resolve, { once: true }),
    );
  }
  if (kept.every(Boolean)) {
    const ready = element("web-form-offline-ready");
    ready.textContent = strings.offlineReady;
    ready.hidden = false;
  }
}

function showConnection() {
  const notice = element("web-form-connection");
  notice.textContent = strings.offline;
  notice.hidden = navigator.onLine;
}

// --- The form --------------------------------------------------------------------------

async function fetchFormAttachment(url) {
  // jr://file/nha.png, jr://images/nha.png, jr://file-csv/households.csv: by file name.
  const name = decodeURIComponent(String(url.href ?? url).split("/").pop());
  const target = config.media[name];
  if (!target) return new Response("", { status: 404 });
  return fetch(target, { credentials: "same-origin" });
}

async function mountForm() {
  const container = element("web-form");
  let formXml;
  try {
    const response = await fetch(config.formUrl, { credentials: "same-origin" });
    if (!response.ok) throw new Error(String(response.status));
    formXml = await response.text();
  } catch {
    container.replaceChildren();
    say(strings.loadFailed, "error");
    return false;
  }
  container.replaceChildren();
  const app = createApp({
    render: () => h(OdkWebForm, { formXml, fetchFormAttachment, onSubmit: submit }),
  });
  app.use(webFormsPlugin);
  app.mount(container);
  return true;
}

window.addEventListener("online", () => {
  showConnection();
  flush();
});
window.addEventListener("offline", showConnection);
// A submission may have waited since a short loss of network that no event told of.
setInterval(() => {
  if (navigator.onLine) outboxList().then((entries) => entries.length && flush());
}, 60000);

showConnection();
flush();
if (await mountForm()) {
  keepOffline().catch((error) => console.warn("Làng Số: not kept for offline use", error));
}
