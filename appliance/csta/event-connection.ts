/** The connection an event is about, whatever its field is called in that event. */
import type { CstaMessage } from './messages.js';
import type { ConnectionId } from './schema.js';

const CONNECTION_FIELDS = [
  'connection',
  'establishedConnection',
  'queuedConnection',
  'droppedConnection',
  'heldConnection',
  'retrievedConnection',
  'initiatedConnection',
  'originatedConnection',
  'failedConnection',
  'outboundConnection',
  'clearedCall',
  'primaryOldCall',
] as const;

export function eventConnection(message: CstaMessage): ConnectionId | undefined {
  const fields = message as unknown as Record<string, unknown>;
  for (const name of CONNECTION_FIELDS) {
    const value = fields[name];
    if (value !== undefined) return value as ConnectionId;
  }
  return undefined;
}
