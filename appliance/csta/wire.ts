/**
 * One CSTA conversation over a byte stream: framing + codec in both directions. Used by the
 * appliance's session and by the simulated switch alike. Bad bytes and bad XML become
 * 'protocolError' events (logged with the offending bytes); the conversation goes on.
 */
import { EventEmitter } from 'node:events';
import type { Logger } from '../runtime/logger.js';
import type { ByteStream } from '../transport/stream.js';
import { decodeMessage, encodeMessage } from './codec.js';
import { CodecError, type FramingError, hexPreview } from './errors.js';
import type { Frame, FrameDecoder, Framing } from './framing.js';
import type { CstaMessage } from './messages.js';
import type { CstaEdition } from './namespaces.js';

export interface CstaWireEvents {
  /** A decoded message and the invoke ID it came with (undefined on framings without one). */
  message: [message: CstaMessage, invokeId: number | undefined];
  protocolError: [error: FramingError | CodecError, invokeId: number | undefined];
  close: [reason: Error | undefined];
}

export interface CstaWireOptions {
  framing: Framing;
  edition: CstaEdition;
  logger: Logger;
  /** Write the XML declaration before each document. */
  declaration?: boolean;
}

export class CstaWire extends EventEmitter<CstaWireEvents> {
  readonly stream: ByteStream;
  readonly #options: CstaWireOptions;
  readonly #decoder: FrameDecoder;
  readonly #log: Logger;
  #framesIn = 0;
  #errors = 0;

  constructor(stream: ByteStream, options: CstaWireOptions) {
    super();
    this.stream = stream;
    this.#options = options;
    this.#log = options.logger;
    this.#decoder = options.framing.decoder({
      frame: (frame) => this.#onFrame(frame),
      error: (error) => this.#onProtocolError(error, undefined, undefined),
    });
    // These run inside socket and serial-port callbacks: an exception escaping them (a listener's
    // bug) would take the whole process down, so it is logged here and the conversation goes on.
    stream.on('data', (chunk) => this.#guard('message', () => this.#decoder.push(chunk)));
    stream.once('close', (reason) => {
      this.#decoder.reset();
      this.#guard('close', () => this.emit('close', reason));
    });
  }

  get stats(): { framesIn: number; protocolErrors: number; buffered: number } {
    return { framesIn: this.#framesIn, protocolErrors: this.#errors, buffered: this.#decoder.buffered };
  }

  get isOpen(): boolean {
    return this.stream.isOpen;
  }

  /** Encodes and writes one message. Throws if the stream is closed or the message cannot be encoded. */
  send(message: CstaMessage, invokeId?: number): void {
    const xml = encodeMessage(message, { edition: this.#options.edition, declaration: this.#options.declaration ?? false });
    const frame: Frame = invokeId === undefined ? { xml } : { invokeId, xml };
    this.stream.write(this.#options.framing.encode(frame));
  }

  close(): Promise<void> {
    return this.stream.close();
  }

  #guard(event: string, work: () => void): void {
    try {
      work();
    } catch (error) {
      this.#log.error({ err: error, event, link: this.stream.description }, 'a CSTA wire listener threw: ignored');
    }
  }

  #onFrame(frame: Frame): void {
    this.#framesIn++;
    let message: CstaMessage;
    try {
      message = decodeMessage(frame.xml);
    } catch (error) {
      if (!(error instanceof CodecError)) throw error;
      this.#onProtocolError(error, frame.invokeId, frame.xml);
      return;
    }
    this.emit('message', message, frame.invokeId);
  }

  #onProtocolError(error: FramingError | CodecError, invokeId: number | undefined, xml: string | undefined): void {
    this.#errors++;
    const bytes = 'bytes' in error ? error.bytes : hexPreview(Buffer.from(xml ?? '', 'utf8'));
    this.#log.warn({ err: error.message, code: error.code, invokeId, bytes, link: this.stream.description }, 'CSTA protocol error: dropped');
    this.emit('protocolError', error, invokeId);
  }
}
