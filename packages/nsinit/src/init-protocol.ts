// What the parent and the Node init agree on: which fd carries what, and the
// error record's shape.
export const PLAN_FD = 3;
export const SYNC_FD = 4;
export const ERROR_FD = 5;
/** Step index of an error that is not a step's (the init itself failed). */
export const INIT_FAILED_STEP = 0xffffffff;
export const ERROR_RECORD_SIZE = 8;
/** Names of the plan slots the init fills before the first step. */
export const SYNC_SLOT = 'sync';
export const ERROR_SLOT = 'error';
