// The verify page's own service worker (scope /verify/): keeps the page, its script and the
// `offsign/verify` wasm in a cache named after the build, so that the page opens and checks
// bundles with no network. Apart from the app's worker, so that a stranger who only verifies
// never downloads the signing app, and a worker's phone does not carry the verifier unasked.
import { keepShell } from '/shell-cache.js';

const PAGE = [
  '/verify/', '/verify/verify.js', '/ui.js', '/style.css', '/icon.svg', '/build.js', '/shell-cache.js',
  '/pkg/verify.js', '/pkg/offsign_verify.js', '/pkg/offsign_verify_bg.wasm', '/pkg/errors.js',
];

const fromCache = keepShell('offsign-verify-', PAGE);

// A new build takes over at once: the page holds nothing that a reload could lose.
self.addEventListener('install', () => self.skipWaiting());

// The page from the cache, then the network; the API (the authority key) always from the network.
self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== 'GET' || url.origin !== self.location.origin || url.pathname.startsWith('/v1/')) return;
  event.respondWith(fromCache(event.request));
});
