// The app's service worker: keeps the app shell, the wasm and its glue in a cache named after
// the build, serves them offline, and sends the outbox when Background Sync wakes it.
// A new build installs beside the running one and waits: the page offers "Update available —
// reload" and only then is the new code switched in, never under a worker mid-signature.
import { Device } from '/pkg/offsign.js';
import { keepShell } from './shell-cache.js';

const SHELL = [
  '/', '/index.html', '/shell-cache.js', '/app.js', '/ui.js', '/pad.js', '/forms.js', '/keep.js', '/sending.js', '/signing.js', '/outbox.js', '/health.js', '/style.css', '/build.js', '/manifest.webmanifest',
  '/i18n.js', '/languages.js', '/practice.js', '/vendor/fluent.js', '/locales/en.ftl',
  '/icon.svg', '/icons/icon-192.png', '/icons/icon-512.png', '/icons/maskable-512.png', '/icons/apple-touch-icon.png',
  '/pkg/offsign.js', '/pkg/offsign_core.js',
  '/pkg/device.js', '/pkg/device_host.js', '/pkg/device_worker.js', '/pkg/errors.js', '/pkg/error_table.js', '/pkg/offsign_device.js', '/pkg/offsign_device_bg.wasm',
];

const fromCache = keepShell('offsign-app-', SHELL);

self.addEventListener('message', (event) => {
  if (event.data === 'skip-waiting') self.skipWaiting();
});

// Other languages' catalogs, and the primitives' wasm that only practice mode loads in the page,
// are fetched when first used, and kept with the shell from then on.
const ON_FIRST_USE = /^\/locales\/[a-z]{2}\.ftl$|^\/pkg\/offsign_core_bg\.wasm$/;

// The shell from the cache (it is versioned as a whole); the API always from the network.
self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  // The verify page (/verify/) has a worker of its own.
  if (event.request.method !== 'GET' || url.origin !== self.location.origin || url.pathname.startsWith('/v1/')
    || url.pathname === '/verify' || url.pathname.startsWith('/verify/')) return;
  // A page the shell does not have is the app's (its screens are in the URL's fragment).
  event.respondWith(fromCache(event.request, async (cache) => {
    if (event.request.mode === 'navigate') return cache.match('/index.html');
    if (!ON_FIRST_USE.test(url.pathname)) return undefined;
    const response = await fetch(event.request);
    // Kept for next time when it can be (a full disk keeps nothing, and costs this load nothing).
    if (response.ok) event.waitUntil(cache.put(event.request, response.clone()).catch(() => {}));
    return response;
  }));
});

// Here, with no page to protect, the Device runs in the service worker itself.
self.addEventListener('sync', (event) => {
  if (event.tag !== 'offsign-sync') return;
  event.waitUntil((async () => {
    // The app asks for this after every signature; while it is open it sends by itself, so
    // this waits a little for it rather than race it for the sync lock (the worker's Device
    // starts slower than the page's). What the page has sent by then is not sent again.
    if ((await self.clients.matchAll({ type: 'window' })).length) await new Promise((resolve) => setTimeout(resolve, 3_000));
    const summary = await (await Device.open()).sync();
    for (const client of await self.clients.matchAll({ includeUncontrolled: true })) client.postMessage({ synced: summary });
  })());
});
