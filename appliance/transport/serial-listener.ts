import { EventEmitter } from 'node:events';
import type { Clock, TimerHandle } from '../runtime/clock.js';
import type { StreamListener, StreamListenerEvents } from './listen.js';
import { openSerialStream, type SerialBinding } from './serial-stream.js';
import type { ByteStream } from './stream.js';
import { formatTransportUrl, type SerialUrl } from './url.js';

interface SerialLineOptions {
  binding: SerialBinding | undefined;
  reopenIntervalMs: number;
  clock: Clock;
}

/**
 * Serves one serial line: the open device is the one connection. When the line closes for any
 * reason other than close(), the device is reopened every `reopenIntervalMs` until it opens
 * again (a new 'connection') or the listener is closed.
 */
export class SerialLineListener extends EventEmitter<StreamListenerEvents> implements StreamListener {
  readonly address: string;
  readonly #url: SerialUrl;
  readonly #options: SerialLineOptions;
  #current: ByteStream | undefined;
  /** Opened before anyone listened for 'connection'; handed over to the first listener. */
  #undelivered: ByteStream | undefined;
  #reopenTimer: TimerHandle | undefined;
  #opening: Promise<void> | undefined;
  #closing: Promise<void> | undefined;

  private constructor(url: SerialUrl, options: SerialLineOptions) {
    super();
    this.#url = url;
    this.#options = options;
    this.address = formatTransportUrl(url);
    // listenStream() resolves before its caller can subscribe, so the first line waits for them.
    (this as EventEmitter).on('newListener', (event: string | symbol) => {
      if (event !== 'connection' || this.#undelivered === undefined) return;
      const stream = this.#undelivered;
      this.#undelivered = undefined;
      process.nextTick(() => {
        if (stream.isOpen) this.emit('connection', stream);
      });
    });
  }

  static async open(url: SerialUrl, options: SerialLineOptions): Promise<SerialLineListener> {
    const listener = new SerialLineListener(url, options);
    listener.#adopt(await openSerialStream(url, options.binding));
    return listener;
  }

  #adopt(stream: ByteStream): void {
    this.#current = stream;
    stream.once('close', () => {
      if (this.#current === stream) this.#current = undefined;
      if (this.#undelivered === stream) this.#undelivered = undefined;
      if (!this.#closing) this.#scheduleReopen();
    });
    if (this.listenerCount('connection') > 0) this.emit('connection', stream);
    else this.#undelivered = stream;
  }

  #scheduleReopen(): void {
    const { clock, reopenIntervalMs } = this.#options;
    this.#reopenTimer = clock.setTimeout(() => {
      this.#reopenTimer = undefined;
      this.#opening = this.#reopen();
    }, reopenIntervalMs);
  }

  async #reopen(): Promise<void> {
    try {
      const stream = await openSerialStream(this.#url, this.#options.binding);
      if (this.#closing) await stream.close();
      else this.#adopt(stream);
    } catch (err) {
      if (this.#closing) return;
      if (this.listenerCount('error') > 0) this.emit('error', err as Error);
      this.#scheduleReopen();
    }
  }

  close(): Promise<void> {
    this.#closing ??= (async () => {
      this.#options.clock.clearTimeout(this.#reopenTimer);
      await this.#opening;
      await this.#current?.close();
    })();
    return this.#closing;
  }
}
