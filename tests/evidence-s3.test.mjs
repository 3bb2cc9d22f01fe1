// Evidence kept in S3-compatible object storage (`--evidence-store s3://BUCKET/PREFIX`): a real
// offsign-server talks S3 (signed requests, over HTTP on loopback) to a moto server, an
// independent implementation of the S3 API run as its own process. A document uploaded in tus
// chunks lands in the bucket under its SHA-256, byte for byte, and nowhere on the server's disk;
// the console's bundle reads it back and passes every check; while the store is down the last
// chunk gets a retryable error and the upload waits, and once the store is back the device's
// retry completes it. A bucket the server cannot read stops it at its start, with the reason.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { b64, client, codes, jwsPayload, record, sha256 } from './support/client.mjs';
import { consoleClient } from './support/console.mjs';
import { offsign, scratch } from './support/cli.mjs';
import { startServer } from './support/server.mjs';

const BUCKET = 'offsign-evidence';

/** A free TCP port on loopback. */
const freePort = () => new Promise((resolve) => {
  const probe = net.createServer().listen(0, '127.0.0.1', () => {
    const { port } = probe.address();
    probe.close(() => resolve(port));
  });
});

/** Starts moto's S3 server on `port` with an empty `BUCKET`; resolves to `stop()`. */
async function startS3(port) {
  const child = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const url = `http://127.0.0.1:${port}`;
  for (let tries = 0; ; tries++) {
    try {
      const made = await fetch(`${url}/${BUCKET}`, { method: 'PUT' });
      assert.equal(made.status, 200, await made.text());
      break;
    } catch (e) {
      if (tries > 100) throw new Error(`moto_server did not start: ${e}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  return { url, stop: () => { child.kill('SIGKILL'); return exited; } };
}

/** Object `key` of `BUCKET` read by another S3 client (boto3, signed with the test's keys), or null. */
function s3Object(key) {
  const script = `import boto3, sys
s3 = boto3.client("s3", endpoint_url=sys.argv[1], aws_access_key_id="offsign-test", aws_secret_access_key="offsign-test-secret", region_name="us-east-1")
try:
    sys.stdout.buffer.write(s3.get_object(Bucket=sys.argv[2], Key=sys.argv[3])["Body"].read())
except s3.exceptions.NoSuchKey:
    sys.exit(3)`;
  const read = spawnSync('python3', ['-c', script, s3.url, BUCKET, key], { maxBuffer: 64 << 20 });
  if (read.status === 3) return null;
  assert.equal(read.status, 0, String(read.stderr));
  return read.stdout;
}

const s3Port = await freePort();
let s3 = await startS3(s3Port);
const files = scratch();
const awsEnv = {
  AWS_ACCESS_KEY_ID: 'offsign-test', AWS_SECRET_ACCESS_KEY: 'offsign-test-secret', AWS_REGION: 'us-east-1',
  AWS_ENDPOINT: s3.url, AWS_ALLOW_HTTP: 'true',
};
const evidenceDir = path.join(files.dir, 'evidence');
const server = await startServer(['--evidence-store', `s3://${BUCKET}/acme/`, '--evidence-dir', evidenceDir], { env: awsEnv });
after(async () => { await server.stop(); await s3.stop(); });
const api = client(server);

/** A record of `document` by a new worker, accepted; sealed copies of the document are made with the CLI. */
async function signedDocument(worker, document) {
  const signer = await api.enrolledWorker(worker);
  const jws = await record(signer, { seq: 1, doc: document, name: 'scan.jpg', type: 'image/jpeg' });
  assert.deepEqual(codes(await api.send([jws])), ['accepted']);
  const id = jwsPayload(jws).id;
  const statement = files.write(`${worker}.evidence-key`, (await api.call('GET', '/v1/evidence-key')).json.evidenceKey);
  const authority = files.write(`${worker}.jwk`, JSON.stringify((await api.call('GET', '/v1/authority')).json.jwk));
  const sealedPath = path.join(files.dir, `${worker}.sealed`);
  const sealing = offsign('seal-evidence', '--server-key', statement, '--authority', authority, '--record-id', id, '--kind', 'document', '--out', sealedPath, files.write(`${worker}.jpg`, document));
  assert.equal(sealing.status, 0, sealing.stdout);
  return { id, sealed: readFileSync(sealedPath), authority };
}

/** PATCHes `bytes` at `offset` of an upload of `length` sealed bytes of record `id`'s document. */
const patch = (id, offset, length, bytes) => api.call('PATCH', `/v1/evidence/${id}/document`, bytes, 'application/offset+octet-stream', {
  headers: { 'upload-offset': String(offset), 'upload-length': String(length), 'tus-resumable': '1.0.0' },
});

/** Uploads `sealed` in 1 MiB chunks but the last `keepBack` bytes; the answer to the last chunk sent. */
async function uploadAllBut(id, sealed, keepBack) {
  let answer;
  for (let offset = 0; offset < sealed.length - keepBack; offset += 1 << 20) {
    const end = Math.min(sealed.length - keepBack, offset + (1 << 20));
    answer = await patch(id, offset, sealed.length, sealed.subarray(offset, end));
    assert.ok([200, 204].includes(answer.status), answer.text);
  }
  return answer;
}

test('a document uploaded in chunks lands in the bucket under its SHA-256, byte for byte, and not on the server\'s disk; its bundle reads it back', { timeout: 120_000 }, async () => {
  // 19 MB: sent to the bucket in several parts (multipart upload).
  const document = randomBytes(19 * 1024 * 1024 + 777);
  const { id, sealed, authority } = await signedDocument('s3-courier', document);
  const done = await uploadAllBut(id, sealed, 0);
  assert.equal(done.status, 200, done.text);
  assert.equal(done.json.sha256, b64(sha256(document)));
  const hex = createHash('sha256').update(document).digest('hex');
  const object = s3Object(`acme/sha256/${hex}`);
  assert.ok(object, 'the object is where the prefix and the digest put it');
  assert.ok(object.equals(document), 'the bucket holds the plain bytes exactly');
  assert.ok(!existsSync(path.join(evidenceDir, 'blobs')), 'no local blob folder');
  assert.deepEqual(readdirSync(path.join(evidenceDir, 'uploads')), [], 'nothing left in the uploads folder');

  const { account, login } = consoleClient(server);
  await account('s3-auditor', 'a long auditor password', 'auditor');
  const { cookie } = await login('s3-auditor', 'a long auditor password');
  const zip = await fetch(`${server.url}/admin/record/bundle?id=${id}`, { headers: { cookie } });
  assert.equal(zip.status, 200);
  const checked = offsign('verify-bundle', files.write('s3.zip', Buffer.from(await zip.arrayBuffer())), '--authority', authority);
  const report = JSON.parse(checked.stdout);
  assert.equal(report.checks.find((c) => c.check === 'document').outcome, 'pass', checked.stdout);
});

test('while the store is down the last chunk is a retryable error and the upload waits; once it is back, the retry completes it', { timeout: 60_000 }, async () => {
  const document = randomBytes(2 * 1024 * 1024 + 5);
  const { id, sealed } = await signedDocument('s3-driver', document);
  await uploadAllBut(id, sealed, 1_000);
  await s3.stop();
  const last = await patch(id, sealed.length - 1_000, sealed.length, sealed.subarray(sealed.length - 1_000));
  assert.equal(last.status, 500, last.text);
  assert.equal(last.json.code, 'internal_error');
  assert.doesNotMatch(last.text, /127\.0\.0\.1|offsign-evidence|S3|uploads/, 'the store\'s address and answer go to the log, not to the client');
  const held = await api.call('GET', `/v1/evidence/${id}/document`);
  assert.equal(held.headers['upload-offset'], String(sealed.length), 'the whole upload is still held');

  s3 = await startS3(s3Port);
  // The device's retry: the server holds every byte, so an empty chunk at the end checks it again.
  assert.equal(s3Object(`acme/sha256/${createHash('sha256').update(document).digest('hex')}`), null, 'nothing kept while the store was down');
  const retried = await patch(id, sealed.length, sealed.length, new Uint8Array(0));
  assert.equal(retried.status, 200, retried.text);
  assert.ok(s3Object(`acme/sha256/${createHash('sha256').update(document).digest('hex')}`)?.equals(document));
});

test('a bucket the server cannot read stops it at its start, naming the store', { timeout: 30_000 }, async () => {
  await assert.rejects(
    startServer(['--evidence-store', 's3://no-such-bucket'], { env: awsEnv, captureStderr: true }),
    (e) => /--evidence-store s3:\/\/no-such-bucket: the bucket cannot be read/.test(e.message),
  );
  await assert.rejects(startServer(['--evidence-store', 'gs://elsewhere'], { captureStderr: true }), /s3:\/\/BUCKET/);
});
