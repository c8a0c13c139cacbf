/**
 * The switch's own queues (UCD) for ACD and hunt groups. A call waits at the group with a queued
 * connection (Queued); when a member is free it rings there (Delivered, cause enteringDistribution)
 * and leaves the group (Diverted, cause distributed). Overflow by queue limit and by waiting time.
 */
import type { TimerHandle } from '../../../appliance/runtime/clock.js';
import type { Parts } from './context.js';
import { defined } from './context.js';
import type { Call, Connection } from './core.js';
import type { Group } from './directory.js';
import { deliverToStation, divertConnection, failOffer } from './lifecycle.js';
import { offer } from './offer.js';

interface Entry {
  call: Call;
  readonly connection: Connection;
  readonly group: Group;
  timer?: TimerHandle;
}

export class Queues {
  readonly #waiting = new Map<string, Entry[]>();
  /** Index in the member list of the last member a roundRobin group delivered to. */
  readonly #lastPick = new Map<string, number>();
  #parts!: Parts;

  attach(parts: Parts): void {
    this.#parts = parts;
    const { core } = parts;
    core.addSettler(() => this.#distributeDirty());
    core.onCallEnded((call) => this.#forget(call));
    core.onCallMerged((from, into) => {
      for (const entries of this.#waiting.values()) for (const entry of entries) if (entry.call === from) entry.call = into;
    });
  }

  waiting(group: string): number {
    return this.#waiting.get(group)?.length ?? 0;
  }

  /** The call joins the group's queue (or overflows when the queue is full). */
  enqueue(call: Call, group: Group): void {
    const { core } = this.#parts;
    const entries = this.#waiting.get(group.number) ?? [];
    this.#waiting.set(group.number, entries);
    const acd = group.acdPlan;
    if (acd?.queueLimit !== undefined && entries.length >= acd.queueLimit) {
      if (acd.overflowDestination === undefined) return failOffer(this.#parts, call, group.number, 'noAvailableAgents');
      call.lastRedirectionDevice = group.number;
      return offer(this.#parts, call, core.directory.resolve(acd.overflowDestination), 'overflow');
    }
    const connection: Connection = { device: group.number, shown: group.number, external: false, state: 'queued', cause: 'enteringDistribution' };
    call.connections.push(connection);
    const entry: Entry = { call, connection, group };
    entries.push(entry);
    core.report(call, (local) =>
      defined({
        type: 'QueuedEvent' as const,
        queuedConnection: { callID: call.id, deviceID: group.number },
        queue: group.number,
        callingDevice: call.callingDevice,
        calledDevice: call.calledDevice,
        lastRedirectionDevice: call.lastRedirectionDevice,
        numberQueued: entries.length,
        callsInFront: entries.length - 1,
        localConnectionInfo: local,
        cause: 'enteringDistribution',
      }),
    );
    if (acd?.overflowAfterSeconds !== undefined && acd.overflowDestination !== undefined) {
      const destination = acd.overflowDestination;
      entry.timer = core.after(acd.overflowAfterSeconds * 1000, () => this.#overflow(entry, destination));
    }
    core.dirtyGroups.add(group.number);
  }

  /** Takes a queued call out of its queue (deflected from the queue, or the call is gone). */
  remove(call: Call): void {
    for (const [group, entries] of this.#waiting) {
      const kept = entries.filter((entry) => {
        if (entry.call !== call) return true;
        this.#parts.core.clock.clearTimeout(entry.timer);
        return false;
      });
      this.#waiting.set(group, kept);
    }
  }

  #forget(call: Call): void {
    this.remove(call);
  }

  #overflow(entry: Entry, destination: string): void {
    const entries = this.#waiting.get(entry.group.number);
    if (!entries?.includes(entry)) return;
    this.#waiting.set(entry.group.number, entries.filter((e) => e !== entry));
    divertConnection(this.#parts, entry.call, entry.connection, destination, 'queueTimeOverflow');
    offer(this.#parts, entry.call, this.#parts.core.directory.resolve(destination), 'queueTimeOverflow');
  }

  #distributeDirty(): boolean {
    const { dirtyGroups } = this.#parts.core;
    if (dirtyGroups.size === 0) return false;
    const groups = [...dirtyGroups];
    dirtyGroups.clear();
    for (const number of groups) this.#distribute(number);
    return true;
  }

  #distribute(number: string): void {
    const entries = this.#waiting.get(number);
    const group = this.#parts.core.directory.group(number);
    if (!group) return;
    while (entries && entries.length > 0) {
      const member = this.#pick(group);
      if (member === undefined) return;
      const entry = entries.shift() as Entry;
      this.#parts.core.clock.clearTimeout(entry.timer);
      this.#deliver(entry, member);
    }
  }

  #deliver(entry: Entry, member: string): void {
    const { call, group, connection } = entry;
    const station = this.#parts.core.directory.station(member);
    if (!station) return;
    if (group.acd) call.acdGroup = group.number;
    // The agent's Delivered comes first and names the group; the group's Diverted names what came before it.
    const beforeGroup = call.lastRedirectionDevice;
    call.lastRedirectionDevice = group.number;
    deliverToStation(this.#parts, call, station, 'enteringDistribution');
    if (beforeGroup === undefined) delete call.lastRedirectionDevice;
    else call.lastRedirectionDevice = beforeGroup;
    divertConnection(this.#parts, call, connection, member, 'distributed');
  }

  /** The member that gets the next call, by the group's distribution rule; undefined when nobody is free. */
  #pick(group: Group): string | undefined {
    const { core, agents } = this.#parts;
    const free = (m: string) => (group.acd ? agents.isAvailable(m) : core.isIdle(m));
    const members = group.members;
    switch (group.distribution) {
      case 'linear':
        return members.find(free);
      case 'roundRobin': {
        const last = this.#lastPick.get(group.number) ?? -1;
        for (let step = 1; step <= members.length; step++) {
          const index = (last + step) % members.length;
          const member = members[index];
          if (member !== undefined && free(member)) {
            this.#lastPick.set(group.number, index);
            return member;
          }
        }
        return undefined;
      }
      case 'longestIdle': {
        let best: string | undefined;
        let since = Infinity;
        for (const member of members) {
          const idleSince = agents.get(member)?.idleSince ?? 0;
          if (free(member) && idleSince < since) [best, since] = [member, idleSince];
        }
        return best;
      }
    }
  }
}
