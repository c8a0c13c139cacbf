/**
 * A small strict XML parser for CSTA documents: elements, attributes, text, CDATA, comments and
 * processing instructions. DOCTYPE is refused (no entity expansion from the wire). Names are split
 * into prefix and local name; namespaces are not resolved because CSTA is parsed by local name.
 */
export interface XmlElement {
  /** Local name, prefix removed. */
  readonly name: string;
  readonly prefix: string;
  /** Attributes by their name as written (prefix included), or undefined when there are none. */
  readonly attrs: Record<string, string> | undefined;
  readonly children: XmlElement[];
  /** The element's own text, entity-decoded and concatenated. */
  text: string;
  /** Offsets of the element in the source: `source.slice(start, end)` is the element as written. */
  readonly start: number;
  end: number;
}

export class XmlError extends Error {
  override readonly name = 'XmlError';
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(`${message} at offset ${position}`);
  }
}

/** Deeper documents are refused: CSTA needs fewer than ten levels, and consumers may recurse. */
export const MAX_DEPTH = 256;

const NAMED_ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** XML 1.0 `Char`: what a character reference may name. */
function isXmlChar(code: number): boolean {
  return code === 0x9 || code === 0xa || code === 0xd || (code >= 0x20 && code <= 0xd7ff) || (code >= 0xe000 && code <= 0xfffd) || (code >= 0x10000 && code <= 0x10ffff);
}

export function decodeEntities(raw: string, position: number): string {
  if (!raw.includes('&')) return raw;
  return raw.replace(/&([^;&<]{0,12});?/g, (whole, body: string) => {
    if (!whole.endsWith(';')) throw new XmlError(`unterminated entity "${whole}"`, position);
    const named = Object.hasOwn(NAMED_ENTITIES, body) ? NAMED_ENTITIES[body] : undefined;
    if (named !== undefined) return named;
    const code = /^#x[0-9a-fA-F]{1,6}$/.test(body) ? parseInt(body.slice(2), 16) : /^#[0-9]{1,7}$/.test(body) ? parseInt(body.slice(1), 10) : NaN;
    if (!isXmlChar(code)) throw new XmlError(`unknown entity "${whole}"`, position);
    return String.fromCodePoint(code);
  });
}

function isNameStart(code: number): boolean {
  return (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95 || code === 58 || code > 127;
}

/** Letters, digits, '-', '.', '_', ':' and anything non-ASCII (left to the XML 1.0 name ranges' goodwill). */
function isNameChar(code: number): boolean {
  return isNameStart(code) || (code >= 48 && code <= 57) || code === 45 || code === 46;
}

/** Index of the first character at or after `from` that cannot be part of a name. */
function nameEnd(src: string, from: number): number {
  let cursor = from;
  while (cursor < src.length && isNameChar(src.charCodeAt(cursor))) cursor++;
  return cursor;
}

function isSpace(code: number): boolean {
  return code === 32 || code === 9 || code === 10 || code === 13;
}

function makeElement(qname: string, start: number): XmlElement {
  const colon = qname.indexOf(':');
  return {
    name: colon < 0 ? qname : qname.slice(colon + 1),
    prefix: colon < 0 ? '' : qname.slice(0, colon),
    attrs: undefined,
    children: [],
    text: '',
    start,
    end: start,
  };
}

/**
 * Reads the attributes of the start tag whose name ends at `start`, up to and including its ">" or
 * "/>", into `element.attrs`. Returns the offset after the tag. (Kept out of parseXml so that both
 * stay small enough for the optimiser.)
 */
function readAttributes(src: string, start: number, element: XmlElement, qname: string): number {
  const len = src.length;
  let cursor = start;
  let attrs: Record<string, string> | undefined;
  for (;;) {
    while (cursor < len && isSpace(src.charCodeAt(cursor))) cursor++;
    if (cursor >= len) throw new XmlError(`unterminated start tag <${qname}>`, element.start);
    const code = src.charCodeAt(cursor);
    if (code === 62 /* > */) {
      cursor++;
      break;
    }
    if (code === 47 /* / */) {
      if (src.charCodeAt(cursor + 1) !== 62) throw new XmlError(`expected "/>" in <${qname}>`, cursor);
      cursor += 2;
      break;
    }
    if (!isNameStart(code)) throw new XmlError(`invalid attribute name in <${qname}>`, cursor);
    const nameStart = cursor;
    cursor = nameEnd(src, cursor);
    const attrName = src.slice(nameStart, cursor);
    while (cursor < len && isSpace(src.charCodeAt(cursor))) cursor++;
    if (src.charCodeAt(cursor) !== 61 /* = */) throw new XmlError(`attribute ${attrName} in <${qname}> has no value`, cursor);
    cursor++;
    while (cursor < len && isSpace(src.charCodeAt(cursor))) cursor++;
    const quote = src[cursor];
    if (quote !== '"' && quote !== "'") throw new XmlError(`attribute ${attrName} in <${qname}> is not quoted`, cursor);
    const valueEnd = src.indexOf(quote, cursor + 1);
    if (valueEnd < 0) throw new XmlError(`unterminated value of attribute ${attrName}`, cursor);
    const rawValue = src.slice(cursor + 1, valueEnd);
    if (rawValue.includes('<')) throw new XmlError(`"<" in the value of attribute ${attrName}`, cursor);
    // No prototype: attribute names such as "constructor" or "__proto__" are plain keys.
    attrs ??= Object.create(null) as Record<string, string>;
    if (attrName in attrs) throw new XmlError(`attribute ${attrName} repeated in <${qname}>`, nameStart);
    attrs[attrName] = decodeEntities(rawValue, cursor);
    cursor = valueEnd + 1;
    const after = src.charCodeAt(cursor);
    if (cursor < len && !isSpace(after) && after !== 47 && after !== 62) {
      throw new XmlError(`no whitespace after attribute ${attrName} in <${qname}>`, cursor);
    }
  }
  if (attrs) (element as { attrs: Record<string, string> | undefined }).attrs = attrs;
  return cursor;
}

/** Parses one document and returns its root element. Throws XmlError naming what is wrong and where. */
export function parseXml(src: string): XmlElement {
  const stack: XmlElement[] = [];
  const qnames: string[] = [];
  let root: XmlElement | undefined;
  let pos = src.charCodeAt(0) === 0xfeff ? 1 : 0;
  const len = src.length;

  while (pos < len) {
    const lt = src.indexOf('<', pos);
    const textEnd = lt < 0 ? len : lt;
    if (textEnd > pos) {
      const raw = src.slice(pos, textEnd);
      const top = stack[stack.length - 1];
      if (top) top.text += decodeEntities(raw, pos);
      else if (raw.trim() !== '') throw new XmlError(root ? 'text after the root element' : 'text before the root element', pos);
    }
    if (lt < 0) break;
    pos = lt;
    const next = src.charCodeAt(pos + 1);
    if (next === 47 /* / */) {
      const close = src.indexOf('>', pos + 2);
      if (close < 0) throw new XmlError('unterminated end tag', pos);
      const qname = src.slice(pos + 2, close).trimEnd();
      const open = qnames.pop();
      const element = stack.pop();
      if (open === undefined || element === undefined) throw new XmlError(`end tag </${qname}> without a start tag`, pos);
      if (open !== qname) throw new XmlError(`end tag </${qname}> does not match <${open}>`, pos);
      element.end = close + 1;
      pos = close + 1;
      continue;
    }
    if (next === 33 /* ! */) {
      if (src.startsWith('<!--', pos)) {
        const close = src.indexOf('-->', pos + 4);
        if (close < 0) throw new XmlError('unterminated comment', pos);
        pos = close + 3;
        continue;
      }
      if (src.startsWith('<![CDATA[', pos)) {
        const close = src.indexOf(']]>', pos + 9);
        if (close < 0) throw new XmlError('unterminated CDATA section', pos);
        const top = stack[stack.length - 1];
        if (!top) throw new XmlError('CDATA outside the root element', pos);
        top.text += src.slice(pos + 9, close);
        pos = close + 3;
        continue;
      }
      throw new XmlError('DOCTYPE and other declarations are not accepted', pos);
    }
    if (next === 63 /* ? */) {
      const close = src.indexOf('?>', pos + 2);
      if (close < 0) throw new XmlError('unterminated processing instruction', pos);
      pos = close + 2;
      continue;
    }
    // start tag
    if (!isNameStart(next)) throw new XmlError('invalid character after "<"', pos);
    let cursor = nameEnd(src, pos + 1);
    const qname = src.slice(pos + 1, cursor);
    if (cursor < len && !isSpace(src.charCodeAt(cursor)) && src[cursor] !== '/' && src[cursor] !== '>') {
      throw new XmlError(`invalid character ${JSON.stringify(src[cursor])} in the name <${qname}…>`, cursor);
    }
    if (root && stack.length === 0) throw new XmlError(`second root element <${qname}>`, pos);
    if (stack.length >= MAX_DEPTH) throw new XmlError(`elements nested deeper than ${MAX_DEPTH} levels`, pos);
    const element = makeElement(qname, pos);
    cursor = readAttributes(src, cursor, element, qname);
    const selfClosing = src.charCodeAt(cursor - 2) === 47; /* "/>": outside quotes "/" only ends a tag */
    const parent = stack[stack.length - 1];
    if (parent) parent.children.push(element);
    else root = element;
    if (selfClosing) element.end = cursor;
    else {
      stack.push(element);
      qnames.push(qname);
    }
    pos = cursor;
  }
  if (stack.length > 0) throw new XmlError(`element <${qnames[qnames.length - 1]}> is not closed`, len);
  if (!root) throw new XmlError('no root element', 0);
  return root;
}
