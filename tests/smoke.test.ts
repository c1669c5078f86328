import { expect, test } from 'vitest';
test('placeholder replaced soon', () => expect(1).toBe(1));
