/** A message that could not be decoded or encoded: bad XML, a missing field, a malformed value. */
export class CodecError extends Error {
  override readonly name = 'CodecError';
  constructor(
    readonly code: 'badXml' | 'missingField' | 'badValue' | 'unknownMessage',
    message: string,
  ) {
    super(message);
  }
}

/** Bytes on the link that do not form a frame. `bytes` holds the offending bytes as hex, truncated. */
export class FramingError extends Error {
  override readonly name = 'FramingError';
  constructor(
    readonly code: 'badFormat' | 'badLength' | 'badInvokeId' | 'oversize' | 'garbage',
    message: string,
    readonly bytes: string,
  ) {
    super(`${message} (bytes: ${bytes})`);
  }
}

/** The switch answered a request with CSTAErrorCode, or a request could not be carried out. */
export class CstaError extends Error {
  override readonly name = 'CstaError';
  constructor(
    /** ECMA-269 error group: operation, security, stateIncompatibility, systemResourceAvailability, ... or 'timeout' / 'linkDown' for local failures. */
    readonly group: string,
    /** The error value within its group, e.g. invalidDeviceID. */
    readonly value: string,
    readonly service: string,
    message?: string,
  ) {
    super(message ?? `${service} failed: ${group}/${value}`);
  }
}

/** Hex of at most `max` bytes, with the total length when truncated. */
export function hexPreview(bytes: Buffer, max = 64): string {
  const hex = bytes.subarray(0, max).toString('hex');
  return bytes.length > max ? `${hex}… (${bytes.length} bytes)` : hex;
}
