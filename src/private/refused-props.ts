/**
 * A prop of an aws-cdk-lib base class that the library's subclass does not take: the values it accepts
 * (those that say what the subclass always does) and why it refuses the others. JavaScript callers, spread
 * base props and jsii languages may pass it; a refused value fails, naming the prop, instead of being ignored.
 */
export interface RefusedProp {
  /** Values that describe what the subclass always does; passing them is harmless. @default none */
  readonly accepts?: (value: unknown) => boolean;
  readonly reason: string;
}

/** One problem per refused prop passed with a value the table does not accept. */
export function refusedPropProblems(kind: string, props: object, refused: Record<string, RefusedProp>): string[] {
  return Object.entries(props)
    .filter(([name, value]) => value !== undefined && Object.prototype.hasOwnProperty.call(refused, name))
    .filter(([name, value]) => !(refused[name].accepts?.(value) ?? false))
    .map(([name, value]) => `\`${name}\` is not available on ${kind}, got ${describe(value)}: ${refused[name].reason}.`);
}

/** A value for a message, without echoing what it holds (a secret value, a policy document). */
function describe(value: unknown): string {
  if (typeof value === 'object' && value !== null) {
    return `a ${value.constructor.name === 'Object' ? 'value' : value.constructor.name}`;
  }
  return typeof value === 'string' ? 'a string' : JSON.stringify(value);
}
