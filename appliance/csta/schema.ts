/**
 * Declarative shapes of CSTA messages. One shape per message gives its TypeScript type, its decoder
 * and its encoder, so the three cannot drift apart. Field order in a shape is the element order
 * written on the wire (the ECMA-323 schema's sequence order).
 */
import { normalizeDeviceId } from './device-id.js';
import { CodecError } from './errors.js';
import type { XmlElement } from './xml/parser.js';
import { escapeXml, textElement } from './xml/writer.js';

export interface ConnectionId {
  callID: string;
  deviceID?: string;
}

type Kind =
  | { readonly k: 'text' }
  | { readonly k: 'int' }
  | { readonly k: 'bool' }
  /** A device: plain text in requests (wrap null), `<deviceIdentifier>` in events, `<deviceID>` in endpoints. */
  | { readonly k: 'device'; readonly wrap: string | null }
  | { readonly k: 'connection' }
  | { readonly k: 'struct'; readonly shape: Shape }
  | { readonly k: 'list'; readonly item: string; readonly of: Field<unknown, boolean> }
  /** Inner XML kept verbatim (vendor data, applicationSpecificInfo). */
  | { readonly k: 'raw' };

export interface Field<T, R extends boolean = false> {
  readonly kind: Kind;
  readonly required: R;
  /** Phantom: carries the decoded type. */
  readonly _type?: T;
}

export type Shape = Readonly<Record<string, Field<unknown, boolean>>>;

type Simplify<T> = { [K in keyof T]: T[K] } & {};
type FieldType<F> = F extends Field<infer T, boolean> ? T : never;
export type Infer<S extends Shape> = Simplify<
  { -readonly [K in keyof S as S[K] extends Field<unknown, true> ? K : never]: FieldType<S[K]> } & {
    -readonly [K in keyof S as S[K] extends Field<unknown, true> ? never : K]?: FieldType<S[K]>;
  }
>;

const field = <T>(kind: Kind): Field<T> => ({ kind, required: false });
export const text = (): Field<string> => field({ k: 'text' });
export const int = (): Field<number> => field({ k: 'int' });
export const bool = (): Field<boolean> => field({ k: 'bool' });
/** Device argument of a request: `<calledDirectoryNumber>202</calledDirectoryNumber>`. */
export const deviceArg = (): Field<string> => field({ k: 'device', wrap: null });
/** Device field of an event: `<callingDevice><deviceIdentifier>202</deviceIdentifier></callingDevice>`. */
export const device = (wrap = 'deviceIdentifier'): Field<string> => field({ k: 'device', wrap });
export const connection = (): Field<ConnectionId> => field({ k: 'connection' });
export const raw = (): Field<string> => field({ k: 'raw' });
export const struct = <S extends Shape>(shape: S): Field<Infer<S>> => field({ k: 'struct', shape });
export const list = <T>(item: string, of: Field<T, boolean>): Field<T[]> => field({ k: 'list', item, of });
export const required = <T>(f: Field<T, boolean>): Field<T, true> => ({ kind: f.kind, required: true });

// ---------------------------------------------------------------------------------------------
// decoding

function deviceText(el: XmlElement): string | undefined {
  if (el.children.length === 0) return normalizeDeviceId(el.text.trim());
  for (const child of el.children) {
    switch (child.name) {
      case 'deviceIdentifier':
      case 'deviceID':
      case 'staticID':
      case 'dialingNumber':
      case 'dynamicID':
        return deviceText(child);
      case 'notKnown':
      case 'restricted':
      case 'notRequired':
      case 'notSpecified':
        return undefined;
      default:
    }
  }
  return undefined;
}

function decodeValue(kind: Kind, el: XmlElement, source: string, path: string): unknown {
  switch (kind.k) {
    case 'text':
      return el.text.trim();
    case 'int': {
      const value = el.text.trim();
      const number = /^-?\d{1,16}$/.test(value) ? Number(value) : NaN;
      if (!Number.isSafeInteger(number)) throw new CodecError('badValue', `${path}: expected an integer, got "${value}"`);
      return number;
    }
    case 'bool': {
      const value = el.text.trim();
      if (value === 'true' || value === '1') return true;
      if (value === 'false' || value === '0') return false;
      throw new CodecError('badValue', `${path}: expected true or false, got "${value}"`);
    }
    case 'device':
      return deviceText(el);
    case 'connection': {
      const conn: ConnectionId = { callID: '' };
      for (const child of el.children) {
        if (child.name === 'callID') conn.callID = child.text.trim();
        else if (child.name === 'deviceID') {
          const id = deviceText(child);
          if (id !== undefined) conn.deviceID = id;
        }
      }
      return conn;
    }
    case 'struct':
      return decodeShape(kind.shape, el, source, path);
    case 'list':
      return el.children.map((child, i) => decodeValue(kind.of.kind, child, source, `${path}[${i}]`));
    case 'raw': {
      const first = el.children[0];
      const last = el.children[el.children.length - 1];
      // Text alone comes back escaped, so that the value is inner XML either way and encodes as it came.
      return first && last ? source.slice(first.start, last.end) : escapeXml(el.text.trim());
    }
  }
}

/** Decodes the children of `el` by `shape`. Unknown children are ignored, as real switches add their own. */
export function decodeShape(shape: Shape, el: XmlElement, source: string, path: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const child of el.children) {
    // Own keys only: a child named "constructor" or "__proto__" is just an unknown child.
    const spec = Object.hasOwn(shape, child.name) ? shape[child.name] : undefined;
    if (!spec) continue;
    const value = decodeValue(spec.kind, child, source, `${path}.${child.name}`);
    if (value !== undefined) out[child.name] = value;
  }
  for (const key in shape) {
    if (shape[key]?.required && out[key] === undefined) throw new CodecError('missingField', `${path}: missing ${key}`);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// encoding

function badValue(path: string, expected: string, value: unknown): CodecError {
  const shown = typeof value === 'string' ? JSON.stringify(value) : Array.isArray(value) ? 'an array' : value === null ? 'null' : typeof value;
  return new CodecError('badValue', `${path}: expected ${expected}, got ${shown}`);
}

function scalarText(path: string, value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  throw badValue(path, 'a string', value);
}

function encodeValue(kind: Kind, name: string, value: unknown, path: string): string {
  switch (kind.k) {
    case 'text':
      return textElement(name, scalarText(path, value));
    case 'int':
      if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw badValue(path, 'an integer', value);
      return `<${name}>${value}</${name}>`;
    case 'bool':
      if (typeof value !== 'boolean') throw badValue(path, 'true or false', value);
      return `<${name}>${value}</${name}>`;
    case 'device':
      return kind.wrap === null
        ? textElement(name, scalarText(path, value))
        : `<${name}>${textElement(kind.wrap, scalarText(path, value))}</${name}>`;
    case 'connection': {
      if (typeof value !== 'object' || value === null) throw badValue(path, 'a connection {callID, deviceID}', value);
      const conn = value as ConnectionId;
      const deviceID = conn.deviceID === undefined ? '' : textElement('deviceID', scalarText(`${path}.deviceID`, conn.deviceID));
      return `<${name}>${textElement('callID', scalarText(`${path}.callID`, conn.callID))}${deviceID}</${name}>`;
    }
    case 'struct':
      if (typeof value !== 'object' || value === null || Array.isArray(value)) throw badValue(path, 'an object', value);
      return `<${name}>${encodeShape(kind.shape, value as Record<string, unknown>, path)}</${name}>`;
    case 'list': {
      if (!Array.isArray(value)) throw badValue(path, 'an array', value);
      const items = value.map((item, i) => encodeValue(kind.of.kind, kind.item, item, `${path}[${i}]`)).join('');
      return `<${name}>${items}</${name}>`;
    }
    case 'raw':
      return `<${name}>${scalarText(path, value)}</${name}>`;
  }
}

/**
 * Encodes `value` by `shape` in shape order. Throws CodecError missingField for an absent required
 * field and badValue for a value of the wrong type, naming the path (`path` prefixes it).
 */
export function encodeShape(shape: Shape, value: Record<string, unknown>, path = ''): string {
  let out = '';
  for (const key in shape) {
    const spec = shape[key];
    const fieldValue = value[key];
    if (!spec) continue;
    if (fieldValue === undefined) {
      if (spec.required) throw new CodecError('missingField', `${path || 'message'}: missing ${key}`);
      continue;
    }
    out += encodeValue(spec.kind, key, fieldValue, path ? `${path}.${key}` : key);
  }
  return out;
}

