import { CfnResource, Stack } from 'aws-cdk-lib';
import { SynthesizedApp, TemplateResource } from '../../checks/private/assembly';
import { renderedTemplate } from '../../private/invariants';

/** An app with no templates: references to other resources stay unresolved, literal values are judged. */
const NO_TEMPLATES = new SynthesizedApp();

/**
 * An L1 as EncryptionChecks' rules see a synthesized resource, before synthesis: its properties resolved,
 * alone in a template of its own. A rule can then judge literal values (no key, an AWS managed alias);
 * a reference to a key of the app is "could not be checked" here, and judged again on the synthesized app.
 */
export function asTemplateResource(resource: CfnResource): { readonly resource: TemplateResource; readonly app: SynthesizedApp } {
  const stack = Stack.of(resource);
  const template = renderedTemplate(resource);
  const [logicalId, rendered] = Object.entries(template.Resources ?? {})[0] ?? [stack.resolve(resource.logicalId), {}];
  const properties = rendered.Properties ?? {};
  return {
    resource: { logicalId, type: resource.cfnResourceType, properties, stack: { templatePath: stack.templateFile, template } },
    app: NO_TEMPLATES,
  };
}
