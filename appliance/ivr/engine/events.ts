export interface IvrEngineEvents {
  callStarted: [info: { callId: string; channel: number; callerId?: string; dnis?: string; flow: string; version: string }];
  nodeEntered: [info: { callId: string; flow: string; node: string; type: string }];
  keyPress: [info: { callId: string; flow: string; node: string; digits: string }];
  callEnded: [info: { callId: string; channel: number; outcome: string; path: string[] }];
  /** The notification of a new voicemail. */
  voicemail: [info: { callId: string; mailbox: string; file: string; durationMs: number; callerId?: string }];
  faxReceived: [info: { callId: string; mailbox: string; file: string; pages: number; callerId?: string }];
  survey: [info: { callId: string; question: string; score: number }];
  /** A ring the engine could not serve, or an internal error (the call ended; nothing crashed). */
  callError: [info: { callId?: string; channel?: number; message: string }];
}
