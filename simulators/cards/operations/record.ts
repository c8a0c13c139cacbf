/**
 * record: writes what the line carries (the far end's LineAudio) as an 8 kHz mono WAV in the
 * board's law, exactly durationMs × 8 samples. How it will end by itself (maxTime, or silence
 * detected in the audio ahead) is worked out in advance and waited for with one timer (a new one
 * only every SILENCE_LOOKAHEAD_MS of a line that never falls silent); DTMF, stop and hang-up end it
 * earlier. The silence that ended a recording is kept in the file.
 */
import { writeWavFile } from '../../../appliance/media/index.js';
import { type LineAudio, SAMPLE_RATE, type SilenceScanner } from '../line-audio.js';
import { RECORD_BEEP_MS, SILENCE_LOOKAHEAD_MS } from '../timing.js';
import { type ChannelContext, type EndReason, Operation, type OperationSink, messageOf } from './operation.js';

export interface RecordRequest {
  file: string;
  maxMs: number;
  silenceMs?: number | undefined;
  beep: boolean;
  stopOnDtmf: boolean;
}

type RecordReason = 'maxTime' | 'silence' | 'dtmf' | EndReason;

export class RecordOperation extends Operation {
  readonly op = 'record';
  readonly #request: RecordRequest;
  /** Clock time recording starts: after the beep. */
  #recordFrom = 0;
  readonly #audio: LineAudio;
  #scanner: SilenceScanner | undefined;

  constructor(cmd: number, channel: ChannelContext, sink: OperationSink, request: RecordRequest) {
    super(cmd, channel, sink);
    this.#request = request;
    this.#audio = channel.lineAudio();
  }

  start(): void {
    this.#recordFrom = this.startedAt + (this.#request.beep ? RECORD_BEEP_MS : 0);
    const { silenceMs } = this.#request;
    if (silenceMs) this.#scanner = this.#audio.silenceScanner(this.#recordFrom, silenceMs);
    this.#lookAhead();
  }

  /** Sets the one timer for how the recording ends by itself, reading at most SILENCE_LOOKAHEAD_MS of the line ahead. */
  #lookAhead(): void {
    const { maxMs } = this.#request;
    const scanner = this.#scanner;
    if (scanner) {
      const until = Math.min(maxMs, scanner.scannedMs + SILENCE_LOOKAHEAD_MS);
      const silenceAt = scanner.scan(until);
      if (silenceAt !== undefined && silenceAt < maxMs) return this.#endAt(silenceAt, 'silence');
      if (until < maxMs) {
        this.after(this.#recordFrom + until - this.channel.clock.now(), () => this.#lookAhead());
        return;
      }
    }
    this.#endAt(maxMs, 'maxTime');
  }

  #endAt(lengthMs: number, reason: RecordReason): void {
    this.after(this.#recordFrom + lengthMs - this.channel.clock.now(), () => this.#done(reason, lengthMs));
  }

  override digit(): void {
    if (this.#request.stopOnDtmf) this.#done('dtmf');
  }

  end(reason: EndReason, error?: string): void {
    this.#done(reason, undefined, error);
  }

  #done(reason: RecordReason, lengthMs?: number, error?: string): void {
    if (this.finished) return;
    const durationMs = lengthMs ?? Math.max(0, Math.round(this.channel.clock.now() - this.#recordFrom));
    const { file } = this.#request;
    let bytes = 0;
    let failure = error;
    try {
      bytes = writeWavFile(file, this.#audio.samples(this.#recordFrom, (durationMs * SAMPLE_RATE) / 1000), this.channel.law, SAMPLE_RATE);
    } catch (writeError) {
      this.channel.log.warn({ ch: this.channel.ch, file, err: messageOf(writeError) }, 'recording cannot be written');
      reason = 'error';
      failure = messageOf(writeError);
    }
    this.finish({ event: 'recordDone', cmd: this.cmd, reason, file, durationMs, bytes, ...(failure === undefined ? {} : { error: failure }) });
  }
}
