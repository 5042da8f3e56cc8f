export { loadConfig, parseConfig, describeIssues, type Config } from './load';
export { readEnv, parseTokens, roleAllows, ROLES, type EnvSettings, type Role } from './env';
export { PROJECT_ROOT, MODELS_DIR, WORKERS_DIR } from './project-paths';
export { configSchema, cameraSchema, type CameraConfig, type FileConfig } from './schema';
