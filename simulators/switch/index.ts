/** The simulated PBX: a call model built from a dial plan, its CSTA server side, the line link of its analog ports, and the scenario runner. */
export { createSwitch, type SimulatedSwitch, type SwitchOptions } from './model/switch.js';
export { demoDialPlan, loadDialPlan } from './model/dialplan.js';
export {
  SwitchError,
  type AnalogScripting,
  type DeviceCategory,
  type DeviceEvent,
  type DeviceSummary,
  type LineCall,
  type RouteRequestInfo,
  type SwitchModel,
  type SwitchModelEvents,
  type SwitchScripting,
  type VoicePath,
  type VoiceQueries,
} from './model/api.js';
export {
  startSwitchServer,
  DEFAULT_SEGMENT_SIZE,
  type ClientInfo,
  type SwitchCredentials,
  type SwitchProfile,
  type SwitchServer,
  type SwitchServerOptions,
} from './server/index.js';
export {
  loadScenario,
  parseScenario,
  runScenario,
  callerMedia,
  storeReceivedFax,
  scenarioJsonSchema,
  ScenarioError,
  type Scenario,
  type ScenarioRun,
  type ScenarioStats,
  type RunScenarioOptions,
  type ParseScenarioOptions,
} from './scenario/index.js';
export {
  startLineServer,
  CallMediaBook,
  farEndMediaSchema,
  lineToSwitchSchema,
  switchToLineSchema,
  type FarEndMedia,
  type LineServer,
  type LineServerEvents,
  type LineServerOptions,
  type LineSwitch,
  type LineToSwitch,
  type SwitchToLine,
} from './lines/index.js';
