/** ECMA-354 application session messages and the system status services. */
import { int, list, raw, required, struct, text } from '../schema.js';

export const sessionShapes = {
  StartApplicationSession: {
    applicationInfo: required(struct({ applicationID: required(text()), applicationSpecificInfo: raw() })),
    requestedProtocolVersions: list('protocolVersion', text()),
    requestedSessionDuration: int(),
  },
  StartApplicationSessionPosResponse: {
    sessionID: required(text()),
    actualProtocolVersion: text(),
    actualSessionDuration: int(),
  },
  StartApplicationSessionNegResponse: { errorCode: struct({ definedError: text(), privateError: text() }) },
  StopApplicationSession: { sessionID: required(text()), sessionEndReason: struct({ definedEndReason: text() }) },
  StopApplicationSessionPosResponse: {},
  StopApplicationSessionNegResponse: { errorCode: struct({ definedError: text() }) },
  ResetApplicationSessionTimer: { sessionID: required(text()), requestedSessionDuration: int() },
  ResetApplicationSessionTimerPosResponse: { actualSessionDuration: int() },
  ResetApplicationSessionTimerNegResponse: { errorCode: struct({ definedError: text() }) },
  SessionEndedEvent: { sessionID: text(), sessionEndReason: struct({ definedEndReason: text() }) },
} as const;

export const systemShapes = {
  SystemStatus: { systemStatus: text() },
  SystemStatusResponse: {},
  SystemRegister: { requestTypes: text() },
  SystemRegisterResponse: { sysStatRegisterID: text() },
} as const;
