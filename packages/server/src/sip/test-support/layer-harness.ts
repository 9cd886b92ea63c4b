import { pino, type Logger } from 'pino';
import { TransactionLayer } from '../transaction/transaction-layer.js';
import type { ClientTransactionFailure, ClientTransactionHandlers, SipResponse, SipTimerValues, SipTransportName } from '../types.js';
import { ManualScheduler } from './manual-scheduler.js';
import { createMemoryTransportPair, type MemoryTransport, type MemoryWire } from './memory-transport.js';

/** What a client transaction told its TU, in order. */
export interface Recorded {
  provisional: number[];
  final: number[];
  failed: ClientTransactionFailure[];
  /** The last response passed up. */
  last: SipResponse | null;
}

/** Handlers that record what they are told. */
export function recordingHandlers(): ClientTransactionHandlers & { seen: Recorded } {
  const seen: Recorded = { provisional: [], final: [], failed: [], last: null };
  return {
    seen,
    provisional: (response) => {
      seen.provisional.push(response.status);
      seen.last = response;
    },
    final: (response) => {
      seen.final.push(response.status);
      seen.last = response;
    },
    failed: (failure) => seen.failed.push(failure),
  };
}

export interface Harness {
  scheduler: ManualScheduler;
  /** Side `a` (127.0.0.1) and side `b` (127.0.0.2) of the wire. */
  a: MemoryTransport;
  b: MemoryTransport;
  wire: MemoryWire;
  /** Makes a transaction layer over one side; responses go back to the request's source. */
  layer(side: MemoryTransport, log?: Logger): TransactionLayer;
  /** Warnings and errors logged by the layers, as parsed pino records. */
  warnings: Array<Record<string, unknown>>;
}

/** Two memory transports on one manual scheduler, with a factory for transaction layers over them. */
export function createHarness(options: { transport?: SipTransportName; timers?: Partial<SipTimerValues> } = {}): Harness {
  const scheduler = new ManualScheduler();
  const { a, b, wire } = createMemoryTransportPair({ scheduler, ...(options.transport ? { transport: options.transport } : {}) });
  const warnings: Array<Record<string, unknown>> = [];
  const log = pino({ level: 'warn' }, { write: (line: string) => warnings.push(JSON.parse(line) as Record<string, unknown>) });
  return {
    scheduler,
    a,
    b,
    wire,
    warnings,
    layer: (side, logger = log) =>
      new TransactionLayer({ transport: side, scheduler, log: logger, ...(options.timers ? { timers: options.timers } : {}), responseTarget: (_request, received) => received.source }),
  };
}
