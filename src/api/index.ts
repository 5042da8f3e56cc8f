export { HttpServer, type HttpServerOptions, type HttpState } from './http-server';
export { RateLimiter, type RateLimitPolicy, type RateDecision } from './rate-limit';
export { toVigilError, errorBody } from './errors';
export { listenAddress } from './listen-policy';
export type { CameraControl, IdentityControl, TokenControl, WebhookControl, HistoryControl, Readiness, HealthControl, WebSocketRoute } from './types';
