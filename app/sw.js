// Chafang's service worker. `cargo xtask` fills in the cache name and the precache list (the
// field bundle's SPA shell as "/", the hashed JS, wasm and CSS, the manifest and the icons). This file itself
// must be served with `Cache-Control: no-cache` so that browsers see new versions.
'use strict';

const CACHE = '__CACHE_NAME__';
const PRECACHE = __PRECACHE__;

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    // Hashed assets never change under their name: the copy the page just loaded into the
    // HTTP cache will do, so the first visit does not download them twice. The rest (the
    // shell, the manifest, the icons) is revalidated so that the shell matches its assets.
    const hashed = /-[0-9a-f]{16}(_bg)?\.(js|wasm|css)$/;
    await cache.addAll(PRECACHE.map((url) => new Request(url, { cache: hashed.test(url) ? 'default' : 'no-cache' })));
    // The very first install has no page to disturb: take over at once. An update waits until
    // the page asks (SKIP_WAITING), because a form may be open.
    if (!self.registration.active) {
      await self.skipWaiting();
    }
  })());
});

self.addEventListener('message', (event) => {
  if (event.data && event.data.type === 'SKIP_WAITING') {
    self.skipWaiting();
  }
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    const names = await caches.keys();
    await Promise.all(
      names
        .filter((name) => name.startsWith('chafang-') && name !== CACHE)
        .map((name) => caches.delete(name)),
    );
    await self.clients.claim();
  })());
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  // The API always goes to the network: its answers are never cached here.
  if (url.pathname.startsWith('/api/')) return;

  // The public's pages (complaints, ballots) are the citizen bundle (`citizen.html`): straight
  // from the network, never the field shell, never cached here.
  if (/^\/(complaint|ballot)(\/|$)/.test(url.pathname)) return;

  // The office's and the units' pages are the staff bundle (`staff.html`), not precached: they
  // come from the network, and the last copy is kept for when it is gone. Their hashed assets
  // stay in the HTTP cache (immutable).
  if (request.mode === 'navigate' && /^\/(office|unit)(\/|$)/.test(url.pathname)) {
    event.respondWith((async () => {
      const cache = await caches.open(CACHE);
      try {
        const response = await fetch(request);
        if (response.ok) await cache.put('/staff.html', response.clone());
        return response;
      } catch (error) {
        // Never opened online: the field shell says that this page needs a connection.
        return (await cache.match('/staff.html')) || (await cache.match('/')) || Response.error();
      }
    })());
    return;
  }

  if (request.mode === 'navigate') {
    // The shell from the cache first: in the field a network that is there but barely
    // (one bar, a captive portal) would otherwise hold every page open until it times out.
    // A new deployment arrives through the service worker update and the "new version" bar.
    event.respondWith((async () => {
      const cache = await caches.open(CACHE);
      return (await cache.match('/')) || fetch(request);
    })());
    return;
  }

  if (PRECACHE.includes(url.pathname)) {
    event.respondWith((async () => {
      const cache = await caches.open(CACHE);
      return (await cache.match(request)) || fetch(request);
    })());
  }
});
