// What the parent and the executor's process agree on: which fd carries what, the
// named input slots, and the error record's shape.
//
// Both executors see their inputs at the same fds: the Node init is spawned with them
// there, and the native executor's plan puts them there (steps.placeInputs) before it
// re-execs itself, which closes everything else it inherited.
export const PLAN_FD = 3;
export const SYNC_FD = 4;
export const ERROR_FD = 5;
/** The network namespace to join (netns strategy), when there is one. */
export const NETNS_FD = 6;
/** A joined process: the container's namespaces, in JOIN_ORDER, from this fd on. */
export const FIRST_NAMESPACE_FD = 7;
/** Step index of an error that is not a step's (the init itself failed). */
export const INIT_FAILED_STEP = 0xffffffff;
export const ERROR_RECORD_SIZE = 8;
/** Names of the plan slots filled before the first step. */
export const SYNC_SLOT = 'sync';
export const ERROR_SLOT = 'error';
/** Native executor only: the process the plan forks, whose pid it reports (the one to follow). */
export const FORKED_SLOT = 'forked';
/** Native executor only: fds 0, 1 and 2 of the process. */
export const STDIO_SLOTS = ['stdin', 'stdout', 'stderr'] as const;
/** The network namespace to enter (netns strategy), opened by the parent. */
export const NETNS_SLOT = 'netns';
