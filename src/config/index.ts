export { loadConfig, parseConfig, describeIssues, type Config } from './load';
export { readEnv, parseTokens, type EnvSettings } from './env';
export { sectionsNeedingRestart } from './config-diff';
export { PROJECT_ROOT, MODELS_DIR, WORKERS_DIR } from './project-paths';
export { configSchema, cameraSchema, cameraJsonSchema, type CameraConfig, type FileConfig } from './schema';
