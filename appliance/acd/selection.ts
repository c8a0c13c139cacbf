/** Who may be offered a call now, and which queue's call comes first. */
import { type AcdCall, type Agent, comesBefore } from './model.js';
import type { AcdQueue } from './queue.js';

/** Ready, no offer ringing, a phone without other calls, logged in at a device. */
export function isFree(agent: Agent): boolean {
  return agent.state === 'ready' && agent.offer === undefined && !agent.phoneBusy && agent.device !== undefined;
}

export function isFreeFor(call: AcdCall, agent: Agent | undefined): agent is Agent {
  return agent !== undefined && isFree(agent) && call.phase === 'waiting';
}

export function freeMembers(queue: AcdQueue): Agent[] {
  const free: Agent[] = [];
  for (const agent of queue.members) if (isFree(agent)) free.push(agent);
  return free;
}

function headCall(queue: AcdQueue): AcdCall | undefined {
  return queue.calls.find((call) => call.phase === 'waiting');
}

/** Queues whose first waiting call comes first (priority, then place) are served first. */
export function byHeadCall(a: AcdQueue, b: AcdQueue): number {
  const x = headCall(a);
  const y = headCall(b);
  if (!x || !y) return x ? -1 : y ? 1 : 0;
  return comesBefore(x, y) ? -1 : comesBefore(y, x) ? 1 : 0;
}
