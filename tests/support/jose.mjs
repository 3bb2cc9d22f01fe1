// Test support: compact JWS signed in Node by npm `jose`, as an authority on another stack
// would sign its certificates, revocation lists and answers.
import { CompactSign } from 'jose';

/** Signs `payload` (JSON) as a compact JWS with header `{ alg: "Ed25519", typ }` and the Ed25519 `privateKey`. */
export function joseSign(payload, typ, privateKey) {
  return new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
    .setProtectedHeader({ alg: 'Ed25519', typ })
    .sign(privateKey);
}
