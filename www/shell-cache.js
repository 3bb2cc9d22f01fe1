// What both service workers (the app's, /sw.js, and the verify page's, /verify/sw.js) do with
// their cache: fill it with their files when a build installs, drop their older builds' caches
// when it takes over, and answer from it.
import { BUILD } from './build.js';

/**
 * Keeps `files` in the cache `${prefix}${BUILD}`. Files are revalidated rather than reloaded on
 * install: what the page has just downloaded comes back as a 304. Returns `fromCache(request,
 * fallback)`, the cached answer to `request`, else `fallback()`'s, else the network's.
 */
export function keepShell(prefix, files) {
  const name = `${prefix}${BUILD}`;
  self.addEventListener('install', (event) => {
    event.waitUntil(caches.open(name).then((cache) => cache.addAll(files.map((url) => new Request(url, { cache: 'no-cache' })))));
  });
  self.addEventListener('activate', (event) => {
    event.waitUntil((async () => {
      for (const old of await caches.keys()) {
        if (old.startsWith(prefix) && old !== name) await caches.delete(old);
      }
      await self.clients.claim();
    })());
  });
  return async (request, fallback = async () => undefined) => {
    const cache = await caches.open(name);
    return (await cache.match(request, { ignoreSearch: true })) ?? (await fallback(cache)) ?? fetch(request);
  };
}
