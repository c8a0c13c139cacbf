/** Nodes that speak: play, say (TTS), sayVariable, bulletin, hangup. */
import { localTime } from '../local-time.js';
import type { NodeOf } from '../../flow/schema.js';
import type { IvrCall } from '../call.js';
import { type NodeHandler, go } from './step.js';

export const play: NodeHandler<'play'> = async (call, node) => {
  const result = await call.play(node.prompts, node.bargeIn);
  return go(node.next, result?.reason ?? 'nothing');
};

export const say: NodeHandler<'say'> = async (call, node) => {
  const { tts } = call.ctx;
  if (!tts) {
    call.log.error({ node: call.node }, 'a say node needs TTS (espeak-ng and sox), which is not available; skipped');
    return go(node.next, 'noTts');
  }
  let file: string;
  try {
    file = await tts.render(call.substitute(node.text), call.language);
  } catch (error) {
    call.log.error({ node: call.node, err: error }, 'TTS failed; the say node is skipped');
    return go(node.next, 'ttsError');
  }
  const result = await call.playFiles([file], node.bargeIn);
  return go(node.next, result?.reason ?? 'nothing');
};

export const sayVariable: NodeHandler<'sayVariable'> = async (call, node) => {
  const value = node.variable !== undefined ? call.variables[node.variable] : node.value;
  if (value === undefined || value === '') {
    call.log.warn({ node: call.node, variable: node.variable }, 'nothing to say: the variable is not set');
    return go(node.next, 'empty');
  }
  let fragments: string[];
  try {
    fragments = call.ctx.say.fragments(node.kind, value, call.language);
  } catch (error) {
    call.log.warn({ node: call.node, err: error }, 'the value cannot be spoken');
    return go(node.next, 'unspeakable');
  }
  await call.play([...(node.before ?? []), ...fragments]);
  return go(node.next, 'spoken');
};

function active(item: NodeOf<'bulletin'>['items'][number], at: number, timezone: string): boolean {
  if (item.from && Date.parse(item.from) > at) return false;
  if (item.until && Date.parse(item.until) <= at) return false;
  const local = localTime(at, timezone);
  if (item.weekdays && !item.weekdays.includes(local.isoWeekday)) return false;
  if (item.hours && !item.hours.some(([from, to]) => local.hhmm >= from && local.hhmm < to)) return false;
  return true;
}

export const bulletin: NodeHandler<'bulletin'> = async (call, node) => {
  const now = call.ctx.clock.now();
  const items = node.items.filter((item) => active(item, now, call.ctx.settings.timezone));
  if (items.length === 0) return go(node.next, 'none');
  const result = await call.play([...(node.intro ?? []), ...items.flatMap((item) => item.prompts)], node.bargeIn);
  return go(node.next, `played:${items.length}${result?.reason === 'dtmf' ? ':skipped' : ''}`);
};

export const hangup: NodeHandler<'hangup'> = async (call: IvrCall, node) => {
  if (node.prompt) await call.play(node.prompt);
  return { end: 'completed' };
};
