export { Integrations, type IntegrationsOptions } from './integrations';
