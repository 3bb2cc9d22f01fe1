// The tail of a consumer's service worker (webpack: a classic script; Vite: a module); its head
// is the package README's service worker, which imports `Device` and syncs on Background Sync
// (tests/consumer.test.mjs joins them into src/sw.js). Asked by the page, this part makes an
// identity, enrolls, signs and syncs, all inside the worker.
import init from 'offsign';

self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));
self.addEventListener('message', (event) => {
  event.waitUntil((async () => {
    await init();
    const device = await Device.open({ name: 'consumer-sw' });
    const me = await device.createIdentity({ label: 'In a worker', pin: '482913', kdf: { m: 8192, t: 1, p: 1 } });
    await device.enroll(me.kid, event.data.code);
    const { record } = await device.sign(new TextEncoder().encode('signed in a service worker'), { name: 'sw.txt' });
    const summary = await device.sync();
    event.source.postMessage({ id: record.id, accepted: summary.accepted });
  })().catch((e) => event.source.postMessage({ error: String(e), code: e.code })));
});
