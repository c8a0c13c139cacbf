/**
 * tapStart on a tap channel: records the agent line it listens on (a generated speech-like signal,
 * seeded by channel and start time) until tapStop or stop, or TAP_MAX_MS. Ends with recordDone.
 */
import { writeWavFile } from '../../../appliance/media/index.js';
import { LineAudio, SAMPLE_RATE, seedOf } from '../line-audio.js';
import { TAP_MAX_MS } from '../timing.js';
import { type ChannelContext, type EndReason, Operation, type OperationSink, messageOf } from './operation.js';

export class TapOperation extends Operation {
  readonly op = 'tapStart';
  readonly #file: string;
  readonly #audio: LineAudio;

  constructor(cmd: number, channel: ChannelContext, sink: OperationSink, file: string) {
    super(cmd, channel, sink);
    this.#file = file;
    this.#audio = LineAudio.generated(seedOf(`tap ${channel.ch} ${this.startedAt}`), this.startedAt);
  }

  start(): void {
    this.after(TAP_MAX_MS, () => this.#done('maxTime'));
  }

  end(reason: EndReason, error?: string): void {
    this.#done(reason, error);
  }

  #done(reason: 'maxTime' | EndReason, error?: string): void {
    if (this.finished) return;
    const durationMs = this.elapsed();
    let bytes = 0;
    let failure = error;
    try {
      bytes = writeWavFile(this.#file, this.#audio.samples(this.startedAt, (durationMs * SAMPLE_RATE) / 1000), this.channel.law, SAMPLE_RATE);
    } catch (writeError) {
      reason = 'error';
      failure = messageOf(writeError);
    }
    this.finish({ event: 'recordDone', cmd: this.cmd, reason, file: this.#file, durationMs, bytes, ...(failure === undefined ? {} : { error: failure }) });
  }
}
