export { FakeSystem } from './fake-system.js';
export type { FakeCall, FakeFile, FakeSystemOptions } from './fake-system.js';
