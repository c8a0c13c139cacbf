/** Nodes that hand the caller on or take something from them: queue, transfer, voicemail, fax. */
import { mkdirSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import type { IvrCall } from '../call.js';
import { waitingCallerOf } from '../waiting-caller.js';
import type { NodeOf } from '../../flow/schema.js';
import type { QueueOverflow } from '../../ports.js';
import { type NodeHandler, type Step, go } from './step.js';

const stamp = (at: number) => new Date(at).toISOString().replace(/[-:]/g, '').replace(/\..*$/, '');

export const queue: NodeHandler<'queue'> = async (call, node) => {
  const { acd } = call.ctx;
  if (!acd) {
    call.log.info({ node: call.node, queue: node.queue }, 'no ACD on this box: the queue node takes its noAcd branch');
    return go(node.noAcd, 'noAcd');
  }
  if (node.prompt && !call.resumesQueue) await call.play(node.prompt);
  call.resumesQueue = false;
  const result = await acd.enqueue(
    waitingCallerOf(call),
    {
      queue: node.queue,
      ...(call.callerId ? { callerId: call.callerId } : {}),
      ...(call.dnis ? { dnis: call.dnis } : {}),
      language: call.language,
      vip: call.vip,
      priority: node.priority ?? call.priority,
      ...(call.customer ? { customer: call.customer } : {}),
      keys: [...call.keys],
      path: [...call.path],
      variables: { ...call.variables },
    },
  );
  if (result.outcome === 'transferred') return { end: 'queued' };
  if (result.outcome === 'abandoned' || call.hungUp) return { end: 'hangup' };
  if (result.outcome === 'overflow' && result.action) return overflow(call, node, result.action);
  return go(node.next, result.outcome);
};

/** The queue let the caller go with its overflow action: voicemail, another flow, a number, or goodbye. */
async function overflow(call: IvrCall, node: NodeOf<'queue'>, action: QueueOverflow): Promise<Step> {
  switch (action.kind) {
    case 'voicemail':
      return voicemail(call, { type: 'voicemail', mailbox: action.mailbox, greeting: ['voicemail-greeting'], savedPrompt: ['voicemail-saved'], maxMs: 120_000, silenceMs: 5000, beep: true, next: node.next });
    case 'ivr': {
      const flow = call.ctx.flow(action.flow);
      const start = action.node ?? flow?.document.start;
      if (!flow || start === undefined || !(start in flow.document.nodes)) {
        call.log.warn({ node: call.node, flow: action.flow, target: action.node }, 'the queue overflows to a flow or node that does not exist; the queue node goes on');
        return go(node.next, 'overflow');
      }
      call.flow = flow;
      return go(start, `overflow:${action.flow}`);
    }
    case 'number': {
      const port = call.ctx.transfer;
      const moved = port ? await port.transfer(call.channel.index, action.target) : { ok: false as const, reason: 'no transfer method' };
      if (moved.ok) return { end: 'transferred' };
      call.log.warn({ node: call.node, target: action.target, reason: moved.reason }, 'the overflow transfer failed');
      return go(node.next, 'overflow');
    }
    case 'hangup':
      await call.play(['no-agents']);
      return { end: 'overflow' };
  }
}

export const transfer: NodeHandler<'transfer'> = async (call, node) => {
  const target = call.substitute(node.target);
  const port = call.ctx.transfer;
  if (!port || target === '') {
    call.log.warn({ node: call.node, target }, port ? 'transfer target is empty' : 'no transfer method configured');
    return go(node.onFailure, port ? 'noTarget' : 'noTransfer');
  }
  if (node.prompt) await call.play(node.prompt);
  call.ensureLive();
  const result = await port.transfer(call.channel.index, target);
  if (result.ok) return { end: 'transferred' };
  call.log.warn({ node: call.node, target, reason: result.reason }, 'transfer failed');
  return go(node.onFailure, 'transferFailed');
};

function mailbox(call: IvrCall, name: string): string {
  const dir = join(call.ctx.settings.mailboxDir, name);
  mkdirSync(dir, { recursive: true });
  return dir;
}

export const voicemail: NodeHandler<'voicemail'> = async (call, node) => {
  await call.play(node.greeting);
  const at = call.ctx.clock.now();
  const file = join(mailbox(call, node.mailbox), `${call.callId}-${stamp(at)}.wav`);
  const result = await call.record({ file, maxMs: Math.max(100, node.maxMs), silenceMs: node.silenceMs, beep: node.beep, stopOnDtmf: true });
  if (result.reason === 'error' || result.durationMs === 0) {
    call.ensureLive();
    return go(node.next, result.reason === 'error' ? 'recordError' : 'empty');
  }
  const row = { callId: call.callId, at, mailbox: node.mailbox, file, durationMs: result.durationMs, ...(call.callerId ? { callerId: call.callerId } : {}) };
  call.ctx.journal.voicemail(row);
  call.ctx.events.emit('voicemail', row);
  call.ensureLive();
  if (node.savedPrompt) await call.play(node.savedPrompt);
  return go(node.next, 'saved');
};

export const faxOnDemand: NodeHandler<'faxOnDemand'> = async (call, node) => {
  const chosen = node.document ?? (node.variable ? node.documents?.[call.variables[node.variable] ?? ''] : undefined);
  if (!chosen) return go(node.onFailure, 'noDocument');
  const file = isAbsolute(chosen) ? chosen : resolve(call.ctx.settings.documentsDir, chosen);
  if (node.prompt) await call.play(node.prompt);
  const result = await call.fax('send', file);
  if (result.reason !== 'ok') call.log.warn({ node: call.node, file, reason: result.reason, error: result.error }, 'fax on demand failed');
  return result.reason === 'ok' ? go(node.next, `sent:${result.pages}`) : go(node.onFailure, result.reason);
};

export const receiveFax: NodeHandler<'receiveFax'> = async (call, node) => {
  if (node.prompt) await call.play(node.prompt);
  const file = join(mailbox(call, node.mailbox), `fax-${call.callId}.tif`);
  const result = await call.fax('receive', file);
  if (result.reason !== 'ok') {
    call.log.warn({ node: call.node, reason: result.reason, error: result.error }, 'receiving a fax failed');
    return go(node.onFailure, result.reason);
  }
  const row = { callId: call.callId, at: call.ctx.clock.now(), mailbox: node.mailbox, file, pages: result.pages, ...(call.callerId ? { callerId: call.callerId } : {}) };
  call.ctx.journal.faxReceived(row);
  call.ctx.events.emit('faxReceived', row);
  return go(node.next, `received:${result.pages}`);
};
