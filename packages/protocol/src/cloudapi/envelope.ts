/** Every Cloud API answer: HTTP 200 and one of these two bodies. */
export interface SuccessEnvelope<T extends object = Record<string, unknown>> {
  Response: T & { RequestId: string };
}

export interface ErrorEnvelope {
  Response: { Error: { Code: string; Message: string }; RequestId: string };
}

export type CloudApiEnvelope = SuccessEnvelope | ErrorEnvelope;

/** The only service and version OpenCCC's Cloud API speaks. */
export const CLOUD_API_SERVICE = 'ccc';
export const CLOUD_API_VERSION = '2020-02-10';
