/** The voice/fax cards: the CardSet face, the card link protocol, the driver, board profiles and the config section. */
export * from './api.js';
export {
  CARD_PROTOCOL_VERSION,
  LONG_OPS,
  boardInfoSchema,
  channelStatusSchema,
  channelStateSchema,
  commandSchema,
  eventSchema,
  errorCodeSchema,
  lawSchema,
  decodeBoardFrame,
  decodeHostFrame,
  type BoardFrame,
  type BoardHello,
  type CardCommand,
  type CardErrorCode,
  type CardEvent,
  type CardEventName,
  type CardEventOf,
  type CardOp,
  type ChannelStatus,
  type Decoded,
  type ErrorFrame,
  type HostFrame,
  type HostHello,
} from './protocol.js';
export { JsonLineDecoder, MAX_LINE_BYTES, encodeJsonLine, type LineSink } from './framing.js';
export { CardSetDriver, type CardSetOptions } from './card-set.js';
export { CardChannelDriver } from './channel.js';
export {
  BoardProfileError,
  DEFAULT_BOARD_PROFILE_DIR,
  boardInfoOf,
  boardProfileSchema,
  listBoardProfiles,
  loadBoardProfile,
  parseBoardProfile,
  type BoardProfile,
  type BoardProfileInput,
  type DisconnectRule,
  type Tone,
  type TonePlan,
} from './board-profile.js';
export { DEFAULT_BOARD_PROFILE, DEFAULT_CARDS_URL, cardsConfigSchema, type CardsConfig, type CardsConfigInput } from './config.js';
