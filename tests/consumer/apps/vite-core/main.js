// An app that brings its own storage and server: only the primitives of `offsign/core`. It
// issues itself a certificate, signs two chained records and verifies the chain.
import init, { Authority, Identity, verifyRecord, version } from 'offsign/core';

async function check() {
  await init();
  const authority = Authority.generate('Consumer Authority');
  const worker = Identity.generate();
  const now = Date.now();
  const credentials = {
    authority: authority.publicJwk,
    certificate: authority.issueCertificate('c-1', 'consumer', worker.publicJwk, now - 60_000, now + 30 * 86_400_000),
    revocationList: authority.issueRevocationList([], now, now + 86_400_000),
  };
  const first = worker.sign(new TextEncoder().encode('hello from offsign/core'), { credentials, name: 'hello.txt' });
  const second = worker.sign(new TextEncoder().encode('and again'), { credentials, chain: first.chain });
  const payload = verifyRecord(second.jws, worker.publicJwk, { prev: first.jws });
  return { version: version(), seq: payload.seq, chained: payload.prev === first.hash };
}

check().then((result) => { window.result = result; }, (e) => { window.result = { error: String(e), code: e.code }; });
