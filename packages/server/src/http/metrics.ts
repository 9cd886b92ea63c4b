/**
 * Prometheus text exposition for Cloud API traffic: a counter and a latency
 * histogram labelled by action and result code. Labels are bounded: actions
 * come from the official client's list (else `unknown`), codes from the registry.
 */
const BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

interface Series {
  count: number;
  sum: number;
  buckets: number[];
}

export class Metrics {
  private readonly series = new Map<string, Series>();
  private readonly startedAt = Date.now();

  observe(action: string, code: string, seconds: number): void {
    const key = `action="${action}",code="${code}"`;
    let s = this.series.get(key);
    if (!s) {
      s = { count: 0, sum: 0, buckets: BUCKETS.map(() => 0) };
      this.series.set(key, s);
    }
    s.count += 1;
    s.sum += seconds;
    for (let i = 0; i < BUCKETS.length; i++) if (seconds <= (BUCKETS[i] as number)) s.buckets[i] = (s.buckets[i] as number) + 1;
  }

  render(): string {
    const lines: string[] = [
      '# HELP openccc_cloudapi_requests_total Cloud API requests by action and result code.',
      '# TYPE openccc_cloudapi_requests_total counter',
    ];
    for (const [labels, s] of this.series) lines.push(`openccc_cloudapi_requests_total{${labels}} ${s.count}`);
    lines.push('# HELP openccc_cloudapi_request_duration_seconds Cloud API request latency.', '# TYPE openccc_cloudapi_request_duration_seconds histogram');
    for (const [labels, s] of this.series) {
      BUCKETS.forEach((le, i) => lines.push(`openccc_cloudapi_request_duration_seconds_bucket{${labels},le="${le}"} ${s.buckets[i]}`));
      lines.push(`openccc_cloudapi_request_duration_seconds_bucket{${labels},le="+Inf"} ${s.count}`);
      lines.push(`openccc_cloudapi_request_duration_seconds_sum{${labels}} ${s.sum}`);
      lines.push(`openccc_cloudapi_request_duration_seconds_count{${labels}} ${s.count}`);
    }
    lines.push(
      '# HELP openccc_process_uptime_seconds Seconds since the server started.',
      '# TYPE openccc_process_uptime_seconds gauge',
      `openccc_process_uptime_seconds ${(Date.now() - this.startedAt) / 1000}`,
    );
    return `${lines.join('\n')}\n`;
  }
}
