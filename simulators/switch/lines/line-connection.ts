/**
 * One card simulator connected over the line link: JSON lines in and out. A frame that is not JSON,
 * not a line-link message or too long is logged and answered with `refused`; the connection stays.
 */
import { JsonLineDecoder, MAX_LINE_BYTES, encodeJsonLine } from '../../../appliance/cards/framing.js';
import type { Logger } from '../../../appliance/runtime/logger.js';
import type { ByteStream } from '../../../appliance/transport/stream.js';
import { type LineToSwitch, type SwitchToLine, lineToSwitchSchema } from './protocol.js';

export interface LineConnectionHandlers {
  message(line: LineConnection, message: LineToSwitch): void;
  closed(line: LineConnection): void;
}

const PORT = /^[0-9]{1,16}$/;

export class LineConnection {
  /** The analog ports this line has attached, in the order it got them. */
  readonly ports = new Set<string>();
  readonly #stream: ByteStream;
  readonly #handlers: LineConnectionHandlers;
  readonly #log: Logger;
  readonly #decoder: JsonLineDecoder;

  constructor(stream: ByteStream, handlers: LineConnectionHandlers, log: Logger) {
    this.#stream = stream;
    this.#handlers = handlers;
    this.#log = log.child({ line: stream.description });
    this.#decoder = new JsonLineDecoder({
      line: (text) => this.#receive(text),
      oversize: (preview, length) => {
        this.#log.warn({ preview, length }, 'line-link frame too long: dropped');
        this.send({ t: 'refused', reason: `frame of ${length} bytes is longer than ${MAX_LINE_BYTES}` });
      },
    });
    stream.on('data', (chunk) => this.#decoder.push(chunk));
    stream.once('close', (reason) => {
      this.#log.info({ reason: reason?.message }, 'line disconnected');
      this.#handlers.closed(this);
    });
  }

  get description(): string {
    return this.#stream.description;
  }

  get isOpen(): boolean {
    return this.#stream.isOpen;
  }

  send(message: SwitchToLine): void {
    if (!this.#stream.isOpen) return;
    try {
      this.#stream.write(encodeJsonLine(message));
    } catch (error) {
      this.#log.debug({ err: (error as Error).message, message }, 'line gone while sending');
    }
  }

  close(): Promise<void> {
    return this.#stream.close();
  }

  #receive(text: string): void {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      this.#log.warn({ frame: text.slice(0, 200) }, 'line-link frame is not JSON: dropped');
      this.send({ t: 'refused', reason: `not JSON: ${(error as Error).message}` });
      return;
    }
    const parsed = lineToSwitchSchema.safeParse(json);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((issue) => `${issue.path.map(String).join('.') || '(frame)'}: ${issue.message}`).join('; ');
      const port = (json as { port?: unknown } | null)?.port;
      this.#log.warn({ frame: text.slice(0, 200), problems }, 'not a line-link message: dropped');
      this.send({ t: 'refused', ...(typeof port === 'string' && PORT.test(port) ? { port } : {}), reason: `bad frame: ${problems}` });
      return;
    }
    try {
      this.#handlers.message(this, parsed.data);
    } catch (error) {
      this.#log.error({ err: (error as Error).message, message: parsed.data }, 'line-link message failed');
      const port = 'port' in parsed.data ? { port: parsed.data.port } : {};
      this.send({ t: 'refused', ...port, reason: `switch failure: ${(error as Error).message}` });
    }
  }
}
