export type { FakeCall, FakeFile, FakeSystemOptions } from './fake-system.js';
export { FakeSystem } from './fake-system.js';
