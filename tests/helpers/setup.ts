import { afterEach } from 'vitest';
import { removeTempDirs } from './temp-dirs.js';

// Every test file's setup (vitest.config.ts setupFiles): kept tiny, since it runs before each file.
afterEach(removeTempDirs);
