/** Dotted setting paths ('pbx.url'): finding their schema, reading and writing them, and turning command-line text into typed values. */
import { z } from 'zod';
import { ConfigError } from './errors.js';

type JsonObject = Record<string, unknown>;

/** The schema under defaults, optionals and nullables. */
function unwrap(schema: z.ZodType): z.ZodType {
  let current = schema;
  for (;;) {
    if (current instanceof z.ZodDefault || current instanceof z.ZodPrefault || current instanceof z.ZodOptional || current instanceof z.ZodNullable) {
      current = current.unwrap() as z.ZodType;
    } else {
      return current;
    }
  }
}

export function splitPath(path: string): string[] {
  const segments = path.split('.');
  if (path === '' || segments.some((segment) => segment === '')) {
    throw new ConfigError('unknownPath', `bad setting path ${JSON.stringify(path)}: expected names joined by dots, like pbx.url`);
  }
  return segments;
}

const INDEX = /^(0|[1-9][0-9]{0,5})$/;

/**
 * The schema of the setting at `path`, or undefined if there is no such setting. A number steps
 * into a list ('acd.queues.0.strategy'), any name into a map ('acd.agents.0.skills.sales').
 */
export function schemaAtPath(root: z.ZodType, path: string): z.ZodType | undefined {
  let current: z.ZodType = root;
  for (const segment of splitPath(path)) {
    const container = unwrap(current);
    let child: z.ZodType | undefined;
    if (container instanceof z.ZodObject) child = Object.hasOwn(container.shape, segment) ? (container.shape as Record<string, z.ZodType>)[segment] : undefined;
    else if (container instanceof z.ZodArray) child = INDEX.test(segment) ? (container.element as z.ZodType) : undefined;
    else if (container instanceof z.ZodRecord) child = container.valueType as z.ZodType;
    if (child === undefined) return undefined;
    current = child;
  }
  return current;
}

/** Every leaf setting path of an object schema, in schema order. */
export function settingPaths(root: z.ZodType, prefix = ''): string[] {
  const object = unwrap(root);
  if (!(object instanceof z.ZodObject)) return [prefix];
  return Object.entries(object.shape as Record<string, z.ZodType>).flatMap(([key, child]) =>
    settingPaths(child, prefix ? `${prefix}.${key}` : key),
  );
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function getAt(root: unknown, segments: readonly string[]): unknown {
  let current = root;
  for (const segment of segments) {
    if (Array.isArray(current) && INDEX.test(segment)) current = current[Number(segment)];
    else if (isObject(current) && Object.hasOwn(current, segment)) current = current[segment];
    else return undefined;
  }
  return current;
}

/**
 * Sets (or, with `undefined`, removes) the value at `segments`, creating objects on the way.
 * Mutates `root`. A list item must exist already: lists are changed item by item, not grown.
 */
export function setAt(root: JsonObject, segments: readonly string[], value: unknown): void {
  let current: JsonObject | unknown[] = root;
  const path: string[] = [];
  for (const [i, segment] of segments.entries()) {
    const last = i === segments.length - 1;
    if (Array.isArray(current)) {
      const index = Number(segment);
      if (!INDEX.test(segment) || index >= current.length) {
        throw ConfigError.invalid([{ path: [...path, segment].join('.'), message: `there is no item ${segment} in ${path.join('.')} (it has ${current.length}); set the whole list to add one` }]);
      }
      if (last) {
        if (value === undefined) current.splice(index, 1);
        else current[index] = value;
        return;
      }
      if (!isObject(current[index]) && !Array.isArray(current[index])) current[index] = {};
      current = current[index] as JsonObject | unknown[];
    } else {
      if (last) {
        if (value === undefined) delete current[segment];
        else current[segment] = value;
        return;
      }
      if (!isObject(current[segment]) && !Array.isArray(current[segment])) current[segment] = {};
      current = current[segment] as JsonObject | unknown[];
    }
    path.push(segment);
  }
}

/** Leaf paths whose values differ between two documents. */
export function changedPaths(before: unknown, after: unknown, prefix = ''): string[] {
  if (isObject(before) && isObject(after)) {
    const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
    return [...keys].flatMap((key) => changedPaths(before[key], after[key], prefix ? `${prefix}.${key}` : key));
  }
  return JSON.stringify(before) === JSON.stringify(after) ? [] : [prefix];
}

const NUMBER_TEXT = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * Turns text typed on a command line into the type the schema expects there: numbers, booleans
 * (true/false/yes/no/on/off/1/0), JSON for objects, and for arrays either JSON (`["201","202"]`)
 * or a comma-separated list (`201,202`, items coerced in turn). Text that does not fit is returned
 * as it is, so validation reports it with the schema's own message.
 */
export function coerceText(schema: z.ZodType, text: string, path: string): unknown {
  const target = unwrap(schema);
  if (target instanceof z.ZodNumber) {
    return NUMBER_TEXT.test(text.trim()) ? Number(text) : text;
  }
  if (target instanceof z.ZodBoolean) {
    const word = text.trim().toLowerCase();
    if (['true', 'yes', 'on', '1'].includes(word)) return true;
    if (['false', 'no', 'off', '0'].includes(word)) return false;
    return text;
  }
  if (target instanceof z.ZodLiteral) {
    const literal: unknown = target.values.values().next().value;
    if (typeof literal === 'number') return coerceText(z.number(), text, path);
    if (typeof literal === 'boolean') return coerceText(z.boolean(), text, path);
    return text;
  }
  if (target instanceof z.ZodArray) {
    const trimmed = text.trim();
    if (trimmed.startsWith('[')) return parseJson(trimmed, path, 'a JSON array');
    if (trimmed === '') return [];
    return trimmed.split(',').map((item) => coerceText(target.element as z.ZodType, item.trim(), path));
  }
  if (target instanceof z.ZodObject || target instanceof z.ZodRecord) {
    return parseJson(text, path, 'a JSON object');
  }
  // A setting of several shapes (the broker, a queue's overflow): JSON when it looks like JSON.
  if (target instanceof z.ZodUnion && /^[[{]/.test(text.trim())) {
    return parseJson(text.trim(), path, 'JSON');
  }
  return text;
}

function parseJson(text: string, path: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw ConfigError.invalid([{ path, message: `expected ${what}: ${(cause as Error).message}` }]);
  }
}
