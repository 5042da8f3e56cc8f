export { loadConfig, parseConfig, describeIssues, type Config } from './load';
export { readEnv, parseTokens, roleAllows, ROLES, type EnvSettings, type Role } from './env';
export { configSchema, cameraSchema, type CameraConfig, type FileConfig } from './schema';
export { webhookSchema, mqttSchema, webhookIdFor, type WebhookConfig, type MqttConfig } from './integrations-schema';
export { Secret } from './secret';
