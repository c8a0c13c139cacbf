export { startSwitchServer, type SwitchServer, type SwitchServerOptions } from './switch-server.js';
export type { ClientInfo } from './client.js';
export type { SwitchProfile } from './client-session.js';
export type { SwitchCredentials } from './credentials.js';
export { DEFAULT_SEGMENT_SIZE } from './device-list.js';
