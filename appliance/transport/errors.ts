export type TransportErrorCode =
  | 'badUrl'
  | 'connectFailed'
  | 'connectTimeout'
  | 'closed'
  | 'serialOpenFailed'
  | 'listenFailed';

/** Every failure of the transport layer. The message names the URL or device concerned. */
export class TransportError extends Error {
  override readonly name = 'TransportError';
  readonly code: TransportErrorCode;

  constructor(code: TransportErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
