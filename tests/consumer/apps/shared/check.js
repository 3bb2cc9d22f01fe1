// What every consumer app does with the installed package, in the page that loads it: make an
// identity, enroll with the server, sign, verify, store, sync. The result lands in
// `window.result` for the test to read.
import init, { Device, verifyRecord, version } from 'offsign';

export async function check(code) {
  await init();
  const device = await Device.open({ name: `consumer-${Math.random()}` });
  const me = await device.createIdentity({ label: 'Consumer', pin: '482913', kdf: { m: 8192, t: 1, p: 1 } });
  await device.enroll(me.kid, code);
  const { jws, record } = await device.sign(new TextEncoder().encode('hello from a bundled app'), { name: 'hello.txt', type: 'text/plain' });
  const payload = verifyRecord(jws, me.publicJwk);
  const stored = await device.records(me.kid);
  const summary = await device.sync();
  const [after] = await device.records(me.kid);
  return { version: version(), verified: payload.id === record.id, stored: stored.length, accepted: summary.accepted, state: after.state };
}

export function report(promise) {
  promise.then((result) => { window.result = result; }, (e) => { window.result = { error: String(e), code: e.code }; });
}
