/** The line link's switch side: the analog ports' copper towards the card simulator. */
export { startLineServer, type LineServer, type LineServerEvents, type LineServerOptions, type LineSwitch } from './line-server.js';
export { CallMediaBook } from './media-book.js';
export {
  farEndMediaSchema,
  lineToSwitchSchema,
  switchToLineSchema,
  type FarEndMedia,
  type LineToSwitch,
  type SwitchToLine,
} from './protocol.js';
