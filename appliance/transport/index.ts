export type { ByteStream, ByteStreamEvents } from './stream.js';
export { TransportError, type TransportErrorCode } from './errors.js';
export {
  parseTransportUrl,
  formatTransportUrl,
  DEFAULT_BAUD_RATE,
  type TransportUrl,
  type TcpUrl,
  type SerialUrl,
} from './url.js';
export { openStream, DEFAULT_CONNECT_TIMEOUT_MS, type OpenStreamOptions } from './connect.js';
export {
  listenStream,
  DEFAULT_REOPEN_INTERVAL_MS,
  type StreamListener,
  type StreamListenerEvents,
  type ListenStreamOptions,
} from './listen.js';
export { DEFAULT_KEEP_ALIVE_MS } from './tcp-stream.js';
export type { SerialBinding } from './serial-stream.js';
