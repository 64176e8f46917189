// The credential switch at the end of the init plan: shrink the capability sets to the
// keep-list and become the container's user. The order is forced by the kernel:
//
// 1. PR_CAPBSET_DROP needs CAP_SETPCAP in the effective set, so the bounding set is
//    trimmed while we are still full root.
// 2. setresuid(2) away from uid 0 clears the permitted and effective sets unless
//    PR_SET_KEEPCAPS is on, so keepcaps comes before the switch.
// 3. setgroups and setresgid need CAP_SETGID, setresuid needs CAP_SETUID: both while the
//    effective set is still full, the gids before the uid (after the uid change we could
//    no longer change gids as a non-root user).
// 4. Leaving uid 0 clears the effective set even with keepcaps, so capset comes after
//    setresuid and raises effective from the kept permitted set. capset can only lower
//    permitted, so it only holds capabilities the kernel knows (≤ cap_last_cap).
//    Inheritable is left empty, and the ambient set cleared: either would hand the kept
//    capabilities to a non-root program across execve (a file marked `+ei` gets the
//    inheritable ones; ambient ones go to any program) — the CVE-2022-29162 class.
//    Root still gets the bounding set at exec, which is what the config keeps.
// 5. Changing credentials resets the parent-death signal (commit_creds), so it is set
//    again after the switch.
// 6. no_new_privs last: nothing above needs privileges it would block, and it must be
//    set before execve to take effect.
import type { ContainerModel } from '@lc/config-types';
import { imm, type PlanBuilder, PR, PR_CAP_AMBIENT, SIGNALS, type System, steps } from '@lc/system';
import { capabilityName, capabilityNumber } from './capabilities.js';
import type { ResolvedUser } from './user.js';

export interface CredentialOptions {
  /**
   * False in a user namespace whose /proc/<pid>/setgroups says "deny" (a rootless
   * container: an unprivileged parent may map its gid only after denying setgroups),
   * where setgroups fails with EPERM: the inherited groups are then kept.
   */
  readonly setgroups?: boolean;
}

export function credentialSteps(
  b: PlanBuilder,
  model: ContainerModel,
  user: ResolvedUser,
  sys: System,
  options: CredentialOptions = {},
): void {
  const lastCap = sys.capLastCap();
  const kept = new Set(model.process.capabilities.map(capabilityNumber));

  for (let cap = 0; cap <= lastCap; cap++) {
    if (kept.has(cap)) continue;
    steps.prctl(
      b,
      PR.CAPBSET_DROP,
      imm(cap, 'capability'),
      `drop capability ${capabilityName(cap)} from the bounding set`,
    );
  }
  steps.prctl(b, PR.SET_KEEPCAPS, 1, 'keep capabilities across the user switch');
  // An empty list still matters: it clears the groups inherited from the parent.
  if (options.setgroups !== false) {
    steps.setgroups(b, user.additionalGids, { label: `setgroups [${user.additionalGids.join(', ')}]` });
  }
  steps.setresgid(b, user.gid);
  steps.setresuid(b, user.uid);

  const caps = [...kept].filter((cap) => cap <= lastCap).sort((x, y) => x - y);
  steps.capset(
    b,
    caps,
    caps.map((cap) => `CAP_${capabilityName(cap)}`),
    { label: `set capabilities to [${caps.map(capabilityName).join(', ')}]` },
  );
  // The capset above already emptied it (ambient ⊆ permitted ∩ inheritable): clearing
  // it by name shows it in the plan and does not rest on that rule.
  steps.prctl(b, PR.CAP_AMBIENT, imm(PR_CAP_AMBIENT.CLEAR_ALL, 'prctl-ambient'), 'clear the ambient capabilities');
  steps.prctl(b, PR.SET_PDEATHSIG, imm(SIGNALS.SIGKILL, 'signal'), 'set the parent-death signal again');
  if (model.process.noNewPrivileges) steps.prctl(b, PR.SET_NO_NEW_PRIVS, 1, 'set no_new_privs');
}
