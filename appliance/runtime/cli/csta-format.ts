/** One line per CSTA event, for people (`ccbox csta`, `ccbox demo`) or as JSON. */
import { eventConnection } from '../../csta/event-connection.js';
import type { CstaMessage } from '../../csta/messages.js';
import type { ConnectionId } from '../../csta/schema.js';

const conn = (c: ConnectionId | undefined) => (c ? `${c.deviceID ?? '?'}/${c.callID}` : undefined);

/** The fields worth a glance, in reading order; everything else is left to --json. */
function summary(message: CstaMessage): [string, string | undefined][] {
  const m = message as unknown as Record<string, unknown>;
  const pick = (key: string, label = key) => [label, m[key] === undefined ? undefined : String(m[key])] as [string, string | undefined];
  const acd = (m.callCharacteristics as { acdCall?: boolean } | undefined)?.acdCall;
  return [
    ['conn', conn(eventConnection(message))],
    pick('callingDevice', 'from'),
    pick('calledDevice', 'to'),
    pick('alertingDevice', 'alerting'),
    pick('answeringDevice', 'answering'),
    pick('queue'),
    pick('divertingDevice', 'diverting'),
    pick('newDestination', 'newDest'),
    pick('lastRedirectionDevice', 'redirected'),
    pick('transferringDevice', 'transferring'),
    pick('transferredToDevice', 'transferredTo'),
    pick('conferencingDevice', 'conferencing'),
    pick('addedParty', 'added'),
    pick('releasingDevice', 'releasing'),
    pick('agentID', 'agent'),
    pick('agentDevice', 'agentDevice'),
    pick('acdGroup', 'group'),
    pick('localConnectionInfo', 'state'),
    pick('cause'),
    ['acd', acd ? 'yes' : undefined],
  ];
}

export function formatEventLine(at: Date, device: string | undefined, message: CstaMessage): string {
  const time = at.toISOString().slice(11, 23);
  const name = message.type === 'Unknown' ? `Unknown(${message.name})` : message.type;
  const fields = summary(message)
    .filter(([, value]) => value !== undefined && value !== '')
    .map(([key, value]) => `${key}=${value}`)
    .join(' ');
  return `${time} ${(device ?? '-').padEnd(6)} ${name.padEnd(28)} ${fields}`.trimEnd();
}

export function formatEventJson(at: Date, device: string | undefined, message: CstaMessage): string {
  return JSON.stringify({ at: at.toISOString(), device: device ?? null, event: message });
}
