export { loadConfig, parseConfig, describeIssues, type Config } from './load';
export { readEnv, type EnvSettings } from './env';
export { configSchema, cameraSchema, type CameraConfig, type FileConfig } from './schema';
