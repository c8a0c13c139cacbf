/** The parts of the call model, handed to the functions that carry out requests. */
import type { AgentBook } from './agents.js';
import type { Core } from './core.js';
import type { Queues } from './queues.js';
import type { Routing } from './routing.js';

export interface Parts {
  readonly core: Core;
  readonly agents: AgentBook;
  readonly queues: Queues;
  readonly routing: Routing;
}

/** The object without its undefined fields: events carry only the fields that have a value. */
export function defined<T extends object>(value: T): T {
  for (const key of Object.keys(value) as (keyof T)[]) if (value[key] === undefined) delete value[key];
  return value;
}
