import { EventEmitter } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import { TransportError } from './errors.js';
import type { StreamListener, StreamListenerEvents } from './listen.js';
import type { ByteStream } from './stream.js';
import { TcpByteStream, remoteAddress, tuneSocket } from './tcp-stream.js';
import { formatTransportUrl, type TcpUrl } from './url.js';

class TcpStreamListener extends EventEmitter<StreamListenerEvents> implements StreamListener {
  readonly address: string;
  readonly #server: Server;
  readonly #keepAliveMs: number;
  readonly #live = new Set<ByteStream>();
  #closing: Promise<void> | undefined;

  constructor(server: Server, address: string, keepAliveMs: number) {
    super();
    this.#server = server;
    this.address = address;
    this.#keepAliveMs = keepAliveMs;
    server.on('connection', (socket) => this.#accept(socket));
    server.on('error', (err) => {
      if (this.listenerCount('error') > 0) this.emit('error', err);
    });
  }

  #accept(socket: Socket): void {
    if (this.#closing) {
      socket.destroy();
      return;
    }
    tuneSocket(socket, this.#keepAliveMs);
    const stream = new TcpByteStream(socket, `${remoteAddress(socket)} (accepted on ${this.address})`);
    if (!stream.isOpen) return;
    this.#live.add(stream);
    stream.once('close', () => this.#live.delete(stream));
    this.emit('connection', stream);
  }

  close(): Promise<void> {
    this.#closing ??= (async () => {
      const serverClosed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
      await Promise.all([...this.#live].map((stream) => stream.close()));
      await serverClosed;
    })();
    return this.#closing;
  }
}

export function listenTcp(target: TcpUrl, keepAliveMs: number): Promise<StreamListener> {
  const requested = formatTransportUrl(target);
  return new Promise((resolve, reject) => {
    const server = createServer();
    const onError = (err: Error): void => {
      server.close();
      reject(new TransportError('listenFailed', `cannot listen on ${requested}: ${err.message}`, { cause: err }));
    };
    server.once('error', onError);
    server.listen({ host: target.host, port: target.port }, () => {
      server.off('error', onError);
      const bound = server.address();
      const address =
        bound !== null && typeof bound === 'object'
          ? formatTransportUrl({ kind: 'tcp', host: bound.address, port: bound.port })
          : requested;
      resolve(new TcpStreamListener(server, address, keepAliveMs));
    });
  });
}
