/**
 * Byte stream ⇄ frames for the card link (and the simulators' line link): one UTF-8 JSON object
 * per line, ended by "\n" (a "\r" before it is ignored, so a serial terminal can type frames).
 * A line longer than MAX_LINE_BYTES is dropped whole and reported; the decoder never holds more
 * than that many bytes.
 */
export const MAX_LINE_BYTES = 65536;

export interface LineSink {
  line(text: string): void;
  /** A line that was too long (its start, for the log), reported once per dropped line. */
  oversize(preview: string, length: number): void;
}

export class JsonLineDecoder {
  #parts: Buffer[] = [];
  #held = 0;
  #dropping = false;
  #droppedLength = 0;
  #droppedPreview = '';

  constructor(private readonly sink: LineSink) {}

  get buffered(): number {
    return this.#held;
  }

  push(chunk: Buffer): void {
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(0x0a, start);
      const end = nl === -1 ? chunk.length : nl;
      this.#take(chunk.subarray(start, end));
      if (nl === -1) return;
      this.#finishLine();
      start = nl + 1;
    }
  }

  reset(): void {
    this.#parts = [];
    this.#held = 0;
    this.#dropping = false;
  }

  #take(piece: Buffer): void {
    if (piece.length === 0) return;
    if (this.#dropping) {
      this.#droppedLength += piece.length;
      return;
    }
    if (this.#held + piece.length > MAX_LINE_BYTES) {
      this.#droppedPreview = Buffer.concat([...this.#parts, piece]).subarray(0, 80).toString('utf8');
      this.#droppedLength = this.#held + piece.length;
      this.#parts = [];
      this.#held = 0;
      this.#dropping = true;
      return;
    }
    this.#parts.push(Buffer.from(piece));
    this.#held += piece.length;
  }

  #finishLine(): void {
    if (this.#dropping) {
      this.#dropping = false;
      this.sink.oversize(this.#droppedPreview, this.#droppedLength);
      return;
    }
    let text = Buffer.concat(this.#parts).toString('utf8');
    this.#parts = [];
    this.#held = 0;
    if (text.endsWith('\r')) text = text.slice(0, -1);
    if (text.trim() === '') return;
    this.sink.line(text);
  }
}

export function encodeJsonLine(message: unknown): Buffer {
  return Buffer.from(`${JSON.stringify(message)}\n`, 'utf8');
}
