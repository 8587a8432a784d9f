/**
 * Capacity: for each construct of the library, the largest N that synthesizes (a) in one stack, each with
 * its own key, (b) in one stack, all on one key, and (c) on one key, with the users spread over further
 * stacks, and the limit that stops N + 1.
 *
 * The verdict is the library's and aws-cdk-lib's own: the app is built and `app.synth()` runs its
 * validations (aws-cdk-lib refuses more than 500 resources in a stack; the library refuses policies above
 * IAM's and KMS's limits). The bench adds the two checks of deployment limits that neither makes at synth:
 * the 1 MB template and the 10 managed policies per role.
 *
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html
 * @see https://docs.aws.amazon.com/kms/latest/developerguide/resource-limits.html#key-policy-limit
 * @see https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { performance } from 'perf_hooks';
import { CloudFormationStackArtifact } from 'aws-cdk-lib/cx-api';
import { CAPACITY_CONSTRUCTS, CapacityAppSpec, Placement, capacityApp } from './apps/capacity';

/** Searches stop here: enough to show that a limit is far away. */
export const CAPACITY_CAPS = { perStack: 1_000, perKey: 2_000 };

/** CloudFormation's limits on one stack. */
const MAX_RESOURCES_PER_STACK = 500;
const MAX_TEMPLATE_BYTES = 1_000_000;
/** IAM's default quota; it can be raised to 20. */
const MAX_MANAGED_POLICIES_PER_ROLE = 10;

/** The limits a capacity search can end on, as the report names them. */
export const LIMITS = {
  resources: 'CloudFormation: 500 resources per stack',
  template: 'CloudFormation: 1 MB template body',
  managedPolicySize: 'IAM: 6,144 characters per managed policy',
  managedPoliciesPerRole: 'IAM: 10 managed policies per role',
  keyPolicy: 'KMS: 32,768-byte key policy',
  lambdaEnvironment: 'Lambda: 4 KB of environment variables',
};

/**
 * How each limit shows in the errors of `app.synth()`: aws-cdk-lib's `TooManyResourcesInStack`, and the
 * library's messages (src/private/managed-policy-size.ts, src/kms/private/managed-key-policy.ts,
 * src/secretsmanager/private/generic-rotation-function.ts). The patterns are loose on purpose: the numbers
 * may be written with or without thousands separators.
 */
const LIMIT_PATTERNS: Array<[keyof typeof LIMITS, RegExp]> = [
  ['resources', /Number of resources in stack .* is greater than allowed maximum/],
  ['managedPolicySize', /6,?144-character limit/],
  ['managedPoliciesPerRole', /managed polic(y|ies)\b.*\brole\b.*\b(10|20)\b|\b(10|20)\b.*managed polic(y|ies)\b.*\brole\b/i],
  ['keyPolicy', /32,?768-byte/],
  ['lambdaEnvironment', /4 KB of environment variables/],
  ['template', /template\b.*\b(1 MB|1,?000,?000)/i],
];

/** What one synth of a capacity app said. */
export interface Verdict {
  readonly fits: boolean;
  /** When it does not fit: the limits its errors name, and the errors themselves (first lines). */
  readonly limits: string[];
  readonly problems: string[];
  /** When it fits: the most resources and template bytes of any stack. */
  readonly resources?: number;
  readonly templateBytes?: number;
}

/** The largest N of one construct in one placement. */
export interface CapacityResult {
  readonly construct: string;
  readonly placement: Placement;
  /** Undefined when the construct takes no key, so the placement does not apply. */
  readonly largest?: number;
  /** The limit that stops `largest + 1`, or `none up to <cap>`. */
  readonly limit: string;
  /** The errors at the smallest N that does not fit (first lines). */
  readonly problems: string[];
  /** For {@link Placement.PER_KEY}: users per stack (the capacity of one stack on a shared key). */
  readonly perStack?: number;
  /** At `largest`: the most resources and template bytes of any stack. */
  readonly resources?: number;
  readonly templateBytes?: number;
  /** Synths the search took. */
  readonly probes: number;
  readonly ms: number;
}

export interface Capacity {
  readonly results: CapacityResult[];
  readonly caps: typeof CAPACITY_CAPS;
  /** Whether aws-cdk-lib's CloudFormation validation confirmed each largest N (it is off while searching). */
  readonly cfnValidationConfirmed: boolean;
  readonly ms: number;
}

/**
 * Measures every construct in every placement. The search runs without aws-cdk-lib's built-in
 * CloudFormation validation, which takes most of a synth and can only add errors; with `cfnValidation`,
 * the largest N found is synthesized once more with it, and the search goes on below if it fails there.
 */
export function measureCapacity(cfnValidation: boolean): Capacity {
  const start = performance.now();
  const results = Object.keys(CAPACITY_CONSTRUCTS).flatMap((construct) => {
    const { onKey, spreadsOverStacks } = CAPACITY_CONSTRUCTS[construct];
    return [
      measureOne(construct, Placement.OWN_KEYS, cfnValidation),
      onKey ? measureOne(construct, Placement.SHARED_KEY, cfnValidation) : notApplicable(construct, Placement.SHARED_KEY, 'takes no key'),
      !onKey ? notApplicable(construct, Placement.PER_KEY, 'takes no key')
        : spreadsOverStacks === false ? notApplicable(construct, Placement.PER_KEY, 'defines no resource of its own: as on a shared key')
          : measureOne(construct, Placement.PER_KEY, cfnValidation),
    ];
  });
  return { results, caps: CAPACITY_CAPS, cfnValidationConfirmed: cfnValidation, ms: Math.round(performance.now() - start) };
}

function notApplicable(construct: string, placement: Placement, reason: string): CapacityResult {
  return { construct, placement, limit: reason, problems: [], probes: 0, ms: 0 };
}

/**
 * One construct in one placement. Per key, the users first go into one stack; unless the key's policy
 * stops them there, they are then spread over stacks of as many as fit in one. Those stacks differ from
 * the first only in names of the same length, so aws-cdk-lib's CloudFormation validation, which checks
 * each template on its own, is not run again on them.
 */
function measureOne(construct: string, placement: Placement, cfnValidation: boolean): CapacityResult {
  const start = performance.now();
  const inOneStack = new Search({ construct, placement }, CAPACITY_CAPS.perStack, cfnValidation);
  const keyBound = inOneStack.above?.limits.every((limit) => limit === LIMITS.keyPolicy) ?? false;
  const search = placement !== Placement.PER_KEY || keyBound || inOneStack.largest === 0
    ? inOneStack
    : new Search({ construct, placement, perStack: inOneStack.largest }, CAPACITY_CAPS.perKey, false);
  return {
    construct,
    placement,
    largest: search.largest,
    limit: search.above ? search.above.limits.join(' and ') : `none up to ${search.cap.toLocaleString('en-US')}`,
    problems: search.above?.problems ?? [],
    perStack: placement === Placement.PER_KEY ? inOneStack.largest : undefined,
    resources: search.atLargest?.resources,
    templateBytes: search.atLargest?.templateBytes,
    probes: inOneStack.probes + (search === inOneStack ? 0 : search.probes),
    ms: Math.round(performance.now() - start),
  };
}

/**
 * The largest count of an app that synthesizes, up to `cap`. In one stack the search starts at the most
 * instances 500 resources leave room for (from the resources of 1 and 2 instances), and doubles while
 * counts fit; spread over stacks of `perStack` (which fit), it starts at the cap, as a key's policy should
 * not grow with its users. Then it bisects.
 */
class Search {
  public readonly largest: number;
  /** The verdict at `largest + 1`; undefined when `largest` is the cap. */
  public readonly above?: Verdict;
  public readonly atLargest?: Verdict;
  private readonly verdicts = new Map<string, Verdict>();

  constructor(private readonly spec: Omit<CapacityAppSpec, 'count'>, public readonly cap: number, cfnValidation: boolean) {
    const fast = (count: number) => this.verdictAt(count, false);
    let found = spec.perStack !== undefined ? largestFitting(fast, cap, cap, (n) => n, spec.perStack) : searchInOneStack(fast, cap);
    if (cfnValidation && found.largest > 0 && !this.verdictAt(found.largest, true).fits) {
      found = largestFitting((count) => this.verdictAt(count, true), found.largest - 1, found.largest - 1, (n) => n + 1);
    }
    this.largest = found.largest;
    this.above = found.above;
    this.atLargest = this.verdicts.get(`${found.largest} ${cfnValidation}`) ?? this.verdicts.get(`${found.largest} false`);
  }

  /** Synths made. */
  public get probes(): number {
    return this.verdicts.size;
  }

  private verdictAt(count: number, cfnValidation: boolean): Verdict {
    const id = `${count} ${cfnValidation}`;
    if (!this.verdicts.has(id)) {
      this.verdicts.set(id, synthVerdict({ ...this.spec, count }, cfnValidation));
    }
    return this.verdicts.get(id)!;
  }
}

function searchInOneStack(verdictAt: (count: number) => Verdict, cap: number): Found {
  const bound = resourceBound(verdictAt);
  return bound === undefined
    ? largestFitting(verdictAt, cap, 4, (n) => 2 * n)
    : largestFitting(verdictAt, cap, bound, (n) => n === bound ? n + 1 : 2 * n);
}

/**
 * The most instances a stack has room for under 500 resources, from the resources of stacks with 1 and 2
 * instances; undefined when an instance adds no resource (or 1 instance does not fit).
 */
function resourceBound(verdictAt: (count: number) => Verdict): number | undefined {
  const [one, two] = [verdictAt(1), verdictAt(2)];
  if (!one.fits || !two.fits) {
    return undefined;
  }
  const perInstance = two.resources! - one.resources!;
  return perInstance > 0 ? 1 + Math.floor((MAX_RESOURCES_PER_STACK - one.resources!) / perInstance) : undefined;
}

interface Found {
  readonly largest: number;
  /** The verdict at `largest + 1`; undefined when `largest` is the cap. */
  readonly above?: Verdict;
}

/**
 * The largest count up to `cap` that fits, assuming that a count fits when a larger one does: probes
 * `first`, then `next(n)` while counts fit, then bisects between the largest that fits (at least
 * `fits`) and the smallest that does not.
 */
function largestFitting(verdictAt: (count: number) => Verdict, cap: number, first: number, next: (count: number) => number, fits = 0): Found {
  let largest = fits;
  let above: { count: number; verdict: Verdict } | undefined;
  for (let count = Math.min(first, cap); count > largest; count = Math.min(cap, next(count))) {
    const verdict = verdictAt(count);
    if (!verdict.fits) {
      above = { count, verdict };
      break;
    }
    largest = count;
  }
  while (above && above.count - largest > 1) {
    const count = Math.floor((largest + above.count) / 2);
    const verdict = verdictAt(count);
    if (verdict.fits) {
      largest = count;
    } else {
      above = { count, verdict };
    }
  }
  return { largest, above: above?.verdict };
}

/** Builds and synthesizes one capacity app; a construct that refuses its props counts as not fitting. */
export function synthVerdict(spec: CapacityAppSpec, cfnValidation: boolean): Verdict {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-capacity-'));
  // aws-cdk-lib prints its validation report (such as its template-size warning) on every synth; the bench
  // checks those limits itself.
  const printError = console.error;
  console.error = () => undefined;
  try {
    const assembly = capacityApp(spec, outdir, cfnValidation).synth();
    return deploymentVerdict(assembly.stacks);
  } catch (error) {
    return refused(error instanceof Error ? error.message : String(error));
  } finally {
    console.error = printError;
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

/** The limits aws-cdk-lib and the library do not check at synth, on the synthesized templates. */
function deploymentVerdict(stacks: CloudFormationStackArtifact[]): Verdict {
  const templateBytes = Math.max(...stacks.map((stack) => fs.statSync(stack.templateFullPath).size));
  const policiesPerRole = Math.max(...stacks.map((stack) => mostManagedPoliciesOfARole(stack.template)));
  const resources = Math.max(...stacks.map((stack) => Object.keys(stack.template.Resources ?? {}).length));
  const problems = [
    ...templateBytes > MAX_TEMPLATE_BYTES ? [`bench: a template is ${templateBytes} bytes, above CloudFormation's ${MAX_TEMPLATE_BYTES}`] : [],
    ...policiesPerRole > MAX_MANAGED_POLICIES_PER_ROLE ? [`bench: a role has ${policiesPerRole} managed policies, above IAM's ${MAX_MANAGED_POLICIES_PER_ROLE}`] : [],
  ];
  if (problems.length > 0) {
    return {
      fits: false,
      limits: [
        ...templateBytes > MAX_TEMPLATE_BYTES ? [LIMITS.template] : [],
        ...policiesPerRole > MAX_MANAGED_POLICIES_PER_ROLE ? [LIMITS.managedPoliciesPerRole] : [],
      ],
      problems,
    };
  }
  return { fits: true, limits: [], problems: [], resources, templateBytes };
}

/**
 * The most managed policies attached to one role of a template: those the role lists, and the stack's
 * managed policies that name the role.
 */
function mostManagedPoliciesOfARole(template: { Resources?: Record<string, { Type: string; Properties?: any }> }): number {
  const counts = new Map<string, number>();
  const add = (role: string, count: number) => counts.set(role, (counts.get(role) ?? 0) + count);
  for (const [logicalId, resource] of Object.entries(template.Resources ?? {})) {
    if (resource.Type === 'AWS::IAM::Role' && Array.isArray(resource.Properties?.ManagedPolicyArns)) {
      add(logicalId, resource.Properties.ManagedPolicyArns.length);
    }
    if (resource.Type === 'AWS::IAM::ManagedPolicy' && Array.isArray(resource.Properties?.Roles)) {
      // A role of the stack is named by a `Ref` to its logical id.
      resource.Properties.Roles.forEach((role: any) => add(typeof role?.Ref === 'string' ? role.Ref : JSON.stringify(role), 1));
    }
  }
  return Math.max(0, ...counts.values());
}

/** A synth error, with the limits it names ("other" for an error that names none). */
function refused(message: string): Verdict {
  const problems = errorLines(message);
  const limits = LIMIT_PATTERNS.filter(([, pattern]) => problems.some((problem) => pattern.test(problem))).map(([limit]) => LIMITS[limit]);
  return { fits: false, limits: limits.length > 0 ? limits : [`other: ${problems[0]}`], problems };
}

/** The errors of a synth error's message, one line each, without aws-cdk-lib's preamble. */
function errorLines(message: string): string[] {
  const lines = message.split('\n').map((line) => line.trim())
    .filter((line) => line.length > 0 && !/^(Validation failed|A copy of this report|Acknowledge with)|:\d+:\d+$/.test(line));
  return (lines.length > 0 ? lines : [message]).map((line) => line.length > 400 ? `${line.slice(0, 400)}…` : line);
}
