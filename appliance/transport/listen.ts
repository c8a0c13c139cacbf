import type { EventEmitter } from 'node:events';
import { systemClock, type Clock } from '../runtime/clock.js';
import { SerialLineListener } from './serial-listener.js';
import type { SerialBinding } from './serial-stream.js';
import type { ByteStream } from './stream.js';
import { DEFAULT_KEEP_ALIVE_MS } from './tcp-stream.js';
import { listenTcp } from './tcp-listener.js';
import { toTransportUrl, type TransportUrl } from './url.js';

export interface StreamListenerEvents {
  connection: [stream: ByteStream];
  error: [error: Error];
}

/** The server side: TCP accepts many connections; a serial line is one connection, kept open. */
export interface StreamListener extends EventEmitter<StreamListenerEvents> {
  /** The URL actually served: for tcp://host:0 it carries the port the system chose. */
  readonly address: string;
  /** Stops listening and closes every live stream. Idempotent. */
  close(): Promise<void>;
}

export const DEFAULT_REOPEN_INTERVAL_MS = 1_000;

export interface ListenStreamOptions {
  /** TCP only: keep-alive on accepted connections. Default 10000. */
  keepAliveMs?: number;
  /** Serial only: the serialport binding (e.g. `SerialPortMock.binding` in tests). */
  binding?: SerialBinding;
  /** Serial only: how often to try reopening a line that closed. Default 1000. */
  reopenIntervalMs?: number;
  clock?: Clock;
}

export function listenStream(url: string | TransportUrl, options: ListenStreamOptions = {}): Promise<StreamListener> {
  const target = toTransportUrl(url);
  if (target.kind === 'tcp') return listenTcp(target, options.keepAliveMs ?? DEFAULT_KEEP_ALIVE_MS);
  return SerialLineListener.open(target, {
    binding: options.binding,
    reopenIntervalMs: options.reopenIntervalMs ?? DEFAULT_REOPEN_INTERVAL_MS,
    clock: options.clock ?? systemClock,
  });
}
