/** How a queue chooses among the agents who may take a call. `candidates` is never empty. */
import type { Strategy } from './config.js';
import type { Agent } from './model.js';

export interface PickContext {
  readonly queue: string;
  /** Order of the agent the queue offered to last (round-robin memory); -1 before the first. */
  lastOrder: number;
  random(): number;
}

type Pick = (candidates: readonly Agent[], ctx: PickContext) => Agent;

function minBy(candidates: readonly Agent[], ...keys: ((a: Agent) => number)[]): Agent {
  let best = candidates[0] as Agent;
  for (let i = 1; i < candidates.length; i++) {
    const agent = candidates[i] as Agent;
    for (const key of keys) {
      const d = key(agent) - key(best);
      if (d < 0) best = agent;
      if (d !== 0) break;
    }
  }
  return best;
}

const idle = (a: Agent) => a.idleSince;
const order = (a: Agent) => a.order;

const PICKS: Record<Exclude<Strategy, 'ringAll'>, Pick> = {
  longestIdle: (c) => minBy(c, idle, order),
  fewestCalls: (c) => minBy(c, (a) => a.callsAnswered, idle, order),
  leastTalkTime: (c) => minBy(c, (a) => a.talkMs, idle, order),
  linear: (c) => minBy(c, order),
  roundRobin: (c, ctx) => {
    const after = c.filter((a) => a.order > ctx.lastOrder);
    return minBy(after.length > 0 ? after : c, order);
  },
  random: (c, ctx) => c[Math.min(c.length - 1, Math.floor(ctx.random() * c.length))] as Agent,
  weightedRandom: (c, ctx) => {
    const weight = (a: Agent) => a.config.queues[ctx.queue]?.weight ?? 1;
    const total = c.reduce((sum, a) => sum + weight(a), 0);
    let point = ctx.random() * total;
    for (const agent of c) {
      point -= weight(agent);
      if (point < 0) return agent;
    }
    return c[c.length - 1] as Agent;
  },
};

export function pickAgent(strategy: Exclude<Strategy, 'ringAll'>, candidates: readonly Agent[], ctx: PickContext): Agent {
  const agent = PICKS[strategy](candidates, ctx);
  ctx.lastOrder = agent.order;
  return agent;
}
