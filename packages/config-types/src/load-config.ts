import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from './config-error.js';
import type { ContainerJson } from './container-json.js';
import { parseContainerJson, toModel } from './from-container-json.js';
import { parseJsonText } from './json-text.js';
import type { ContainerModel } from './model.js';

export interface LoadContainerConfigOptions {
  /** The config file (a path as given, like a command-line argument); default `<containerDir>/container.json`. */
  readonly file?: string | undefined;
}

export interface LoadedContainerConfig {
  /** The file as written (validated). */
  readonly config: ContainerJson;
  readonly model: ContainerModel;
  /** The path that was read. */
  readonly file: string;
}

/**
 * Reads, validates and converts the container.json of a container directory. Every
 * failure is a ConfigError with a one-line message that starts with the file.
 *
 * A long-lived process starts containers of one directory again and again: when the
 * file reads the same as last time, the validated result is reused (validation, not
 * the read, is the cost). It is shared between callers, so treat it as read-only.
 */
export async function loadContainerConfig(
  containerDir: string,
  options: LoadContainerConfigOptions = {},
): Promise<LoadedContainerConfig> {
  const file = options.file ?? join(containerDir, 'container.json');
  let text: string;
  try {
    // Synchronous: a small file, and a round trip through the threadpool would cost
    // more than the read (this is on every container's start path).
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(readFailure(error), { file, cause: error });
  }
  const key = `${containerDir}\0${file}`;
  const cached = loaded.get(key);
  if (cached?.text === text) return cached.result;
  const config = parseContainerJson(parseJsonText(text, file), file);
  const result = { config, model: toModel(config, containerDir), file };
  loaded.set(key, { text, result });
  return result;
}

const loaded = new Map<string, { readonly text: string; readonly result: LoadedContainerConfig }>();

const READ_FAILURES: Readonly<Record<string, string>> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EISDIR: 'is a directory',
  ENOTDIR: 'a parent is not a directory',
  ELOOP: 'too many symbolic links',
};

function readFailure(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return `cannot read: ${error instanceof Error ? error.message : String(error)}`;
  return `${READ_FAILURES[code] ?? 'cannot read'} (${code})`;
}
