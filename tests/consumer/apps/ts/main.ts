// A TypeScript consumer: everything typed, nothing `any`.
import init, { Device, Identity, verifyRecord, errorCodes, isOffsignError, OffsignError } from 'offsign';
import type { ErrorCode, OutboxRecord, SignedRecord, SyncSummary, HealthCheck } from 'offsign';
import initCore, { Authority, Identity as CoreIdentity, verifyRecord as verifyWithCore, isOffsignError as isCoreError } from 'offsign/core';
import type { Credentials, RecordPayload } from 'offsign/core';

export async function run(code: string): Promise<SyncSummary> {
  await init();
  const device: Device = await Device.open({ name: 'typed', idleLockMinutes: 10 });
  const me = await device.createIdentity({ label: 'Typed', pin: '482913' });
  await device.enroll(me.kid, code);
  const signed: SignedRecord = await device.sign(new Uint8Array([1, 2, 3]), { name: 'a.bin', claims: { ref: 'DN-1' } });
  const seq: number = signed.record.seq;
  verifyRecord(signed.jws, me.publicJwk, { prev: undefined });
  const outbox: OutboxRecord[] = await device.records(me.kid, { after: seq - 1, limit: 10 });
  const state: 'pending' | 'sending' | 'accepted' | 'rejected' = outbox[0].state;
  const checks: HealthCheck[] = await device.diagnose();
  const failing = checks.filter((c) => c.status === 'fail');
  const stop: () => void = device.autoSync({ intervalMinutes: 5, onError: (e: OffsignError) => console.log(e.remedy) });
  stop();
  const codes: ErrorCode[] = errorCodes().map((c) => c.code);
  const key = Identity.generate();
  key.lock();
  // A strict `catch (e)` is `unknown`: the guard and the class narrow it.
  try {
    key.signBytes(new Uint8Array([1]));
  } catch (e) {
    if (isOffsignError(e)) console.log(e.code satisfies ErrorCode, e.remedy);
    if (e instanceof OffsignError) console.log(e.remedy.length);
  }
  device.onidlelock = (kid: string) => console.log(kid.length);
  console.log(state, failing.length, codes.length);
  return device.sync({ onProgress: (done: number, total: number) => console.log(done, total) });
}

/** The primitives alone, from the `offsign/core` entry. */
export async function runCore(): Promise<RecordPayload> {
  await initCore();
  const authority = Authority.generate('Typed Authority');
  const worker = CoreIdentity.generate();
  const now = Date.now();
  const credentials: Credentials = {
    authority: authority.publicJwk,
    certificate: authority.issueCertificate('t-1', 'typed', worker.publicJwk, now, now + 86_400_000),
  };
  const signed = worker.sign(new Uint8Array([4, 5, 6]), { credentials });
  try {
    return verifyWithCore(signed.jws, worker.publicJwk);
  } catch (e) {
    throw isCoreError(e) ? new Error(e.remedy) : e;
  }
}
