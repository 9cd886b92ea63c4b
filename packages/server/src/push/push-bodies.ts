import { isRecord } from '@openccc/protocol';
import type { TelCdrInfo } from 'tencentcloud-sdk-nodejs/tencentcloud/services/ccc/v20200210/ccc_models.js';
import { recordedSession, withRecordingUrls, type RecordingLinks } from '../calls/recording-links.js';
import type { PushAction } from '../store/ports.js';

/** TCCC's `record` push: one per recorded call. */
export interface RecordPushBody {
  SdkAppId: number;
  RecordId: string;
  SessionId: string;
  /** When the call (and so its recording) ended, unix seconds. */
  Timestamp: number;
  /** The agent whose call it was (their mail, TCCC's user id); empty when none served it. */
  EndpointUser: string;
  /** A signed download link, valid for the recording links' lifetime from the moment it was sent. */
  RecordURL: string;
}

/** TCCC's `cdr` push: the session's TelCdrInfo with the instance. */
export type CdrPushBody = TelCdrInfo & { SdkAppId: number };

/** Signs recording links at the moment a push is sent, so that every attempt carries a fresh one. */
export interface RecordingSigner {
  /** The server's recording links; undefined when it serves none. */
  links: () => RecordingLinks | undefined;
  publicUrl: () => string;
}

/** The stored record behind a push; throws when the payload is not one (the outbox row was damaged). */
export function parsePayload(payload: string): TelCdrInfo & { SessionId: string } {
  const value: unknown = JSON.parse(payload);
  if (!isRecord(value) || typeof value['SessionId'] !== 'string') throw new Error('The push payload is not a call record.');
  // Written by the outbox from a typed record; checked above for what the bodies rely on.
  return value as unknown as TelCdrInfo & { SessionId: string };
}

/** The JSON body of a push of `action`, built from the stored call record. */
export function pushBody(action: PushAction, sdkAppId: number, record: TelCdrInfo & { SessionId: string }, signer: RecordingSigner): CdrPushBody | RecordPushBody {
  const links = signer.links();
  if (action === 'cdr') return { ...withRecordingUrls(record, sdkAppId, links, signer.publicUrl()), SdkAppId: sdkAppId };
  const ref = recordedSession(record, sdkAppId);
  return {
    SdkAppId: sdkAppId,
    RecordId: record.RecordId ?? record.SessionId,
    SessionId: record.SessionId,
    Timestamp: record.EndedTimestamp ?? record.StartTimestamp ?? record.Time ?? 0,
    EndpointUser: record.SeatUser?.Mail ?? '',
    RecordURL: ref && links ? links.url(signer.publicUrl(), ref) : '',
  };
}
