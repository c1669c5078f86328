import { Text } from './text.js';

/** A horizontal bar, `fraction` full; the colour says how full at a glance. */
export function Bar({ fraction, width = 10, color }: { fraction: number; width?: number; color?: string }) {
  const clamped = Number.isFinite(fraction) ? Math.min(1, Math.max(0, fraction)) : 0;
  const filled = Math.round(clamped * width);
  // A sliver left still shows: "almost empty" and "empty" are different news.
  const shown = clamped > 0 && filled === 0 ? 1 : filled;
  return (
    <Text>
      <Text {...(color ? { color } : {})}>{'█'.repeat(shown)}</Text>
      <Text dimColor>{'░'.repeat(width - shown)}</Text>
    </Text>
  );
}

/** Green with plenty left, yellow when low, red when nearly gone. */
export function levelColor(fraction: number): string {
  if (fraction > 0.5) return 'green';
  if (fraction > 0.2) return 'yellow';
  return 'red';
}
