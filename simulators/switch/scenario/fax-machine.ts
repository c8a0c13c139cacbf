/**
 * The scripted caller's fax machine: what it sends is named by the caller's `faxToSend` (the card
 * simulator reads it from the far end's media); what it receives is stored in its `faxInbox`.
 */
import { constants } from 'node:fs';
import { copyFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { FarEndMedia } from '../lines/protocol.js';
import type { CallerSpec } from './schema.js';

/** The far end's media for a caller of the scenario, or undefined when the caller names none. */
export function callerMedia(caller: CallerSpec): FarEndMedia | undefined {
  const media: FarEndMedia = {};
  if (caller.says !== undefined) media.audio = caller.says;
  if (caller.faxToSend !== undefined) media.faxToSend = caller.faxToSend;
  if (caller.faxInbox !== undefined) media.faxInbox = caller.faxInbox;
  return Object.keys(media).length > 0 ? media : undefined;
}

const MAX_FAXES_PER_CALL = 1000;

/**
 * Stores the TIFF at `file` in `inbox` (created if missing) as fax-<callID>-<n>.tif, never
 * overwriting an earlier fax; resolves with the stored file's path.
 */
export async function storeReceivedFax(inbox: string, file: string, callID: string): Promise<string> {
  await mkdir(inbox, { recursive: true });
  const safeId = callID.replace(/[^A-Za-z0-9_-]/g, '_');
  for (let n = 1; n <= MAX_FAXES_PER_CALL; n++) {
    const target = join(inbox, `fax-${safeId}-${n}.tif`);
    try {
      await copyFile(file, target, constants.COPYFILE_EXCL);
      return target;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  throw new Error(`${inbox} already holds ${MAX_FAXES_PER_CALL} faxes of call ${callID}`);
}
