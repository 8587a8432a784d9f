import { appendFileSync } from 'fs';
import * as path from 'path';

/** Where scripts/test-footprint.ts asks each test file to append its footprint (one JSON line per file). */
export const FOOTPRINT_FILE_ENV = 'TEST_FOOTPRINT_FILE';

/** What one test file cost the jest worker that ran it. */
export interface FileFootprint {
  readonly file: string;
  readonly cdkVersion: string;
  readonly worker: number;
  readonly tests: number;
  readonly milliseconds: number;
  /** Resident memory of the worker process when the file started and after its last hook. */
  readonly rssBefore: number;
  readonly rssAfter: number;
  readonly heapAfter: number;
}

/**
 * Registers hooks that record the running test file's duration and its worker's resident memory, when
 * scripts/test-footprint.ts asked for it; does nothing otherwise (jest's setupFilesAfterEnv runs it
 * before each test file).
 */
export function recordFootprint(): void {
  const log = process.env[FOOTPRINT_FILE_ENV];
  if (!log) {
    return;
  }
  const started = Date.now();
  const rssBefore = process.memoryUsage.rss();
  let tests = 0;
  afterEach(() => {
    tests += 1;
  });
  afterAll(() => {
    const footprint: FileFootprint = {
      file: path.relative(process.cwd(), expect.getState().testPath ?? 'unknown'),
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      cdkVersion: require('aws-cdk-lib/package.json').version,
      worker: Number(process.env.JEST_WORKER_ID ?? 0),
      tests,
      milliseconds: Date.now() - started,
      rssBefore,
      rssAfter: process.memoryUsage.rss(),
      heapAfter: process.memoryUsage().heapUsed,
    };
    appendFileSync(log, `${JSON.stringify(footprint)}\n`);
  });
}
