/** Simulated agent desktops on the MQTT API, alone or as a team, for tests and benches. */
export { SimulatedAgentDesk, zeroCounters, type AgentDeskOptions, type AgentState, type DeskCommand, type DeskCounters, type DeskEvents } from './desk.js';
export { startAgentTeam, sumCounters, type AgentTeam, type AgentTeamOptions } from './team.js';
export { AgentDeskError } from './errors.js';
export type { ClearedEvent, EstablishedEvent, OfferedEvent, RetractedEvent, StateEvent } from './agent-events.js';
export {
  agentProfileSchema, agentProfileOverrideSchema, agentTeamFileSchema, teamMemberSchema, drawMs, PROFILE_DEFAULTS,
  type AgentProfile, type AgentProfileInput, type AgentProfileOverride, type AgentTeamFile, type Duration, type TeamMember,
} from './profile.js';
