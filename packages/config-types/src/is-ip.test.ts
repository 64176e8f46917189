import { isIP as netIsIP } from 'node:net';
import { describe, expect, it } from 'vitest';
import { isIP } from './is-ip.js';

describe('isIP', () => {
  it.each(['10.0.0.1', '1.2.3', '256.0.0.1', '::', 'fe80::1', 'fe80::1%eth0', '::ffff:1.2.3.4', 'localhost', ''])(
    'answers as node:net for %j',
    (value) => {
      expect(isIP(value)).toBe(netIsIP(value));
    },
  );
});
