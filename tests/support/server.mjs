// Starts the real offsign-server binary on an ephemeral loopback port, with its own SQLite
// file in a fresh temporary folder, and runs its administrator commands on that file. When
// OFFSIGN_TEST_POSTGRES names a PostgreSQL server (`postgres://USER@HOST:PORT`, see
// pkg-scripts/postgres), each server gets a fresh database there instead, and `sql` reads it.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { ROOT } from './browser.mjs';

export const SERVER_BIN = process.env.OFFSIGN_SERVER_BIN ?? path.join(ROOT, 'target/debug/offsign-server');

/** The PostgreSQL server the tests run on, when they do. */
export const POSTGRES = process.env.OFFSIGN_TEST_POSTGRES;
/** The authority secret of servers on PostgreSQL (where no file beside the database holds one). */
const POSTGRES_AUTHORITY_SECRET = 'the authority secret of the tests on PostgreSQL';

/** Whether `db` is a PostgreSQL database's URL rather than a SQLite file. */
export const isPostgres = (db) => /^postgres(ql)?:\/\//.test(db);

/** A new, empty database on PostgreSQL server `on` (the tests' unless given): its URL. */
export function freshPostgres(on = POSTGRES) {
  if (!on) throw new Error('OFFSIGN_TEST_POSTGRES names no PostgreSQL server (pkg-scripts/postgres start DIR)');
  const name = `offsign_${randomUUID().replaceAll('-', '')}`;
  execFileSync('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', `${on}/postgres`, '-c', `CREATE DATABASE ${name}`]);
  return `${on}/${name}`;
}

/**
 * Resolves to { url, db, evidenceDir, pid, admin, stop, kill, logs } once the server prints its URL.
 * `db` is the SQLite file, or on PostgreSQL the database's URL (a fresh one unless given; the
 * same evidence folder and authority secret each time it is given again); `evidenceDir` where
 * it keeps evidence; `addr` defaults to an ephemeral loopback port; `bin`
 * to the debug build, `www` to the app's folder;
 * `admin(...args)` runs `offsign-server --db DB ...args` and returns its JSON output; `kill()`
 * SIGKILLs the server, as a crash or power cut would; `terminate()` sends SIGTERM, as systemd
 * or a container runtime would, and resolves to the exit code.
 * `env` adds environment variables to the server's (and `admin`'s): with `OFFSIGN_DB` among
 * them and no `db`, the database is named by that variable alone (no `--db`). `cwd` is the
 * folder it runs in. With `captureStderr`, standard error is collected instead of shown;
 * `logs()` is everything the server wrote so far, `{ stdout, stderr }`.
 */
export function startServer(args = [], { db, addr = '127.0.0.1:0', bin = SERVER_BIN, www = path.join(ROOT, 'www'), env, cwd, captureStderr = false } = {}) {
  const dbFromEnv = db === undefined && env?.OFFSIGN_DB !== undefined;
  db ??= dbFromEnv ? env.OFFSIGN_DB : POSTGRES ? freshPostgres() : path.join(mkdtempSync(path.join(tmpdir(), 'offsign-server-')), 'offsign.db');
  const dbArgs = dbFromEnv ? [] : ['--db', db];
  let evidenceDir = args.includes('--evidence-dir') ? args[args.indexOf('--evidence-dir') + 1] : env?.OFFSIGN_EVIDENCE_DIR ?? `${db}.evidence`;
  if (isPostgres(db)) {
    // No folder beside the database: one named after it, and the secret every instance gets.
    env = { OFFSIGN_AUTHORITY_SECRET: POSTGRES_AUTHORITY_SECRET, ...env };
    if (!args.includes('--evidence-dir') && env.OFFSIGN_EVIDENCE_DIR === undefined) {
      evidenceDir = path.join(tmpdir(), `offsign-evidence-${db.split('/').pop()}`);
      args = [...args, '--evidence-dir', evidenceDir];
    }
  }
  const options = { env: env ? { ...process.env, ...env } : process.env, ...(cwd ? { cwd } : {}) };
  const child = spawn(bin, [...dbArgs, '--addr', addr, '--www', www, '--pkg', path.join(ROOT, 'pkg'), ...args], {
    ...options,
    stdio: ['ignore', 'pipe', captureStderr ? 'pipe' : 'inherit'],
  });
  const admin = (...adminArgs) => JSON.parse(execFileSync(bin, [...dbArgs, ...adminArgs], { ...options, encoding: 'utf8' }));
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk) => { stdout += chunk; });
  if (captureStderr) {
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk) => { stderr += chunk; });
  }
  // 'close', not 'exit': by then everything the process wrote has been read.
  const exited = new Promise((r) => child.once('close', r));
  const end = (signal) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    return exited;
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`offsign-server did not start: ${stdout}${stderr}`)), 15_000);
    exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`offsign-server exited with ${code}: ${stdout}${stderr}`));
    });
    child.stdout.on('data', () => {
      const m = stdout.match(/listening on (http:\/\/\S+?)\/?\s/);
      if (m) {
        clearTimeout(timer);
        resolve({
          url: m[1],
          db,
          evidenceDir,
          pid: child.pid,
          admin,
          stop: () => end('SIGINT'),
          kill: () => end('SIGKILL'),
          terminate: () => end('SIGTERM'),
          logs: () => ({ stdout, stderr }),
        });
      }
    });
  });
}

/**
 * Makes a server's database stop answering. On PostgreSQL it refuses connections; on SQLite,
 * as another process holding its locks would: it
 * holds (from python3) exclusive POSIX locks on the five WAL read-mark bytes of the
 * `-shm` file (bytes 123-127: SQLite's WALINDEX_LOCK_OFFSET 120 + 3 + i). No connection
 * can then begin a read: SQLite retries for about 10 s and fails with "locking protocol".
 * (`BEGIN EXCLUSIVE` would not do: in WAL mode it does not stop readers, and
 * `locking_mode=EXCLUSIVE` cannot be taken while the server has the file open.)
 * Resolves, once the locks are held, to `release()`, which resolves when they are let go.
 */
export function lockDatabase(db) {
  if (isPostgres(db)) {
    // PostgreSQL's: the database takes no connection, and those it had are ended.
    const name = db.split('/').pop();
    const admin = (query) => execFileSync('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', `${POSTGRES}/postgres`, '-c', query]);
    admin(`ALTER DATABASE ${name} ALLOW_CONNECTIONS false`);
    admin(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${name}'`);
    return Promise.resolve({ release: async () => { admin(`ALTER DATABASE ${name} ALLOW_CONNECTIONS true`); } });
  }
  const script = [
    'import fcntl, os, sys, time',
    'fd = os.open(sys.argv[1], os.O_RDWR)',
    'for attempt in range(100):', // a read under way holds one of them for a moment
    '    try:',
    '        fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 5, 123, os.SEEK_SET)',
    '        break',
    '    except OSError:',
    '        if attempt == 99: raise',
    '        time.sleep(0.05)',
    "print('locked', flush=True)",
    'sys.stdin.read()',
  ].join('\n');
  const child = spawn('python3', ['-c', script, `${db}-shm`], { stdio: ['pipe', 'pipe', 'pipe'] });
  // 'close', not 'exit': by then everything the process wrote has been read.
  const exited = new Promise((r) => child.once('close', r));
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk) => { stderr += chunk; });
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      if (stdout.includes('locked')) resolve({ release: () => { child.stdin.end(); return exited; } });
    });
    exited.then((code) => reject(new Error(`the lock could not be taken (${code}): ${stdout}${stderr}`)));
  });
}

/** Moves certificate `serial`'s validity a day into the past in `db`: it expired a day ago. */
export function expireCertificate(db, serial) {
  const now = Date.now();
  const day = 86_400_000;
  sql(db, `UPDATE certificates SET nbf = ${now - 2 * day}, exp = ${now - day} WHERE serial = '${serial}'`);
  const [[expired]] = sql(db, `SELECT exp < ${now} FROM certificates WHERE serial = '${serial}'`);
  if (expired !== 1) throw new Error(`certificate ${serial} is not expired`);
}

/**
 * Runs one SQL statement on a server's database and commits; returns the rows, each an array
 * of its columns. A SQLite file is read by Python's sqlite3; a PostgreSQL database by psql,
 * its values read back as SQLite gives them (numbers as numbers, booleans as 1 and 0, NULL as
 * null).
 */
export function sql(db, query) {
  if (isPostgres(db)) {
    const out = execFileSync('psql', ['-X', '-q', '-A', '-t', '-F', '\t', '-P', 'null=\\N', '-v', 'ON_ERROR_STOP=1', db, '-c', query], { encoding: 'utf8' });
    const value = (text) => (text === '\\N' ? null : text === 't' ? 1 : text === 'f' ? 0 : /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : text);
    return out.split('\n').filter((line) => line !== '').map((line) => line.split('\t').map(value));
  }
  const script = 'import json, sqlite3, sys; c = sqlite3.connect(sys.argv[1]); rows = c.execute(sys.argv[2]).fetchall(); c.commit(); print(json.dumps(rows))';
  return JSON.parse(execFileSync('python3', ['-c', script, db, query], { encoding: 'utf8' }));
}
