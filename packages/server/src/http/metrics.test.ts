import { register as globalRegistry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { Metrics } from './metrics.js';

/** The value of the first sample line of `name` with exactly these labels (`''` for none), or undefined. */
function sample(text: string, name: string, labels = ''): number | undefined {
  const prefix = labels ? `${name}{${labels}} ` : `${name} `;
  const line = text.split('\n').find((l) => l.startsWith(prefix));
  return line === undefined ? undefined : Number(line.slice(prefix.length));
}

describe('Metrics', () => {
  it('shows process memory, heap and event-loop lag before any request was counted', async () => {
    const text = await new Metrics().render();
    expect(sample(text, 'process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(sample(text, 'nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
    expect(sample(text, 'nodejs_heap_size_total_bytes')).toBeGreaterThan(0);
    expect(text).toMatch(/^nodejs_eventloop_lag_seconds \S+$/m);
    expect(text).toMatch(/^nodejs_eventloop_lag_p99_seconds \S+$/m);
    expect(sample(text, 'openccc_process_uptime_seconds')).toBeGreaterThanOrEqual(0);
    expect(text).toContain('# TYPE openccc_cloudapi_requests_total counter');
    expect(text).toContain('# TYPE openccc_cloudapi_request_duration_seconds histogram');
  });

  it('counts requests by action and code, with a latency histogram on the same labels', async () => {
    const metrics = new Metrics();
    metrics.observe('CreateSDKLoginToken', 'OK', 0.003);
    metrics.observe('CreateSDKLoginToken', 'OK', 0.2);
    metrics.observe('unknown', 'InvalidAction', 0);
    const text = await metrics.render();
    expect(sample(text, 'openccc_cloudapi_requests_total', 'action="CreateSDKLoginToken",code="OK"')).toBe(2);
    expect(sample(text, 'openccc_cloudapi_requests_total', 'action="unknown",code="InvalidAction"')).toBe(1);
    expect(sample(text, 'openccc_cloudapi_request_duration_seconds_count', 'action="CreateSDKLoginToken",code="OK"')).toBe(2);
    expect(sample(text, 'openccc_cloudapi_request_duration_seconds_sum', 'action="CreateSDKLoginToken",code="OK"')).toBeCloseTo(0.203);
    expect(sample(text, 'openccc_cloudapi_request_duration_seconds_bucket', 'le="0.005",action="CreateSDKLoginToken",code="OK"')).toBe(1);
    expect(sample(text, 'openccc_cloudapi_request_duration_seconds_bucket', 'le="+Inf",action="CreateSDKLoginToken",code="OK"')).toBe(2);
  });

  it('keeps each server’s counters to itself, and leaves prom-client’s global registry empty', async () => {
    const first = new Metrics();
    const second = new Metrics();
    first.observe('DeleteStaff', 'OK', 0.01);
    expect(sample(await first.render(), 'openccc_cloudapi_requests_total', 'action="DeleteStaff",code="OK"')).toBe(1);
    expect(sample(await second.render(), 'openccc_cloudapi_requests_total', 'action="DeleteStaff",code="OK"')).toBeUndefined();
    expect(await globalRegistry.getMetricsAsJSON()).toEqual([]);
  });

  it('renders the Prometheus text Content-Type', () => {
    expect(new Metrics().contentType).toBe('text/plain; version=0.0.4; charset=utf-8');
  });
});
