/** The IVR: flows as data (flow/), the engine that runs them on card channels (engine/), transfers. */
export * from './ports.js';
export { flowSchema, flowJsonSchema, nodeSchema, type FlowDocument, type FlowNode, type NodeType } from './flow/schema.js';
export { compileFlow, FlowError, type CompiledFlow } from './flow/validate.js';
export { FlowRegistry, type FlowRegistryEvents, type FlowRegistryOptions } from './flow/registry.js';
export { IvrEngine, type IvrEngineOptions } from './engine/engine.js';
export type { IvrSettings } from './engine/context.js';
export type { IvrEngineEvents } from './engine/events.js';
export { CstaTransfer, FlashTransfer } from './transfer.js';
export { ivrConfigSchema, calendarSchema, type IvrConfig, type CalendarConfig } from './config.js';
export { ConfiguredCalendars } from './calendar.js';
export { ConfiguredCallerLists } from './lists.js';
export { PromptDirectory, defaultPromptDir } from './prompts.js';
export { SayFragments, SayError } from './say/index.js';
