/**
 * A scripted CSTA peer for protocol tests: a real TCP server on loopback speaking real frames, where
 * the test decides every answer. (Flows against a whole switch use the PBX simulator instead.)
 */
import { once } from 'node:events';
import { type AddressInfo, type Server, type Socket, createServer } from 'node:net';
import { decodeMessage, encodeMessage } from '../../appliance/csta/codec.js';
import { type Framing, headerFraming } from '../../appliance/csta/framing.js';
import type { CstaMessage } from '../../appliance/csta/messages.js';

export interface Received {
  message: CstaMessage;
  invokeId: number | undefined;
}

export class PeerConnection {
  readonly received: Received[] = [];
  #waiters: (() => void)[] = [];
  closed = false;

  constructor(
    readonly socket: Socket,
    readonly framing: Framing,
  ) {
    const decoder = framing.decoder({
      frame: (frame) => {
        this.received.push({ message: decodeMessage(frame.xml), invokeId: frame.invokeId });
        for (const wake of this.#waiters.splice(0)) wake();
      },
      error: (error) => {
        throw error;
      },
    });
    socket.on('data', (chunk) => decoder.push(chunk));
    socket.on('close', () => {
      this.closed = true;
      for (const wake of this.#waiters.splice(0)) wake();
    });
  }

  /** Waits for (and removes) the next received message of `type`. */
  async next(type: string): Promise<Received> {
    for (;;) {
      const index = this.received.findIndex((r) => r.message.type === type);
      if (index >= 0) return this.received.splice(index, 1)[0] as Received;
      if (this.closed) throw new Error(`peer connection closed while waiting for ${type}`);
      await new Promise<void>((resolve) => this.#waiters.push(resolve));
    }
  }

  send(message: CstaMessage, invokeId?: number): void {
    const xml = encodeMessage(message);
    this.socket.write(this.framing.encode(invokeId === undefined ? { xml } : { invokeId, xml }));
  }

  /** Answers `request` with `message` under the request's invoke ID. */
  answer(request: Received, message: CstaMessage): void {
    this.send(message, request.invokeId);
  }

  writeRaw(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  drop(): void {
    this.socket.destroy();
  }
}

export class CstaPeer {
  readonly connections: PeerConnection[] = [];
  readonly #sockets = new Set<Socket>();
  #pending: ((c: PeerConnection) => void)[] = [];

  private constructor(
    readonly server: Server,
    readonly framing: Framing,
  ) {
    server.on('connection', (socket) => {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
      const connection = new PeerConnection(socket, framing);
      const waiter = this.#pending.shift();
      if (waiter) waiter(connection);
      else this.connections.push(connection);
    });
  }

  static async start(framing: Framing = headerFraming, port = 0): Promise<CstaPeer> {
    const server = createServer();
    server.listen(port, '127.0.0.1');
    await once(server, 'listening');
    return new CstaPeer(server, framing);
  }

  get url(): string {
    return `tcp://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** The next client connection (already arrived or still to come). */
  accept(): Promise<PeerConnection> {
    const ready = this.connections.shift();
    if (ready) return Promise.resolve(ready);
    return new Promise((resolve) => this.#pending.push(resolve));
  }

  /** Stops listening and drops every connection. */
  async close(): Promise<void> {
    if (this.server.listening) this.server.close();
    for (const socket of this.#sockets) socket.destroy();
    await new Promise((resolve) => setImmediate(resolve));
  }
}
