import type { NodeType } from '../../flow/schema.js';
import { agentDesk } from './agent-desk.js';
import { faxOnDemand, queue, receiveFax, transfer, voicemail } from './handoff.js';
import { collect, menu, survey } from './input.js';
import { condition, lookup, setLanguage } from './logic.js';
import { bulletin, hangup, play, say, sayVariable } from './prompts.js';
import type { NodeHandler } from './step.js';

/** goto, subflow and return move between flows, so the walker handles them itself. */
export type HandledType = Exclude<NodeType, 'goto' | 'subflow' | 'return'>;

export const NODE_HANDLERS: { [T in HandledType]: NodeHandler<T> } = {
  play, say, sayVariable, bulletin, hangup, menu, collect, survey, condition, lookup, setLanguage,
  queue, transfer, voicemail, faxOnDemand, receiveFax, agentDesk,
};

export type { Step } from './step.js';
