/**
 * Adds the SELinux `context=` option to a filesystem's data when the container has a
 * mount label, so files on the new tmpfs/devpts carry the container's label (as 2014
 * libcontainer's label.FormatMountLabel did). Without it the kernel labels them from
 * policy and the confined process may not be able to use them.
 */
export function withMountLabel(data: string, label: string | undefined): string;
export function withMountLabel(data: string | undefined, label: string | undefined): string | null;
export function withMountLabel(data: string | undefined, label: string | undefined): string | null {
  if (label === undefined || label === '') return data ?? null;
  const context = `context="${label}"`;
  return data === undefined || data === '' ? context : `${data},${context}`;
}
