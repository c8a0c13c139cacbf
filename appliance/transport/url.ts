import { isIP, isIPv4, isIPv6 } from 'node:net';
import { TransportError } from './errors.js';

export interface TcpUrl {
  kind: 'tcp';
  /** IPv6 addresses without brackets. */
  host: string;
  /** 0 only makes sense for listening (the system picks a port). */
  port: number;
}

export interface SerialUrl {
  kind: 'serial';
  path: string;
  baudRate: number;
  dataBits: 5 | 6 | 7 | 8;
  parity: 'none' | 'even' | 'odd';
  stopBits: 1 | 2;
  rtscts: boolean;
}

export type TransportUrl = TcpUrl | SerialUrl;

export const DEFAULT_BAUD_RATE = 9600;
const SERIAL_DEFAULTS = { baudRate: DEFAULT_BAUD_RATE, dataBits: 8, parity: 'none', stopBits: 1, rtscts: false } as const;
const EXPECTED = "expected 'tcp://host:port' or 'serial:/dev/ttyS0?baud=9600'";
const SERIAL_PARAMS = 'baud, databits, parity, stopbits, rtscts';
const HOSTNAME = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/;

function bad(url: string, what: string): TransportError {
  return new TransportError('badUrl', `bad transport URL '${url}': ${what}`);
}

export function parseTransportUrl(url: string): TransportUrl {
  if (typeof url !== 'string') throw bad(String(url), `${EXPECTED}, got a ${typeof url}`);
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(url)?.[1];
  if (scheme === undefined) throw bad(url, `no scheme; ${EXPECTED}`);
  switch (scheme.toLowerCase()) {
    case 'tcp':
      return parseTcp(url, url.slice(scheme.length + 1));
    case 'serial':
      return parseSerial(url, url.slice(scheme.length + 1));
    default:
      throw bad(url, `unknown scheme '${scheme}'; ${EXPECTED}`);
  }
}

function parseTcp(url: string, rest: string): TcpUrl {
  if (!rest.startsWith('//')) throw bad(url, "expected 'tcp://host:port'");
  const authority = rest.slice(2);
  const extra = /[/?#]/.exec(authority);
  if (extra) throw bad(url, `unexpected '${authority.slice(extra.index)}' after the port; expected 'tcp://host:port'`);
  if (!authority.startsWith('[') && authority.indexOf(':') !== authority.lastIndexOf(':')) {
    throw bad(url, 'an IPv6 address goes in brackets: tcp://[::1]:8800');
  }
  const match = /^(\[[^\]]*\]|[^:[\]]*)(?::(.*))?$/.exec(authority);
  if (!match) throw bad(url, "expected 'tcp://host:port' (an IPv6 address goes in brackets: tcp://[::1]:8800)");
  const rawHost = match[1] ?? '';
  const rawPort = match[2];
  let host: string;
  if (rawHost.startsWith('[')) {
    host = rawHost.slice(1, -1);
    if (!isIPv6(host)) throw bad(url, `'${host}' is not an IPv6 address`);
  } else {
    host = rawHost;
    if (host === '') throw bad(url, "missing host; expected 'tcp://host:port'");
    const looksNumeric = /^[0-9.]+$/.test(host);
    if (looksNumeric ? !isIPv4(host) : !HOSTNAME.test(host)) {
      throw bad(url, `'${host}' is not an IPv4 address or host name`);
    }
  }
  if (rawPort === undefined || rawPort === '') throw bad(url, "missing port; expected 'tcp://host:port'");
  if (!/^[0-9]{1,5}$/.test(rawPort) || Number(rawPort) > 65535) {
    throw bad(url, `port '${rawPort}' is not a number from 0 to 65535`);
  }
  return { kind: 'tcp', host, port: Number(rawPort) };
}

function parseSerial(url: string, rest: string): SerialUrl {
  const query = rest.indexOf('?');
  // 'serial:///dev/ttyS0' is tolerated as a spelling of 'serial:/dev/ttyS0'.
  const rawPath = query < 0 ? rest : rest.slice(0, query);
  const path = rawPath.startsWith('///') ? rawPath.slice(2) : rawPath;
  if (path === '' || path.startsWith('//')) throw bad(url, "missing device path; expected 'serial:/dev/ttyS0?baud=9600'");
  const result: SerialUrl = { kind: 'serial', path, ...SERIAL_DEFAULTS };
  if (query < 0) return result;
  const seen = new Set<string>();
  for (const pair of rest.slice(query + 1).split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const key = (eq < 0 ? pair : pair.slice(0, eq)).toLowerCase();
    const value = eq < 0 ? '' : pair.slice(eq + 1);
    if (seen.has(key)) throw bad(url, `parameter '${key}' given twice`);
    seen.add(key);
    applySerialParam(url, result, key, value);
  }
  return result;
}

function applySerialParam(url: string, target: SerialUrl, key: string, value: string): void {
  switch (key) {
    case 'baud':
      if (!/^[0-9]{1,8}$/.test(value) || Number(value) < 50 || Number(value) > 4_000_000) {
        throw bad(url, `baud '${value}' is not a whole number from 50 to 4000000`);
      }
      target.baudRate = Number(value);
      return;
    case 'databits':
      if (!['5', '6', '7', '8'].includes(value)) throw bad(url, `databits '${value}' must be 5, 6, 7 or 8`);
      target.dataBits = Number(value) as SerialUrl['dataBits'];
      return;
    case 'parity':
      if (value !== 'none' && value !== 'even' && value !== 'odd') {
        throw bad(url, `parity '${value}' must be none, even or odd`);
      }
      target.parity = value;
      return;
    case 'stopbits':
      if (value !== '1' && value !== '2') throw bad(url, `stopbits '${value}' must be 1 or 2`);
      target.stopBits = Number(value) as SerialUrl['stopBits'];
      return;
    case 'rtscts':
      if (value !== 'true' && value !== 'false') throw bad(url, `rtscts '${value}' must be true or false`);
      target.rtscts = value === 'true';
      return;
    default:
      throw bad(url, `unknown parameter '${key}'; serial URLs take ${SERIAL_PARAMS}`);
  }
}

/** The canonical spelling; parseTransportUrl(formatTransportUrl(u)) deep-equals u. */
export function formatTransportUrl(u: TransportUrl): string {
  if (u.kind === 'tcp') return `tcp://${formatHostPort(u.host, u.port)}`;
  let text = `serial:${u.path}?baud=${u.baudRate}`;
  if (u.dataBits !== SERIAL_DEFAULTS.dataBits) text += `&databits=${u.dataBits}`;
  if (u.parity !== SERIAL_DEFAULTS.parity) text += `&parity=${u.parity}`;
  if (u.stopBits !== SERIAL_DEFAULTS.stopBits) text += `&stopbits=${u.stopBits}`;
  if (u.rtscts !== SERIAL_DEFAULTS.rtscts) text += `&rtscts=${u.rtscts}`;
  return text;
}

export function formatHostPort(host: string, port: number | undefined): string {
  return `${isIP(host) === 6 ? `[${host}]` : host}:${port ?? '?'}`;
}

export function toTransportUrl(url: string | TransportUrl): TransportUrl {
  return typeof url === 'string' ? parseTransportUrl(url) : url;
}
