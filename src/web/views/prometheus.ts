/** One sample of a metric: its labels and value. */
export interface Sample {
  /** `_bucket`, `_sum`, `_count` for a histogram's parts. */
  suffix?: string;
  labels?: Record<string, string | number>;
  value: number;
}

/** A metric family: name, help text, type, samples. */
export interface Metric {
  name: string;
  help: string;
  type: 'counter' | 'gauge' | 'histogram';
  samples: Sample[];
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function labels(values: Record<string, string | number> | undefined): string {
  const entries = Object.entries(values ?? {});
  return entries.length === 0 ? '' : `{${entries.map(([key, value]) => `${key}="${escapeLabel(String(value))}"`).join(',')}}`;
}

/** Metrics in the Prometheus text exposition format (version 0.0.4). Pure. */
export function formatPrometheus(metrics: Metric[]): string {
  const lines: string[] = [];
  for (const metric of metrics) {
    lines.push(`# HELP ${metric.name} ${metric.help.replace(/\n/g, ' ')}`);
    lines.push(`# TYPE ${metric.name} ${metric.type}`);
    for (const sample of metric.samples) {
      lines.push(`${metric.name}${sample.suffix ?? ''}${labels(sample.labels)} ${Number.isFinite(sample.value) ? sample.value : 0}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** Buckets of a histogram of seconds, with the running sum and count. */
export class Histogram {
  private readonly counts: number[];
  private sum = 0;
  private count = 0;

  constructor(readonly bounds: readonly number[] = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60]) {
    this.counts = bounds.map(() => 0);
  }

  observe(value: number): void {
    this.sum += value;
    this.count += 1;
    this.bounds.forEach((bound, index) => {
      if (value <= bound) this.counts[index] = (this.counts[index] ?? 0) + 1;
    });
  }

  samples(): Sample[] {
    return [
      ...this.bounds.map((bound, index) => ({ suffix: '_bucket', labels: { le: String(bound) }, value: this.counts[index] ?? 0 })),
      { suffix: '_bucket', labels: { le: '+Inf' }, value: this.count },
      { suffix: '_sum', value: this.sum },
      { suffix: '_count', value: this.count },
    ];
  }
}
