import type { EventEmitter } from 'node:events';

export interface ByteStreamEvents {
  data: [chunk: Buffer];
  /** Emitted exactly once. `reason` is undefined when we closed the stream ourselves. */
  close: [reason: Error | undefined];
}

/** A bidirectional byte pipe (a TCP connection or a serial line), whichever side opened it. */
export interface ByteStream extends EventEmitter<ByteStreamEvents> {
  /** e.g. 'tcp://127.0.0.1:8800 (local 127.0.0.1:41234)' or 'serial:/dev/ttyS0?baud=9600' */
  readonly description: string;
  readonly isOpen: boolean;
  /** Throws TransportError('closed') once the stream is closed or closing. */
  write(bytes: Buffer): void;
  /** Idempotent; resolves once 'close' has been emitted. */
  close(): Promise<void>;
}
