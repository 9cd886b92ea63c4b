/** The distributor (ACD): a pure core the call engine feeds events and whose commands it carries out. */
export { Distributor, type DistributorOptions } from './distributor.js';
export { InMemoryAcdState, type AcdState, type AgentRecord, type CallRecord, type LastSeat, type NewTimer, type TimerRecord } from './acd-state.js';
export { assertCallMove, type CallPhase, type LiveCallPhase } from './call-state.js';
export { assertAgentMove, type AgentPhase } from './agent-state.js';
export { AcdStateError } from './errors.js';
export { defaultGroupSettings, routePolicyFromTccc, toPriority, DEFAULT_LAST_SEAT_CAPACITY, DEFAULT_UTC_OFFSET_MINUTES } from './defaults.js';
export type * from './types.js';
