/// <reference types="@sveltejs/kit" />
/// <reference no-default-lib="true"/>
/// <reference lib="esnext" />
/// <reference lib="webworker" />
/*
 * Keeps the app shell on the device so a phone on flaky Wi-Fi can reload the page offline and
 * still see (and send, once back) the notes waiting in its outbox. Live data never goes through
 * here: socket.io and the Yjs endpoint are left alone.
 */
import { build, files, version } from '$service-worker';

const sw = self as unknown as ServiceWorkerGlobalScope;
const CACHE = `cocrea-${version}`;
const SHELL = '/join';
const ASSETS = [...build, ...files, SHELL];

sw.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(ASSETS))
      .then(() => sw.skipWaiting()),
  );
});

sw.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
      .then(() => sw.clients.claim()),
  );
});

sw.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== sw.location.origin) return;
  if (url.pathname.startsWith('/socket.io') || url.pathname.startsWith('/yjs')) return;

  if (ASSETS.includes(url.pathname) && request.mode !== 'navigate') {
    event.respondWith(caches.match(url.pathname).then((hit) => hit ?? fetch(request)));
    return;
  }
  if (url.pathname.endsWith('/__data.json')) {
    // A page's server data (the join page's public view), asked for by the client router.
    // Offline, "no data" lets the page start anyway (it then waits for its connection) where a
    // failed fetch would show SvelteKit's error page.
    event.respondWith(
      fetch(request).catch(
        () =>
          new Response('{"type":"data","nodes":[]}', {
            headers: { 'content-type': 'application/json' },
          }),
      ),
    );
    return;
  }
  if (request.mode === 'navigate') {
    // Network first; offline, any page is the same client-rendered shell.
    event.respondWith(
      fetch(request).catch(async () => (await caches.match(SHELL)) ?? Response.error()),
    );
  }
});
