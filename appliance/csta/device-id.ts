/**
 * Device identifiers arrive as plain digits (`201`), as dialling strings, or in the SIP-like form
 * real switches write: `N<+4930123456>;noa=nk` (number inside angle brackets, parameters after).
 * The appliance keys devices by the number alone.
 */
export function normalizeDeviceId(raw: string): string {
  if (raw.length > 2 && raw.charCodeAt(1) === 60 /* < */) {
    const close = raw.indexOf('>', 2);
    if (close > 2) return raw.slice(2, close);
  }
  return raw;
}
