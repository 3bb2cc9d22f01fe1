// Runs the native `offsign` command line (built by `cargo build`/`cargo test`).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT } from './browser.mjs';

export const OFFSIGN_BIN = process.env.OFFSIGN_BIN ?? path.join(ROOT, 'target/debug/offsign');

/** Runs `offsign ...args`; returns { status, stdout }. */
export function offsign(...args) {
  try {
    return { status: 0, stdout: execFileSync(OFFSIGN_BIN, args, { encoding: 'utf8' }).trim() };
  } catch (e) {
    return { status: e.status, stdout: String(e.stdout).trim() };
  }
}

/** A fresh temporary folder with a `write(name, text)` helper returning the path. */
export function scratch() {
  const dir = mkdtempSync(path.join(tmpdir(), 'offsign-'));
  return { dir, write: (name, text) => { const p = path.join(dir, name); writeFileSync(p, text); return p; } };
}
