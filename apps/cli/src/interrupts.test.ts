import { describe, expect, it } from 'vitest';
import { interruptEscalation } from './interrupts.js';

describe('interruptEscalation', () => {
  it('forwards a first SIGINT and kills on a second one within the window', () => {
    let clock = 0;
    const decide = interruptEscalation(2000, () => clock);
    expect(decide('SIGINT')).toBe('forward');
    clock = 1500;
    expect(decide('SIGINT')).toBe('kill');
  });

  it('forwards SIGINTs that are further apart, and every other signal', () => {
    let clock = 0;
    const decide = interruptEscalation(2000, () => clock);
    expect(decide('SIGINT')).toBe('forward');
    clock = 2500;
    expect(decide('SIGINT')).toBe('forward');
    clock = 2600;
    expect(decide('SIGTERM')).toBe('forward');
    expect(decide('SIGHUP')).toBe('forward');
  });
});
