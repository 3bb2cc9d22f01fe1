// Practice mode (`/?practice`): the whole app — PIN, the policy check before each signature,
// the form and the pad, the outbox — on a database of its own (`offsign-practice`), with an
// identity whose certificate a practice authority made on the device: no code, no server,
// and nothing is ever sent. The worker can stage the failures they will meet (an expired or a
// revoked certificate, a wrong clock, a full disk) and read each one's remedy before it
// matters. Every screen says it is practice.
import init, { Authority } from '/pkg/offsign.js';
import { errorWords, t } from './i18n.js';
import { $ } from './ui.js';

/** Whether this page is practice. */
export const PRACTICE = new URLSearchParams(location.search).has('practice');

/** The practice database (the real one is the Device's default). */
export const PRACTICE_DATABASE = 'offsign-practice';

const DAY = 86_400_000;
let device;
/** The primitives' wasm in this page, for the practice authority: loaded when practice first
 * needs it (the real app never does), and kept by the service worker from then on. */
let primitives;

/** Marks every screen as practice and wires the staged problems to `opened`, the practice Device. */
export function setUpPractice(opened) {
  device = opened;
  document.body.classList.add('practice');
  $('practice-banner').hidden = false;
  $('practice-stage-box').hidden = false;
  $('code-box').hidden = true;
  for (const link of document.querySelectorAll('.practice-link, #first-run-practice')) link.hidden = true;
  $('practice-stage').addEventListener('change', () => {
    if (device.unlocked) stage(device.unlocked, $('practice-stage').value).catch(() => {});
  });
}

/** The enroll screen in practice: a name and a PIN, no code. */
export function practiceEnrollScreen() {
  $('enroll-title').textContent = t('practice-enroll-title');
  $('replacing-note').hidden = false;
  $('replacing-note').textContent = t('practice-enroll-note');
}

/**
 * Gives identity `kid` practice credentials for `problem` ('' for none): a certificate from a
 * practice authority made now, expired, not valid yet (a clock set wrong), or listed as
 * revoked. The device's own policy check then refuses as it would in the field.
 */
async function stage(kid, problem) {
  const { publicJwk } = (await device.identities()).find((i) => i.kid === kid);
  await (primitives ??= init().catch((e) => { primitives = undefined; throw e; }));
  const office = Authority.generate(t('practice-authority'));
  const now = Date.now();
  const serial = `practice-${now}`;
  const [notBefore, expires] = {
    expired: [now - 60 * DAY, now - DAY],
    clock: [now + 2 * DAY, now + 60 * DAY],
  }[problem] ?? [now - DAY, now + 30 * DAY];
  try {
    await device.setCredentials(kid, {
      authority: office.publicJwk,
      certificate: office.issueCertificate(serial, 'practice', publicJwk, notBefore, expires),
      revocationList: office.issueRevocationList(problem === 'revoked' ? [serial] : [], now, now + 30 * DAY, 'superseded'),
    });
  } finally {
    office.free();
  }
}

/** Enrolls `form`'s name and PIN as a practice identity (no code, no server). */
export async function practiceEnroll(form, check) {
  check(form);
  const identity = await device.createIdentity({ label: form.label.value.trim(), pin: form.pin.value });
  await stage(identity.kid, '');
  $('practice-stage').value = '';
}

/** The failure staged that the device cannot be made to meet for real (a full disk): the
 * error it would raise, with its remedy; `null` otherwise. */
export function stagedFailure() {
  if (!PRACTICE || $('practice-stage').value !== 'storage') return null;
  const { summary, remedy } = errorWords('storage_full');
  return Object.assign(new Error(summary), { code: 'storage_full', remedy, translated: true });
}
