// The verify page: checks an evidence bundle with `offsign/verify` in this browser. Nothing is
// uploaded; the only request it makes is for this server's authority key, and its own service
// worker keeps the page and the wasm so that it opens and works with no network.
import init, { errorCodes, maxBundleBytes, OffsignError, verifyBundle, VerifyingKey } from '/pkg/verify.js';
import { $, el } from '/ui.js';

/** The check names of the report, in words. */
const CHECKS = {
  record_format: 'The record is well formed',
  certificate: "The signer's certificate is signed by the authority",
  signature: "The record is signed by the certificate's key",
  valid_at_signing: 'The certificate was valid when the record was signed',
  not_revoked: 'The certificate was not revoked before the server received the record',
  receipt: "The server's receipt is authentic and for this record",
  document: 'The document is the one signed',
  signature_image: 'The handwritten signature image is the one signed',
  stamped_copy: 'The stamped copy begins with the signed document',
  chain: "The record's place in the signer's chain",
};
const OUTCOMES = { pass: 'Pass', fail: 'Fail', absent: 'Not in the bundle' };
const VERDICTS = {
  valid: ['Valid', 'Every check passes: this record is what it says, signed by a certified worker and received by the server.'],
  invalid: ['Not valid', 'At least one check fails: the record, a file in the bundle or its certificate is not what it claims. See the failing checks below.'],
  incomplete: ['Incomplete', 'Nothing fails, but the bundle lacks a part that a check needs: what those checks would prove is not proven either way.'],
};

/** This server's authority key, when it answered while the page loaded. */
let serverAuthority;

async function fetchServerAuthority() {
  try {
    const answer = await fetch('/v1/authority', { signal: AbortSignal.timeout(5_000), cache: 'no-store' });
    if (!answer.ok) return;
    const { jwk, name } = await answer.json();
    serverAuthority = jwk;
    const fetched = $('authority-fetched');
    fetched.textContent = `This server's authority key${name ? ` (${name})` : ''}, id ${VerifyingKey.fromJwk(jwk).kid}, was fetched from ${location.origin} and is used unless you give another one below. It is the organisation's key only if this is the organisation's own address: type it or use a bookmark, never a link or QR code from the bundle you are checking.`;
    fetched.hidden = false;
  } catch {
    // Offline, or no offsign server here: the verifier gives the key, or the bundle's is shown.
  }
}

async function keepOffline() {
  const badge = $('offline-ready');
  if (!('serviceWorker' in navigator)) {
    badge.textContent = 'Online only';
    return;
  }
  try {
    await navigator.serviceWorker.register('/verify/sw.js', { scope: '/verify/', type: 'module', updateViaCache: 'none' });
    await navigator.serviceWorker.ready;
    badge.textContent = 'Works offline';
  } catch {
    badge.textContent = 'Online only';
  }
}

/** An OffsignError of the page's own, with the remedy the error table gives for `code`. */
const refusal = (code, message) => new OffsignError(code, message, errorCodes().find((c) => c.code === code)?.remedy ?? '');

function showProblem(error) {
  const problem = $('verify-problem');
  problem.replaceChildren(error.message);
  if (error.remedy) problem.append(el('br'), error.remedy);
  if (error.code) problem.append(el('span', { class: 'support-code' }, `Code: ${error.code}`));
  problem.hidden = false;
  problem.dataset.code = error.code ?? '';
  $('report').hidden = true;
}

/**
 * The authority key to pin and where it came from: the one given on the page (`given`), else
 * the key of the server that served this page (`server`), else none.
 */
function pinnedAuthority() {
  const text = $('authority-jwk').value.trim();
  if (!text) return serverAuthority ? { jwk: serverAuthority, source: 'server' } : { jwk: undefined, source: 'none' };
  try {
    return { jwk: JSON.parse(text), source: 'given' };
  } catch {
    throw refusal('malformed_jwk', 'The authority key is not a JWK: it must be the JSON text the organisation gave you.');
  }
}

function showReport(report, file, source) {
  const [title, words] = VERDICTS[report.verdict];
  $('verdict').textContent = `${title}: ${file.name}`;
  $('report').dataset.verdict = report.verdict;
  $('verdict-words').textContent = words;
  $('report-record').textContent = report.record || '(unreadable)';
  $('report-document').textContent = report.documentName ?? '(no name)';
  $('report-made').textContent = report.madeAt || '(not said)';
  const { kid, pinned, namedInBundle } = report.authority;
  const names = namedInBundle ? ', the key the bundle names' : ' (the bundle names another key)';
  $('report-authority').textContent = !pinned
    ? `${kid}, NOT pinned: the key the bundle names itself. Compare this id with the one the organisation gives you; a forged bundle would pass under a key of its own.`
    : source === 'given'
      ? `${kid}, given by you${names}`
      : `${kid}, the key of ${location.origin}, the server that served this page${names}. It is the organisation's only if you opened this page at the organisation's own address (typed or bookmarked, not from a link or QR code in the bundle you are checking).`;
  $('checks').replaceChildren(...report.checks.map(({ check, outcome, detail }) => el(
    'li',
    { class: { pass: 'ok', fail: 'fail', absent: 'warn' }[outcome], 'data-check': check, 'data-outcome': outcome },
    el('span', { class: 'state' }, OUTCOMES[outcome]),
    el('strong', {}, ` ${CHECKS[check] ?? check}`),
    el('div', {}, detail),
  )));
  $('verify-problem').hidden = true;
  $('report').hidden = false;
  $('verdict').focus();
}

async function verify(event) {
  event.preventDefault();
  const file = $('bundle-file').files[0];
  if (!file) return;
  const form = $('verify-form');
  form.setAttribute('aria-busy', 'true');
  $('report').hidden = true;
  $('verify-problem').hidden = true;
  try {
    if (file.size > maxBundleBytes()) {
      throw refusal('malformed_bundle', `The file is ${file.size} bytes; an evidence bundle is at most ${maxBundleBytes()}.`);
    }
    const authority = pinnedAuthority();
    const report = verifyBundle(new Uint8Array(await file.arrayBuffer()), authority.jwk ? { authority: authority.jwk } : undefined);
    showReport(report, file, authority.source);
  } catch (error) {
    showProblem(error);
  } finally {
    form.removeAttribute('aria-busy');
  }
}

$('authority-file').addEventListener('change', async () => {
  const [file] = $('authority-file').files;
  if (file) $('authority-jwk').value = file.size > 64 << 10 ? '' : (await file.text()).trim();
});
$('verify-form').addEventListener('submit', verify);
await init();
await Promise.all([fetchServerAuthority(), keepOffline()]);
document.body.dataset.ready = 'true';
