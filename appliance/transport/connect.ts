import { connect as netConnect } from 'node:net';
import { systemClock, type Clock } from '../runtime/clock.js';
import { TransportError } from './errors.js';
import { openSerialStream, type SerialBinding } from './serial-stream.js';
import type { ByteStream } from './stream.js';
import { DEFAULT_KEEP_ALIVE_MS, TcpByteStream, localAddress, tuneSocket } from './tcp-stream.js';
import { formatTransportUrl, toTransportUrl, type TcpUrl, type TransportUrl } from './url.js';

export const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;

export interface OpenStreamOptions {
  /** TCP only: give up after this long (DNS lookup included). Default 5000. */
  connectTimeoutMs?: number;
  /** TCP only: idle time before the first keep-alive probe. Default 10000. */
  keepAliveMs?: number;
  /** Serial only: the serialport binding (e.g. `SerialPortMock.binding` in tests). */
  binding?: SerialBinding;
  clock?: Clock;
}

/** The client side: connect to a TCP peer or open a serial device. */
export async function openStream(url: string | TransportUrl, options: OpenStreamOptions = {}): Promise<ByteStream> {
  const target = toTransportUrl(url);
  if (target.kind === 'serial') return openSerialStream(target, options.binding);
  return connectTcp(target, {
    connectTimeoutMs: positive('connectTimeoutMs', options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS),
    keepAliveMs: positive('keepAliveMs', options.keepAliveMs ?? DEFAULT_KEEP_ALIVE_MS),
    clock: options.clock ?? systemClock,
  });
}

function positive(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) {
    throw new RangeError(`openStream: ${name} must be a positive number of milliseconds, got ${value}`);
  }
  return value;
}

function connectTcp(
  target: TcpUrl,
  options: { connectTimeoutMs: number; keepAliveMs: number; clock: Clock },
): Promise<ByteStream> {
  const address = formatTransportUrl(target);
  if (target.port === 0) {
    return Promise.reject(new TransportError('badUrl', `cannot connect to ${address}: port 0 is only for listening`));
  }
  return new Promise((resolve, reject) => {
    const { clock } = options;
    const socket = netConnect({ host: target.host, port: target.port });
    const timer = clock.setTimeout(() => {
      socket.destroy();
      reject(new TransportError('connectTimeout', `no answer from ${address} within ${options.connectTimeoutMs} ms`));
    }, options.connectTimeoutMs);
    const onError = (err: Error): void => {
      clock.clearTimeout(timer);
      socket.destroy();
      reject(new TransportError('connectFailed', `cannot connect to ${address}: ${err.message}`, { cause: err }));
    };
    socket.on('error', onError);
    socket.once('connect', () => {
      clock.clearTimeout(timer);
      tuneSocket(socket, options.keepAliveMs);
      const stream = new TcpByteStream(socket, `${address} (local ${localAddress(socket)})`);
      socket.off('error', onError);
      resolve(stream);
    });
  });
}
