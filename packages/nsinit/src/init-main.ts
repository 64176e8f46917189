// The Node init: the in-container half of the portable create path (`nsinit init`).
// Spawned by the parent into its unshared namespaces with
//   fd 3: the serialized plan (read to EOF)   fd 4: sync pipe   fd 5: error pipe
//   fd 6: a network namespace to join (only when the plan enters one)
// it runs the plan, whose last step execs the user's program in its place. On a
// failed step it writes {step, errno} (two little-endian u32) to the error pipe.
import { closeSync, readFileSync, writeSync } from 'node:fs';
import { deserializePlan, executePlan, linuxSystem } from '@lc/system';
// Only @lc/system and the protocol: every module imported here is start-up time
// of every container.
import { ERROR_FD, ERROR_SLOT, INIT_FAILED_STEP, NETNS_FD, NETNS_SLOT, PLAN_FD, SYNC_FD, SYNC_SLOT } from './init-protocol.js';

function report(step: number, errno: number, message = ''): void {
  const record = Buffer.alloc(8);
  record.writeUInt32LE(step, 0);
  record.writeUInt32LE(errno, 4);
  writeSync(ERROR_FD, Buffer.concat([record, Buffer.from(message)]));
}

try {
  const plan = deserializePlan(readFileSync(PLAN_FD, 'utf8'));
  closeSync(PLAN_FD);
  const failure = executePlan(plan, linuxSystem(), { [SYNC_SLOT]: SYNC_FD, [ERROR_SLOT]: ERROR_FD, [NETNS_SLOT]: NETNS_FD });
  if (failure) report(failure.step, failure.errno);
  else report(INIT_FAILED_STEP, 0, 'the plan ended without exec');
} catch (error) {
  report(INIT_FAILED_STEP, 0, error instanceof Error ? error.message : String(error));
}
process.exit(1);
