/**
 * play: each WAV file is read when its turn comes and lasts its real duration on the clock; a text
 * (boards with tts) lasts TTS_MS_PER_CHARACTER per character. A file that cannot be read ends the
 * play with reason `error` at the moment it would have started.
 */
import { readWavFile } from '../../../appliance/media/index.js';
import { TTS_MS_PER_CHARACTER } from '../timing.js';
import { type ChannelContext, type EndReason, Operation, type OperationSink, messageOf } from './operation.js';

export interface PlayRequest {
  files?: string[] | undefined;
  text?: string | undefined;
  bargeIn: boolean;
}

type PlayReason = 'end' | 'dtmf' | EndReason;

export class PlayOperation extends Operation {
  readonly op = 'play';
  readonly #request: PlayRequest;

  constructor(cmd: number, channel: ChannelContext, sink: OperationSink, request: PlayRequest) {
    super(cmd, channel, sink);
    this.#request = request;
  }

  start(): void {
    if (this.#request.bargeIn && this.channel.digits.length > 0) return this.#done('dtmf');
    const { text, files } = this.#request;
    if (text !== undefined) {
      this.channel.notePlayed(`text:${text}`);
      this.after(text.length * TTS_MS_PER_CHARACTER, () => this.#done('end'));
      return;
    }
    this.#playFrom(files ?? [], 0, 0);
  }

  override digit(): void {
    if (this.#request.bargeIn) this.#done('dtmf');
  }

  end(reason: EndReason, error?: string): void {
    this.#done(reason, error);
  }

  /** Plays files[index] on; `offsetMs` is where it starts, exactly (sum of the earlier files' durations). */
  #playFrom(files: string[], index: number, offsetMs: number): void {
    const file = files[index];
    if (file === undefined) return this.#done('end');
    let durationMs: number;
    try {
      durationMs = readWavFile(file).durationMs;
    } catch (error) {
      this.channel.log.info({ ch: this.channel.ch, file, err: messageOf(error) }, 'prompt cannot be played');
      return this.#done('error', messageOf(error));
    }
    this.channel.notePlayed(file);
    const endMs = offsetMs + durationMs;
    this.after(Math.round(endMs) - this.elapsed(), () => this.#playFrom(files, index + 1, endMs));
  }

  #done(reason: PlayReason, error?: string): void {
    this.finish({ event: 'playDone', cmd: this.cmd, reason, playedMs: this.elapsed(), ...(error === undefined ? {} : { error }) });
  }
}
