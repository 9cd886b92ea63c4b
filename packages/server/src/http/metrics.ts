import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * `/metrics` in the Prometheus text format, through prom-client.
 *
 * Two registries, because the facts have two lifetimes:
 * - the process's own (RSS, heap, event-loop lag, GC, handles: prom-client's default collectors)
 *   belong to the process, and those collectors start timers and observers that cannot be
 *   stopped. They are collected once per process, on first use, into a registry of their own.
 * - each server's Cloud API counters live in that server's registry, so several servers in one
 *   process (as in tests) never share or leak series. prom-client's global registry is not used.
 *
 * Labels are bounded: actions come from the official client's list (else `unknown`), codes from
 * the registry.
 */
const BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

let processRegistry: Registry | null = null;

function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

export class Metrics {
  private readonly registry = new Registry();
  private readonly requests: Counter<'action' | 'code'>;
  private readonly duration: Histogram<'action' | 'code'>;

  constructor() {
    const startedAt = Date.now();
    const registers = [this.registry];
    this.requests = new Counter({ name: 'openccc_cloudapi_requests_total', help: 'Cloud API requests by action and result code.', labelNames: ['action', 'code'], registers });
    this.duration = new Histogram({
      name: 'openccc_cloudapi_request_duration_seconds',
      help: 'Cloud API request latency.',
      labelNames: ['action', 'code'],
      buckets: BUCKETS,
      registers,
    });
    new Gauge({
      name: 'openccc_process_uptime_seconds',
      help: 'Seconds since the server started.',
      registers,
      collect() {
        this.set((Date.now() - startedAt) / 1000);
      },
    });
    processMetrics();
  }

  /** Counts one Cloud API answer and its latency. */
  observe(action: string, code: string, seconds: number): void {
    const labels = { action, code };
    this.requests.inc(labels);
    this.duration.observe(labels, seconds);
  }

  /** The Content-Type of `render()`'s text. */
  get contentType(): string {
    return this.registry.contentType;
  }

  /** The process's and this server's series, in the text exposition format. */
  async render(): Promise<string> {
    const [own, process] = await Promise.all([this.registry.metrics(), processMetrics().metrics()]);
    return `${own}\n${process}`;
  }
}
