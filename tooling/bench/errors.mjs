/** A benchmark that cannot run at all: printed as one line, exit status 1. */
export class BenchError extends Error {
  name = 'BenchError';
}
