// The /proc and /sys paths every container gets hidden or read-only unless its config
// lists its own: Docker's lists (moby's oci/defaults.go), which runc and crun apply
// from the spec Docker writes. A container root with a writable /proc/sys sets
// kernel.core_pattern, and the host's kernel runs the program it names as root in
// the host's namespaces; /proc/keys, /proc/timer_list, /sys/firmware leak the host.

/** Hidden: /dev/null over the files, an empty read-only tmpfs over the directories. */
export const DEFAULT_MASKED_PATHS = [
  '/proc/acpi',
  '/proc/asound',
  '/proc/kcore',
  '/proc/keys',
  '/proc/latency_stats',
  '/proc/timer_list',
  '/proc/timer_stats',
  '/proc/sched_debug',
  '/proc/scsi',
  '/sys/firmware',
  '/sys/devices/virtual/powercap',
] as const;

/** Bound onto themselves read-only: the kernel's tuning knobs. */
export const DEFAULT_READONLY_PATHS = ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'] as const;
