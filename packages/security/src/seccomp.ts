// The container's seccomp filter (container.json `seccomp`): its names resolved to this
// architecture's numbers, and the plan step that installs it. The filter applies to the
// steps after it too, so it goes as late as it can: just before the exec with
// no_new_privs; without, while the process still has CAP_SYS_ADMIN, before the
// credentials drop — as runc does. The steps after it must then pass it: lc's default
// profile (Docker's) allows every call the rest of the plan makes (prctl, setgroups,
// setres[ug]id, capset, chdir, prlimit64, rt_sig*, fcntl, close_range, execve), and
// the Node init's own between steps (mmap, futex, write, exit_group).
import { type ContainerModel, DEFAULT_SECCOMP_NAME, type Seccomp } from '@lc/config-types';
import { type Arch, type PlanBuilder, steps, syscallTable } from '@lc/system';
import { actionValue, type FilterRule, seccompProgram } from './seccomp-filter.js';
import { SecurityError } from './security-error.js';

const ARCH_NAME: Record<Arch, string> = { x64: 'x86-64', arm64: 'aarch64' };

/** The rules, in config order; an unknown name, or one no rule could reach, is an error naming it. */
export function seccompRules(seccomp: Seccomp, arch: Arch): FilterRule[] {
  const table = syscallTable(arch);
  if (!table) {
    const why = `not supported on ${ARCH_NAME[arch]} yet (no system call table)`;
    // The default applies to every config that has no filter: say how to run without it.
    if (seccomp.name === DEFAULT_SECCOMP_NAME) {
      throw new SecurityError(`seccomp: the default profile is ${why}; "seccomp": "unconfined" runs without a filter`);
    }
    throw new SecurityError(`seccomp: ${why}`);
  }
  // Where a name has a rule without conditions: any later rule for it could never match.
  const decided = new Map<string, string>();
  return seccomp.syscalls.flatMap((rule, i) =>
    rule.names.map((name, j): FilterRule => {
      const field = `seccomp.syscalls[${i}].names[${j}]`;
      const nr = table[name];
      if (nr === undefined) throw new SecurityError(`${field}: no system call "${name}" on ${ARCH_NAME[arch]}`);
      const earlier = decided.get(name);
      if (earlier) throw new SecurityError(`${field}: "${name}" is already decided by ${earlier}, with no conditions`);
      if (rule.args.length === 0) decided.set(name, field);
      const conditions = rule.args.map(({ index, op, value, valueTwo }) => ({
        index,
        op,
        value: BigInt(value),
        ...(valueTwo !== undefined && { valueTwo: BigInt(valueTwo) }),
      }));
      return { nr, action: actionValue(rule.action), conditions };
    }),
  );
}

/** Whether the filter goes in before the credentials drop (no no_new_privs) or at the end. */
export type SeccompPhase = 'before-credentials' | 'before-exec';

export function seccompSteps(b: PlanBuilder, model: ContainerModel, phase: SeccompPhase): void {
  const { seccomp } = model;
  if (!seccomp) return;
  const wanted: SeccompPhase = model.process.noNewPrivileges ? 'before-exec' : 'before-credentials';
  if (phase !== wanted) return;
  const { program, describe } = compiled(seccomp, b.arch);
  steps.seccompFilter(b, program, describe, { label: `install the seccomp filter${quotedName(seccomp)}` });
}

/** ` "default"` for a named filter (the default profile), nothing otherwise. */
function quotedName(seccomp: Seccomp): string {
  return seccomp.name === undefined ? '' : ` "${seccomp.name}"`;
}

/**
 * The filter of a model, compiled once per architecture: a long-lived process starting
 * containers of one directory gets the same (cached) model each time, and the default
 * profile is some three hundred rules.
 */
const programs = new WeakMap<Seccomp, Map<Arch, { program: Uint8Array; describe: string }>>();

function compiled(seccomp: Seccomp, arch: Arch): { program: Uint8Array; describe: string } {
  const byArch = programs.get(seccomp) ?? new Map<Arch, { program: Uint8Array; describe: string }>();
  programs.set(seccomp, byArch);
  let entry = byArch.get(arch);
  if (!entry) {
    const rules = seccompRules(seccomp, arch);
    entry = {
      program: seccompProgram(arch, rules, actionValue(seccomp.defaultAction), { newerGetEnosys: true }),
      describe: `<seccomp filter${quotedName(seccomp)}: ${rules.length} system calls, default ${seccomp.defaultAction.type}>`,
    };
    byArch.set(arch, entry);
  }
  return entry;
}
