/**
 * Turns the link's per-monitor events into one line per thing that happened to a call, for the demo:
 * a Delivered seen by the agent's, the group's and the trunk's monitors is printed once.
 */
import { eventConnection } from '../../csta/event-connection.js';
import type { MonitorEvent } from '../../csta/messages.js';

interface CallState {
  startedAt: number;
  answeredAt?: number;
  seen: Set<string>;
}

/** Long switch call IDs (32 hex digits, counter in the middle) shortened to their distinctive tail. */
const short = (callID: string) => {
  const trimmed = callID.length > 8 ? callID.replace(/0+$/, '') : callID;
  return trimmed.length > 8 ? `…${trimmed.slice(-6)}` : trimmed;
};
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

export class CallFlowPrinter {
  readonly #calls = new Map<string, CallState>();
  readonly #print: (line: string) => void;
  readonly #now: () => number;

  constructor(print: (line: string) => void, now: () => number) {
    this.#print = print;
    this.#now = now;
  }

  get activeCalls(): number {
    return this.#calls.size;
  }

  observe(event: MonitorEvent): void {
    const callID = eventConnection(event)?.callID;
    if (callID === undefined) {
      this.#agentLine(event);
      return;
    }
    const line = this.#describe(event, callID);
    if (line === undefined) return;
    const [key, text] = line;
    let call = this.#calls.get(callID);
    if (!call) {
      if (event.type === 'CallClearedEvent' || event.type === 'ConnectionClearedEvent') return;
      call = { startedAt: this.#now(), seen: new Set() };
      this.#calls.set(callID, call);
    }
    if (call.seen.has(key)) return;
    call.seen.add(key);
    if (event.type === 'EstablishedEvent') call.answeredAt ??= this.#now();
    const age = this.#now() - call.startedAt;
    const ended = event.type === 'CallClearedEvent';
    this.#print(`call ${short(callID).padEnd(8)} ${text}${ended ? `, lasted ${secs(age)}${call.answeredAt === undefined ? ', never answered' : ''}` : ''}`);
    if (ended) this.#calls.delete(callID);
    // A transfer or conference merges the consultation call into the primary one: it ends here.
    if ((event.type === 'TransferredEvent' || event.type === 'ConferencedEvent') && event.secondaryOldCall) {
      this.#calls.delete(event.secondaryOldCall.callID);
    }
  }

  #describe(event: MonitorEvent, callID: string): [string, string] | undefined {
    switch (event.type) {
      case 'ServiceInitiatedEvent':
        return [`init:${event.initiatingDevice}`, `${event.initiatingDevice ?? '?'} goes off hook`];
      case 'OriginatedEvent':
        return [`orig:${event.callingDevice}`, `${event.callingDevice ?? '?'} dials ${event.calledDevice ?? '?'}`];
      case 'QueuedEvent':
        return [`queued:${event.queue}`, `from ${event.callingDevice ?? '?'} queued at ${event.queue ?? '?'} (${event.callsInFront ?? 0} in front)`];
      case 'DeliveredEvent':
        return [`delivered:${event.alertingDevice}`, `from ${event.callingDevice ?? '?'} to ${event.calledDevice ?? '?'} rings at ${event.alertingDevice ?? '?'}${event.callCharacteristics?.acdCall ? ' (ACD)' : ''}`];
      case 'DivertedEvent':
        return [`diverted:${event.divertingDevice}:${event.newDestination}`, `diverted from ${event.divertingDevice ?? '?'}${event.newDestination ? ` to ${event.newDestination}` : ''} (${event.cause ?? ''})`];
      case 'EstablishedEvent':
        return [`established:${event.answeringDevice}`, `answered by ${event.answeringDevice ?? '?'}`];
      case 'HeldEvent':
        return [`held:${event.holdingDevice}:${this.#now()}`, `held by ${event.holdingDevice ?? '?'}`];
      case 'RetrievedEvent':
        return [`retrieved:${event.retrievingDevice}:${this.#now()}`, `retrieved by ${event.retrievingDevice ?? '?'}`];
      case 'TransferredEvent':
        return [`transferred:${event.transferringDevice}`, `transferred by ${event.transferringDevice ?? '?'} to ${event.transferredToDevice ?? '?'} (${event.cause ?? ''})`];
      case 'ConferencedEvent':
        return [`conferenced:${event.addedParty}`, `${event.addedParty ?? '?'} joins, by ${event.conferencingDevice ?? '?'} (${event.cause ?? ''})`];
      case 'ConnectionClearedEvent':
        return [`cleared:${event.droppedConnection.deviceID}`, `${event.releasingDevice ?? event.droppedConnection.deviceID ?? '?'} hangs up (${event.cause ?? ''})`];
      case 'CallClearedEvent':
        return ['callCleared', `ended (${event.cause ?? 'normalClearing'})`];
      case 'FailedEvent':
        return [`failed:${event.failingDevice}`, `failed at ${event.failingDevice ?? '?'} (${event.cause ?? ''})`];
      case 'NetworkReachedEvent':
        return ['network', `reaches the network for ${event.calledDevice ?? '?'}`];
      default:
        return undefined;
    }
  }

  readonly #agentSeen = new Map<string, string>();

  #agentLine(event: MonitorEvent): void {
    if (!event.type.startsWith('Agent') || !('agentDevice' in event)) return;
    const state = event.type.replace(/^Agent|Event$/g, '');
    const who = event.agentDevice ?? event.agentID ?? '?';
    if (this.#agentSeen.get(who) === state) return;
    this.#agentSeen.set(who, state);
    this.#print(`agent ${who.padEnd(7)} ${state}${event.acdGroup ? ` in ${event.acdGroup}` : ''}`);
  }
}
