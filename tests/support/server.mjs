// Starts the real offsign-server binary on an ephemeral loopback port, with its own SQLite
// file in a fresh temporary folder, and runs its administrator commands on that file.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT } from './browser.mjs';

export const SERVER_BIN = process.env.OFFSIGN_SERVER_BIN ?? path.join(ROOT, 'target/debug/offsign-server');

/**
 * Resolves to { url, db, admin, stop, kill } once the server prints its URL. `db` is the
 * SQLite file (a fresh one unless given); `addr` defaults to an ephemeral loopback port; `bin`
 * to the debug build, `www` to the app's folder;
 * `admin(...args)` runs `offsign-server --db DB ...args` and returns its JSON output; `kill()`
 * SIGKILLs the server, as a crash or power cut would.
 */
export function startServer(args = [], { db, addr = '127.0.0.1:0', bin = SERVER_BIN, www = path.join(ROOT, 'www') } = {}) {
  db ??= path.join(mkdtempSync(path.join(tmpdir(), 'offsign-server-')), 'offsign.db');
  const child = spawn(bin, ['--db', db, '--addr', addr, '--www', www, '--pkg', path.join(ROOT, 'pkg'), ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const admin = (...adminArgs) => JSON.parse(execFileSync(bin, ['--db', db, ...adminArgs], { encoding: 'utf8' }));
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`offsign-server did not start: ${out}`)), 15_000);
    child.once('exit', (code) => reject(new Error(`offsign-server exited with ${code}: ${out}`)));
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const m = out.match(/listening on (http:\/\/\S+?)\/?\s/);
      if (m) {
        clearTimeout(timer);
        resolve({
          url: m[1],
          db,
          admin,
          stop: () => new Promise((r) => { child.once('exit', r); child.kill('SIGINT'); }),
          kill: () => new Promise((r) => { child.once('exit', r); child.kill('SIGKILL'); }),
        });
      }
    });
  });
}

/** Runs one SQL query on a server's database file (Python's sqlite3); returns the rows. */
export function sql(db, query) {
  const script = 'import json, sqlite3, sys; c = sqlite3.connect(sys.argv[1]); print(json.dumps(c.execute(sys.argv[2]).fetchall()))';
  return JSON.parse(execFileSync('python3', ['-c', script, db, query], { encoding: 'utf8' }));
}
