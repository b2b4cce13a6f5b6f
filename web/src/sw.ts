// The service worker of the hosted site: after one visit the page works
// offline. It keeps the app's own files (never a capture: captures are read
// from disk by the page and never fetched). Network first, so a new release
// is picked up at once when online; the cache answers when offline.
// Minimal service-worker types (the project type-checks with the DOM lib only).
interface ExtendableEvent extends Event {
  waitUntil(p: Promise<unknown>): void;
}
interface FetchEvent extends ExtendableEvent {
  request: Request;
  respondWith(r: Response | Promise<Response>): void;
}
interface SWScope {
  location: Location;
  registration: { scope: string };
  clients: { claim(): Promise<void> };
  skipWaiting(): Promise<void>;
  addEventListener(type: "install" | "activate", l: (e: ExtendableEvent) => void): void;
  addEventListener(type: "fetch", l: (e: FetchEvent) => void): void;
}
export {};
const sw = globalThis as unknown as SWScope;

/** VERSION and ASSETS are filled in by build/build.mjs. */
const VERSION = "__PCAPLENS_VERSION__";
const ASSETS: string[] = JSON.parse('__PCAPLENS_ASSETS__') as string[];
const CACHE = `pcaplens-${VERSION}`;

sw.addEventListener("install", (e) => {
  e.waitUntil(
    caches
      .open(CACHE)
      .then((c) => c.addAll(ASSETS))
      .then(() => sw.skipWaiting()),
  );
});

sw.addEventListener("activate", (e) => {
  e.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith("pcaplens-") && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => sw.clients.claim()),
  );
});

sw.addEventListener("fetch", (e) => {
  const req = e.request;
  const url = new URL(req.url);
  if (req.method !== "GET" || url.origin !== sw.location.origin) return;
  const path = url.pathname.slice(new URL(sw.registration.scope).pathname.length) || "./";
  if (!ASSETS.includes(path)) return;
  e.respondWith(
    fetch(req)
      .then((res) => {
        if (res.ok) {
          const copy = res.clone();
          void caches.open(CACHE).then((c) => c.put(req, copy));
        }
        return res;
      })
      .catch(async () => (await caches.match(req, { ignoreSearch: true })) ?? (await caches.match(path)) ?? Response.error()),
  );
});
