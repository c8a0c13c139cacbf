/**
 * Supervisors in calls: how a SingleStepConferenceCall asks to join (silent, active, or whisper
 * marked in private data on a silent join) and who hears whom once they are in.
 */
import { CodecError } from '../../../appliance/csta/errors.js';
import { type Participation, privateParticipationData, privateParticipationOf } from '../../../appliance/csta/private-participation.js';
import { SwitchError, type VoicePath } from './api.js';
import type { Connection, Core } from './core.js';

const refuse = (message: string) => new SwitchError('operation', 'valueOutOfRange', message);

/** The participation a join asks for: participationType (active when absent), or whisper when private data marks a silent join. */
export function requestedParticipation(participationType = 'active', privateData?: string): Participation {
  if (participationType !== 'silent' && participationType !== 'active') throw refuse(`participationType ${participationType}`);
  let mark: string | undefined;
  try {
    mark = privateParticipationOf(privateData);
  } catch (error) {
    if (error instanceof CodecError) throw refuse(error.message);
    throw error;
  }
  if (mark === undefined) return participationType;
  if (mark !== 'whisper') throw refuse(`private participation ${JSON.stringify(mark)}`);
  if (participationType !== 'silent') throw refuse('a whisper is marked on a silent join, not on participationType active');
  return 'whisper';
}

/** What a joining party's connection and the Conferenced event it causes carry. */
export function joiningAs(participation: Participation, coached: string): { cause: string; heardOnlyBy?: readonly string[]; privateData?: string } {
  switch (participation) {
    case 'silent':
      return { cause: 'silentParticipation', heardOnlyBy: [] };
    case 'whisper':
      // To the customer's side a whisper is a silent join; only the private mark tells it apart.
      return { cause: 'silentParticipation', heardOnlyBy: [coached], privateData: privateParticipationData('whisper') };
    case 'active':
      return { cause: 'activeParticipation' };
  }
}

const hears = (listener: Connection, speaker: Connection) => speaker.heardOnlyBy === undefined || speaker.heardOnlyBy.includes(listener.device);

/** Who `device` hears and who hears it, in each of its calls. Only connected parties talk: a held party hears nobody. */
export function voicePathsAt(core: Core, device: string): VoicePath[] {
  return core.connectionsAt(device).map(({ call, connection }) => {
    const others = connection.state === 'connected' ? call.connections.filter((c) => c !== connection && c.state === 'connected') : [];
    return {
      callID: call.id,
      hears: others.filter((other) => hears(connection, other)).map((other) => other.shown),
      heardBy: others.filter((other) => hears(other, connection)).map((other) => other.shown),
    };
  });
}
