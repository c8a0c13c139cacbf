export { runScenario, type RunScenarioOptions, type ScenarioRun, type ScenarioStats, type ScriptableSwitch } from './runner.js';
export {
  loadScenario,
  parseScenario,
  scenarioJsonSchema,
  scenarioSchema,
  ScenarioError,
  type CallerAction,
  type CallerSpec,
  type ParseScenarioOptions,
  type PhoneSpec,
  type Scenario,
  type ScenarioInput,
} from './schema.js';
export { callerMedia, storeReceivedFax } from './fax-machine.js';
