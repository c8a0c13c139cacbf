/**
 * A scripted switch for the card simulator's tests: the line server side of the line link on
 * loopback TCP, where the test decides what each analog port hears (ring, connected with the far
 * end's media, digits, disconnect) and sees what the channels did (offhook, onhook, dial, fax).
 */
import { once } from 'node:events';
import { type AddressInfo, type Server, type Socket, createServer } from 'node:net';
import { JsonLineDecoder, encodeJsonLine } from '../../../appliance/cards/framing.js';
import { type LineToSwitch, type SwitchToLine, lineToSwitchSchema } from '../../../simulators/switch/lines/protocol.js';

export const PORTS = ['301', '302', '303', '304'];

export class FakeSwitch {
  /** Messages from the card simulator, oldest first (attach included). */
  readonly received: LineToSwitch[] = [];
  #socket: Socket | undefined;
  readonly #sockets = new Set<Socket>();
  #waiters: (() => void)[] = [];

  private constructor(
    readonly server: Server,
    readonly ports: string[],
  ) {
    server.on('connection', (socket) => {
      this.#sockets.add(socket);
      socket.setNoDelay(true);
      socket.on('error', () => {});
      socket.on('close', () => {
        this.#sockets.delete(socket);
        if (this.#socket === socket) this.#socket = undefined;
        this.#wake();
      });
      const decoder = new JsonLineDecoder({
        line: (text) => {
          const message = lineToSwitchSchema.parse(JSON.parse(text));
          this.received.push(message);
          if (message.t === 'attach') {
            this.#socket = socket;
            const got = message.ports ? message.ports.filter((p) => this.ports.includes(p)) : this.ports;
            this.send({ t: 'attached', ports: got });
          }
          this.#wake();
        },
        oversize: () => {},
      });
      socket.on('data', (chunk) => decoder.push(chunk));
    });
  }

  static async start(ports = PORTS): Promise<FakeSwitch> {
    const server = createServer();
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return new FakeSwitch(server, ports);
  }

  get url(): string {
    return `tcp://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  get connected(): boolean {
    return this.#socket !== undefined;
  }

  send(message: SwitchToLine): void {
    this.#socket?.write(encodeJsonLine(message));
  }

  /** Waits for (and takes) the next message of kind `t` (on `port`, when given). */
  async next<T extends LineToSwitch['t']>(t: T, port?: string): Promise<Extract<LineToSwitch, { t: T }>> {
    for (;;) {
      const index = this.received.findIndex((m) => m.t === t && (port === undefined || ('port' in m && m.port === port)));
      if (index >= 0) return this.received.splice(index, 1)[0] as Extract<LineToSwitch, { t: T }>;
      await new Promise<void>((resolve) => this.#waiters.push(resolve));
    }
  }

  /** Cuts the card simulator's line link (the switch went away, or the cable). */
  drop(): void {
    for (const socket of this.#sockets) socket.destroy();
  }

  async close(): Promise<void> {
    this.drop();
    if (this.server.listening) await new Promise((resolve) => this.server.close(resolve));
  }

  #wake(): void {
    for (const wake of this.#waiters.splice(0)) wake();
  }
}
