/** MQTT topic filters: syntax, matching and one filter covering another. */

/** A well-formed MQTT filter: `+` and `#` fill a whole level, `#` only as the last one. */
export function isValidFilter(filter: string): boolean {
  if (typeof filter !== 'string' || filter === '' || filter.includes('\u0000')) return false;
  const levels = filter.split('/');
  return levels.every((level, i) => (!level.includes('+') || level === '+') && (!level.includes('#') || (level === '#' && i === levels.length - 1)));
}

/** A topic a message can be published to: no wildcards. */
export function isConcreteTopic(topic: string): boolean {
  return typeof topic === 'string' && topic !== '' && !/[+#\u0000]/.test(topic);
}

/** True when every topic `filter` can match is also matched by `grant` (both valid filters; a concrete topic is a filter too). */
export function filterCovers(grant: string, filter: string): boolean {
  const g = grant.split('/');
  const f = filter.split('/');
  for (let i = 0; ; i++) {
    if (g[i] === '#') return true; // `#` also matches the parent level, so it covers f ending here
    if (i === g.length || i === f.length) return i === g.length && i === f.length;
    if (f[i] === '#') return false;
    if (g[i] === '+') continue;
    if (f[i] === '+' || f[i] !== g[i]) return false;
  }
}

/** Whether a message on `topic` is delivered to a subscription on `filter`; wildcards in the first level skip `$` topics. */
export function topicMatches(filter: string, topic: string): boolean {
  if (topic.startsWith('$') && (filter.startsWith('+') || filter.startsWith('#'))) return false;
  return filterCovers(filter, topic);
}
