// Server benchmarks (not tests): ingestion of 500-record batches by a release offsign-server
// on loopback with its SQLite file, from one and from two concurrent clients; and a browser
// draining an outbox of 10,000 records with Device.sync(). Records are signed beforehand by
// the wasm package running in Node, under certificates the server issued.
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { ROOT, CHROMIUM_ARGS } from '../support/browser.mjs';
import { startServer } from '../support/server.mjs';
import init, { Identity } from '../../pkg/offsign.js';

const BIN = path.join(ROOT, 'target/release/offsign-server');
const percentile = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))];

async function post(url, body) {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!response.ok) throw new Error(`HTTP ${response.status}: ${await response.text()}`);
  return response.json();
}

/** `workers` enrolled identities on `server`, each with `perWorker` chained records in batches of 500. */
export async function signedBatches(server, workers, perWorker) {
  const lanes = [];
  for (let w = 0; w < workers; w++) {
    const { code } = server.admin('enroll', '--worker', `bench-${w}`);
    const me = Identity.generate();
    const { challenge } = await (await fetch(`${server.url}/v1/enroll`)).json();
    const credentials = await post(`${server.url}/v1/enroll`, { code, jwk: me.publicJwk, proof: me.enrollmentProof(code, challenge) });
    let chain;
    const batches = [];
    for (let i = 0; i < perWorker; i += 500) {
      const batch = [];
      for (let j = i; j < Math.min(perWorker, i + 500); j++) {
        const signed = me.sign(new TextEncoder().encode(`delivery ${w}-${j}`), { credentials, chain, name: `receipt-${j}.pdf`, claims: { ref: `DN-${j}` } });
        chain = signed.chain;
        batch.push(signed.jws);
      }
      batches.push(batch);
    }
    lanes.push(batches);
  }
  return lanes;
}

/**
 * Sends every lane's batches in order, lanes concurrently, lane i to `servers[i]` (of several
 * instances) or to `servers` (one); returns records/s and batch latencies.
 */
export async function ingest(servers, lanes) {
  const latencies = [];
  let records = 0;
  const started = performance.now();
  await Promise.all(lanes.map(async (batches, lane) => {
    const server = Array.isArray(servers) ? servers[lane % servers.length] : servers;
    for (const batch of batches) {
      const t0 = performance.now();
      const { verdicts } = await post(`${server.url}/v1/records`, { records: batch });
      latencies.push(performance.now() - t0);
      const accepted = verdicts.filter((v) => v.verdict === 'accepted').length;
      if (accepted !== batch.length) throw new Error(`only ${accepted} of ${batch.length} accepted`);
      records += accepted;
    }
  }));
  const seconds = (performance.now() - started) / 1000;
  return { records, perSecond: records / seconds, p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99) };
}

/** Ingestion into `server` (running): 4 workers' 6,000 records each, one client. */
export async function ingestInto(server) {
  return ingest(server, [(await signedBatches(server, 4, 6_000)).flat()]);
}

async function ingestion(clients) {
  const server = await startServer(['--rate-limit', '0'], { bin: BIN });
  try {
    const lanes = await signedBatches(server, 4, 6_000);
    const grouped = Array.from({ length: clients }, (_, c) => lanes.filter((_, i) => i % clients === c).flat());
    return await ingest(server, grouped);
  } finally {
    await server.stop();
  }
}

/**
 * A release server and a browser (profile on disk) whose page holds an enrolled device with
 * 10,000 pending records as `window.drainDevice`; `close()` ends both.
 */
export async function outboxOf10000() {
  const server = await startServer(['--rate-limit', '0'], { bin: BIN });
  const profile = mkdtempSync(path.join(tmpdir(), 'offsign-drain-'));
  const browser = await chromium.launchPersistentContext(profile, { executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
  const close = async () => {
    await browser.close();
    rmSync(profile, { recursive: true, force: true });
    await server.stop();
  };
  try {
    const { code } = server.admin('enroll', '--worker', 'drain');
    const page = await browser.newPage();
    await page.goto(server.url + '/');
    await page.evaluate(async (code) => {
      const { default: init, Device } = await import('/pkg/offsign.js');
      await init();
      const device = window.drainDevice = await Device.open({ name: 'drain' });
      const me = await device.createIdentity({ label: 'Drain', pin: '482913', kdf: { m: 8192, t: 1, p: 1 } });
      await device.enroll(me.kid, code);
      for (let i = 0; i < 20; i++) {
        await device.signMany(Array.from({ length: 500 }, (_, j) => ({ doc: new TextEncoder().encode(`doc ${i}-${j}`), name: `receipt-${j}.pdf` })));
      }
    }, code);
    return { page, close };
  } catch (e) {
    await close();
    throw e;
  }
}

/** The time Device.sync() takes to drain [`outboxOf10000`]. */
async function drain() {
  const { page, close } = await outboxOf10000();
  try {
    return await page.evaluate(async () => {
      const t0 = performance.now();
      const summary = await window.drainDevice.sync();
      return { ms: performance.now() - t0, accepted: summary.accepted };
    });
  } finally {
    await close();
  }
}

export async function run() {
  await init({ module_or_path: readFileSync(path.join(ROOT, 'pkg/offsign_core_bg.wasm')) });
  return { one: await ingestion(1), two: await ingestion(2), drain: await drain() };
}
