export { loadConfig, parseConfig, describeIssues, type Config } from './load';
export { readEnv, readLogFormat, parseTokens, roleAllows, ROLES, type EnvSettings, type Role } from './env';
export { configSchema, cameraSchema, type CameraConfig, type FileConfig } from './schema';
export { streamsJsonSchema, streamsJsonSchemaText } from './json-schema';
export { expand, SubstitutionError } from './substitute';
