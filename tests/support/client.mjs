// A client of a real offsign-server made by hand: npm `jose` signs, not offsign, so nothing
// it sends is held to offsign's own rules. Keys, enrollment proofs, records, chains, failure
// reports and renewal requests, and `client(server)` for the requests themselves (used by
// hostile.test.mjs and server-promises.test.mjs).
import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import http from 'node:http';
import { CompactSign, calculateJwkThumbprint, exportJWK, generateKeyPair } from 'jose';

export const b64 = (bytes) => Buffer.from(bytes).toString('base64url');
export const sha256 = (text) => createHash('sha256').update(text).digest();

/** A key pair made by jose, its public JWK and RFC 7638 key id. */
export async function keyPair() {
  const { publicKey, privateKey } = await generateKeyPair('Ed25519', { extractable: true });
  const jwk = await exportJWK(publicKey);
  return { privateKey, jwk: { kty: jwk.kty, crv: jwk.crv, x: jwk.x }, kid: await calculateJwkThumbprint(jwk, 'sha256') };
}

/** A compact JWS of `payload` (an object, or a string as is) by `key`, with header typ `typ`. */
export async function jws(key, typ, payload) {
  const bytes = typeof payload === 'string' ? new TextEncoder().encode(payload) : new TextEncoder().encode(JSON.stringify(payload));
  return new CompactSign(bytes).setProtectedHeader({ alg: 'Ed25519', typ, kid: key.kid }).sign(key.privateKey);
}

/** The hex SHA-256 of a code's letters and digits, upper-cased (what the server stores). */
export const codeHash = (code) => createHash('sha256').update(code.replace(/[^a-z0-9]/gi, '').toUpperCase()).digest('hex');

/**
 * A record JWS of `signer` (with its certificate unless `cert` says otherwise). `doc` is the
 * document's content (only its hash is in the record); `name`, `type` and `claims` are written
 * into the record as given.
 */
export function record(signer, { seq, prev = null, doc = `doc ${seq}`, name, type, claims = {}, signedAt = new Date().toISOString(), cert = signer.serial, id = randomUUID(), kid = signer.kid } = {}) {
  const docRef = { sha256: b64(sha256(doc)), ...(name === undefined ? {} : { name }), ...(type === undefined ? {} : { type }) };
  const payload = { v: 1, id, seq, prev, signedAt, kid, cert, doc: docRef, claims };
  return jws(signer, 'offsign-record+jws', payload);
}

/** `n` chained records of `signer` (seq 1 to n); `options(seq)` adds to each record's options. */
export async function chain(signer, n, options = () => ({})) {
  const out = [];
  for (let seq = 1; seq <= n; seq++) out.push(await record(signer, { ...options(seq), seq, prev: seq === 1 ? null : b64(sha256(out.at(-1))) }));
  return out;
}

/** The verdicts' codes, or the verdict where there is no code. */
export const codes = (verdicts) => verdicts.map((v) => v.code ?? v.verdict);

/** A failure report as a device keeps it (what `POST /v1/reports` carries, signed). */
export function reportRow(fields = {}) {
  return {
    id: randomUUID(), fingerprint: 'f', code: 'wrong_pin', message: 'm', remedy: 'r', operation: 'unlock', kid: null,
    firstAt: '2026-11-25T08:00:00.000Z', lastAt: '2026-11-25T08:00:00.000Z', count: 1, appVersion: '1', userAgent: 'ua',
    comment: null, state: 'pending', ...fields,
  };
}

/** A failure report signed by `signer`, naming certificate `cert`. */
export const signedReport = (signer, row, cert = signer.serial) => jws(signer, 'offsign-report+jws', { v: 1, cert, report: row });

/** A renewal request signed by `signer` for certificate `serial`, made at `requestedAt`. */
export const renewalRequest = (signer, { serial = signer.serial, requestedAt = new Date().toISOString() } = {}) =>
  jws(signer, 'offsign-renewal+jws', { v: 1, serial, requestedAt });

/** The payload of a compact JWS, parsed (not verified). */
export const jwsPayload = (text) => JSON.parse(Buffer.from(text.split('.')[1], 'base64url'));

/** Asserts a refused request: `status`, a body of exactly `{code, message}`, this code, a message. */
export function assertRefusal(answer, status, code, what) {
  assert.equal(answer.status, status, `${what}: ${answer.text.slice(0, 300)}`);
  assert.deepEqual(Object.keys(answer.json ?? {}).sort(), ['code', 'message'], `${what}: ${answer.text.slice(0, 300)}`);
  assert.equal(answer.json.code, code, what);
  assert.ok(answer.json.message.length > 0, `${what}: a message`);
}

/**
 * Requests to `server` ({url, admin} from startServer):
 * - `call(method, path, body, contentType, { headers, localAddress })` resolves to
 *   `{ status, headers, json, text }` (`json` null when the answer is not JSON); with a
 *   `localAddress` (e.g. 127.0.0.2, another client address on loopback) it goes out from there,
 *   and an answer that comes while the body is still being sent (413) is the answer;
 * - `enrollmentProof(key, code, challenge)`, with a fresh challenge unless given;
 * - `enroll(key, code)`: `POST /v1/enroll` with a good proof;
 * - `enrolledWorker(name, enrollArgs)`: a new key enrolled with a new code, as
 *   `{ privateKey, jwk, kid, serial, worker, certificate }`;
 * - `send(records)`: `POST /v1/records`, asserting 200; resolves to the verdicts.
 */
export function client(server) {
  async function call(method, path, body, contentType = 'application/json', { headers = {}, localAddress } = {}) {
    const allHeaders = { ...(body === undefined ? {} : { 'content-type': contentType }), ...headers };
    // Text and bytes go as they are; anything else as JSON.
    const text = body === undefined ? undefined : typeof body === 'string' || body instanceof Uint8Array ? body : JSON.stringify(body);
    let status;
    let answerHeaders;
    let answer;
    if (localAddress) {
      ({ status, headers: answerHeaders, text: answer } = await new Promise((resolve, reject) => {
        const request = http.request(server.url + path, { method, headers: allHeaders, localAddress, agent: false }, (response) => {
          let data = '';
          response.setEncoding('utf8');
          response.on('data', (chunk) => { data += chunk; });
          response.on('end', () => resolve({ status: response.statusCode, headers: response.headers, text: data }));
          response.on('error', reject);
        });
        // A server that answers before it has read the whole body (413) may close the
        // connection while the body still goes out: the answer counts, the broken upload not.
        let answered = false;
        request.on('response', () => { answered = true; });
        request.on('error', (e) => setTimeout(() => { if (!answered) reject(e); }, 500));
        request.end(text);
      }));
    } else {
      const response = await fetch(server.url + path, { method, headers: allHeaders, body: text });
      status = response.status;
      answerHeaders = Object.fromEntries(response.headers);
      answer = await response.text();
    }
    let json = null;
    try { json = JSON.parse(answer); } catch { /* not JSON */ }
    return { status, headers: answerHeaders, json, text: answer };
  }

  async function enrollmentProof(key, code, challenge) {
    challenge ??= (await call('GET', '/v1/enroll')).json.challenge;
    return jws(key, 'offsign-enroll+jws', { v: 1, code: codeHash(code), challenge });
  }

  const enroll = async (key, code) => call('POST', '/v1/enroll', { code, jwk: key.jwk, proof: await enrollmentProof(key, code) });

  async function enrolledWorker(name, enrollArgs = []) {
    const key = await keyPair();
    const { code } = server.admin('enroll', '--worker', name, ...enrollArgs);
    const answer = await enroll(key, code);
    assert.equal(answer.status, 200, answer.text);
    const serial = jwsPayload(answer.json.certificate).serial;
    return { ...key, serial, worker: name, certificate: answer.json.certificate };
  }

  async function send(records) {
    const answer = await call('POST', '/v1/records', { records });
    assert.equal(answer.status, 200, answer.text);
    return answer.json.verdicts;
  }

  return { call, enrollmentProof, enroll, enrolledWorker, send };
}
