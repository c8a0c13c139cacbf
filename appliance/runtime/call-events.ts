/** Every CSTA event the link receives, stored in records.sqlite's call_events as it arrives. */
import { eventConnection } from '../csta/event-connection.js';
import { CALL_EVENT_NAMES, DEVICE_EVENT_NAMES, type MonitorEvent } from '../csta/messages.js';
import type { PbxLink } from '../csta/pbx-link.js';
import type { RecordsStore } from '../store/records/index.js';
import type { Clock } from './clock.js';
import type { Logger } from './logger.js';

/** Stores each event (and hands it to `seen`); returns the function that stops it. */
export function recordCallEvents(options: { link: PbxLink; records: RecordsStore; clock: Clock; logger: Logger; seen?: (event: MonitorEvent, device: string | undefined) => void }): () => void {
  const { link, records, clock, logger } = options;
  const onEvent = (event: MonitorEvent, device: string | undefined) => {
    options.seen?.(event, device);
    try {
      records.insertCallEvent({ at: clock.now(), callId: eventConnection(event)?.callID ?? null, device: device ?? null, eventName: event.type, cause: 'cause' in event ? (event.cause ?? null) : null, payload: event });
    } catch (error) {
      logger.error({ err: error, event: event.type }, 'a CSTA event could not be stored in records.sqlite');
    }
  };
  const names = [...CALL_EVENT_NAMES, ...DEVICE_EVENT_NAMES];
  for (const name of names) link.on(name, onEvent as never);
  return () => {
    for (const name of names) link.off(name, onEvent as never);
  };
}
