import { writeFileSync } from 'node:fs';

/**
 * Loaded with `node --import` into a side's process by the peers section: at exit, the process's
 * peak RSS in MB is written to the file LEMMING_PEAK_RSS_FILE names, so lemming's CLI is measured
 * as it is, with nothing of the bench's inside it.
 */
const file = process.env.LEMMING_PEAK_RSS_FILE;
if (file) process.on('exit', () => writeFileSync(file, String(process.resourceUsage().maxRSS / 1024)));
