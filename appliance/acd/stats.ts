/** A queue's figures as wallboards and supervisors see them (published retained over MQTT). */
import type { AgentStateName } from './model.js';
import { type AcdQueue, type QueueCounters, SERVICE_LEVEL_SECONDS } from './queue.js';

export interface QueueStats extends QueueCounters {
  queue: string;
  strategy: string;
  waiting: number;
  callbacksWaiting: number;
  longestWaitMs: number;
  agents: Record<AgentStateName, number>;
  averageWaitMs: number | null;
  /** What a caller joining now may expect, in whole minutes (as seconds). */
  expectedWaitSeconds: number;
  /** Share of calls answered within the threshold among those answered while waiting on the line, in percent (null before the first). */
  serviceLevel: number | null;
  serviceLevelSeconds: number;
  at: number;
}

export function queueStats(queue: AcdQueue, now: number): QueueStats {
  const agents: Record<AgentStateName, number> = { loggedOut: 0, ready: 0, offered: 0, talking: 0, held: 0, wrapUp: 0, notReady: 0 };
  for (const agent of queue.members) agents[agent.state]++;
  let waiting = 0;
  let callbacksWaiting = 0;
  let longestWaitMs = 0;
  for (const call of queue.calls) {
    if (call.kind === 'callback') {
      callbacksWaiting++;
      continue;
    }
    waiting++;
    longestWaitMs = Math.max(longestWaitMs, now - call.joinedAt);
  }
  const { counters } = queue;
  return {
    queue: queue.name,
    strategy: queue.config.strategy,
    waiting,
    callbacksWaiting,
    longestWaitMs,
    agents,
    ...counters,
    averageWaitMs: queue.averageWaitMs() ?? null,
    expectedWaitSeconds: queue.expectedWaitSeconds(0),
    serviceLevel: counters.answeredInbound === 0 ? null : Math.round((1000 * counters.answeredInServiceLevel) / counters.answeredInbound) / 10,
    serviceLevelSeconds: SERVICE_LEVEL_SECONDS,
    at: now,
  };
}
