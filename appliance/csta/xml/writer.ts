const ESCAPES: Record<string, string> = { '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' };

/** Escapes text for element content and attribute values. */
export function escapeXml(value: string): string {
  return /[<>&"']/.test(value) ? value.replace(/[<>&"']/g, (c) => ESCAPES[c] ?? c) : value;
}

/** `<name>escaped text</name>`, or `<name/>` for empty text. */
export function textElement(name: string, text: string): string {
  return text === '' ? `<${name}/>` : `<${name}>${escapeXml(text)}</${name}>`;
}
