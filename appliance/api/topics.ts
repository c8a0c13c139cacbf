/**
 * Topic names of the MQTT API, all under `ccbox/<site>/`. Payload types live elsewhere; this file
 * only builds and recognises names. `(retained)` marks topics the appliance publishes retained.
 */
import { z } from 'zod';

export const TOPIC_ROOT = 'ccbox';
const FORBIDDEN_IN_SEGMENT = /[/+#\u0000]/;

/** A site name, agent ID, user name or queue name as one level of a topic. */
export const topicSegmentSchema = z
  .string()
  .min(1, { error: 'must not be empty' })
  .refine((segment) => !FORBIDDEN_IN_SEGMENT.test(segment), { error: "must not contain '/', '+', '#' or NUL: it becomes one level of an MQTT topic" });

export function isTopicSegment(segment: string): boolean {
  return typeof segment === 'string' && segment.length > 0 && !FORBIDDEN_IN_SEGMENT.test(segment);
}

function checkSegment(what: string, segment: string): string {
  if (!isTopicSegment(segment)) throw new RangeError(`${what} '${segment}' cannot be a topic level: it must be non-empty and contain no '/', '+', '#' or NUL`);
  return segment;
}

export type AgentTopicLeaf = 'cmd' | 'reply' | 'event' | 'state';
export type UserTopicLeaf = 'cmd' | 'reply';
export type StatusTopicLeaf = 'link' | 'channels' | 'health';

/** Which API topic a name is, with the names inside it. */
export type ApiTopic =
  | { kind: 'agent'; agentId: string; leaf: AgentTopicLeaf }
  | { kind: 'supervisor'; username: string; leaf: UserTopicLeaf }
  | { kind: 'supervisorEvent' }
  | { kind: 'installer'; username: string; leaf: UserTopicLeaf }
  | { kind: 'config' }
  | { kind: 'queueStats'; queue: string }
  | { kind: 'revisitSummary'; list: string }
  | { kind: 'agents' }
  | { kind: 'bulletin' }
  | { kind: 'status'; leaf: StatusTopicLeaf };

/** The topic builders of one site. Each throws a RangeError naming the bad segment. */
export function siteTopics(site: string) {
  const root = `${TOPIC_ROOT}/${checkSegment('site name', site)}`;
  const agent = (agentId: string, leaf: AgentTopicLeaf) => `${root}/agent/${checkSegment('agent ID', agentId)}/${leaf}`;
  const supervisor = (username: string, leaf: UserTopicLeaf) => `${root}/supervisor/${checkSegment('user name', username)}/${leaf}`;
  const installer = (username: string, leaf: UserTopicLeaf) => `${root}/installer/${checkSegment('user name', username)}/${leaf}`;
  return {
    root,
    /** Commands an agent desktop publishes. */
    agentCmd: (agentId: string) => agent(agentId, 'cmd'),
    agentReply: (agentId: string) => agent(agentId, 'reply'),
    /** Screen pops, bulletins to chosen agents, and other events for one agent. */
    agentEvent: (agentId: string) => agent(agentId, 'event'),
    /** (retained) */
    agentState: (agentId: string) => agent(agentId, 'state'),
    supervisorCmd: (username: string) => supervisor(username, 'cmd'),
    supervisorReply: (username: string) => supervisor(username, 'reply'),
    supervisorEvent: () => `${root}/supervisor/event`,
    installerCmd: (username: string) => installer(username, 'cmd'),
    installerReply: (username: string) => installer(username, 'reply'),
    /** (retained) */
    config: () => `${root}/config`,
    /** (retained) */
    queueStats: (queue: string) => `${root}/queue/${checkSegment('queue name', queue)}/stats`,
    /** (retained) counts of a revisit (回访) list by state and outcome */
    revisitSummary: (list: string) => `${root}/revisit/${checkSegment('revisit list name', list)}/summary`,
    /** (retained) the agent list */
    agents: () => `${root}/agents`,
    /** Bulletins to all agents. */
    bulletin: () => `${root}/bulletin`,
    /** (retained) */
    statusLink: () => `${root}/status/link`,
    /** (retained) */
    statusChannels: () => `${root}/status/channels`,
    /** (retained) carries the appliance's last will. */
    statusHealth: () => `${root}/status/health`,
  };
}

export type SiteTopics = ReturnType<typeof siteTopics>;

const AGENT_LEAVES: readonly string[] = ['cmd', 'reply', 'event', 'state'] satisfies AgentTopicLeaf[];
const USER_LEAVES: readonly string[] = ['cmd', 'reply'] satisfies UserTopicLeaf[];
const STATUS_LEAVES: readonly string[] = ['link', 'channels', 'health'] satisfies StatusTopicLeaf[];

/** Which API topic of `site` a concrete topic name is; undefined for anything else (other sites, wildcards, unknown names). */
export function parseTopic(site: string, topic: string): ApiTopic | undefined {
  if (typeof topic !== 'string') return undefined;
  const levels = topic.split('/');
  if (levels[0] !== TOPIC_ROOT || levels[1] !== site || !isTopicSegment(site)) return undefined;
  const rest = levels.slice(2);
  if (!rest.every(isTopicSegment)) return undefined;
  const [first, second, third] = rest;
  switch (rest.length) {
    case 1:
      if (first === 'config') return { kind: 'config' };
      if (first === 'agents') return { kind: 'agents' };
      if (first === 'bulletin') return { kind: 'bulletin' };
      return undefined;
    case 2:
      if (first === 'supervisor' && second === 'event') return { kind: 'supervisorEvent' };
      if (first === 'status' && STATUS_LEAVES.includes(second!)) return { kind: 'status', leaf: second as StatusTopicLeaf };
      return undefined;
    case 3:
      if (first === 'agent' && AGENT_LEAVES.includes(third!)) return { kind: 'agent', agentId: second!, leaf: third as AgentTopicLeaf };
      if (first === 'supervisor' && USER_LEAVES.includes(third!)) return { kind: 'supervisor', username: second!, leaf: third as UserTopicLeaf };
      if (first === 'installer' && USER_LEAVES.includes(third!)) return { kind: 'installer', username: second!, leaf: third as UserTopicLeaf };
      if (first === 'queue' && third === 'stats') return { kind: 'queueStats', queue: second! };
      if (first === 'revisit' && third === 'summary') return { kind: 'revisitSummary', list: second! };
      return undefined;
    default:
      return undefined;
  }
}
