/**
 * sendFax / receiveFax between the channel and the far end's (scripted) fax machine: FAX_HANDSHAKE_MS
 * of T.30 handshake, then FAX_PAGE_MS per page with a faxProgress each. No fax machine at the far
 * end (no faxInbox to send to, no faxToSend to receive): `noFax` after FAX_NO_ANSWER_MS.
 * A received fax is the far end's TIFF copied whole; one cut short keeps the pages that came, as a
 * generated TIFF of that many pages.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { readTiffFile, writeTiffFile } from '../../../appliance/media/index.js';
import { FAX_HANDSHAKE_MS, FAX_NO_ANSWER_MS, FAX_PAGE_MS } from '../timing.js';
import { type ChannelContext, type EndReason, Operation, type OperationSink, messageOf } from './operation.js';

type FaxReason = 'ok' | 'noFax' | EndReason;
export type FaxDirection = 'send' | 'receive';

export class FaxOperation extends Operation {
  readonly op;
  readonly #direction: FaxDirection;
  readonly #file: string;
  /** The far end's TIFF (receive) or ours (send). */
  #document: string | undefined;
  #pages = 0;

  constructor(cmd: number, channel: ChannelContext, sink: OperationSink, direction: FaxDirection, file: string) {
    super(cmd, channel, sink);
    this.op = direction === 'send' ? ('sendFax' as const) : ('receiveFax' as const);
    this.#direction = direction;
    this.#file = file;
  }

  start(): void {
    const media = this.channel.farEnd()?.media;
    const document = this.#direction === 'send' ? this.#file : media?.faxToSend;
    const farMachine = this.#direction === 'send' ? media?.faxInbox : media?.faxToSend;
    let total = 0;
    if (document !== undefined) {
      try {
        total = readTiffFile(document).pages;
      } catch (error) {
        return this.#done('error', messageOf(error));
      }
    }
    if (farMachine === undefined) {
      this.after(FAX_NO_ANSWER_MS, () => this.#done('noFax'));
      return;
    }
    this.#document = document;
    for (let page = 1; page <= total; page++) {
      this.after(FAX_HANDSHAKE_MS + page * FAX_PAGE_MS, () => {
        this.#pages = page;
        this.progress({ event: 'faxProgress', cmd: this.cmd, direction: this.#direction, page });
        if (page === total) this.#complete();
      });
    }
  }

  end(reason: EndReason, error?: string): void {
    if (this.#direction === 'receive' && this.#pages > 0) this.#keepPartial();
    this.#done(reason, error);
  }

  #complete(): void {
    try {
      if (this.#direction === 'send') this.channel.lineFax(this.#file, this.#pages);
      else copyAtomically(this.#document as string, this.#file);
    } catch (error) {
      return this.#done('error', messageOf(error));
    }
    this.#done('ok');
  }

  #keepPartial(): void {
    try {
      writeTiffFile(this.#file, this.#pages, { text: 'partial fax' });
    } catch (error) {
      this.channel.log.warn({ ch: this.channel.ch, file: this.#file, err: messageOf(error) }, 'partial fax cannot be written');
    }
  }

  #done(reason: FaxReason, error?: string): void {
    this.finish({
      event: 'faxDone',
      cmd: this.cmd,
      direction: this.#direction,
      reason,
      pages: this.#pages,
      file: this.#file,
      ...(error === undefined ? {} : { error }),
    });
  }
}

function copyAtomically(from: string, to: string): void {
  const bytes = readFileSync(from);
  const temp = `${to}.${process.pid}.tmp`;
  writeFileSync(temp, bytes);
  renameSync(temp, to);
}
