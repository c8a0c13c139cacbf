/**
 * Flow validation: the schema, then the graph (every node a field names exists, sub-flows exist,
 * prompt names resolve). Errors name the flow, the node and the field:
 *   flow "main": node "menu1": entries.3: no node "sales"
 */
import { createHash } from 'node:crypto';
import type { z } from 'zod';
import type { Language, PromptLibrary } from '../ports.js';
import { type FlowDocument, type FlowNode, NODE_LINKS, flowSchema } from './schema.js';

export class FlowError extends Error {
  override readonly name = 'FlowError';
  constructor(
    readonly flow: string,
    readonly node: string | undefined,
    readonly field: string | undefined,
    readonly problem: string,
  ) {
    super(`flow "${flow}": ${node !== undefined ? `node "${node}": ` : ''}${field ? `${field}: ` : ''}${problem}`);
  }
}

/** A validated flow, frozen: running calls keep the object they started with across reloads. */
export interface CompiledFlow {
  readonly id: string;
  /** Short hash of the document's content. */
  readonly version: string;
  readonly document: FlowDocument;
  readonly language: Language | undefined;
  readonly warnings: readonly string[];
  node(id: string): FlowNode;
}

function errorFromZod(flowName: string, issue: z.core.$ZodIssue): FlowError {
  const path = issue.path.map(String);
  if (path[0] === 'nodes' && path.length >= 2) return new FlowError(flowName, path[1], path.slice(2).join('.') || undefined, issue.message);
  return new FlowError(flowName, undefined, path.join('.') || undefined, issue.message);
}

function promptNames(node: FlowNode): { field: string; name: string }[] {
  const found: { field: string; name: string }[] = [];
  const visit = (value: unknown, field: string) => {
    if (Array.isArray(value) && value.every((v) => typeof v === 'string')) value.forEach((name, i) => found.push({ field: `${field}.${i}`, name }));
    else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) visit(v, field ? `${field}.${k}` : k);
  };
  for (const [field, value] of Object.entries(node)) {
    if (/prompt|greeting|intro|readBack|before|items|confirm/i.test(field)) visit(value, field);
  }
  return found.filter(({ field }) => !/\.(?:from|until|hours|weekdays)\b/.test(field));
}

/** A prompt entry that is a file (absolute, ./ or ../, or ending in .wav) rather than a name like "welcome" or "say/20". */
export const isPromptFile = (name: string) => /^(?:\/|\.\.?\/)/.test(name) || name.endsWith('.wav');

export interface ValidateOptions {
  /** File name or other origin, used when the document has no usable id. */
  source?: string;
  prompts?: PromptLibrary;
  /** Flow ids a `subflow` node may name; absent: not checked here (the registry checks the set). */
  knownFlows?: ReadonlySet<string>;
}

export function compileFlow(input: unknown, options: ValidateOptions = {}): CompiledFlow {
  const declaredId = typeof (input as { id?: unknown })?.id === 'string' ? ((input as { id: string }).id) : (options.source ?? '?');
  const parsed = flowSchema.safeParse(input);
  if (!parsed.success) throw errorFromZod(declaredId, parsed.error.issues[0] as z.core.$ZodIssue);
  const document = parsed.data;
  const nodes = new Map(Object.entries(document.nodes));
  const missing = (field: string, target: string, node?: string) => new FlowError(document.id, node, field, `no node "${target}"`);
  if (!nodes.has(document.start)) throw missing('start', document.start);
  const warnings: string[] = [];
  for (const [id, node] of nodes) {
    for (const field of NODE_LINKS[node.type]) {
      const target = (node as unknown as Record<string, string>)[field];
      if (target !== undefined && !nodes.has(target)) throw missing(field, target, id);
    }
    if (node.type === 'menu') for (const [k, target] of Object.entries(node.entries)) if (!nodes.has(target)) throw missing(`entries.${k}`, target, id);
    if (node.type === 'condition') node.when.forEach((w, i) => { if (!nodes.has(w.goto)) throw missing(`when.${i}.goto`, w.goto, id); });
    if (node.type === 'subflow' && options.knownFlows && !options.knownFlows.has(node.flow)) throw new FlowError(document.id, id, 'flow', `no flow "${node.flow}"`);
    if (node.type === 'sayVariable' && (node.variable === undefined) === (node.value === undefined)) throw new FlowError(document.id, id, 'variable', 'expected exactly one of variable, value');
    if (node.type === 'lookup' && node.by === 'variable' && !node.variable) throw new FlowError(document.id, id, 'variable', 'lookup by variable needs the variable to read');
    if (node.type === 'setLanguage' && !node.language && !node.toggle) throw new FlowError(document.id, id, 'language', 'expected a language or toggle: true');
    if (node.type === 'faxOnDemand' && !node.document && !(node.documents && node.variable)) throw new FlowError(document.id, id, 'document', 'expected a document, or documents with a variable');
    if (node.type === 'agentDesk' && (node.action === 'notReady' || node.action === 'toggleReady') && node.reason === undefined) throw new FlowError(document.id, id, 'reason', `${node.action} needs the not-ready reason code (one of acd.notReadyReasons)`);
    if (node.type === 'collect' && node.minDigits > node.maxDigits) throw new FlowError(document.id, id, 'minDigits', `${node.minDigits} is more than maxDigits ${node.maxDigits}`);
    if (options.prompts) {
      for (const { field, name } of promptNames(node)) {
        if (isPromptFile(name)) continue;
        if (!options.prompts.resolve(name, document.language ?? 'zh')) throw new FlowError(document.id, id, field, `no prompt "${name}" in the prompt set`);
      }
    }
  }
  const reachable = new Set<string>();
  const stack = [document.start];
  while (stack.length > 0) {
    const id = stack.pop() as string;
    if (reachable.has(id)) continue;
    reachable.add(id);
    const node = nodes.get(id) as FlowNode;
    for (const field of NODE_LINKS[node.type]) stack.push((node as unknown as Record<string, string>)[field] as string);
    if (node.type === 'menu') stack.push(...Object.values(node.entries));
    if (node.type === 'condition') stack.push(...node.when.map((w) => w.goto));
  }
  for (const id of nodes.keys()) if (!reachable.has(id)) warnings.push(`flow "${document.id}": node "${id}" cannot be reached from "${document.start}"`);

  const version = createHash('sha256').update(JSON.stringify(document)).digest('hex').slice(0, 12);
  const frozen = Object.freeze({ ...document });
  return Object.freeze({
    id: document.id,
    version,
    document: frozen,
    language: document.language,
    warnings,
    node(id: string): FlowNode {
      const node = nodes.get(id);
      if (!node) throw new FlowError(document.id, id, undefined, 'no such node');
      return node;
    },
  });
}
