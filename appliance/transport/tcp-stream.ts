import type { Socket } from 'node:net';
import { BaseByteStream } from './base-stream.js';
import { formatHostPort } from './url.js';

export const DEFAULT_KEEP_ALIVE_MS = 10_000;
/** How long close() lets queued bytes drain before the socket is destroyed regardless. */
const CLOSE_GRACE_MS = 2_000;

/** A connected TCP socket as a ByteStream. Socket errors become the 'close' reason. */
export class TcpByteStream extends BaseByteStream {
  #corked = false;
  readonly #socket: Socket;
  #failure: Error | undefined;

  constructor(socket: Socket, description: string) {
    super(description);
    this.#socket = socket;
    socket.on('data', (chunk: Buffer) => this.received(chunk));
    socket.on('error', (err) => {
      this.#failure ??= err;
    });
    socket.on('close', () => this.ended(this.#failure));
    if (socket.destroyed) this.ended(new Error('socket was already closed'));
  }

  /**
   * Writes made in the same tick leave in one segment: the socket is corked on the first write and
   * uncorked on the next tick. A burst of events then costs one system call, not one per frame.
   */
  protected writeBytes(bytes: Buffer): void {
    if (!this.#corked) {
      this.#corked = true;
      this.#socket.cork();
      process.nextTick(() => {
        this.#corked = false;
        this.#socket.uncork();
      });
    }
    this.#socket.write(bytes);
  }

  protected closeUnderlying(): void {
    const socket = this.#socket;
    socket.setTimeout(CLOSE_GRACE_MS, () => socket.destroy());
    socket.end(() => socket.destroy());
  }
}

export function tuneSocket(socket: Socket, keepAliveMs: number): void {
  socket.setNoDelay(true);
  socket.setKeepAlive(true, keepAliveMs);
}

export function remoteAddress(socket: Socket): string {
  return `tcp://${formatHostPort(socket.remoteAddress ?? '?', socket.remotePort)}`;
}

export function localAddress(socket: Socket): string {
  return formatHostPort(socket.localAddress ?? '?', socket.localPort);
}
