/**
 * A raw CSTA client for the switch server tests: a plain TCP socket speaking bytes built with the
 * real framing and codec, recording every message it receives in order.
 */
import type { SwitchProfile } from '../../../../simulators/switch/index.js';
import { connect, type Socket } from 'node:net';
import { once } from 'node:events';
import { decodeMessage, encodeMessage } from '../../../../appliance/csta/codec.js';
import { type Framing, headerFraming } from '../../../../appliance/csta/framing.js';
import type { CstaMessage } from '../../../../appliance/csta/messages.js';

export interface Received {
  message: CstaMessage;
  invokeId: number | undefined;
}

export class RawClient {
  /** Everything received, in order. */
  readonly log: Received[] = [];
  /** Received but not yet taken by next(). */
  readonly #unread: Received[] = [];
  #wake: (() => void)[] = [];
  closed = false;
  readonly whenClosed: Promise<void>;

  private constructor(
    readonly socket: Socket,
    readonly framing: Framing,
  ) {
    const decoder = framing.decoder({
      frame: (frame) => {
        const received = { message: decodeMessage(frame.xml), invokeId: frame.invokeId };
        this.log.push(received);
        this.#unread.push(received);
        this.#notify();
      },
      error: (error) => {
        throw error;
      },
    });
    socket.on('data', (chunk: Buffer) => decoder.push(chunk));
    this.whenClosed = new Promise((resolve) =>
      socket.once('close', () => {
        this.closed = true;
        this.#notify();
        resolve();
      }),
    );
  }

  static async connect(address: string, framing: Framing = headerFraming): Promise<RawClient> {
    const url = new URL(address);
    const socket = connect({ host: url.hostname, port: Number(url.port) });
    await once(socket, 'connect');
    return new RawClient(socket, framing);
  }

  /** Waits for (and takes) the first unread message of `type` that matches `where`. */
  async next(type: string, where: (r: Received) => boolean = () => true): Promise<Received> {
    for (;;) {
      const index = this.#unread.findIndex((r) => r.message.type === type && where(r));
      if (index >= 0) return this.#unread.splice(index, 1)[0] as Received;
      if (this.closed) throw new Error(`connection closed while waiting for ${type}`);
      await new Promise<void>((resolve) => this.#wake.push(resolve));
    }
  }

  /** Sends `message` and waits for the answer carrying the same invoke ID. */
  async request(message: CstaMessage, invokeId: number): Promise<Received> {
    this.send(message, invokeId);
    for (;;) {
      const index = this.#unread.findIndex((r) => r.invokeId === invokeId);
      if (index >= 0) return this.#unread.splice(index, 1)[0] as Received;
      if (this.closed) throw new Error(`connection closed while waiting for the answer to ${message.type} (${invokeId})`);
      await new Promise<void>((resolve) => this.#wake.push(resolve));
    }
  }

  send(message: CstaMessage, invokeId: number): void {
    const xml = encodeMessage(message);
    this.socket.write(this.framing.encode({ invokeId, xml }));
  }

  writeRaw(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  /** Messages of `types` received so far, in order (for checking the order of a flow). */
  typesSince(start: number, types?: readonly string[]): string[] {
    return this.log.slice(start).map((r) => r.message.type).filter((type) => !types || types.includes(type));
  }

  close(): Promise<void> {
    this.socket.destroy();
    return this.whenClosed;
  }

  #notify(): void {
    for (const wake of this.#wake.splice(0)) wake();
  }
}

export const START_SESSION = {
  type: 'StartApplicationSession',
  applicationInfo: { applicationID: 'test-app' },
  requestedProtocolVersions: ['http://www.ecma-international.org/standards/ecma-323/csta/ed4'],
  requestedSessionDuration: 120,
} as const satisfies CstaMessage;

/** The ECMA-354 switch the server tests serve: ed4 with the J.2 header, 30 s heartbeats, 180 s sessions. */
export const ECMA354_PROFILE: SwitchProfile = {
  edition: 'ed4',
  framing: 'tcp-header',
  sessionStyle: 'ecma354',
  heartbeatIntervalSeconds: 30,
  heartbeatMissedLimit: 2,
  sessionDurationSeconds: 180,
};
