/**
 * `status/channels` (retained): the card link and the state of every voice/fax channel with the
 * PBX port behind it, for installers and supervisors. Changes within `settleMs` go out as one
 * message, so a burst of calls does not flood the broker; the whole status goes out again every
 * `refreshMs` as well, so `at` tells a reader the appliance is alive and no update stays lost.
 */
import type { CardChannel, CardSet } from '../cards/api.js';
import type { Clock, TimerHandle } from '../runtime/clock.js';
import type { Logger } from '../runtime/logger.js';
import type { MessageBus } from './bus.js';
import type { ChannelStatusPayload } from './payloads.js';

export interface ChannelStatusOptions {
  bus: MessageBus;
  topic: string;
  cards: CardSet;
  /** The PBX port behind each channel, by channel index. */
  ports: readonly string[];
  clock: Clock;
  logger: Logger;
  /** Default 250. */
  settleMs?: number;
  /** Default 60000. */
  refreshMs?: number;
}

export class ChannelStatusPublisher {
  readonly #watched = new WeakSet<CardChannel>();
  readonly #detach: (() => void)[] = [];
  #timer: TimerHandle | undefined;
  #refresh: TimerHandle | undefined;
  #running = false;

  constructor(private readonly options: ChannelStatusOptions) {}

  start(): void {
    const { cards } = this.options;
    this.#running = true;
    const onUp = () => {
      this.#watchChannels();
      this.#changed();
    };
    const onChange = () => this.#changed();
    cards.on('up', onUp);
    cards.on('down', onChange);
    this.#detach.push(() => cards.off('up', onUp), () => cards.off('down', onChange));
    this.#watchChannels();
    this.publish();
    this.#refresh = this.options.clock.setInterval(() => this.publish(), this.options.refreshMs ?? 60_000);
  }

  stop(): void {
    this.#running = false;
    this.options.clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.options.clock.clearInterval(this.#refresh);
    this.#refresh = undefined;
    for (const detach of this.#detach.splice(0)) detach();
  }

  payload(): ChannelStatusPayload {
    const { cards, ports, clock } = this.options;
    return {
      up: cards.isUp,
      board: cards.board ? { model: cards.board.model, channels: cards.board.channels } : null,
      channels: cards.channels().map((channel) => ({
        index: channel.index,
        port: ports[channel.index] ?? null,
        state: channel.state,
        reason: channel.outOfServiceReason ?? null,
      })),
      at: clock.now(),
    };
  }

  publish(): void {
    this.options.clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.options.bus.publish(this.options.topic, JSON.stringify(this.payload()), { retain: true }).catch((error: Error) => this.options.logger.warn({ err: error }, 'status/channels not published'));
  }

  #changed(): void {
    if (!this.#running || this.#timer !== undefined) return;
    this.#timer = this.options.clock.setTimeout(() => this.publish(), this.options.settleMs ?? 250);
  }

  /** Channels exist once the board has said hello; each is watched once for the driver's lifetime. */
  #watchChannels(): void {
    const { cards } = this.options;
    if (!cards.board) return;
    for (const channel of cards.channels()) {
      if (this.#watched.has(channel)) continue;
      this.#watched.add(channel);
      const onChange = () => this.#changed();
      channel.on('state', onChange);
      channel.on('outOfService', onChange);
      channel.on('inService', onChange);
      this.#detach.push(() => {
        channel.off('state', onChange);
        channel.off('outOfService', onChange);
        channel.off('inService', onChange);
        this.#watched.delete(channel);
      });
    }
  }
}
