export { HttpServer, type HttpServerOptions, type HttpState } from './http-server';
export { RateLimiter, type RateLimitPolicy, type RateDecision } from './rate-limit';
export { toVigilError, errorBody } from './errors';
export type { CameraView, CameraControl, IdentityControl, IdentityView, FaceSource, TokenControl, TokenView, WebhookControl, Readiness, ComponentReadiness } from './types';
