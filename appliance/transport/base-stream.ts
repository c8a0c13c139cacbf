import { EventEmitter } from 'node:events';
import { TransportError } from './errors.js';
import type { ByteStream, ByteStreamEvents } from './stream.js';

/**
 * The close rules shared by every ByteStream: 'close' exactly once, no 'data' after close() was
 * called, writes on a closed stream throw, and a close we did not ask for carries a reason.
 */
export abstract class BaseByteStream extends EventEmitter<ByteStreamEvents> implements ByteStream {
  readonly description: string;
  #open = true;
  #closedByUs = false;
  #ended = false;
  readonly #closed: Promise<void>;
  #resolveClosed!: () => void;

  constructor(description: string) {
    super();
    this.description = description;
    this.#closed = new Promise((resolve) => {
      this.#resolveClosed = resolve;
    });
  }

  get isOpen(): boolean {
    return this.#open;
  }

  write(bytes: Buffer): void {
    if (!this.#open) {
      throw new TransportError('closed', `${this.description}: cannot write, the stream is closed`);
    }
    this.writeBytes(bytes);
  }

  close(): Promise<void> {
    if (this.#open) {
      this.#open = false;
      this.#closedByUs = true;
      this.closeUnderlying();
    }
    return this.#closed;
  }

  protected abstract writeBytes(bytes: Buffer): void;
  /** Must lead to ended() eventually, whatever state the underlying stream is in. */
  protected abstract closeUnderlying(): void;

  protected received(chunk: Buffer): void {
    if (this.#open) this.emit('data', chunk);
  }

  /** Called by the subclass when the underlying stream is gone; `failure` is what took it down. */
  protected ended(failure: Error | undefined): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#open = false;
    const reason = this.#closedByUs
      ? undefined
      : new TransportError('closed', `${this.description}: ${failure?.message ?? 'closed by the peer'}`, {
          cause: failure,
        });
    try {
      this.emit('close', reason);
    } finally {
      this.#resolveClosed();
    }
  }
}
