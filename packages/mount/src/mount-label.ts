import type { FilesystemOption } from '@lc/system';

/**
 * The SELinux `context=` option for a new tmpfs/devpts when the container has a mount
 * label, so files there carry the container's label (as 2014 libcontainer's
 * label.FormatMountLabel did). Without it the kernel labels them from policy and the
 * confined process may not be able to use them. fsconfig takes the value as it is: no
 * quotes around a label with commas (mount(2) needed them).
 */
export function mountLabelOptions(label: string | undefined): FilesystemOption[] {
  return label === undefined || label === '' ? [] : [{ key: 'context', value: label }];
}
