/**
 * Who may publish, subscribe and read what on the MQTT API. Pure rules, no broker.
 *
 * Each role gets a list of grants written as MQTT filters. A publish topic must be one of the
 * publish grants. A subscription filter must be covered by a read grant: every topic it could
 * match is matched by the grant, so `ccbox/s/queue/+/stats` is refused to an agent even when it
 * serves every queue. Delivery checks each concrete message again (canRead), which is how rules
 * that change at runtime (the queues an agent serves) reach subscriptions made earlier.
 */
import { filterCovers, isConcreteTopic, isValidFilter } from './filters.js';
import { isTopicSegment, parseTopic, siteTopics } from './topics.js';

export type Role = 'agent' | 'supervisor' | 'installer';

export interface Principal {
  username: string;
  role: Role;
  /** The ACD agent this user logs in as; only agents have one. */
  agentId?: string;
}

export interface AccessContext {
  /** The queues an agent serves right now. */
  servedQueues(agentId: string): readonly string[];
}

interface Grants {
  publish: string[];
  read: string[];
  /** Topics a read grant covers but the role still may not read. */
  readExcept: string[];
}

const NO_GRANTS: Grants = { publish: [], read: [], readExcept: [] };

function grantsOf(site: string, principal: Principal, access: AccessContext): Grants {
  if (!isTopicSegment(site) || !isTopicSegment(principal.username)) return NO_GRANTS;
  const topics = siteTopics(site);
  const { root } = topics;
  switch (principal.role) {
    case 'agent': {
      const agentId = principal.agentId;
      if (agentId === undefined || !isTopicSegment(agentId)) return NO_GRANTS;
      const queues = access.servedQueues(agentId).filter(isTopicSegment);
      return {
        publish: [topics.agentCmd(agentId)],
        read: [`${root}/agent/${agentId}/#`, ...queues.map(topics.queueStats), topics.bulletin(), topics.statusHealth()],
        readExcept: [],
      };
    }
    case 'supervisor':
      // Installer conversations and the configuration carry user lists and password hashes: not for supervisors.
      return { publish: [topics.supervisorCmd(principal.username)], read: [`${root}/#`], readExcept: [`${root}/installer/#`, topics.config()] };
    case 'installer':
      return {
        publish: [topics.installerCmd(principal.username)],
        read: [`${root}/installer/${principal.username}/#`, topics.config(), `${root}/status/#`],
        readExcept: [],
      };
    default:
      return NO_GRANTS;
  }
}

export function canPublish(site: string, principal: Principal, topic: string, access: AccessContext): boolean {
  if (!isConcreteTopic(topic) || parseTopic(site, topic) === undefined) return false;
  return grantsOf(site, principal, access).publish.includes(topic);
}

export function canSubscribe(site: string, principal: Principal, filter: string, access: AccessContext): boolean {
  if (!isValidFilter(filter) || filter.startsWith('$')) return false;
  const grants = grantsOf(site, principal, access);
  return grants.read.some((grant) => filterCovers(grant, filter)) && !grants.readExcept.some((except) => filterCovers(except, filter));
}

/** For one concrete message topic: may this principal receive it? */
export function canRead(site: string, principal: Principal, topic: string, access: AccessContext): boolean {
  if (!isConcreteTopic(topic) || parseTopic(site, topic) === undefined) return false;
  const grants = grantsOf(site, principal, access);
  return grants.read.some((grant) => filterCovers(grant, topic)) && !grants.readExcept.some((except) => filterCovers(except, topic));
}
