// The minimal demo: sign typed text offline and verify it. Grows into the field app.
import init, { Authority, Identity, verifyRecord } from '/pkg/offsign.js';

const $ = (id) => document.getElementById(id);
const DAY = 86_400_000;

function showError(e) {
  $('error').hidden = false;
  $('error').textContent = e.code ? `${e.remedy} (${e.code})` : String(e);
}

async function main() {
  await init();
  const authority = Authority.generate('offsign demo authority');
  const worker = Identity.generate();
  const now = Date.now();
  const credentials = {
    authority: authority.publicJwk,
    certificate: authority.issueCertificate('demo-1', 'demo-worker', worker.publicJwk, now - 60_000, now + 365 * DAY),
    revocationList: authority.issueRevocationList([], now, now + 7 * DAY),
  };
  let chain;
  $('status').textContent = 'Ready to sign.';
  $('sign').disabled = false;
  $('sign').addEventListener('click', () => {
    $('error').hidden = true;
    try {
      const signed = worker.sign(new TextEncoder().encode($('text').value), { credentials, chain, name: 'note.txt', type: 'text/plain' });
      const previous = chain;
      chain = signed.chain;
      verifyRecord(signed.jws, worker.publicJwk);
      $('verdict').textContent = `Signature verified${previous ? ', chained to the previous record' : ''}.`;
      $('record-id').textContent = signed.record.id;
      $('record-seq').textContent = String(signed.record.seq);
      $('record-time').textContent = signed.record.signedAt;
      $('jws').value = signed.jws;
      $('result').hidden = false;
    } catch (e) {
      showError(e);
    }
  });
}

main().catch(showError);
