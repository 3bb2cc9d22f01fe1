// Starts the real offsign-server binary on an ephemeral loopback port.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { ROOT } from './browser.mjs';

export const SERVER_BIN = process.env.OFFSIGN_SERVER_BIN ?? path.join(ROOT, 'target/debug/offsign-server');

/** Resolves to { url, stop } once the server prints its URL. */
export function startServer(args = []) {
  const child = spawn(SERVER_BIN, ['--addr', '127.0.0.1:0', '--www', path.join(ROOT, 'www'), '--pkg', path.join(ROOT, 'pkg'), ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`offsign-server did not start: ${out}`)), 15_000);
    child.on('exit', (code) => reject(new Error(`offsign-server exited with ${code}: ${out}`)));
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const m = out.match(/listening on (http:\/\/\S+?)\/?\s/);
      if (m) {
        clearTimeout(timer);
        resolve({
          url: m[1],
          stop: () => new Promise((r) => { child.once('exit', r); child.kill('SIGINT'); }),
        });
      }
    });
  });
}
