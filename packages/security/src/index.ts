export { capabilityName, capabilityNumber } from './capabilities.js';
export type { CredentialOptions } from './credentials.js';
export { credentialSteps } from './credentials.js';
export { labelSteps } from './labels.js';
export { type GroupEntry, type PasswdEntry, parseGroup, parsePasswd } from './passwd.js';
export { pathSteps } from './paths.js';
export { SecurityError } from './security-error.js';
export { type ResolvedUser, resolveUser } from './user.js';
