/** The MQTT API's pure parts: access rules, password hashes, the config section and topic names. */
import t from 'tap';
import { z } from 'zod';
import { type AccessContext, canPublish, canRead, canSubscribe, type Principal } from '../../../appliance/api/access.js';
import { apiConfigSchema } from '../../../appliance/api/config.js';
import { filterCovers, isValidFilter, topicMatches } from '../../../appliance/api/filters.js';
import { hashPassword, passwordHashSchema, verifyPassword } from '../../../appliance/api/passwords.js';
import { parseTopic, siteTopics, topicSegmentSchema } from '../../../appliance/api/topics.js';

const SITE = 's';
const served: Record<string, readonly string[]> = { A7: ['sales', 'support'], A8: ['billing'] };
const access: AccessContext = { servedQueues: (agentId) => served[agentId] ?? [] };
const agent: Principal = { username: 'anna', role: 'agent', agentId: 'A7' };
const supervisor: Principal = { username: 'sue', role: 'supervisor' };
const installer: Principal = { username: 'ian', role: 'installer' };
const topics = siteTopics(SITE);

const mayPublish = (p: Principal, topic: string) => canPublish(SITE, p, topic, access);
const maySubscribe = (p: Principal, filter: string) => canSubscribe(SITE, p, filter, access);
const mayRead = (p: Principal, topic: string) => canRead(SITE, p, topic, access);

/** Every concrete topic the appliance or a client could use on site `s`. */
const everyTopic = [
  topics.agentCmd('A7'), topics.agentReply('A7'), topics.agentEvent('A7'), topics.agentState('A7'),
  topics.agentCmd('A8'), topics.agentReply('A8'), topics.agentEvent('A8'), topics.agentState('A8'),
  topics.supervisorCmd('sue'), topics.supervisorReply('sue'), topics.supervisorCmd('sam'), topics.supervisorReply('sam'), topics.supervisorEvent(),
  topics.installerCmd('ian'), topics.installerReply('ian'), topics.installerCmd('ivy'), topics.installerReply('ivy'), topics.config(),
  topics.queueStats('sales'), topics.queueStats('support'), topics.queueStats('billing'), topics.agents(), topics.bulletin(),
  topics.statusLink(), topics.statusChannels(), topics.statusHealth(),
];

t.test('each role publishes only to its own cmd topic', async (t) => {
  const own = new Map<Principal, string>([[agent, 'ccbox/s/agent/A7/cmd'], [supervisor, 'ccbox/s/supervisor/sue/cmd'], [installer, 'ccbox/s/installer/ian/cmd']]);
  for (const [principal, ownCmd] of own) {
    for (const topic of everyTopic) t.equal(mayPublish(principal, topic), topic === ownCmd, `${principal.role} publish ${topic}`);
    t.notOk(mayPublish(principal, 'ccbox/other/agent/A7/cmd'), 'another site');
    t.notOk(mayPublish(principal, '$SYS/broker/x'), '$SYS');
    t.notOk(mayPublish(principal, 'ccbox/s/agent/+/cmd'), 'wildcards');
  }
  t.notOk(mayPublish({ username: 'x', role: 'agent' }, 'ccbox/s/agent/undefined/cmd'), 'an agent without agentId publishes nothing');
});

t.test('an agent reads its own topics, its served queues, bulletins and health, nothing else', async (t) => {
  const readable = new Set([
    'ccbox/s/agent/A7/cmd', 'ccbox/s/agent/A7/reply', 'ccbox/s/agent/A7/event', 'ccbox/s/agent/A7/state',
    'ccbox/s/queue/sales/stats', 'ccbox/s/queue/support/stats', 'ccbox/s/bulletin', 'ccbox/s/status/health',
  ]);
  for (const topic of everyTopic) {
    t.equal(mayRead(agent, topic), readable.has(topic), `read ${topic}`);
    t.equal(maySubscribe(agent, topic), readable.has(topic), `subscribe ${topic}`);
  }
  for (const filter of ['ccbox/s/agent/A7/#', 'ccbox/s/agent/A7/+', 'ccbox/s/agent/A7']) t.ok(maySubscribe(agent, filter), `wildcard below its prefix: ${filter}`);
  for (const filter of ['#', '+/s/#', 'ccbox/#', 'ccbox/s/#', 'ccbox/+/agent/A7/event', 'ccbox/s/agent/+/event', 'ccbox/s/agent/#', 'ccbox/s/queue/+/stats', 'ccbox/s/queue/#', 'ccbox/s/+', 'ccbox/s/agents', 'ccbox/s/config', 'ccbox/s/status/#', '$SYS/#']) {
    t.notOk(maySubscribe(agent, filter), `denied: ${filter}`);
  }
  t.notOk(mayRead(agent, 'ccbox/other/agent/A7/event'), 'its own agent ID on another site');
});

t.test('queue membership is read at each check, so it can change at runtime', async (t) => {
  let queues: string[] = ['sales'];
  const live: AccessContext = { servedQueues: () => queues };
  t.ok(canSubscribe(SITE, agent, 'ccbox/s/queue/sales/stats', live));
  t.notOk(canSubscribe(SITE, agent, 'ccbox/s/queue/billing/stats', live));
  queues = ['billing'];
  t.notOk(canRead(SITE, agent, 'ccbox/s/queue/sales/stats', live), 'a queue no longer served');
  t.ok(canSubscribe(SITE, agent, 'ccbox/s/queue/billing/stats', live), 'a queue newly served');
  queues = ['bad/name', '#'];
  t.notOk(canSubscribe(SITE, agent, 'ccbox/s/queue/#', live), 'a queue name that is not a topic level grants nothing');
});

t.test('a supervisor reads the whole site except installer conversations and the configuration', async (t) => {
  for (const topic of everyTopic) {
    const installerTopic = topic.startsWith('ccbox/s/installer/') || topic === 'ccbox/s/config';
    t.equal(mayRead(supervisor, topic), !installerTopic, `read ${topic}`);
    t.equal(maySubscribe(supervisor, topic), !installerTopic, `subscribe ${topic}`);
  }
  for (const filter of ['ccbox/s/#', 'ccbox/s/agent/+/event', 'ccbox/s/queue/+/stats', 'ccbox/s/+/+/reply', 'ccbox/s']) t.ok(maySubscribe(supervisor, filter), `allowed: ${filter}`);
  for (const filter of ['#', 'ccbox/#', 'ccbox/+/agents', 'ccbox/other/#', 'ccbox/s/installer/#', 'ccbox/s/installer/+/reply', 'ccbox/s/config', '$SYS/#', 'ccbox/s/a#', 'ccbox/s/#/x', 'ccbox/s/a+']) {
    t.notOk(maySubscribe(supervisor, filter), `denied: ${filter}`);
  }
  t.notOk(mayRead(supervisor, 'ccbox/s/unknown'), 'a name that is no API topic');
});

t.test('an installer reads its own conversation, config and status', async (t) => {
  const readable = new Set(['ccbox/s/installer/ian/cmd', 'ccbox/s/installer/ian/reply', 'ccbox/s/config', 'ccbox/s/status/link', 'ccbox/s/status/channels', 'ccbox/s/status/health']);
  for (const topic of everyTopic) {
    t.equal(mayRead(installer, topic), readable.has(topic), `read ${topic}`);
    t.equal(maySubscribe(installer, topic), readable.has(topic), `subscribe ${topic}`);
  }
  t.ok(maySubscribe(installer, 'ccbox/s/status/#'));
  t.ok(maySubscribe(installer, 'ccbox/s/installer/ian/#'));
  t.notOk(maySubscribe(installer, 'ccbox/s/installer/+/reply'));
  t.notOk(maySubscribe(installer, 'ccbox/s/#'));
});

t.test('filters: syntax, covering and matching', async (t) => {
  for (const filter of ['a', 'a/+/b', 'a/#', '#', '+', 'a//b']) t.ok(isValidFilter(filter), filter);
  for (const filter of ['', 'a/b#', 'a/#/b', 'a+/b', 'a/\u0000']) t.notOk(isValidFilter(filter), JSON.stringify(filter));
  t.ok(filterCovers('a/#', 'a'), '# covers its parent level');
  t.ok(filterCovers('a/+', 'a/+'));
  t.notOk(filterCovers('a/+', 'a/#'));
  t.notOk(filterCovers('a/b', 'a/b/c'));
  t.notOk(filterCovers('a/b/c', 'a/b'));
  t.ok(topicMatches('#', 'a/b'));
  t.notOk(topicMatches('#', '$SYS/x'), 'wildcards do not match $ topics');
  t.notOk(topicMatches('+/x', '$SYS/x'));
});

t.test('passwords: hash and verify; a malformed hash verifies nothing', async (t) => {
  const stored = await hashPassword('s3cret');
  t.match(stored, /^scrypt\$16384\$8\$1\$[A-Za-z0-9+/]{22}==\$[A-Za-z0-9+/]{43}=$/);
  t.not(await hashPassword('s3cret'), stored, 'a fresh salt each time');
  t.equal(await verifyPassword('s3cret', stored), true);
  t.equal(await verifyPassword('S3cret', stored), false);
  t.equal(await verifyPassword('', stored), false);
  const [, , , , salt, key] = stored.split('$');
  for (const bad of ['', 'plain', 'bcrypt$16384$8$1$x$y', `scrypt$16384$8$1$${salt}`, `scrypt$1000$8$1$${salt}$${key}`, `scrypt$16384$0$1$${salt}$${key}`, `scrypt$16384$8$1$!!$${key}`, `scrypt$16384$8$1$${salt}$AAAA`]) {
    t.equal(await verifyPassword('s3cret', bad), false, `malformed: ${bad}`);
    t.notOk(passwordHashSchema.safeParse(bad).success, `schema refuses: ${bad}`);
  }
  t.equal(await verifyPassword('s3cret', undefined as unknown as string), false, 'not even a string');
  t.ok(passwordHashSchema.safeParse(stored).success);
  t.match(passwordHashSchema.safeParse('scrypt$1000$8$1$AA==$AA==').error?.issues[0]?.message, /not a password hash: N must be a power of two/);
});

t.test('config: defaults, and errors that name the field', async (t) => {
  const hash = await hashPassword('pw');
  t.same(apiConfigSchema.parse({}), { broker: { mode: 'embedded', listen: 'tcp://0.0.0.0:1883' }, users: [] });
  t.same(apiConfigSchema.parse({ broker: { mode: 'external', url: 'mqtts://mq.example:8883' } }).broker, { mode: 'external', url: 'mqtts://mq.example:8883', clientId: 'ccbox' });
  const issues = (input: unknown) => apiConfigSchema.safeParse(input).error?.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`) ?? [];
  t.match(issues({ broker: { mode: 'embedded', listen: '0.0.0.0' } }), [/^broker\.listen: .*tcp:\/\/host:port/]);
  t.match(issues({ broker: { mode: 'embedded', listen: 'serial:/dev/ttyS0' } }), [/^broker\.listen: .*serial/]);
  t.match(issues({ broker: { mode: 'embedded', listen: 'tcp://0.0.0.0:0' } }), [/^broker\.listen: .*between 1 and 65535/]);
  t.match(issues({ broker: { mode: 'external', url: 'http://mq:1883' } }), [/^broker\.url: expected mqtt:\/\/host:port or mqtts:\/\/host:port/]);
  t.match(issues({ broker: { mode: 'cloud' } }), [/^broker\.mode: /]);
  t.match(issues({ broker: { mode: 'embedded', port: 1 } }), [/port/]);
  t.match(issues({ users: [{ username: 'anna', passwordHash: hash, role: 'agent' }] }), [/^users\.0\.agentId: user 'anna' has role agent but no agentId/]);
  t.match(issues({ users: [{ username: 'a/b', passwordHash: hash, role: 'supervisor' }] }), [/^users\.0\.username: must not contain '\/'/]);
  t.match(issues({ users: [{ username: 'sue', passwordHash: 'x', role: 'supervisor' }] }), [/^users\.0\.passwordHash: not a password hash/]);
  t.match(issues({ users: [{ username: 'sue', passwordHash: hash, role: 'boss' }] }), [/^users\.0\.role: /]);
  t.match(
    issues({ users: [{ username: 'sue', passwordHash: hash, role: 'supervisor' }, { username: 'sue', passwordHash: hash, role: 'installer' }] }),
    [/^users\.1\.username: user name 'sue' appears twice/],
  );
  const undescribed: string[] = [];
  const walk = (node: unknown): void => {
    if (typeof node !== 'object' || node === null) return;
    const properties = (node as { properties?: Record<string, { description?: string }> }).properties ?? {};
    for (const [name, property] of Object.entries(properties)) if (!property.description) undescribed.push(name);
    for (const child of Object.values(node)) walk(child);
  };
  walk(z.toJSONSchema(apiConfigSchema, { io: 'input' }));
  t.same(undescribed, [], 'every field is described');
});

t.test('topics: build and parse round-trip; bad segments are refused', async (t) => {
  const expected: Array<[string, unknown]> = [
    [topics.agentCmd('A7'), { kind: 'agent', agentId: 'A7', leaf: 'cmd' }],
    [topics.agentState('A7'), { kind: 'agent', agentId: 'A7', leaf: 'state' }],
    [topics.supervisorReply('sue'), { kind: 'supervisor', username: 'sue', leaf: 'reply' }],
    [topics.supervisorEvent(), { kind: 'supervisorEvent' }],
    [topics.installerCmd('ian'), { kind: 'installer', username: 'ian', leaf: 'cmd' }],
    [topics.config(), { kind: 'config' }],
    [topics.queueStats('sales'), { kind: 'queueStats', queue: 'sales' }],
    [topics.agents(), { kind: 'agents' }],
    [topics.bulletin(), { kind: 'bulletin' }],
    [topics.statusHealth(), { kind: 'status', leaf: 'health' }],
  ];
  for (const [topic, parsed] of expected) t.same(parseTopic(SITE, topic), parsed, topic);
  t.equal(topics.agentEvent('A7'), 'ccbox/s/agent/A7/event');
  t.equal(topics.statusChannels(), 'ccbox/s/status/channels');
  for (const name of everyTopic) t.not(parseTopic(SITE, name), undefined, `every built topic parses: ${name}`);
  for (const other of ['ccbox/other/config', 'ccbox/s/agent/+/cmd', 'ccbox/s/agent//cmd', 'ccbox/s/agent/A7/cmd/x', 'ccbox/s/agent/A7/other', 'ccbox/s', 'x/s/config', '$SYS/x', 'ccbox/s/status/power']) {
    t.equal(parseTopic(SITE, other), undefined, `not an API topic: ${other}`);
  }
  t.throws(() => siteTopics('a/b'), /site name 'a\/b' cannot be a topic level/);
  t.throws(() => topics.agentCmd('A+'), /agent ID 'A\+'/);
  t.throws(() => topics.queueStats('#'), /queue name '#'/);
  t.throws(() => topics.supervisorCmd(''), /user name ''/);
  t.ok(topicSegmentSchema.safeParse('A7').success);
  t.match(topicSegmentSchema.safeParse('a#').error?.issues[0]?.message, /must not contain/);
  t.match(topicSegmentSchema.safeParse('').error?.issues[0]?.message, /must not be empty/);
});
