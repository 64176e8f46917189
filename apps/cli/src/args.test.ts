import { describe, expect, it } from 'vitest';
import { parseArgs, UsageError } from './args.js';

describe('parseArgs', () => {
  it('takes the container directory from --root, then $data_path, then the cwd', () => {
    expect(parseArgs(['--root', '/c', 'exec', 'sh'], {}, '/cwd').dir).toBe('/c');
    expect(parseArgs(['-r', '/c', 'exec', 'sh'], {}, '/cwd').dir).toBe('/c');
    expect(parseArgs(['--root=/c', 'exec', 'sh'], {}, '/cwd').dir).toBe('/c');
    expect(parseArgs(['exec', 'sh'], { data_path: '/d' }, '/cwd').dir).toBe('/d');
    expect(parseArgs(['exec', 'sh'], {}, '/cwd').dir).toBe('/cwd');
  });

  it('passes the container command through untouched, options included', () => {
    expect(parseArgs(['exec', 'sh', '-c', 'echo -r'], {}, '/').rest).toEqual(['sh', '-c', 'echo -r']);
    expect(parseArgs(['exec', '--', 'ls', '-l'], {}, '/').rest).toEqual(['ls', '-l']);
  });

  it('takes --executor native or node', () => {
    expect(parseArgs(['--executor', 'node', 'exec', 'sh'], {}, '/').executor).toBe('node');
    expect(parseArgs(['--executor=native', 'exec', 'sh'], {}, '/').executor).toBe('native');
    expect(parseArgs(['exec', 'sh'], {}, '/').executor).toBeUndefined();
    expect(() => parseArgs(['--executor', 'rust', 'exec'], {}, '/')).toThrow('--executor: expected native or node, got rust');
  });

  it('rejects unknown options and a --root without a directory', () => {
    expect(() => parseArgs(['--bogus', 'exec'], {}, '/')).toThrow(new UsageError('unknown option --bogus'));
    expect(() => parseArgs(['--root'], {}, '/')).toThrow('--root: needs a directory');
  });
});
