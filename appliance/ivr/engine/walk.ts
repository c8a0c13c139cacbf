/** Walks a call through its flow node by node, into and out of sub-flows, journaling every step. */
import type { FlowNode } from '../flow/schema.js';
import type { CompiledFlow } from '../flow/validate.js';
import { CallOver, type IvrCall } from './call.js';
import { type HandledType, NODE_HANDLERS, type Step } from './nodes/index.js';

/** A call that visits this many nodes is stuck in a loop of the flow: it ends. */
const MAX_STEPS = 500;
const MAX_SUBFLOW_DEPTH = 8;

export async function walk(call: IvrCall, lookupFlow: (id: string) => CompiledFlow | undefined, start = call.flow.document.start): Promise<string> {
  const { journal, clock, events } = call.ctx;
  const returns: { flow: CompiledFlow; next: string }[] = [];
  let current = start;
  for (let steps = 0; steps < MAX_STEPS; steps++) {
    call.ensureLive();
    const node: FlowNode = call.flow.node(current);
    call.node = current;
    call.path.push(returns.length === 0 ? current : `${call.flow.id}:${current}`);
    journal.nodeEntered({ callId: call.callId, at: clock.now(), flow: call.flow.id, node: current, nodeType: node.type });
    events.emit('nodeEntered', { callId: call.callId, flow: call.flow.id, node: current, type: node.type });
    let step: Step;
    try {
      step = await move(call, node, returns, lookupFlow);
    } catch (error) {
      journal.nodeLeft({ callId: call.callId, at: clock.now(), flow: call.flow.id, node: current, outcome: error instanceof CallOver ? error.outcome : 'error' });
      throw error;
    }
    journal.nodeLeft({ callId: call.callId, at: clock.now(), flow: call.flow.id, node: current, outcome: 'end' in step ? step.end : step.outcome });
    if ('end' in step) return step.end;
    current = step.next;
  }
  call.log.error({ node: current }, `the call visited ${MAX_STEPS} nodes: the flow loops; ending the call`);
  return 'loop';
}

async function move(call: IvrCall, node: FlowNode, returns: { flow: CompiledFlow; next: string }[], lookupFlow: (id: string) => CompiledFlow | undefined): Promise<Step> {
  switch (node.type) {
    case 'goto':
      return { next: node.node, outcome: 'goto' };
    case 'subflow': {
      const sub = lookupFlow(node.flow);
      if (!sub || returns.length >= MAX_SUBFLOW_DEPTH) {
        call.log.error({ node: call.node, flow: node.flow }, sub ? 'sub-flows nest too deep' : `no flow "${node.flow}"; skipping the sub-flow`);
        return { next: node.next, outcome: 'noSubflow' };
      }
      returns.push({ flow: call.flow, next: node.next });
      call.flow = sub;
      return { next: sub.document.start, outcome: `enter:${sub.id}` };
    }
    case 'return': {
      const back = returns.pop();
      if (!back) return { end: 'completed' };
      call.flow = back.flow;
      return { next: back.next, outcome: 'return' };
    }
    default: {
      const handler = NODE_HANDLERS[node.type as HandledType] as (call: IvrCall, node: FlowNode) => Promise<Step>;
      return handler(call, node);
    }
  }
}
