import type { NodeOf, NodeType } from '../../flow/schema.js';
import type { IvrCall } from '../call.js';

/** Where a node sends the call: another node (with the outcome the journal records), or the end. */
export type Step = { next: string; outcome: string } | { end: string };

export type NodeHandler<T extends NodeType> = (call: IvrCall, node: NodeOf<T>) => Promise<Step>;

export const go = (next: string, outcome = 'done'): Step => ({ next, outcome });
