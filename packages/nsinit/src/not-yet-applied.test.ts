import { parseContainerJson, toModel } from '@lc/config-types';
import { describe, expect, it } from 'vitest';
import { notYetApplied } from './not-yet-applied.js';

describe('notYetApplied', () => {
  it('names each accepted but unapplied section', () => {
    const model = toModel(
      parseContainerJson({
        tty: true,
        cgroups: { name: 'c', parent: 'lc' },
        networks: [{ type: 'netns', context: { nspath: '/run/netns/x' } }],
      }),
      '/c',
    );
    const rootless = process.geteuid?.() !== 0;
    expect(notYetApplied(model)).toEqual(rootless ? ['cgroups: not applied to a rootless container'] : []);
  });

  it('says nothing for a config it fully applies', () => {
    expect(notYetApplied(toModel(parseContainerJson({ networks: [{ type: 'loopback' }] }), '/c'))).toEqual([]);
  });
});
