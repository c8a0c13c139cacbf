/**
 * CSTA XML ⇄ typed messages. Pure functions. Decoding accepts any namespace and prefix, qualified or
 * unqualified roots; encoding writes the namespace of the configured edition.
 */
import { CodecError } from './errors.js';
import {
  type CstaMessage,
  type KnownMessage,
  isKnownMessageName,
  shapes,
} from './messages.js';
import { APPLICATION_SESSION_NAMESPACE, CSTA_NAMESPACES, type CstaEdition } from './namespaces.js';
import { sessionShapes } from './catalogue/session.js';
import { decodeShape, encodeShape, type Shape } from './schema.js';
import { escapeXml } from './xml/writer.js';
import { type XmlElement, XmlError, parseXml } from './xml/parser.js';

const SESSION_MESSAGES = new Set<string>(Object.keys(sessionShapes));

function plainTree(el: XmlElement): unknown {
  if (el.children.length === 0) return el.text.trim();
  // A Map, not an object: children may be named "__proto__" or "constructor".
  const byName = new Map<string, unknown>();
  for (const child of el.children) {
    const value = plainTree(child);
    const existing = byName.get(child.name);
    if (existing === undefined) byName.set(child.name, value);
    else if (Array.isArray(existing)) existing.push(value);
    else byName.set(child.name, [existing, value]);
  }
  return Object.fromEntries(byName);
}

function decodeError(root: XmlElement): CstaMessage {
  const first = root.children.find((c) => c.name !== 'extensions');
  if (!first) return { type: 'CSTAErrorCode', group: 'unspecified', value: root.text.trim() || 'unspecified' };
  const inner = first.children[0];
  const value = first.text.trim() || inner?.name || 'unspecified';
  return { type: 'CSTAErrorCode', group: first.name, value };
}

/** Decodes one XML document. Throws CodecError (badXml, missingField, badValue) naming what is wrong. */
export function decodeMessage(xml: string): CstaMessage {
  let root: XmlElement;
  try {
    root = parseXml(xml);
  } catch (error) {
    if (error instanceof XmlError) throw new CodecError('badXml', `XML does not parse: ${error.message}`);
    throw error;
  }
  let message: CstaMessage;
  if (root.name === 'CSTAErrorCode') message = decodeError(root);
  else if (isKnownMessageName(root.name)) {
    const body = decodeShape(shapes[root.name] as Shape, root, xml, root.name);
    message = { type: root.name, ...body } as KnownMessage;
  } else {
    const body = plainTree(root);
    message = { type: 'Unknown', name: root.name, body: typeof body === 'object' && body ? (body as Record<string, unknown>) : {} };
  }
  const extensions = root.children.find((c) => c.name === 'extensions');
  if (extensions) message.privateData = xml.slice(extensions.start, extensions.end);
  return message;
}

export interface EncodeOptions {
  edition?: CstaEdition;
  /** Write `<?xml version="1.0" encoding="UTF-8"?>` first; some switches want it. */
  declaration?: boolean;
}

/** Encodes a message as one XML document in the edition's namespace (ECMA-354 messages in theirs). */
export function encodeMessage(message: CstaMessage, options: EncodeOptions = {}): string {
  const edition = options.edition ?? 'ed4';
  const head = options.declaration ? '<?xml version="1.0" encoding="UTF-8"?>' : '';
  let name: string;
  let body: string;
  if (message.type === 'CSTAErrorCode') {
    name = 'CSTAErrorCode';
    if (!/^[A-Za-z_][\w.-]*$/.test(message.group)) throw new CodecError('badValue', `CSTAErrorCode.group: expected an element name, got ${JSON.stringify(message.group)}`);
    body = `<${message.group}>${escapeXml(message.value)}</${message.group}>`;
  } else if (message.type === 'Unknown') {
    throw new CodecError('unknownMessage', `cannot encode unknown message ${message.name}`);
  } else if (isKnownMessageName(message.type)) {
    name = message.type;
    body = encodeShape(shapes[message.type] as Shape, message as unknown as Record<string, unknown>, name);
  } else {
    throw new CodecError('unknownMessage', `cannot encode message of unknown type ${JSON.stringify((message as { type: unknown }).type)}`);
  }
  if (message.privateData) body += message.privateData;
  const ns = SESSION_MESSAGES.has(name) ? APPLICATION_SESSION_NAMESPACE : CSTA_NAMESPACES[edition];
  return body === '' ? `${head}<${name} xmlns="${ns}"/>` : `${head}<${name} xmlns="${ns}">${body}</${name}>`;
}
