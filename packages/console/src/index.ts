export { type AttachTerminalOptions, attachTerminal, type TerminalAttachment } from './attach-terminal.js';
export { consoleStdioSteps } from './console-stdio.js';
export { controllingTerminalSteps } from './controlling-terminal.js';
export { type TerminalStreams, terminalStreams } from './terminal-streams.js';
export { DEFAULT_WINDOW_SIZE } from './window-size.js';
