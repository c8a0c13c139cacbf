/** The devices of the switch as built from the dial plan, and what a dialled number reaches. */
import { type DeviceSummary, SwitchError } from './api.js';
import type { AcdGroupPlan, DialPlan, Feature, RoutingPointPlan, TrunkPlan } from './dialplan.js';

export interface AgentPlan {
  agentID: string;
  password?: string | undefined;
  /** Every ACD group the agent belongs to, in dial plan order. */
  groups: string[];
  initialState: 'loggedOff' | 'notReady' | 'ready';
}

export interface Station {
  number: string;
  kind: 'extension' | 'analogPort';
  name: string;
  autoAnswerMs?: number | undefined;
  agent?: AgentPlan;
  /** ACD and hunt groups that deliver calls to it. */
  groups: string[];
}

export interface Group {
  number: string;
  kind: 'acdGroup' | 'huntGroup';
  name?: string | undefined;
  members: string[];
  distribution: 'longestIdle' | 'roundRobin' | 'linear';
  acd: boolean;
  /** ACD groups only. */
  acdPlan?: AcdGroupPlan;
}

export type Destination =
  | { kind: 'station'; station: Station }
  | { kind: 'group'; group: Group }
  | { kind: 'routingPoint'; routingPoint: RoutingPointPlan }
  | { kind: 'external'; number: string };

export class Directory {
  readonly #stations = new Map<string, Station>();
  readonly #groups = new Map<string, Group>();
  readonly #routingPoints = new Map<string, RoutingPointPlan>();
  readonly #trunks = new Map<string, TrunkPlan>();
  readonly #dids = new Map<string, { trunk: string; destination: string }>();
  readonly #summaries: DeviceSummary[] = [];

  constructor(readonly plan: DialPlan) {
    for (const e of plan.extensions) {
      const station: Station = { number: e.number, kind: 'extension', name: e.name, autoAnswerMs: e.autoAnswerMs, groups: [] };
      if (e.agent) station.agent = { agentID: e.agent.agentID, password: e.agent.password, groups: [], initialState: e.agent.initialState };
      this.#add(station, { deviceID: e.number, category: 'station', kind: 'extension', name: e.name }, this.#stations);
    }
    for (const p of plan.analogPorts) {
      const station: Station = { number: p.number, kind: 'analogPort', name: p.name, autoAnswerMs: p.autoAnswerMs, groups: [] };
      this.#add(station, { deviceID: p.number, category: 'station', kind: 'analogPort', name: p.name }, this.#stations);
    }
    for (const g of plan.acdGroups) {
      const members = [...g.members];
      for (const e of plan.extensions) if (e.agent?.groups.includes(g.number) && !members.includes(e.number)) members.push(e.number);
      const group: Group = { number: g.number, kind: 'acdGroup', name: g.name, members, distribution: g.distribution, acd: true, acdPlan: g };
      this.#add(group, { deviceID: g.number, category: 'acd', kind: 'acdGroup', name: g.name }, this.#groups);
    }
    for (const g of plan.huntGroups) {
      const distribution = g.distribution === 'circular' ? 'roundRobin' : 'linear';
      const group: Group = { number: g.number, kind: 'huntGroup', name: g.name, members: [...g.members], distribution, acd: false };
      this.#add(group, { deviceID: g.number, category: 'group', kind: 'huntGroup', ...(g.name ? { name: g.name } : {}) }, this.#groups);
    }
    for (const group of this.#groups.values()) {
      for (const member of group.members) {
        const station = this.#stations.get(member);
        station?.groups.push(group.number);
        if (group.acd) station?.agent?.groups.push(group.number);
      }
    }
    for (const r of plan.routingPoints) {
      this.#add(r, { deviceID: r.number, category: 'routingDevice', kind: 'routingPoint', ...(r.name ? { name: r.name } : {}) }, this.#routingPoints);
    }
    for (const t of plan.trunks) {
      this.#add(t, { deviceID: t.id, category: 'trunk', kind: 'trunk', name: t.name }, this.#trunks);
      for (const did of t.dids) this.#dids.set(did.number, { trunk: t.id, destination: did.destination });
    }
  }

  #add<T>(item: T, summary: DeviceSummary, into: Map<string, T>): void {
    into.set(summary.deviceID, item);
    this.#summaries.push(summary);
  }

  summaries(): DeviceSummary[] {
    return this.#summaries.map((s) => ({ ...s }));
  }

  has(device: string): boolean {
    return this.#stations.has(device) || this.#groups.has(device) || this.#routingPoints.has(device) || this.#trunks.has(device);
  }

  station(device: string): Station | undefined {
    return this.#stations.get(device);
  }

  stations(): Station[] {
    return [...this.#stations.values()];
  }

  group(device: string): Group | undefined {
    return this.#groups.get(device);
  }

  routingPoint(device: string): RoutingPointPlan | undefined {
    return this.#routingPoints.get(device);
  }

  trunk(device: string): TrunkPlan | undefined {
    return this.#trunks.get(device);
  }

  trunks(): TrunkPlan[] {
    return [...this.#trunks.values()];
  }

  did(number: string): { trunk: string; destination: string } | undefined {
    return this.#dids.get(number);
  }

  feature(number: string): Feature | undefined {
    return Object.hasOwn(this.plan.featureCodes, number) ? this.plan.featureCodes[number] : undefined;
  }

  /** The device a station or a CTI request names, refusing unknown ones with invalidDeviceID. */
  requireDevice(device: string): void {
    if (!this.has(device)) throw new SwitchError('operation', 'invalidDeviceID', `no device ${device}`);
  }

  requireStation(device: string): Station {
    const station = this.#stations.get(device);
    if (station) return station;
    this.requireDevice(device);
    throw new SwitchError('operation', 'invalidCallingDevice', `${device} is not a phone`);
  }

  /** What dialling `number` reaches; throws invalidDestination when nothing. */
  resolve(number: string): Destination {
    const station = this.#stations.get(number);
    if (station) return { kind: 'station', station };
    const group = this.#groups.get(number);
    if (group) return { kind: 'group', group };
    const routingPoint = this.#routingPoints.get(number);
    if (routingPoint) return { kind: 'routingPoint', routingPoint };
    const prefix = this.plan.outsideLinePrefix;
    if (number.length > prefix.length + 2 && number.startsWith(prefix) && /^[0-9]+$/.test(number) && this.#trunks.size > 0) {
      return { kind: 'external', number };
    }
    throw new SwitchError('operation', 'invalidDestination', `${number} reaches nothing`);
  }
}
