import type { CompiledFlow } from '../flow/validate.js';
/** What every node can reach: the engine's ports, clock, logger and event emitter. */
import type { EventEmitter } from 'node:events';
import type { Clock } from '../../runtime/clock.js';
import type { Logger } from '../../runtime/logger.js';
import type {
  AcdPort, AgentDeskPort, CalendarBook, CallerLists, CustomerDirectory, IvrJournal, Language, PromptLibrary, SayVariable, TransferPort, TtsRenderer,
} from '../ports.js';
import type { IvrEngineEvents } from './events.js';

export interface IvrSettings {
  bindings: readonly { did: string; flow: string }[];
  defaultFlow?: string | undefined;
  blacklist: { action: 'hangup' | 'message'; prompt: string };
  vip: { priority: number; flow?: string | undefined };
  defaultLanguage: Language;
  /** Absolute directory of the mailboxes (voicemail and received faxes). */
  mailboxDir: string;
  /** Where relative fax-on-demand documents are found (the flows directory). */
  documentsDir: string;
  /** Time zone of bulletin schedules. */
  timezone: string;
}

export interface EngineContext {
  settings: IvrSettings;
  prompts: PromptLibrary;
  say: SayVariable;
  tts: TtsRenderer | undefined;
  customers: CustomerDirectory;
  calendars: CalendarBook;
  lists: CallerLists;
  journal: IvrJournal;
  acd: AcdPort | undefined;
  agentDesk: AgentDeskPort | undefined;
  transfer: TransferPort | undefined;
  clock: Clock;
  logger: Logger;
  events: EventEmitter<IvrEngineEvents>;
  /** A flow by ID, for nodes that send the call into another flow. */
  flow(id: string): CompiledFlow | undefined;
}
