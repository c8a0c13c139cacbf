/** The simulated PBX: a call model built from a dial plan, its CSTA server side, and the scenario runner. */
export { createSwitch } from './model/switch.js';
export { demoDialPlan, loadDialPlan } from './model/dialplan.js';
export {
  SwitchError,
  type DeviceCategory,
  type DeviceEvent,
  type DeviceSummary,
  type RouteRequestInfo,
  type SwitchModel,
  type SwitchModelEvents,
  type SwitchScripting,
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
  scenarioJsonSchema,
  ScenarioError,
  type Scenario,
  type ScenarioRun,
  type ScenarioStats,
} from './scenario/index.js';
