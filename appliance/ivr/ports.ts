/**
 * The small typed ports the IVR engine works through. The engine (appliance/ivr/engine) receives
 * implementations in its constructor; the composition root wires the concrete ones.
 */
export type Language = 'zh' | 'en';
export const LANGUAGES: readonly Language[] = ['zh', 'en'];

/** A customer as the IVR looks them up (store: appliance/store/records/customers.ts). */
export interface CustomerRecord {
  /** Customer number / account number: what a caller types to identify themselves. */
  id: string;
  name: string;
  phones: string[];
  /** Service level as the CRM names it (e.g. "normal", "gold", "vip"). */
  level: string;
  vip: boolean;
  language?: Language;
  /** Self-service data: balance, due date, plan, ... (numbers and text). */
  account: Record<string, string | number>;
}

export interface CustomerDirectory {
  byPhone(number: string): CustomerRecord | undefined;
  byId(id: string): CustomerRecord | undefined;
}

/** Business-hours calendars from the configuration. */
export interface CalendarBook {
  has(name: string): boolean;
  /** Whether `at` (epoch ms) falls in open hours, holidays and special days applied. */
  isOpen(name: string, at: number): boolean;
}

/** Caller lists from the configuration (numbers or prefixes ending in "*"). */
export interface CallerLists {
  isBlacklisted(number: string | undefined): boolean;
  isVip(number: string | undefined): boolean;
}

/** Every step of every IVR call, for the key-press and IVR reports (records.sqlite). */
export interface IvrJournal {
  callStarted(row: { callId: string; at: number; channel: number; callerId?: string; dnis?: string; flow: string; flowVersion: string }): void;
  /** Entering a node. `outcome` of the previous node is recorded by nodeLeft. */
  nodeEntered(row: { callId: string; at: number; flow: string; node: string; nodeType: string }): void;
  nodeLeft(row: { callId: string; at: number; flow: string; node: string; outcome: string }): void;
  keyPress(row: { callId: string; at: number; channel: number; flow: string; node: string; digits: string }): void;
  callEnded(row: { callId: string; at: number; outcome: string }): void;
  voicemail(row: { callId: string; at: number; mailbox: string; file: string; durationMs: number; callerId?: string }): void;
  faxReceived(row: { callId: string; at: number; mailbox: string; file: string; pages: number; callerId?: string }): void;
  survey(row: { callId: string; at: number; flow: string; question: string; score: number; agent?: string }): void;
}

/** Prompt files by name and language (default set: prompts/<lang>/<name>.wav). */
export interface PromptLibrary {
  /** The file for `name` in `language`, falling back to the other languages; undefined when none exists. */
  resolve(name: string, language: Language): string | undefined;
}

export interface TtsRenderer {
  /** Renders `text` to an 8 kHz WAV in the board's law (cached by text, voice and language); returns its path. */
  render(text: string, language: Language): Promise<string>;
}

export type SayKind = 'number' | 'digits' | 'amount' | 'date' | 'time';

/** Turns a value into the names of prompt fragments that speak it in a language (prompts/<lang>/say/...). */
export interface SayVariable {
  fragments(kind: SayKind, value: string | number, language: Language): string[];
}

/** What the IVR hands to the ACD with a call (the ACD issue implements the port). */
export interface QueueHandoff {
  queue: string;
  callerId?: string;
  dnis?: string;
  language: Language;
  vip: boolean;
  priority: number;
  customer?: CustomerRecord;
  keys: string[];
  path: string[];
  variables: Record<string, string>;
}

/** A prompt by name, or a value spoken in fragments (numbers, amounts, dates). */
export type WaitingPrompt = string | { say: SayKind; value: string | number };

/** The caller on the IVR port while they wait in a queue: what the ACD may play to them. */
export interface WaitingCaller {
  readonly callId: string;
  readonly channel: number;
  /** The flow and queue node the caller waits in: where a caller the ACD sends back to a card port resumes. */
  readonly flow: string;
  readonly node: string;
  readonly hungUp: boolean;
  /** Plays prompts in the call's language; a key ends the play and is returned. `played` is false when none of the prompts exists. */
  play(items: readonly WaitingPrompt[]): Promise<{ key?: string; hungUp: boolean; played: boolean }>;
  /** Ends the current play at once (it resolves). */
  interrupt(): Promise<void>;
  /**
   * Hook flash on the port. During a consultation the PBX drops the consultation leg and brings
   * the held caller back: the way to take a caller back when CSTA cannot (the link is down).
   */
  flashBack(): Promise<void>;
}

export interface ReturningCall {
  flow: string;
  /** Where in the flow to start (default: its start node). */
  node?: string;
  variables: Record<string, string>;
  /** The language the caller chose before (default: the flow's). */
  language?: Language;
  /** The caller comes back to wait on at `node`, a queue node, in the place they kept: its prompt is not played again. */
  resumesQueue?: boolean;
}

/** What the queue wants done with a caller it let go (its overflow action); the IVR carries it out. */
export type QueueOverflow = { kind: 'voicemail'; mailbox: string } | { kind: 'ivr'; flow: string; node?: string | undefined } | { kind: 'number'; target: string } | { kind: 'hangup' };

export type QueueOutcome = { outcome: 'transferred' | 'overflow' | 'abandoned' | 'failed' | 'callback'; detail?: string; action?: QueueOverflow };

export interface AcdPort {
  /** Resolves when the call has left the IVR port: transferred to an agent, overflowed, became a callback, or hung up. */
  enqueue(caller: WaitingCaller, handoff: QueueHandoff): Promise<QueueOutcome>;
  /**
   * A call the ACD sent back to the IVR, ringing on card channel `channel`: the after-call survey, a
   * flow the agent chose, or a waiting caller an agent did not answer. The flow to run and its variables.
   */
  returningCall?(ring: { callerId?: string | undefined; dnis?: string | undefined; channel: number }): ReturningCall | undefined;
}

/** Moves the caller on a channel to another number (SingleStepTransfer over CSTA, or hook-flash). */
export interface TransferPort {
  transfer(channel: number, target: string): Promise<{ ok: true; method: string } | { ok: false; reason: string }>;
}

/** An agent's state as a phone user changes it (the ACD's own states are finer). */
export type AgentDeskState = 'loggedOut' | 'ready' | 'notReady';

/** Why the ACD refused what an agent asked for from a phone; the IVR says it to the caller. */
export type AgentDeskRefusal =
  /** No agent with this ID (or the ID cannot be typed on a phone). */
  | 'unknownAgent'
  | 'badPin'
  /** The agent has no PIN configured: they cannot log in from a phone. */
  | 'noPin'
  /** The calling number is not an extension (an outside caller, or no caller number). */
  | 'notAnExtension'
  /** Another agent is logged in at this extension. */
  | 'deviceInUse'
  /** The agent is logged in at another extension: log out there first. */
  | 'loggedInElsewhere'
  /** Nobody is logged in at this extension (logout, ready, not ready). */
  | 'notLoggedIn'
  | 'onCall'
  | 'unknownReason'
  /** No ACD on this box, or it failed. */
  | 'unavailable';

export type AgentDeskResult = { ok: true; agentId: string; state: AgentDeskState } | { ok: false; refusal: AgentDeskRefusal };

/**
 * Agents at a phone without a desktop (the ACD implements it): log in at the calling extension
 * with the agent ID and PIN, and log out or change state there. `device` is the caller's number.
 */
export interface AgentDeskPort {
  login(agentId: string, pin: string, device: string, options: { ready: boolean }): AgentDeskResult;
  logout(device: string): AgentDeskResult;
  /** `ready`: true, false (not ready with `reason`), or 'toggle' between the two. */
  setReady(device: string, ready: boolean | 'toggle', reason?: string): AgentDeskResult;
}
