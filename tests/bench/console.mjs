// The console's benchmark (not a test): a release offsign-server on a database of 1,000,000
// signed records, 100,000 failure reports and 5,000 devices (made by the server's
// `console_data` example), every console page and the CSV export asked 20 times each: the time
// until the answer starts (its head: the page is rendered before it is sent; the CSV streams).
// Also ingestion of 500-record batches, same run: by the server as it was before the console
// (`BASELINE`, built by pkg-scripts/bench from a worktree) and by this one, each into an empty
// database, and by this one into the large database.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT } from '../support/browser.mjs';
import { consoleClient } from '../support/console.mjs';
import { startServer } from '../support/server.mjs';
import { ingestInto } from './server.mjs';
import init from '../../pkg/offsign.js';

// OFFSIGN_BENCH_BIN names another server to measure (the baseline itself shows the noise).
const BIN = process.env.OFFSIGN_BENCH_BIN ?? path.join(ROOT, 'target/release/offsign-server');
/** The server before the console's work (issue 16), for ingestion in the same run. */
export const BASELINE = { commit: '65a2daf', bin: path.join(ROOT, 'target/bench-baseline/release/offsign-server') };
const DATA = path.join(ROOT, 'target/release/examples/console_data');
const SIZE = { devices: 5_000, records: 1_000_000, reports: 100_000 };
const TRIES = 20;
const percentile = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))];

/** p50 and p95 (ms) of the time until `path`'s answer starts, and its status. */
async function timed(server, cookie, target) {
  const times = [];
  let status;
  for (let i = 0; i < TRIES; i++) {
    const t0 = performance.now();
    const response = await fetch(server.url + target, { headers: { cookie }, redirect: 'manual' });
    times.push(performance.now() - t0);
    status = response.status;
    await response.body?.cancel();
  }
  return { p50: percentile(times, 0.5), p95: percentile(times, 0.95), status };
}

export async function run() {
  await init({ module_or_path: readFileSync(path.join(ROOT, 'pkg/offsign_core_bg.wasm')) });
  const dir = mkdtempSync(path.join(tmpdir(), 'offsign-console-bench-'));
  const db = path.join(dir, 'offsign.db');
  try {
    const made = performance.now();
    execFileSync(DATA, [db, String(SIZE.devices), String(SIZE.records), String(SIZE.reports)], { stdio: ['ignore', 'ignore', 'inherit'] });
    const madeSeconds = (performance.now() - made) / 1000;
    const server = await startServer(['--rate-limit', '0'], { db, bin: BIN });
    try {
      const { account, login, request } = consoleClient(server);
      await account('bench', 'a long benchmark password');
      const { cookie } = await login('bench', 'a long benchmark password');
      const first = await request('GET', '/admin/records', { cookie });
      const next = first.text.match(/href="(\/admin\/records\?[^"]*after=[^"]+)"/)[1].replaceAll('&amp;', '&');
      const recordId = first.text.match(/href="\/admin\/record\?id=([^"]+)"/)[1];
      const devices = await request('GET', '/admin/devices', { cookie });
      const kid = devices.text.match(/href="\/admin\/device\?kid=([^"]+)"/)[1];
      const pages = [
        ['overview', '/admin'],
        ['workers', '/admin/workers'],
        ['workers, search', '/admin/workers?q=worker-0123'],
        ['a worker', '/admin/worker?id=worker-01234'],
        ['devices', '/admin/devices'],
        ['devices, silent', '/admin/devices?silent=1'],
        ['a device', `/admin/device?kid=${kid}`],
        ['records', '/admin/records'],
        ['records, next page', next],
        ['records of a worker', '/admin/records?worker=worker-01234'],
        ['records, reference search (a match)', '/admin/records?q=ORDER-4321-7'],
        ['records, reference search (no match)', '/admin/records?q=no-such-reference'],
        ['records, document name search (many matches)', '/admin/records?q=receipt-12'],
        ['records, one day', `/admin/records?from=${new Date(Date.now() - 30 * 86_400_000).toISOString().slice(0, 10)}&to=${new Date(Date.now() - 30 * 86_400_000).toISOString().slice(0, 10)}`],
        ['a record (verified again)', `/admin/record?id=${recordId}`],
        ['chain gaps', '/admin/gaps'],
        ['failure reports', '/admin/reports'],
        ['failure reports of a code', '/admin/reports?code=clock_skew'],
        ['webhooks', '/admin/webhooks'],
        ['audit log', '/admin/audit'],
        ['CSV of all records (first bytes)', '/admin/records.csv'],
        ['CSV of a worker', '/admin/records.csv?worker=worker-01234'],
      ];
      const rows = [];
      for (const [name, target] of pages) rows.push({ name, ...(await timed(server, cookie, target)) });
      const full = await ingestInto(server);
      return { rows, madeSeconds, full, ...(await compareIngestion(7)) };
    } finally {
      await server.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Ingestion into an empty database by `bin` (records/s and batch latencies). */
async function intoEmpty(bin) {
  const fresh = await startServer(['--rate-limit', '0'], { bin });
  try {
    return await ingestInto(fresh);
  } finally {
    await fresh.stop();
  }
}

/**
 * The baseline server and this one, each ingesting into an empty database, alternately
 * `rounds` times: the median run of each. One run of each, or three, moved by ±10% from run to
 * run (the baseline against itself: 1.09×); seven agree within a few percent.
 */
export async function compareIngestion(rounds = 3) {
  const runs = { before: [], empty: [] };
  for (let i = 0; i < rounds; i++) {
    runs.before.push(await intoEmpty(BASELINE.bin));
    runs.empty.push(await intoEmpty(BIN));
  }
  const median = (xs) => [...xs].sort((a, b) => a.perSecond - b.perSecond)[Math.floor(xs.length / 2)];
  return { before: median(runs.before), empty: median(runs.empty), rounds };
}

/** The tables of `run()`'s result, as Markdown. */
export function tables({ rows, madeSeconds, full, empty, before, rounds }) {
  const out = [];
  out.push(`A release offsign-server with ${SIZE.records.toLocaleString('en-US')} signed records, ${SIZE.reports.toLocaleString('en-US')} failure reports and ${SIZE.devices.toLocaleString('en-US')} devices in its SQLite file (made in ${Math.round(madeSeconds)} s by \`console_data\`); each page asked ${TRIES} times by one client on loopback; the time until the answer starts. Target: ≤ 200 ms p95.\n`);
  out.push('| page | p50 | p95 | status | ≤ 200 ms |');
  out.push('|---|---|---|---|---|');
  for (const r of rows) out.push(`| ${r.name} | ${r.p50.toFixed(1)} ms | ${r.p95.toFixed(1)} ms | ${r.status} | ${r.p95 <= 200 ? 'yes' : '**no**'} |`);
  out.push('');
  out.push(`Ingestion: 24,000 records in 500-record batches, one client; into an empty database the median of ${rounds} runs of each server, taken alternately.\n`);
  out.push('| ingestion, 500-record batches, one client | records/s | batch p50 | ratio |');
  out.push('|---|---|---|---|');
  out.push(`| the server before the console (${BASELINE.commit}), into an empty database | ${Math.round(before.perSecond).toLocaleString('en-US')} | ${before.p50.toFixed(0)} ms | 1.00 |`);
  out.push(`| this server, into an empty database | ${Math.round(empty.perSecond).toLocaleString('en-US')} | ${empty.p50.toFixed(0)} ms | ${(empty.perSecond / before.perSecond).toFixed(2)} |`);
  out.push(`| this server, into the database above | ${Math.round(full.perSecond).toLocaleString('en-US')} | ${full.p50.toFixed(0)} ms | ${(full.perSecond / before.perSecond).toFixed(2)} |`);
  return out.join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  if (process.argv.includes('--ingestion')) {
    await init({ module_or_path: readFileSync(path.join(ROOT, 'pkg/offsign_core_bg.wasm')) });
    const { before, empty, rounds } = await compareIngestion(Number(process.env.ROUNDS ?? 5));
    console.log(`before ${Math.round(before.perSecond)} now ${Math.round(empty.perSecond)} ratio ${(empty.perSecond / before.perSecond).toFixed(2)} (median of ${rounds})`);
  } else {
    console.log(tables(await run()));
  }
}
