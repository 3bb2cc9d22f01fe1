// Each line below must be a type error: if the package's types were `any`, the
// `@ts-expect-error` directives would be unused, and tsc fails on unused ones.
import { Device, verifyRecord } from 'offsign';
import type { ErrorCode, OutboxRecord } from 'offsign';
// @ts-expect-error: the Device is not part of offsign/core
import { Device as CoreDevice } from 'offsign/core';

declare const device: Device;
declare const record: OutboxRecord;

// @ts-expect-error: not an error code
export const code: ErrorCode = 'not_a_code';
// @ts-expect-error: documents are bytes, not strings
export const signed = device.sign('some text');
// @ts-expect-error: an identity needs a label and a PIN
export const created = device.createIdentity({});
// @ts-expect-error: the state is one of four words
export const done: 'done' = record.state;
// @ts-expect-error: verifyRecord needs the signer's key
export const payload = verifyRecord('a.b.c');
// @ts-expect-error: sync options have no such member
export const summary = device.sync({ retries: 3 });
// @ts-expect-error: the idle-lock handler is told a key id, a string
device.onidlelock = (kid: number) => kid;
// @ts-expect-error: a PIN is a string
export const unlocking = device.unlock('kid', 482913);
// The import above is used, so that only its missing export is an error.
export type Unused = CoreDevice;
