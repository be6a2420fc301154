// Every program the simulated containers can run, by name (which of them an image ships: commands-available.ts).
import type { Utility } from './interp.js';
import { FILE_UTILITIES } from './util-files.js';
import { NET_UTILITIES } from './util-net.js';
import { SYSTEM_UTILITIES } from './util-system.js';
import { tar } from './util-tar.js';

export const UTILITIES: Record<string, Utility> = { ...FILE_UTILITIES, ...SYSTEM_UTILITIES, ...NET_UTILITIES, tar };
