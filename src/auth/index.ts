export { ROLES, roleAllows, type Role } from './roles';
export { TOKEN_PROTOCOL_PREFIX, presentedToken, redactedUrl } from './presented-token';
export { TokenCheck, tokenDigest, type AccessToken, type Caller, type TokenChange, type TokenEntry } from './token-check';
export { authorize, identifyRequest } from './authorize';
export { TokenStore } from './token-store';
export { TokenService, type TokenInput, type TokenView } from './token-service';
