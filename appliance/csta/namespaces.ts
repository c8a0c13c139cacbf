/** Namespace URIs seen on the wire. Decoding ignores them (parse by local name); encoding uses the profile's. */
export type CstaEdition = 'ed2' | 'ed3' | 'ed4' | 'ed5' | 'ed6';

export const CSTA_NAMESPACES: Record<CstaEdition, string> = {
  ed2: 'http://www.ecma.ch/standards/ecma-323/csta/ed2',
  ed3: 'http://www.ecma-international.org/standards/ecma-323/csta/ed3',
  ed4: 'http://www.ecma-international.org/standards/ecma-323/csta/ed4',
  ed5: 'http://www.ecma-international.org/standards/ecma-323/csta/ed5',
  ed6: 'http://www.ecma.ch/standards/ecma-323/csta/ed6',
};

export const APPLICATION_SESSION_NAMESPACE = 'http://www.ecma-international.org/standards/ecma-354/appl_session';

/** The edition a namespace URI names, whichever host (ecma.ch or ecma-international.org) it uses. */
export function editionOfNamespace(uri: string): CstaEdition | undefined {
  const match = /ecma-323\/csta\/(ed[2-6])\/?$/.exec(uri);
  return match ? (match[1] as CstaEdition) : undefined;
}
