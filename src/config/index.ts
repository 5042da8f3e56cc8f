export { loadConfig, parseConfig, describeIssues, type Config } from './load';
export { readEnv, readLogFormat, parseTokens, type EnvSettings } from './env';
export { sectionsNeedingRestart } from './config-diff';
export { PROJECT_ROOT, MODELS_DIR, WORKERS_DIR } from './project-paths';
export { configSchema, cameraSchema, cameraJsonSchema, type CameraConfig, type FileConfig } from './schema';
export { webhookSchema, mqttSchema, webhookIdFor, type WebhookConfig, type MqttConfig } from './integrations-schema';
export { Secret } from './secret';
export { streamsJsonSchema, streamsJsonSchemaText } from './json-schema';
export { expand, SubstitutionError } from './substitute';
