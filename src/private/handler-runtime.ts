/**
 * What both bundled handlers (SecureString custom resource, generic rotation) share about running in
 * Lambda: how their SDK clients retry and time out, and how long to back off. No imports, so the
 * handler bundles do not pull in aws-cdk-lib.
 */

/**
 * SDK client options: adaptive retry (exponential backoff with jitter plus client-side rate limiting once
 * throttled), which is AWS's guidance for Parameter Store's and KMS's request quotas, with more attempts
 * than the default 3 because a stack creates dozens of parameters in parallel; and per-attempt timeouts, so
 * a hung connection is retried instead of using up the function's time.
 *
 * In @smithy/node-http-handler 4.x (4.14 here) `requestTimeout` alone only logs a warning once exceeded, and
 * the call waits on: `throwOnRequestTimeout` makes the attempt fail with a TimeoutError, which the SDK
 * retries as a transient error. Older versions, which took `requestTimeout` as a socket idle timeout that
 * fails the attempt, ignore the option.
 * @see https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html
 * @see https://docs.aws.amazon.com/kms/latest/developerguide/throttling.html
 * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/parameter-store-throughput.html
 * @see https://docs.aws.amazon.com/sdk-for-javascript/v3/developer-guide/node-configuring-maxsockets.html
 * @see https://github.com/smithy-lang/smithy-typescript/blob/main/packages/node-http-handler/src/set-request-timeout.ts
 * @see https://github.com/aws/aws-sdk-js-v3/blob/main/UPGRADING.md
 */
export const SDK_CLIENT_OPTIONS = {
  retryMode: 'adaptive',
  maxAttempts: 10,
  requestHandler: { connectionTimeout: 3_000, requestTimeout: 10_000, throwOnRequestTimeout: true },
} as const;

/** Waits `millis` milliseconds. */
export function sleep(millis: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, millis));
}

/** Exponential backoff with full jitter: a random wait below `base * 2^attempt`, at most `cap`. */
export function backoffMillis(attempt: number, base = 500, cap = 8_000): number {
  return Math.random() * Math.min(cap, base * 2 ** attempt);
}
