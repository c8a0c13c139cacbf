/**
 * One connection to a board's driver host: JSON-lines framing and the board-frame decoder over a
 * byte stream. A line that cannot be used is logged, answered with an `error` frame and reported as
 * `protocolError`; nothing read from the wire can throw out of the data handler.
 */
import { EventEmitter } from 'node:events';
import type { Logger } from '../runtime/logger.js';
import type { ByteStream } from '../transport/stream.js';
import { CardError } from './api.js';
import { JsonLineDecoder, MAX_LINE_BYTES, encodeJsonLine } from './framing.js';
import { type BoardFrame, type ErrorFrame, type HostFrame, decodeBoardFrame } from './protocol.js';

export interface ProtocolErrorInfo {
  code: string;
  message: string;
  frame?: string;
}

export interface BoardConnectionEvents {
  frame: [frame: BoardFrame];
  protocolError: [info: ProtocolErrorInfo];
  close: [reason: Error | undefined];
}

export class BoardConnection extends EventEmitter<BoardConnectionEvents> {
  readonly #stream: ByteStream;
  readonly #log: Logger;
  readonly #decoder: JsonLineDecoder;

  constructor(stream: ByteStream, logger: Logger) {
    super();
    this.#stream = stream;
    this.#log = logger;
    this.#decoder = new JsonLineDecoder({
      line: (text) => this.#onLine(text),
      oversize: (preview, length) =>
        this.#reject({ type: 'error', code: 'badFrame', message: `line of ${length} bytes exceeds the ${MAX_LINE_BYTES}-byte limit; dropped`, frame: preview.slice(0, 200) }),
    });
    stream.on('data', (chunk) => {
      try {
        this.#decoder.push(chunk);
      } catch (error) {
        this.#log.error({ err: error }, 'card link: data handler failed; chunk dropped');
        this.#decoder.reset();
      }
    });
    stream.once('close', (reason) => this.#emitSafely('close', reason));
  }

  get description(): string {
    return this.#stream.description;
  }

  get isOpen(): boolean {
    return this.#stream.isOpen;
  }

  /** Throws CardError('linkDown') when the stream is closed. */
  send(frame: HostFrame): void {
    try {
      this.#stream.write(encodeJsonLine(frame));
    } catch (error) {
      throw new CardError('linkDown', `card link: cannot send ${frame.type}: ${(error as Error).message}`);
    }
  }

  close(): Promise<void> {
    return this.#stream.close();
  }

  #onLine(text: string): void {
    const decoded = decodeBoardFrame(text);
    if (!decoded.ok) {
      this.#reject(decoded.error);
      return;
    }
    this.#emitSafely('frame', decoded.frame);
  }

  /** A line we cannot use: log it, tell the board, tell our listeners, carry on. */
  #reject(error: ErrorFrame): void {
    this.#log.warn({ code: error.code, frame: error.frame }, `card link: bad frame from the board: ${error.message}`);
    this.#emitSafely('protocolError', { code: error.code, message: error.message, ...(error.frame === undefined ? {} : { frame: error.frame }) });
    if (!this.#stream.isOpen) return;
    try {
      this.#stream.write(encodeJsonLine(error));
    } catch {
      // The stream closed meanwhile; its close event reports that.
    }
  }

  #emitSafely<K extends keyof BoardConnectionEvents>(name: K, ...args: BoardConnectionEvents[K]): void {
    try {
      (this.emit as (name: K, ...args: BoardConnectionEvents[K]) => boolean)(name, ...args);
    } catch (error) {
      this.#log.error({ err: error, event: name }, 'card link: a listener threw; ignored');
    }
  }
}
