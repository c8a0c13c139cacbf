/** The ACD's promises, checked against its state: used by the property test and the health check. */
import type { AcdEngine } from './engine.js';

const NEVER_OFFERED = new Set(['loggedOut', 'notReady', 'wrapUp', 'talking', 'held']);

/** Every broken promise as a sentence; empty when all hold. */
export function brokenInvariants(engine: AcdEngine): string[] {
  const broken: string[] = [];
  for (const agent of engine.agents.all()) {
    if (agent.offer && NEVER_OFFERED.has(agent.state)) broken.push(`agent ${agent.id} is ${agent.state} but has an offer of ${agent.offer.call.id}`);
    if ((agent.state === 'offered') !== (agent.offer !== undefined)) broken.push(`agent ${agent.id} is ${agent.state} with${agent.offer ? '' : 'out'} an offer`);
    if (agent.offer && agent.offer.call.offers.get(agent.id) !== agent.offer) broken.push(`agent ${agent.id} holds an offer its call ${agent.offer.call.id} does not know`);
    if (agent.offer && agent.call) broken.push(`agent ${agent.id} has an offer while on call ${agent.call.id}`);
    if ((agent.state === 'talking' || agent.state === 'held') && !agent.call) broken.push(`agent ${agent.id} is ${agent.state} without a call`);
  }
  for (const call of engine.calls()) {
    const ringAll = engine.queue(call.queue)?.config.strategy === 'ringAll';
    if (call.offers.size > 1 && !ringAll) broken.push(`call ${call.id} is offered to ${[...call.offers.keys()].join(', ')} at once`);
    if (call.phase === 'connected') {
      if (!call.agent) broken.push(`call ${call.id} is connected to no agent`);
      else if (call.agent.call !== call) broken.push(`call ${call.id} is connected to ${call.agent.id}, who is on ${call.agent.call?.id ?? 'no call'}`);
      if (call.offers.size > 0) broken.push(`call ${call.id} is connected and still offered to ${[...call.offers.keys()].join(', ')}`);
    }
    if ((call.phase === 'offered') !== (call.offers.size > 0)) broken.push(`call ${call.id} is ${call.phase} with ${call.offers.size} offers`);
    for (const [agentId, offer] of call.offers) if (offer.agent.offer !== offer) broken.push(`call ${call.id} is offered to ${agentId}, who does not hold that offer`);
  }
  const connectedTo = new Map<string, string>();
  for (const call of engine.calls()) {
    if (call.phase !== 'connected' || !call.agent) continue;
    const other = connectedTo.get(call.agent.id);
    if (other) broken.push(`agent ${call.agent.id} is connected to ${other} and ${call.id}`);
    connectedTo.set(call.agent.id, call.id);
  }
  return broken;
}
