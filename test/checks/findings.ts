import { App, Aspects, AspectPriority, Stack } from 'aws-cdk-lib';
import { EncryptionChecks, EncryptionChecksProps } from '../../src/checks';
import { testApp, testStack } from '../util/app';

/** One annotation an `EncryptionChecks` rule added. */
export interface Finding {
  readonly ruleId: string;
  readonly level: 'error' | 'warning';
  /** Construct path of the resource. */
  readonly path: string;
  readonly message: string;
}

/**
 * Applies `EncryptionChecks` to the app and returns what its rules report, anywhere in the app.
 * Error annotations make synthesis fail, so the findings are read from the construct tree's metadata.
 */
export function findingsOf(app: App, props?: EncryptionChecksProps): Finding[] {
  Aspects.of(app).add(new EncryptionChecks(props), { priority: AspectPriority.READONLY });
  // The CDK prints the validation report of a failed synthesis; the findings are what tests assert on.
  const log = jest.spyOn(console, 'error').mockImplementation(() => undefined);
  try {
    app.synth();
  } catch (error) {
    if (!/ValidationFailed/.test(String(error))) {
      throw error;
    }
  } finally {
    log.mockRestore();
  }
  return app.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === 'aws:cdk:error' || entry.type === 'aws:cdk:warning')
      .map((entry) => parse(entry.type === 'aws:cdk:error' ? 'error' : 'warning', construct.node.path, String(entry.data))),
  ).filter((finding): finding is Finding => finding !== undefined);
}

/** A stack in a fresh app, built by `build`, and what the checks report on it. */
export function check(build: (stack: Stack, app: App) => void, props?: EncryptionChecksProps): Finding[] {
  const app = testApp();
  const stack = testStack('Stack', {}, app);
  build(stack, app);
  return findingsOf(app, props);
}

function parse(level: 'error' | 'warning', path: string, data: string): Finding | undefined {
  const match = level === 'error' ? /^\[([^\]]+)\] (.*)$/s.exec(data) : /^(.*) \[ack: ([^\]]+)\]$/s.exec(data);
  if (!match) {
    return undefined;
  }
  const [ruleId, message] = level === 'error' ? [match[1], match[2]] : [match[2], match[1]];
  return EncryptionChecks.RULE_IDS.includes(ruleId) ? { ruleId, level, path, message } : undefined;
}
