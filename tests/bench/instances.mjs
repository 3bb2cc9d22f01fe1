// The server's ingestion on SQLite and on PostgreSQL with one and with two instances (issue 20),
// in one run on this machine: 24,000 records of 4 workers in batches of 500, signed
// beforehand, sent by two clients at once (one per instance when there are two). PostgreSQL is
// a throwaway cluster on loopback with its durable settings (fsync, synchronous commit), as
// SQLite runs with synchronous=FULL. The CPU each process used is read from /proc: the server
// instances, PostgreSQL (its postmaster and every backend), and the load generator (this
// process), which shares the 2 cores with them. Prints a table, the storage each record takes,
// and the capacity estimate worked out from the measured CPU per record.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT } from '../support/browser.mjs';
import { freshPostgres, sql, startServer } from '../support/server.mjs';
import { ingest, signedBatches } from './server.mjs';
import init from '../../pkg/offsign.js';

const BIN = path.join(ROOT, 'target/release/offsign-server');
const TICKS = 100; // USER_HZ: /proc counts CPU time in 1/100 s on Linux
const ROUNDS = 5;

/** CPU seconds process `pid` used (its threads), and with `children` those of its waited-for children. */
function cpu(pid, children = false) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  const [utime, stime, cutime, cstime] = [fields[11], fields[12], fields[13], fields[14]].map(Number);
  return (utime + stime + (children ? cutime + cstime : 0)) / TICKS;
}

/** CPU seconds of the PostgreSQL cluster whose postmaster is `postmaster`: it, its ended backends, and those running. */
function clusterCpu(postmaster) {
  let total = cpu(postmaster, true);
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1].split(' ');
      if (Number(stat[1]) === postmaster) total += cpu(Number(entry));
    } catch { /* ended meanwhile */ }
  }
  return total;
}

/** Ingestion by `instances` servers on `db` (a SQLite file when undefined); what it took. */
async function measure(label, { instances = 1, postgres, postmaster }) {
  const db = postgres ? freshPostgres(postgres) : path.join(mkdtempSync(path.join(tmpdir(), 'offsign-bench-')), 'offsign.db');
  const servers = [];
  for (let i = 0; i < instances; i++) servers.push(await startServer(['--rate-limit', '0'], { bin: BIN, db }));
  try {
    const lanes = await signedBatches(servers[0], 4, 6_000);
    const grouped = [0, 1].map((c) => lanes.filter((_, i) => i % 2 === c).flat());
    const before = { servers: servers.map((s) => cpu(s.pid)), database: postgres ? clusterCpu(postmaster) : 0, load: process.cpuUsage() };
    const result = await ingest(servers, grouped);
    const load = process.cpuUsage(before.load);
    const used = {
      servers: servers.map((s, i) => cpu(s.pid) - before.servers[i]),
      database: postgres ? clusterCpu(postmaster) - before.database : 0,
      load: (load.user + load.system) / 1e6,
    };
    const bytes = postgres
      ? sql(servers[0].db, 'SELECT pg_database_size(current_database())')[0][0]
      : Number(execFileSync('du', ['-sb', path.dirname(servers[0].db)], { encoding: 'utf8' }).split('\t')[0]);
    return { label, instances, ...result, used, bytesPerRecord: bytes / result.records };
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
  }
}

export async function run() {
  await init({ module_or_path: readFileSync(path.join(ROOT, 'pkg/offsign_core_bg.wasm')) });
  const dir = mkdtempSync(path.join(tmpdir(), 'offsign-bench-pg-'));
  const postgres = execFileSync(path.join(ROOT, 'pkg-scripts/postgres'), ['start', dir, '--durable'], { encoding: 'utf8' }).trim();
  const postmaster = Number(readFileSync(path.join(dir, 'data/postmaster.pid'), 'utf8').split('\n')[0]);
  try {
    // Rounds of the three, interleaved: on 2 shared cores one ingestion of 24,000 records
    // (about 2 s) varies by ±10%; each configuration's median round is reported, and the
    // ratios are the medians of each round's.
    const rounds = [];
    for (let round = 0; round < ROUNDS; round++) {
      rounds.push({
        sqlite: await measure('SQLite, 1 instance', {}),
        one: await measure('PostgreSQL, 1 instance', { postgres, postmaster }),
        two: await measure('PostgreSQL, 2 instances', { instances: 2, postgres, postmaster }),
      });
    }
    const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const middle = (key) => {
      const rate = median(rounds.map((r) => r[key].perSecond));
      return rounds.find((r) => r[key].perSecond === rate)[key];
    };
    return {
      sqlite: middle('sqlite'),
      one: middle('one'),
      two: middle('two'),
      ratios: { one: median(rounds.map((r) => r.one.perSecond / r.sqlite.perSecond)), two: median(rounds.map((r) => r.two.perSecond / r.one.perSecond)) },
      rounds: ROUNDS,
    };
  } finally {
    execFileSync(path.join(ROOT, 'pkg-scripts/postgres'), ['stop', dir]);
  }
}

const fmt = (n) => (n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(2));

/** The markdown of `run()`'s results: the table, and the capacity estimate from them. */
export function table({ sqlite, one, two, ratios, rounds }) {
  const lines = [];
  const out = (line = '') => lines.push(line);
  out(`The median of ${rounds} interleaved rounds of each; ratios are the medians of the rounds' ratios.`);
  out();
  out('| configuration | records/s | ÷ SQLite | batch p50 | batch p99 | server CPU (s) | PostgreSQL CPU (s) | load generator CPU (s) | CPU per record, servers + database |');
  out('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of [sqlite, one, two]) {
    const serverCpu = r.used.servers.reduce((a, b) => a + b, 0);
    out(`| ${r.label} | ${fmt(r.perSecond)} | ${(r.perSecond / sqlite.perSecond).toFixed(2)}× | ${fmt(r.p50)} ms | ${fmt(r.p99)} ms | ${r.used.servers.map(fmt).join(' + ')} | ${fmt(r.used.database)} | ${fmt(r.used.load)} | ${fmt((1000 * (serverCpu + r.used.database)) / r.records)} ms |`);
  }
  out();
  out(`Targets: PostgreSQL with one instance ≥ 0.80× SQLite's rate: ${ratios.one.toFixed(2)}×; two instances no slower than one: ${ratios.two.toFixed(2)}×.`);
  out(`Storage per record (database, indexes, WAL for SQLite's file): SQLite ${fmt(sqlite.bytesPerRecord)} B, PostgreSQL ${fmt(one.bytesPerRecord)} B.`);
  // The estimate, from one instance on PostgreSQL (its CPU per record is what a server and the
  // database spend; two instances on these 2 cores share them with each other and the load).
  const serverMs = (1000 * one.used.servers[0]) / one.records;
  const databaseMs = (1000 * one.used.database) / one.records;
  const perDay = 100_000 * 50;
  const peak = (0.4 * perDay) / 3600;
  const cores = (ms) => (peak * ms) / 1000;
  out();
  out(`Capacity on paper: 100,000 workers signing 50 documents a day is ${fmt(perDay)} records a day. Say the morning sync`);
  out(`brings 40% of them within one hour: ${fmt(peak)} records/s at the peak. At the measured ${fmt(serverMs)} ms of server CPU and`);
  out(`${fmt(databaseMs)} ms of PostgreSQL CPU per record, the peak takes ${fmt(cores(serverMs))} of a core in servers and ${fmt(cores(databaseMs))} in the database:`);
  out(`one instance of 2 cores carries it, and a second is for losing a machine, not for speed. The database serialises`);
  out(`only one key's batches (a device's), and those for the moment their rows are written: it took ${fmt(one.perSecond)} records/s`);
  out(`here and ${fmt(two.perSecond)} with two instances, ${fmt(one.perSecond / peak)}× the peak. Storage decides the database's size:`);
  out(`${fmt(one.bytesPerRecord)} B a record with its indexes is ${fmt((one.bytesPerRecord * perDay) / 1e9)} GB a day, ${fmt((one.bytesPerRecord * perDay * 365) / 1e12)} TB a year`);
  out('(evidence files, kept in the object store, come on top). Ingestion alone: the devices\' status, failure reports and the console add to the load.');
  return lines.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(table(await run()));
