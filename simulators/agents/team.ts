/** A team of simulated agent desks on one broker, started together and stopped together. */
import { z } from 'zod';
import type { Clock } from '../../appliance/runtime/clock.js';
import { type AgentDeskOptions, type DeskCounters, SimulatedAgentDesk, zeroCounters } from './desk.js';
import type { AgentDeskError } from './errors.js';
import { type AgentProfileOverride, agentProfileSchema, type TeamMember } from './profile.js';

export interface AgentTeamOptions {
  url: string;
  site: string;
  agents: readonly TeamMember[];
  /** Everybody's profile; a member's own `profile` overrides it setting by setting. */
  profile?: AgentProfileOverride;
  clock?: Clock;
  random?: () => number;
  commandTimeoutMs?: number;
  reconnectPeriodMs?: number;
  /** Told of every desk's errors (they are counted either way). */
  onError?: (error: AgentDeskError) => void;
}

export interface AgentTeam {
  readonly desks: readonly SimulatedAgentDesk[];
  desk(agentId: string): SimulatedAgentDesk | undefined;
  /** Every desk's counters added up. */
  totals(): DeskCounters;
  /** Logs every agent out and disconnects; never rejects. */
  stop(): Promise<void>;
}

/** Starts every desk; when any cannot start, stops the others and rejects with an AggregateError naming each failure. */
export async function startAgentTeam(options: AgentTeamOptions): Promise<AgentTeam> {
  const desks = options.agents.map((member) => new SimulatedAgentDesk(deskOptions(options, member)));
  if (options.onError) for (const desk of desks) desk.on('error', options.onError);
  const started = await Promise.allSettled(desks.map((desk) => desk.start()));
  const failures = started.flatMap((result) => (result.status === 'rejected' ? [result.reason as Error] : []));
  const stop = async () => {
    await Promise.all(desks.map((desk) => desk.stop()));
  };
  if (failures.length > 0) {
    await stop();
    throw new AggregateError(failures, `${failures.length} of ${desks.length} agent desks could not start; first: ${failures[0]?.message}`);
  }
  return {
    desks,
    desk: (agentId) => desks.find((desk) => desk.agentId === agentId),
    totals: () => sumCounters(desks.map((desk) => desk.counters)),
    stop,
  };
}

function deskOptions(team: AgentTeamOptions, member: TeamMember): AgentDeskOptions {
  const profile = agentProfileSchema.safeParse({ ...team.profile, ...member.profile });
  if (!profile.success) throw new RangeError(`agent ${member.id}: bad profile: ${z.prettifyError(profile.error)}`);
  return {
    url: team.url,
    site: team.site,
    agentId: member.id,
    ...(member.username === undefined ? {} : { username: member.username }),
    password: member.password,
    device: member.device,
    profile: profile.data,
    ...(team.clock === undefined ? {} : { clock: team.clock }),
    ...(team.random === undefined ? {} : { random: team.random }),
    ...(team.commandTimeoutMs === undefined ? {} : { commandTimeoutMs: team.commandTimeoutMs }),
    ...(team.reconnectPeriodMs === undefined ? {} : { reconnectPeriodMs: team.reconnectPeriodMs }),
  };
}

export function sumCounters(counters: readonly DeskCounters[]): DeskCounters {
  const total = zeroCounters();
  for (const one of counters) for (const key of Object.keys(total) as (keyof DeskCounters)[]) total[key] += one[key];
  return total;
}
