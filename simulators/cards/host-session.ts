/**
 * One host connected to the simulated board: JSON lines in and out. The host must say hello
 * (version 1) first; a wrong version is answered with `error version` and the connection closed.
 * Every other frame that cannot be used is answered with an `error` frame (or, for a command whose
 * id can be read, `nak badMessage`) and the session carries on.
 */
import { JsonLineDecoder, MAX_LINE_BYTES, encodeJsonLine } from '../../appliance/cards/framing.js';
import { type BoardFrame, type BoardHello, CARD_PROTOCOL_VERSION, type CardCommand, type ErrorFrame, decodeHostFrame } from '../../appliance/cards/protocol.js';
import type { Logger } from '../../appliance/runtime/logger.js';
import type { ByteStream } from '../../appliance/transport/stream.js';
import type { CommandOrigin } from './channel.js';

export interface SessionBoard {
  hello(): BoardHello;
  command(session: HostSession, cmd: CardCommand): void;
  /** The host said hello with the right version: it hears events from now on. */
  ready(session: HostSession, client: string | undefined): void;
  closed(session: HostSession, reason: Error | undefined): void;
}

const MAX_ID = 2 ** 31 - 1;

export class HostSession implements CommandOrigin {
  readonly #stream: ByteStream;
  readonly #board: SessionBoard;
  readonly #log: Logger;
  #ready = false;

  constructor(stream: ByteStream, board: SessionBoard, log: Logger) {
    this.#stream = stream;
    this.#board = board;
    this.#log = log.child({ host: stream.description });
    const decoder = new JsonLineDecoder({
      line: (text) => this.#receive(text),
      oversize: (preview, length) => {
        this.#log.warn({ preview, length }, 'card-link frame too long: dropped');
        this.#sendError({ type: 'error', code: 'badFrame', message: `line of ${length} bytes is longer than ${MAX_LINE_BYTES}`, frame: preview.slice(0, 200) });
      },
    });
    stream.on('data', (chunk) => decoder.push(chunk));
    stream.once('close', (reason) => {
      this.#log.info({ reason: reason?.message }, 'host disconnected');
      this.#board.closed(this, reason);
    });
  }

  get description(): string {
    return this.#stream.description;
  }

  /** Said hello: hears the board's events. */
  get isReady(): boolean {
    return this.#ready && this.#stream.isOpen;
  }

  /** Said hello at some point (still true once closed). */
  get wasReady(): boolean {
    return this.#ready;
  }

  send(frame: BoardFrame): void {
    if (!this.#stream.isOpen) return;
    try {
      this.#stream.write(encodeJsonLine(frame));
    } catch (error) {
      this.#log.debug({ err: (error as Error).message }, 'host gone while sending');
    }
  }

  close(): Promise<void> {
    return this.#stream.close();
  }

  #receive(text: string): void {
    const decoded = decodeHostFrame(text);
    if (!decoded.ok) {
      this.#log.warn({ frame: text.slice(0, 200), message: decoded.error.message }, 'card-link frame dropped');
      const id = this.#ready ? readableCommandId(text) : undefined;
      if (id !== undefined && decoded.error.code === 'badMessage') {
        this.send({ type: 'nak', id, code: 'badMessage', message: decoded.error.message.slice(0, 2000) });
      } else this.#sendError(decoded.error);
      return;
    }
    const frame = decoded.frame;
    switch (frame.type) {
      case 'hello':
        return this.#hello(frame.version, frame.client);
      case 'error':
        // Never answered, or two peers could trade errors for ever.
        this.#log.warn({ code: frame.code, message: frame.message }, 'host reports an error');
        return;
      default:
        break;
    }
    if (!this.#ready) {
      this.#sendError({ type: 'error', code: 'badMessage', message: `${frame.type} before hello: say hello (version ${CARD_PROTOCOL_VERSION}) first`, frame: text.slice(0, 200) });
      return;
    }
    if (frame.type === 'ping') return this.send({ type: 'pong', id: frame.id });
    try {
      this.#board.command(this, frame);
    } catch (error) {
      this.#log.error({ err: error, id: frame.id, op: frame.op }, 'command failed inside the board');
      this.send({ type: 'nak', id: frame.id, code: 'internal', message: (error as Error).message.slice(0, 2000) });
    }
  }

  #hello(version: number, client: string | undefined): void {
    if (version !== CARD_PROTOCOL_VERSION) {
      this.#log.warn({ version }, 'host speaks another card protocol version: closing');
      this.#sendError({ type: 'error', code: 'version', message: `this board speaks card protocol version ${CARD_PROTOCOL_VERSION}, not ${version}` });
      void this.close();
      return;
    }
    this.send(this.#board.hello());
    if (this.#ready) return;
    this.#ready = true;
    this.#log.info({ client }, 'host said hello');
    this.#board.ready(this, client);
  }

  #sendError(frame: ErrorFrame): void {
    this.send({ ...frame, message: frame.message.slice(0, 2000), ...(frame.frame !== undefined ? { frame: frame.frame.slice(0, 200) } : {}) });
  }
}

/** The id of a line that is a JSON `cmd` object with a valid id, even though the rest of it is bad. */
function readableCommandId(text: string): number | undefined {
  try {
    const value = JSON.parse(text) as { type?: unknown; id?: unknown } | null;
    const id = value?.id;
    return value?.type === 'cmd' && Number.isInteger(id) && (id as number) >= 1 && (id as number) <= MAX_ID ? (id as number) : undefined;
  } catch {
    return undefined;
  }
}
