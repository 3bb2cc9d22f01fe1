// The Device in its own realm (issue 14), in Chromium, Firefox ESR and WebKitGTK: a page's Device
// runs in a dedicated worker, so a script that arrives in the page after unlock finds no wasm
// memory holding the Device's key or records (by every route a page script has: globals, the
// package's modules and their init functions, the proxy object), and the page keeps drawing
// frames while the worker runs Argon2id or imports 10,000 records.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES_AND_WEBKIT, openOffsignPage } from './support/browser.mjs';

const PIN = '482913';
const FAST_KDF = { m: 8192, t: 1, p: 1 };

/** In the page: an unlocked, enrolled identity on device `name` (set as `window.device`). */
async function enrolledDevice(page, name, kdf) {
  return page.evaluate(async ({ name, pin, kdf }) => {
    const { enrolledDevice } = await import('/tests/pages/enrolled-device.mjs');
    const { device, kid, publicJwk } = await enrolledDevice(window.offsign.Device, name, { pin, kdf });
    window.device = device;
    return { kid, x: publicJwk.x };
  }, { name, pin: PIN, kdf });
}

/**
 * The injected script: walks everything a page script can reach (globals, each module of the
 * package and what its init function returns, the proxy and its prototype chain) and returns,
 * for each needle, whether any reachable WebAssembly memory holds its bytes, with the count of
 * memories and instances found.
 */
async function injectedSearch({ needles }) {
  const memories = new Set();
  let instances = 0;
  const seen = new WeakSet();
  const walk = (value, depth) => {
    if (value === null || (typeof value !== 'object' && typeof value !== 'function') || seen.has(value) || depth > 8) return;
    seen.add(value);
    if (value instanceof WebAssembly.Memory) memories.add(value);
    if (value instanceof WebAssembly.Instance) { instances += 1; walk(value.exports, depth + 1); }
    let keys = [];
    try { keys = Reflect.ownKeys(value); } catch { return; }
    for (const key of keys) {
      let descriptor;
      try { descriptor = Object.getOwnPropertyDescriptor(value, key); } catch { continue; }
      // Values only: a getter of the proxy gives a key id at most, and the platform's
      // getters called on their prototypes only throw.
      if (descriptor && 'value' in descriptor) walk(descriptor.value, depth + 1);
    }
    walk(Object.getPrototypeOf(value), depth + 1);
  };
  walk(globalThis, 0);
  walk(window.device, 0);
  for (const name of ['offsign.js', 'offsign_core.js', 'offsign_device.js', 'device.js', 'device_host.js']) {
    const module = await import(`/pkg/${name}`);
    walk(module, 0);
    // What an init function hands back: the exports (and memory) of the instance it made,
    // or of the one it made before.
    if (typeof module.default === 'function') walk(await module.default(), 0);
  }
  const decode = (base64url) => Uint8Array.from(atob(base64url.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));
  const holds = (haystack, needle) => {
    outer: for (let i = haystack.indexOf(needle[0]); i !== -1 && i <= haystack.length - needle.length; i = haystack.indexOf(needle[0], i + 1)) {
      for (let j = 1; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
      return true;
    }
    return false;
  };
  const found = {};
  for (const [what, needle] of Object.entries(needles)) {
    const bytes = needle.base64url ? decode(needle.base64url) : new TextEncoder().encode(needle.text);
    found[what] = [...memories].some((memory) => holds(new Uint8Array(memory.buffer), bytes));
  }
  return { found, memories: memories.size, instances };
}

for (const engine of ENGINES_AND_WEBKIT) {
  test(`${engine}: a script injected after unlock reaches no wasm memory of the Device`, { timeout: 180_000 }, async () => {
    const ctx = await openOffsignPage(engine);
    try {
      const { page } = ctx;
      const { x } = await enrolledDevice(page, 'realm-isolation', FAST_KDF);
      const marker = `realm-marker-${Math.random().toString(36).slice(2)}`;
      const control = `control-marker-${Math.random().toString(36).slice(2)}`;
      const signed = await page.evaluate(async ({ marker, control }) => {
        const { record } = await window.device.sign(new TextEncoder().encode(`${marker} document`), { name: marker });
        // The search's own check: a memory the page made and holds, with a marker in it.
        window.someonesMemory = new WebAssembly.Memory({ initial: 1 });
        new Uint8Array(window.someonesMemory.buffer).set(new TextEncoder().encode(control), 4096);
        return { name: record.name ?? record.doc?.name, unlocked: window.device.unlocked };
      }, { marker, control });
      assert.ok(signed.unlocked, 'the identity is unlocked while the script runs');
      const r = await page.evaluate(injectedSearch, {
        needles: { control: { text: control }, record: { text: marker }, publicKey: { base64url: x } },
      });
      assert.equal(r.found.control, true, `the search finds a marker in a memory the page holds: ${JSON.stringify(r)}`);
      assert.ok(r.memories >= 2, `the page's own memories are found (the control and the primitives'): ${JSON.stringify(r)}`);
      assert.equal(r.found.record, false, 'no memory reachable from the page holds the signed record');
      assert.equal(r.found.publicKey, false, "no memory reachable from the page holds the Device's key");
      const proxy = await page.evaluate(() => ({
        own: Reflect.ownKeys(window.device).map(String),
        keys: Object.keys(window.device),
        json: JSON.stringify(window.device),
      }));
      assert.deepEqual(proxy, { own: [], keys: [], json: '{}' }, 'the proxy shows nothing of its port');
      assert.deepEqual(ctx.errors.map(String), []);
    } finally {
      await ctx.close();
    }
  });

  test(`${engine}: the page keeps drawing frames while the Device unlocks and imports 10,000 records, and hears the import's progress`, { timeout: 300_000 }, async () => {
    const ctx = await openOffsignPage(engine);
    try {
      const { page } = ctx;
      const { kid } = await enrolledDevice(page, 'realm-frames', undefined); // the default Argon2id cost
      const r = await page.evaluate(async ({ kid, pin, kdf }) => {
        const device = window.device;
        const doc = new TextEncoder().encode('delivery receipt');
        for (let n = 0; n < 10_000; n += 1000) await device.signMany(Array.from({ length: 1000 }, () => ({ doc, name: 'r.json' })));
        const backup = await device.exportBackup('correct horse battery staple', { kdf });
        const fresh = await window.offsign.Device.open({ name: 'realm-frames-import' });
        /** Runs `work` while counting frames and the longest gap between two of them. */
        const watched = async (work) => {
          const longTasks = [];
          const observer = PerformanceObserver.supportedEntryTypes?.includes('longtask')
            ? new PerformanceObserver((list) => longTasks.push(...list.getEntries().map((e) => e.duration)))
            : undefined;
          observer?.observe({ type: 'longtask' });
          let frames = 0;
          let longestGap = 0;
          let last = performance.now();
          let running = true;
          const frame = (now) => {
            longestGap = Math.max(longestGap, now - last);
            last = now;
            frames += 1;
            if (running) requestAnimationFrame(frame);
          };
          requestAnimationFrame(frame);
          const started = performance.now();
          const value = await work();
          const ms = performance.now() - started;
          running = false;
          await new Promise((resolve) => setTimeout(resolve, 50));
          observer?.disconnect();
          return { value, ms, frames, longestGap, longTasks: observer ? longTasks : null };
        };
        device.lock();
        const unlock = await watched(() => device.unlock(kid, pin));
        const progress = [];
        const imported = await watched(() => fresh.importBackup(backup, 'correct horse battery staple', {
          onProgress: (verified, total) => progress.push([verified, total, performance.now()]),
        }));
        const resolvedAt = performance.now();
        return { unlock, imported, backupBytes: backup.length, progress: progress.map(([v, t]) => [v, t]), firstProgressAhead: progress.length ? resolvedAt - progress[0][2] : null };
      }, { kid, pin: PIN, kdf: FAST_KDF });
      for (const [what, run] of Object.entries({ unlock: r.unlock, imported: r.imported })) {
        const seen = JSON.stringify({ ...run, value: undefined });
        // Frames kept coming: about one each 16 ms; a blocked main thread draws none.
        assert.ok(run.frames >= Math.floor(run.ms / 100), `${what}: frames kept coming: ${seen}`);
        // A Device on the page's thread makes one task of the whole unlock (0.5-1 s here) or
        // import (about 2 s). In the worker the page's longest task was 51-57 ms with the
        // machine's two cores busy with other tests, 0 over 50 ms otherwise: the benchmark
        // reports the count over 50 ms; this test allows 200 ms so as not to fail on a busy
        // machine while still failing any Device that runs on the page's thread.
        if (run.longTasks) assert.deepEqual(run.longTasks.filter((ms) => ms > 200), [], `${what}: no long task on the main thread: ${seen}, backup ${r.backupBytes} B`);
      }
      assert.ok(r.unlock.ms > 100, `unlock ran the default Argon2id, long enough to watch: ${r.unlock.ms} ms`);
      assert.equal(r.imported.value.recordsAdded, 10_000);
      // Progress crosses from the worker while the import runs: every 500 records, then the end.
      assert.deepEqual(r.progress, [...Array.from({ length: 20 }, (_, i) => [(i + 1) * 500, 10_000]), [10_000, 10_000]]);
      assert.ok(r.firstProgressAhead > 100, `the first progress came while the import ran: ${r.firstProgressAhead} ms before its end`);
      assert.deepEqual(ctx.errors.map(String), []);
    } finally {
      await ctx.close();
    }
  });
}

test('an app running in a dedicated worker opens the Device in that worker, with the same API', { timeout: 120_000 }, async () => {
  const ctx = await openOffsignPage('chromium');
  try {
    const r = await ctx.page.evaluate(async ({ pin, kdf }) => {
      // The app's own worker: it imports the package and opens a Device; no page is involved.
      const source = `
        import init, { Device, Authority } from '${location.origin}/pkg/offsign.js';
        onmessage = async () => {
          try {
            await init();
            const device = await Device.open({ name: 'app-in-a-worker' });
            const me = await device.createIdentity({ label: 'Worker', pin: ${JSON.stringify(pin)}, kdf: ${JSON.stringify(kdf)} });
            const ca = Authority.generate('Worker Authority');
            const now = Date.now();
            await device.setCredentials(me.kid, {
              authority: ca.publicJwk,
              certificate: ca.issueCertificate('w-1', 'worker', me.publicJwk, now - 60_000, now + 86_400_000),
              revocationList: ca.issueRevocationList([], now, now + 86_400_000),
            });
            const unlockedAfterCreate = device.unlocked;
            const signed = await device.sign(new TextEncoder().encode('signed in a worker'), { name: 'w.txt' });
            const wrong = await device.unlock(me.kid, '000000').then(() => 'resolved', (e) => ({ name: e.name, code: e.code, remedy: typeof e.remedy }));
            const stored = (await device.records(me.kid)).map((x) => x.seq);
            postMessage({ kid: me.kid, storagePersisted: me.storagePersisted, unlockedAfterCreate, seq: signed.record.seq, wrong, unlockedAfterWrong: device.unlocked ?? null, stored, nestedWorkers: typeof Worker });
          } catch (e) {
            postMessage({ error: String(e) });
          }
        };`;
      const url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
      const worker = new Worker(url, { type: 'module' });
      const answer = new Promise((resolve) => { worker.onmessage = (e) => resolve(e.data); worker.onerror = (e) => resolve({ error: e.message }); });
      worker.postMessage('go');
      const result = await answer;
      worker.terminate();
      return result;
    }, { pin: PIN, kdf: FAST_KDF });
    assert.equal(r.error, undefined, r.error);
    assert.equal(r.unlockedAfterCreate, r.kid, 'createIdentity leaves the identity unlocked');
    assert.equal(r.storagePersisted, null, 'persist() exists only in a page: the worker cannot say');
    assert.equal(r.seq, 1);
    assert.deepEqual(r.wrong, { name: 'OffsignError', code: 'wrong_pin', remedy: 'string' });
    assert.equal(r.unlockedAfterWrong, null, 'a failed unlock leaves nothing unlocked');
    assert.deepEqual(r.stored, [1]);
  } finally {
    await ctx.close();
  }
});

test('through the proxy, lock() wins over an unlock still running, and reading the outbox does not keep a key unlocked', { timeout: 120_000 }, async () => {
  const ctx = await openOffsignPage('chromium');
  try {
    const r = await ctx.page.evaluate(async ({ pin, kdf }) => {
      const { Device } = window.offsign;
      const code = (p) => p.then(() => 'resolved', (e) => e.code);
      const device = await Device.open({ name: `lock-race-${Math.random()}` });
      const { kid } = await device.createIdentity({ label: 'Race', pin, kdf });
      device.lock();
      // The worker reaches the unlock's first IndexedDB wait before the lock arrives.
      const unlocking = device.unlock(kid, pin);
      device.lock();
      const unlock = await code(unlocking);
      const afterRace = { unlocked: device.unlocked ?? null, identities: (await device.identities()).length, stillLocked: device.unlocked ?? null };
      const sign = await code(device.sign(new TextEncoder().encode('after the race')));

      // A short idle time; the app keeps reading (as an outbox screen or autoSync would): only
      // a use of the key puts the idle lock off.
      const idle = await Device.open({ name: `idle-read-${Math.random()}`, idleLockMinutes: 0.01 }); // 600 ms
      const idleLocked = new Promise((resolve) => { idle.onidlelock = resolve; });
      const made = await idle.createIdentity({ label: 'Idle', pin, kdf });
      let reads = 0;
      let locked;
      idleLocked.then((kid) => { locked = kid; });
      const until = performance.now() + 5_000;
      while (locked === undefined && performance.now() < until) {
        await idle.records(made.kid);
        await idle.identities();
        reads += 1;
      }
      return { unlock, afterRace, sign, idleLockedKid: locked ?? null, madeKid: made.kid, reads, idleUnlocked: idle.unlocked ?? null };
    }, { pin: PIN, kdf: FAST_KDF });
    assert.equal(r.unlock, 'resolved', 'the PIN was right');
    assert.deepEqual(r.afterRace, { unlocked: null, identities: 1, stillLocked: null }, 'the lock that came during the unlock wins');
    assert.equal(r.sign, 'identity_locked');
    assert.equal(r.idleLockedKid, r.madeKid, `the idle lock came although the app kept reading (${r.reads} reads)`);
    assert.equal(r.idleUnlocked, null);
  } finally {
    await ctx.close();
  }
});

test("the Device's worker answers hostile messages with errors and goes on serving: junk, unknown methods, a second open, forged callbacks, wrong argument types", { timeout: 120_000 }, async () => {
  const ctx = await openOffsignPage('chromium');
  try {
    const r = await ctx.page.evaluate(async ({ pin, kdf }) => {
      // The page plays a proxy that lies: it talks to the worker the package ships, directly.
      const worker = new Worker('/pkg/device_worker.js', { type: 'module' });
      const replies = [];
      const waiting = new Map();
      worker.onmessage = ({ data }) => {
        replies.push(data);
        if (data?.callback === undefined) waiting.get(data?.id)?.(data);
      };
      let next = 100;
      const ask = (method, args, id = next++) => new Promise((resolve) => {
        waiting.set(id, resolve);
        worker.postMessage({ id, method, args });
      });
      const error = ({ error, unlocked }) => (error ? { name: error.name, code: error.code ?? null, message: error.message, unlocked: unlocked ?? null } : 'answered');
      // No answer is owed to a message without an integer id; none may break the worker.
      for (const junk of [null, 42, 'open', [], {}, { method: 'open' }, { id: '1', method: 'open' }, { id: 1.5, method: 'open' }, { id: Number.NaN }, new Uint8Array(64), { id: { valueOf: 1 } }]) {
        worker.postMessage(junk);
      }
      const beforeOpen = {
        sign: error(await ask('sign', [new Uint8Array(4)])),
        free: error(await ask('free', [])),
      };
      const opened = await ask('open', [{ name: `hostile-${Math.random()}` }, 'extra', 'arguments']);
      const refused = [];
      for (const [what, method, args] of [
        ['open twice', 'open', [{ name: 'another' }]],
        ['constructor', 'constructor', []],
        ['__proto__', '__proto__', []],
        ['toString', 'toString', []],
        ['the unlocked getter', 'unlocked', []],
        ['wasm-bindgen internals', '__wbg_ptr', []],
        ['a 100,000-character name', 'x'.repeat(100_000), []],
        ['a method that is not a string', { toString: 'sign' }, []],
        ['arguments not an array', 'identities', { 0: 'a' }],
        ['sign with a forged callback', 'sign', [new Uint8Array(8), { onProgress: { offsignCallback: 7 } }]],
        ['sign while locked', 'sign', [new Uint8Array(8), { name: 'locked.txt' }]],
        ['a PIN that is an object', 'createIdentity', [{ label: 'x', pin: { length: 6 }, kdf }]],
        ['a backup of junk with a forged callback', 'importBackup', [new Uint8Array(100), 'passphrase', { onProgress: { offsignCallback: 'x' } }]],
      ]) refused.push([what, error(await ask(method, args))]);
      // Then the same worker serves a Device as the package's proxy would.
      const created = await ask('createIdentity', [{ label: 'After the junk', pin, kdf }]);
      const ca = window.offsign.Authority.generate('Hostile Test Authority');
      const now = Date.now();
      await ask('setCredentials', [created.value?.kid, {
        authority: ca.publicJwk,
        certificate: ca.issueCertificate('h-1', 'junk', created.value?.publicJwk, now - 60_000, now + 86_400_000),
        revocationList: ca.issueRevocationList([], now, now + 86_400_000),
      }]);
      const signed = await ask('sign', [new TextEncoder().encode('still serving'), { name: 'ok.txt' }]);
      const unforged = replies.filter((m) => m?.callback !== undefined).length;
      await ask('lock', []);
      const locked = await ask('identities', []);
      worker.postMessage({ id: next++, method: 'free', args: [] });
      const afterFree = error(await ask('identities', []));
      worker.terminate();
      return {
        beforeOpen, opened: error(opened), refused, unforged,
        created: error(created), kid: created.value?.kid, unlockedAfterCreate: created.unlocked,
        signedSeq: signed.value?.record?.seq ?? signed.error, signedUnlocked: signed.unlocked,
        lockedUnlocked: locked.unlocked ?? null, identities: locked.value?.length, afterFree,
        unanswered: replies.filter((m) => !Number.isInteger(m?.id) && m?.idleLocked === undefined).length,
      };
    }, { pin: PIN, kdf: FAST_KDF });
    for (const [what, answer] of Object.entries(r.beforeOpen)) {
      assert.deepEqual([answer.name, answer.message], ['TypeError', 'the Device is not open'], what);
    }
    assert.equal(r.opened, 'answered');
    // (A Map: the name `__proto__` is a case.)
    const refusals = new Map(r.refused);
    assert.match(refusals.get('open twice').message, /already serves a Device/);
    for (const what of ['constructor', '__proto__', 'toString', 'the unlocked getter', 'wasm-bindgen internals', 'a method that is not a string']) {
      assert.equal(refusals.get(what).name, 'TypeError', what);
      assert.match(refusals.get(what).message, /^Device has no method /, what);
    }
    assert.ok(refusals.get('a 100,000-character name').message.length < 80, 'the echoed name is cut short');
    assert.match(refusals.get('arguments not an array').message, /not an array/);
    assert.match(refusals.get('sign with a forged callback').message, /^options\.onProgress is not an option/);
    assert.equal(refusals.get('sign while locked').code, 'identity_locked');
    assert.equal(refusals.get('a PIN that is an object').code, 'malformed_input');
    assert.match(refusals.get('a backup of junk with a forged callback').message, /^options\.onProgress must be a function/);
    assert.equal(r.unforged, 0, 'no callback message for a function nobody sent');
    assert.equal(r.created, 'answered');
    assert.equal(r.unlockedAfterCreate, r.kid);
    assert.equal(r.signedSeq, 1, 'the worker still signs after the junk');
    assert.equal(r.signedUnlocked, r.kid);
    assert.deepEqual([r.lockedUnlocked, r.identities], [null, 1]);
    assert.equal(r.afterFree.message, 'the Device is not open', 'free() ends the Device');
    assert.equal(r.unanswered, 0, 'every reply names the request it answers');
  } finally {
    await ctx.close();
  }
});
