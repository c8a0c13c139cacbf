/**
 * A host on the card link for the card simulator's tests: a real TCP connection speaking JSON
 * lines, keeping every frame the board sent so the test can wait for the ones it expects.
 */
import { once } from 'node:events';
import { type Socket, connect } from 'node:net';
import { JsonLineDecoder, encodeJsonLine } from '../../../appliance/cards/framing.js';
import { type BoardFrame, type BoardHello, type CardEvent, type CardEventName, type CardEventOf, decodeBoardFrame } from '../../../appliance/cards/protocol.js';

type Ack = Extract<BoardFrame, { type: 'ack' }>;
type Nak = Extract<BoardFrame, { type: 'nak' }>;
type Answer = Ack | Nak;

export class TestHost {
  /** Frames received and not taken yet, oldest first. */
  readonly frames: BoardFrame[] = [];
  /** Every frame received, in order (never taken from). */
  readonly log: BoardFrame[] = [];
  readonly undecodable: string[] = [];
  closed = false;
  #nextId = 1;
  #waiters: (() => void)[] = [];

  private constructor(readonly socket: Socket) {
    const decoder = new JsonLineDecoder({
      line: (text) => {
        const decoded = decodeBoardFrame(text);
        if (decoded.ok) {
          this.frames.push(decoded.frame);
          this.log.push(decoded.frame);
        } else this.undecodable.push(text);
        this.#wake();
      },
      oversize: (preview) => this.undecodable.push(preview),
    });
    socket.on('data', (chunk) => decoder.push(chunk));
    socket.on('error', () => {});
    socket.on('close', () => {
      this.closed = true;
      this.#wake();
    });
  }

  /** Connects to `address` (tcp://host:port). */
  static async connect(address: string): Promise<TestHost> {
    const url = new URL(address);
    const socket = connect({ host: url.hostname, port: Number(url.port) });
    socket.setNoDelay(true);
    await once(socket, 'connect');
    return new TestHost(socket);
  }

  /** Says hello (version 1) and returns the board's hello. */
  async hello(version = 1): Promise<BoardHello> {
    this.send({ type: 'hello', version, client: 'test' });
    return this.nextOf('hello');
  }

  send(frame: object): void {
    this.socket.write(encodeJsonLine(frame));
  }

  writeRaw(text: string): void {
    this.socket.write(text);
  }

  /** Sends a command; returns its id. */
  command(ch: number, op: string, fields: object = {}): number {
    const id = this.#nextId++;
    this.send({ type: 'cmd', id, ch, op, ...fields });
    return id;
  }

  /** Sends a command and waits for its ack or nak. */
  async request(ch: number, op: string, fields: object = {}): Promise<Answer & { id: number }> {
    return this.answer(this.command(ch, op, fields));
  }

  answer(id: number): Promise<Answer> {
    return this.next((f): f is Answer => (f.type === 'ack' || f.type === 'nak') && f.id === id);
  }

  /** Waits for (and takes) the next frame `match` accepts. */
  async next<F extends BoardFrame>(match: (frame: BoardFrame) => frame is F): Promise<F> {
    for (;;) {
      const index = this.frames.findIndex(match);
      if (index >= 0) return this.frames.splice(index, 1)[0] as F;
      if (this.closed) throw new Error(`connection closed while waiting; frames left: ${JSON.stringify(this.frames)}`);
      await new Promise<void>((resolve) => this.#waiters.push(resolve));
    }
  }

  nextOf<T extends BoardFrame['type']>(type: T): Promise<Extract<BoardFrame, { type: T }>> {
    return this.next((f): f is Extract<BoardFrame, { type: T }> => f.type === type);
  }

  /** The next event `name` on channel `ch`. */
  event<N extends CardEventName>(ch: number, name: N): Promise<CardEventOf<N>> {
    return this.next((f): f is CardEventOf<N> => f.type === 'event' && f.ch === ch && f.event === name);
  }

  /** Events received so far (not taken), as "ch event" strings, for order checks. */
  pendingEvents(): string[] {
    return this.frames.filter((f): f is CardEvent => f.type === 'event').map((e) => `${e.ch} ${e.event}`);
  }

  /** Everything received so far, in order, for ordering checks. */
  sequence(): string[] {
    return this.log.map((f) => (f.type === 'event' ? `${f.ch} ${f.event}${'reason' in f ? ` ${f.reason}` : ''}` : f.type === 'ack' || f.type === 'nak' ? `${f.type} ${f.id}` : f.type));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.socket.end();
    this.socket.destroy();
    await new Promise((resolve) => setImmediate(resolve));
  }

  #wake(): void {
    for (const wake of this.#waiters.splice(0)) wake();
  }
}
