// For pages of the tests and benchmarks: a Device with one identity, unlocked and enrolled
// with credentials from an Authority made on the spot (no server).
import { Authority } from '/pkg/offsign.js';

/**
 * Opens `Device` (the package's, or the wasm Device on the page's thread) as database `name`,
 * creates an identity with PIN `pin` sealed at Argon2id cost `kdf` (the default when
 * undefined), and sets credentials valid for 30 days. Resolves to { device, kid, publicJwk }.
 * The package's primitives must be initialised (`init()`).
 */
export async function enrolledDevice(Device, name, { pin = '482913', kdf } = {}) {
  const device = await Device.open({ name });
  const { kid, publicJwk } = await device.createIdentity({ label: 'Enrolled', pin, kdf });
  const ca = Authority.generate('Test Authority');
  const now = Date.now();
  await device.setCredentials(kid, {
    authority: ca.publicJwk,
    certificate: ca.issueCertificate('test-1', 'worker', publicJwk, now - 60_000, now + 30 * 86_400_000),
    revocationList: ca.issueRevocationList([], now, now + 86_400_000),
  });
  return { device, kid, publicJwk };
}
