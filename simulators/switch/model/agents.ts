/**
 * Agents of the switch's own ACD (UCD): log on/off, ready/notReady, busy on an ACD call, and
 * workingAfterCall for the group's wrap-up time. Agent events go to the agent's device (acdGroup:
 * its first group) and to each of its group devices (acdGroup: that group).
 */
import type { TimerHandle } from '../../../appliance/runtime/clock.js';
import { SwitchError } from './api.js';
import type { Call, Core } from './core.js';
import type { Station } from './directory.js';

export type AgentState = 'loggedOff' | 'notReady' | 'ready' | 'busy' | 'workingAfterCall';
type Requested = 'loggedOn' | 'loggedOff' | 'notReady' | 'ready' | 'workingAfterCall';
const REQUESTED: readonly string[] = ['loggedOn', 'loggedOff', 'notReady', 'ready', 'workingAfterCall'];

export interface Agent {
  readonly station: Station;
  readonly agentID: string;
  readonly password: string | undefined;
  readonly groups: readonly string[];
  state: AgentState;
  /** When the agent last became free for an ACD call (longestIdle). */
  idleSince: number;
  /** A state asked for while busy, taken when the call ends instead of wrap-up. */
  pending?: Requested;
  /** The group whose call made the agent busy (its wrap-up time applies). */
  busyGroup?: string;
  wrapUp?: TimerHandle;
}

export interface AgentRequest {
  agentID?: string | undefined;
  password?: string | undefined;
  group?: string | undefined;
}

type AgentEventType =
  | 'AgentLoggedOnEvent'
  | 'AgentLoggedOffEvent'
  | 'AgentReadyEvent'
  | 'AgentNotReadyEvent'
  | 'AgentWorkingAfterCallEvent'
  | 'AgentBusyEvent';

const EVENT_OF: Record<Exclude<AgentState, 'loggedOff'>, AgentEventType> = {
  notReady: 'AgentNotReadyEvent',
  ready: 'AgentReadyEvent',
  busy: 'AgentBusyEvent',
  workingAfterCall: 'AgentWorkingAfterCallEvent',
};

/** ECMA-323 AgentState values for GetAgentState. */
export const REPORTED_STATE: Record<AgentState, string> = {
  loggedOff: 'agentNull',
  notReady: 'agentNotReady',
  ready: 'agentReady',
  busy: 'agentBusy',
  workingAfterCall: 'agentWorkingAfterCall',
};

export class AgentBook {
  readonly #agents = new Map<string, Agent>();

  constructor(readonly core: Core) {
    for (const station of core.directory.stations()) {
      if (!station.agent) continue;
      const { agentID, password, groups, initialState } = station.agent;
      this.#agents.set(station.number, { station, agentID, password, groups, state: initialState, idleSince: core.clock.now() });
    }
    core.addSettler(() => this.#settle());
  }

  get(device: string): Agent | undefined {
    return this.#agents.get(device);
  }

  /** The agent at a device, refusing a device that has none. */
  require(device: string): Agent {
    const agent = this.#agents.get(device);
    if (agent) return agent;
    this.core.directory.requireDevice(device);
    throw new SwitchError('operation', 'requestIncompatibleWithObject', `${device} has no agent`);
  }

  /** Ready and with no call at all: an ACD group may deliver to it. */
  isAvailable(device: string): boolean {
    return this.#agents.get(device)?.state === 'ready' && this.core.isIdle(device);
  }

  /** SetAgentState, or a feature code dialled at the phone. */
  request(device: string, requested: string, args: AgentRequest = {}): void {
    const agent = this.require(device);
    if (!REQUESTED.includes(requested)) throw new SwitchError('operation', 'valueOutOfRange', `unknown agent state ${requested}`);
    if (args.agentID !== undefined && args.agentID !== agent.agentID) {
      throw new SwitchError('operation', 'privilegeViolationOnSpecifiedDevice', `agent ${args.agentID} is not the agent of ${device}`);
    }
    if (args.group !== undefined && !agent.groups.includes(args.group)) {
      throw new SwitchError('operation', 'invalidDeviceID', `${device} is not in group ${args.group}`);
    }
    const want = requested as Requested;
    if (want === 'loggedOn') {
      if (agent.password !== undefined && args.password !== agent.password) {
        throw new SwitchError('operation', 'privilegeViolationOnSpecifiedDevice', `wrong password for agent ${agent.agentID}`);
      }
      if (agent.state === 'loggedOff') this.#logOn(agent);
      return;
    }
    if (agent.state === 'loggedOff') {
      if (want === 'loggedOff') return;
      throw new SwitchError('stateIncompatibility', 'invalidObjectState', `agent at ${device} is logged off`);
    }
    if (agent.state === 'busy') {
      agent.pending = want;
      return;
    }
    this.#take(agent, want);
  }

  /** A station answered: an agent answering an ACD call becomes busy. */
  answered(device: string, call: Call): void {
    const agent = this.#agents.get(device);
    if (!agent || call.acdGroup === undefined || agent.state === 'loggedOff' || agent.state === 'busy') return;
    this.core.clock.clearTimeout(agent.wrapUp);
    agent.busyGroup = call.acdGroup;
    this.#set(agent, 'busy');
  }

  #logOn(agent: Agent): void {
    agent.state = 'notReady';
    this.#emitAll(agent, 'AgentLoggedOnEvent');
  }

  #take(agent: Agent, want: Exclude<Requested, 'loggedOn'>): void {
    this.core.clock.clearTimeout(agent.wrapUp);
    agent.pending = undefined;
    if (want === 'loggedOff') {
      agent.state = 'loggedOff';
      this.#emitAll(agent, 'AgentLoggedOffEvent');
    } else if (agent.state !== want) {
      this.#set(agent, want);
    }
  }

  #set(agent: Agent, state: Exclude<AgentState, 'loggedOff'>): void {
    agent.state = state;
    if (state === 'ready') {
      agent.idleSince = this.core.clock.now();
      for (const group of agent.groups) this.core.dirtyGroups.add(group);
    }
    this.#emitAll(agent, EVENT_OF[state]);
  }

  #emitAll(agent: Agent, type: AgentEventType): void {
    const device = agent.station.number;
    const event = (acdGroup: string | undefined) => ({ type, agentDevice: device, agentID: agent.agentID, ...(acdGroup !== undefined ? { acdGroup } : {}) });
    this.core.emit(device, event(agent.groups[0]));
    for (const group of agent.groups) this.core.emit(group, event(group));
  }

  /** Stations whose last call ended: busy agents go to wrap-up or ready; their groups may distribute. */
  #settle(): boolean {
    const { touchedStations } = this.core;
    if (touchedStations.size === 0) return false;
    const stations = [...touchedStations];
    touchedStations.clear();
    for (const device of stations) {
      if (!this.core.isIdle(device)) continue;
      const agent = this.#agents.get(device);
      if (agent?.state === 'busy') this.#callDone(agent);
      for (const group of this.core.directory.station(device)?.groups ?? []) this.core.dirtyGroups.add(group);
    }
    return true;
  }

  #callDone(agent: Agent): void {
    const group = agent.busyGroup === undefined ? undefined : this.core.directory.group(agent.busyGroup);
    agent.busyGroup = undefined;
    const pending = agent.pending;
    if (pending !== undefined && pending !== 'loggedOn') return this.#take(agent, pending);
    const wrapUpSeconds = group?.acdPlan?.wrapUpSeconds;
    if (wrapUpSeconds === undefined) return this.#set(agent, 'ready');
    this.#set(agent, 'workingAfterCall');
    agent.wrapUp = this.core.after(wrapUpSeconds * 1000, () => {
      if (agent.state === 'workingAfterCall') this.#set(agent, 'ready');
    });
  }

  /** GetAgentState's answer for one agent. */
  report(device: string) {
    const agent = this.require(device);
    const agentState = REPORTED_STATE[agent.state];
    return {
      agentID: agent.agentID,
      loggedOnState: agent.state !== 'loggedOff',
      agentInfo: agent.groups.map((acdGroup) => ({ acdGroup, agentState })),
    };
  }
}
