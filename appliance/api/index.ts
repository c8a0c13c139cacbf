/** The MQTT API: config section, topic names, access rules, the embedded broker and the message bus. */
export { apiConfigSchema, DEFAULT_EMBEDDED_LISTEN, DEFAULT_EXTERNAL_CLIENT_ID, type ApiConfig, type ApiConfigInput, type ApiUser, type BrokerConfig } from './config.js';
export { hashPassword, verifyPassword, passwordHashSchema } from './passwords.js';
export { siteTopics, parseTopic, topicSegmentSchema, isTopicSegment, TOPIC_ROOT, type ApiTopic, type SiteTopics, type AgentTopicLeaf, type UserTopicLeaf, type StatusTopicLeaf } from './topics.js';
export { canPublish, canSubscribe, canRead, type Principal, type Role, type AccessContext } from './access.js';
export { isValidFilter, topicMatches } from './filters.js';
export { startEmbeddedBroker, OFFLINE_PAYLOAD, ONLINE_PAYLOAD, type EmbeddedBroker, type EmbeddedBrokerOptions, type MessageHandler, type PublishOptions } from './broker.js';
export { EmbeddedBus, connectExternalBus, ExternalBusError, type MessageBus, type ExternalBusOptions } from './bus.js';
