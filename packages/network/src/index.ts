export { loopbackSteps } from './loopback.js';
